"""What every measure row carries beside its numbers: which cells were read, and where they came from.

A cell that was not read (a row or table missing from the report, a cell whose text is not a
number, a row the reader marks ``missing``) is unknown, never 0. The cells a report should
print are the codebook's rows and columns of its template (``2019`` or ``2021``; rows shared by
both when the template is not known); a needed cell absent from the report or still missing
after the blank-cell rule (:mod:`toolkit.validation.blanks`: a printed blank in a table that
prints numbers counts as 0, so it is not missing) makes every figure that needs it missing.

Every measure row carries these columns (declared in ``toolkit/data/fields.csv``, frame
``measures``), so a chart, a caption or an export reads the facts from the rows it shows:

- ``complete``: every cell the row needs was read (a pooled row: no report was skipped);
- ``n_missing_cells`` and ``missing_cells``: the needed cells not read (``table/row/column``,
  ``; ``-separated; a pooled row names the skipped reports: ``agency year: cells``);
- ``n_skipped``: reports left out of a sum because they lack a needed cell;
- ``n_excluded``: reports left out by the scope rule (aggregates when summing members);
- ``scope_rule``: ``members``, ``aggregates`` or ``all``, what was summed;
- ``pooled``: the row sums several agencies;
- ``by``: the columns naming one row (``|``-separated);
- ``synthetic``: True / False, missing when mixed or not known (captions then say "source unknown");
- ``publisher``: the site every report of the row was published on, missing when they differ or
  are not known;
- ``sources``: JSON, one object per report behind the row (agency_id, agency, year, file, sha256,
  URL, whether it was counted, the cells used with their location and value).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from toolkit import codebook as cb

SCOPES = ("members", "aggregates", "all")
AGGREGATE_SCOPE = "region_aggregate"
#: Columns every measure row carries after its numbers, in this order.
FACT_COLUMNS = ("complete", "n_missing_cells", "missing_cells", "n_skipped", "n_excluded", "scope_rule", "pooled", "by",
                "synthetic", "publisher", "sources")
#: What is kept of each report for its row's ``sources``.
REPORT_FIELDS = ("report_id", "agency_id", "agency", "year", "source_file", "source_sha256", "source_url")
INCOMPLETE = ("skip", "propagate")


@cache
def expected(table: str, axis: str, template: str | None) -> frozenset[str]:
    """The keys of one axis a report of ``template`` prints (shared rows only when it is not 2019/2021).

    Examples:
        >>> "other_total" in expected("requests", "row", "2019"), "other_total" in expected("requests", "row", "2021")
        (True, False)
        >>> "other_total" in expected("requests", "row", None), "total_processed" in expected("requests", "row", None)
        (False, True)
    """
    t = template if template in ("2019", "2021") else None
    df = cb.entries(table, axis)
    return frozenset(k for k, tf in zip(df["key"], df["template"]) if tf == "both" or tf == t)


def cell_id(table: str, row: str, column: str) -> str:
    return f"{table}/{row}/{column}"


def per_report(by: Sequence[str]) -> bool:
    return "agency" in by or "report_id" in by or "source_file" in by or "agency_id" in by


def resolve_scope(by: Sequence[str], scope: str | None) -> str:
    scope = scope if scope is not None else ("all" if per_report(by) else "members")
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    if scope == "all" and not per_report(by):
        raise ValueError(
            "scope='all' with by=" + repr(tuple(by)) + " would add region_aggregate reports to their own "
            "members; use scope='members' (agencies) or scope='aggregates' (the aggregate reports)")
    return scope


def publisher_of(url) -> str:
    """The host a report was published on, from its URL ('' when not known).

    Examples:
        >>> publisher_of("https://www.pingtan.gov.cn/zwgk/x.htm"), publisher_of(None)
        ('www.pingtan.gov.cn', '')
    """
    if not isinstance(url, str) or not url.strip():
        return ""
    return urlparse(url.strip()).netloc


def read_cells(c: pd.DataFrame, table: str, axis: str, keys: Sequence[str], at: str) -> pd.DataFrame:
    """Per report: which of ``keys`` (on ``axis``, at column/row ``at``) were read, and the trace of each.

    Returns one row per report (index ``report_id``): ``_missing`` (tuple of cell ids expected by
    the report's template and not read), ``_trace`` (tuple of ``(table, row, column, location,
    value, status)``) and a boolean ``_miss_<key>`` per key.
    """
    other = "column" if axis == "row" else "row"
    sub = c[c["table"].astype(str) == table]
    templates = sub.groupby("report_id", sort=False, observed=True)["template"].first() if "template" in sub else pd.Series(dtype=str)
    sub = sub[(sub[other].astype(str) == at) & sub[axis].astype(str).isin(list(keys))]
    loc = sub["location"] if "location" in sub else pd.Series("", index=sub.index)
    found: dict[tuple[str, str], tuple] = {}
    for rid, k, v, loc_, st in zip(sub["report_id"].astype(str), sub[axis].astype(str), sub["value"], loc, sub["status"].astype(str)):
        found.setdefault((rid, k), (None if pd.isna(v) else float(v), "" if pd.isna(loc_) else str(loc_), st))
    rows = []
    other_expected = {}
    for rid in pd.unique(c["report_id"].astype(str)):
        tpl = templates.get(rid)
        tpl = None if tpl is None or pd.isna(tpl) else str(tpl)
        exp = expected(table, axis, tpl)
        ok_other = other_expected.setdefault(tpl, at in expected(table, other, tpl))
        rec, missing, trace = {"report_id": rid}, [], []
        for k in keys:
            hit = found.get((rid, k))
            row_, col_ = (k, at) if axis == "row" else (at, k)
            is_missing = ok_other and k in exp and (hit is None or hit[0] is None)
            rec[f"_miss_{k}"] = is_missing
            if is_missing:
                missing.append(cell_id(table, row_, col_))
            if hit is not None or is_missing:
                value, where, status = hit if hit is not None else (None, "", "missing")
                trace.append((table, row_, col_, where, value, "missing" if is_missing else status))
        rec["_missing"], rec["_trace"] = tuple(missing), tuple(trace)
        rows.append(rec)
    return pd.DataFrame(rows).set_index("report_id")


def strict_sum(m: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Sum of ``keys`` per row: missing when none is there or when one the report should print is missing."""
    present = [k for k in keys if k in m.columns]
    if not present:
        return pd.Series(np.nan, index=m.index)
    out = m[present].sum(axis=1, min_count=1)
    miss = [f"_miss_{k}" for k in present if f"_miss_{k}" in m.columns]
    if miss:
        out = out.where(~m[miss].any(axis=1))
    return out


def any_missing(m: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    miss = [f"_miss_{k}" for k in keys if f"_miss_{k}" in m.columns]
    return m[miss].any(axis=1) if miss else pd.Series(False, index=m.index)


def _report_record(r: dict, included: bool, why: str) -> dict:
    out = {k: (None if k not in r or pd.isna(r[k]) else r[k]) for k in REPORT_FIELDS}
    if out.get("year") is not None:
        out["year"] = int(out["year"])
    out["included"], out["left_out"] = included, why
    out["missing"] = list(r.get("_missing") or ())
    out["cells"] = [list(t) for t in (r.get("_trace") or ())]
    return out


def _shared(values) -> object:
    vals = {v for v in values}
    return vals.pop() if len(vals) == 1 else pd.NA


def group(frame: pd.DataFrame, by: list[str], values: list[str], scope: str | None, incomplete: str = "skip",
          extras: Sequence[str] = ()) -> pd.DataFrame:
    """Sum ``values`` over the reports of each ``by`` group and add the fact columns.

    ``frame`` has one row per report (or per report and case type) with ``_miss_<value>``,
    ``_missing`` and ``_trace`` columns (:func:`read_cells`). Per report (``by`` names the agency),
    a value is missing when a cell it needs is missing. Summed across reports, incomplete reports
    are skipped (``incomplete="skip"``, counted in ``n_skipped``) or make the sum missing
    (``"propagate"``); a group whose reports were all left out stays, with ``n_reports`` 0.
    """
    if incomplete not in INCOMPLETE:
        raise ValueError(f"incomplete must be one of {INCOMPLETE}, not {incomplete!r}")
    missing_by = [b for b in by if b not in frame.columns]
    if missing_by:
        raise ValueError(f"cannot group by {missing_by}: the data has no such column")
    rule = resolve_scope(by, scope)
    per = per_report(by)
    frame = frame.reset_index(drop=True)
    is_agg = frame["scope"].astype(str).eq(AGGREGATE_SCOPE).tolist() if "scope" in frame else [False] * len(frame)
    in_scope = [True] * len(frame) if rule == "all" else [(not a) if rule == "members" else a for a in is_agg]
    if per:
        frame = frame[in_scope].reset_index(drop=True)
        in_scope = [True] * len(frame)
    skip = (not per) and incomplete == "skip"
    recs = frame.to_dict("records")  # plain records: one pass per group, no per-report frame lookups
    lacks = [len(r["_missing"]) > 0 for r in recs]
    counted = [i and not (m and skip) for i, m in zip(in_scope, lacks)]
    has_syn = "synthetic" in frame.columns
    rows = []
    for key, idx in frame.groupby(by, sort=True, observed=True, dropna=False).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        group_recs = [recs[i] for i in idx]
        used = [recs[i] for i in idx if counted[i]]
        rec = dict(zip(by, key))
        for e in extras:
            rec[e] = group_recs[0].get(e, pd.NA)
        rec["n_reports"] = len({r["report_id"] for r in used})
        for v in values:
            vals = [r[v] for r in used if not pd.isna(r[v])]
            s = float(sum(vals)) if vals else np.nan
            if any(r.get(f"_miss_{v}", False) for r in used):
                s = np.nan  # a cell it needs was not read: unknown, never a partial sum
            rec[v] = s
        lacking = [recs[i] for i in idx if in_scope[i] and lacks[i]]
        if per:
            cells = sorted({m for r in lacking for m in r["_missing"]})
            rec["complete"], rec["n_missing_cells"], rec["missing_cells"] = not cells, len(cells), "; ".join(cells)
        else:
            named: dict[str, tuple] = {}
            for r in lacking:
                old = named.get(r["report_id"], (r.get("agency", ""), r.get("year", ""), set()))
                named[r["report_id"]] = (old[0], old[1], old[2] | set(r["_missing"]))
            rec["complete"] = not named
            rec["n_missing_cells"] = int(sum(len(ms) for _, _, ms in named.values()))
            rec["missing_cells"] = " | ".join(f"{a} {y}: {'; '.join(sorted(ms))}" for a, y, ms in named.values())
        rec["n_skipped"] = len({recs[i]["report_id"] for i in idx if in_scope[i] and lacks[i] and skip})
        rec["n_excluded"] = len({recs[i]["report_id"] for i in idx if not in_scope[i]})
        rec["scope_rule"], rec["pooled"], rec["by"] = rule, not per, "|".join(by)
        if has_syn:
            syn = _shared(None if pd.isna(r["synthetic"]) else bool(r["synthetic"]) for r in group_recs)
            rec["synthetic"] = pd.NA if syn is None else syn
        else:
            rec["synthetic"] = pd.NA
        pubs = {publisher_of(r.get("source_url")) for r in (used or group_recs)}
        rec["publisher"] = pubs.pop() if len(pubs) == 1 and "" not in pubs else pd.NA
        reports: dict[str, dict] = {}
        for i in idx:
            r = recs[i]
            old = reports.get(r["report_id"])
            if old is None:
                why = "" if counted[i] else ("scope" if not in_scope[i] else "incomplete")
                reports[r["report_id"]] = _report_record(r, counted[i], why)
            else:  # one report in several rows of the group: its cells together
                old["cells"] += [list(t) for t in r["_trace"]]
        rec["sources"] = json.dumps(list(reports.values()), ensure_ascii=False)
        rows.append(rec)
    cols = [*by, *extras, "n_reports", *values, *FACT_COLUMNS]
    out = pd.DataFrame(rows, columns=cols)
    return typed(out)


def typed(out: pd.DataFrame) -> pd.DataFrame:
    """The fact columns in their dictionary dtypes."""
    out["complete"] = out["complete"].astype("boolean")
    out["pooled"] = out["pooled"].astype("boolean")
    out["synthetic"] = out["synthetic"].astype("boolean")
    for c in ("n_reports", "n_missing_cells", "n_skipped", "n_excluded"):
        out[c] = out[c].astype("Int64")
    for c in ("missing_cells", "scope_rule", "by", "publisher", "sources"):
        out[c] = out[c].astype("string")
    return out


def fact_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in FACT_COLUMNS if c in frame.columns]


def _merge_sources(texts) -> str:
    """One ``sources`` from several rows of the same reports: a report counted anywhere is counted, cells united."""
    merged: dict[str, dict] = {}
    for text in texts:
        if not isinstance(text, str):
            continue
        for r in json.loads(text):
            old = merged.setdefault(r["report_id"], {**r, "cells": []})
            old["included"] = old["included"] or r["included"]
            old["missing"] = sorted(set(old["missing"]) | set(r["missing"]))
            old["cells"] += [c for c in r["cells"] if c not in old["cells"]]
    return json.dumps(list(merged.values()), ensure_ascii=False)


def pivot(frame: pd.DataFrame, index: Sequence[str] | str, columns: str, values: str) -> pd.DataFrame:
    """A long measure frame made wide (one column per ``columns`` value), keeping the facts of its rows.

    E.g. ``pivot(review_litigation(...), "year", "case_type", "total")``: one row per year, a
    column per case type, and ``complete``, ``sources``… merged over the case types of that year.
    """
    index = [index] if isinstance(index, str) else list(index)
    wide = frame.pivot_table(index=index, columns=columns, values=values, observed=True, aggfunc="first", dropna=False)
    wide.columns = [str(c) for c in wide.columns]
    rows = []
    for key, g in frame.groupby(index, sort=True, observed=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        rec = dict(zip(index, key))
        if "n_reports" in g:
            rec["n_reports"] = g["n_reports"].max()
        rec["complete"] = bool(g["complete"].fillna(False).all()) if "complete" in g else pd.NA
        cells = sorted({c for t in g.get("missing_cells", pd.Series(dtype=str)).dropna() for c in str(t).split("; ") if c})
        rec["n_missing_cells"], rec["missing_cells"] = len(cells), "; ".join(cells)
        for c in ("n_skipped", "n_excluded"):
            rec[c] = g[c].max() if c in g else 0
        for c in ("scope_rule", "by"):
            rec[c] = g[c].iloc[0] if c in g else pd.NA
        rec["pooled"] = bool(g["pooled"].fillna(False).any()) if "pooled" in g else False
        rec["synthetic"] = _shared(None if pd.isna(x) else bool(x) for x in g["synthetic"]) if "synthetic" in g else pd.NA
        rec["synthetic"] = pd.NA if rec["synthetic"] is None else rec["synthetic"]
        rec["publisher"] = _shared(g["publisher"].fillna("")) if "publisher" in g else pd.NA
        rec["publisher"] = pd.NA if rec["publisher"] in ("", None) else rec["publisher"]
        rec["sources"] = _merge_sources(g["sources"]) if "sources" in g else "[]"
        rows.append(rec)
    facts_ = pd.DataFrame(rows)
    out = wide.reset_index().merge(facts_, on=index, how="left")
    return typed(out) if "n_reports" in out else out
