"""The rows of every view of the explorer, from :mod:`toolkit.analyse.measures`, in one compact table.

Each measure is computed once per report (``by=("report_id",)``: nothing summed across
reports, so an aggregate report is never added to its members) and flattened to the rows
``[report, series, group, count, denominator, share, complete, missing_cells]`` (report, series
and group as indexes into the reports table and the measure's ``series``/``groups`` lists, so a
10,000-report corpus stays one compact file); the reports
table beside them carries what makes a number traceable (agency_id, name, year, file,
sha256, source_url, publisher, scope, synthetic). Counts are integers, shares rounded to
4 places, and a value not read is ``null`` (never 0): when the measures mark a row
incomplete (``complete``/``missing_cells``) those columns are used; when they do not, the
cells a measure needs are checked here from the tidy frame, and a report missing any of
them gets ``null`` figures too.
"""

from __future__ import annotations

import math
from urllib.parse import urlparse

import pandas as pd

from toolkit import codebook as cb
from toolkit import labels
from toolkit.analyse import charts as ch
from toolkit.analyse import measures as an
from toolkit.site import MEASURES

REPORT_COLUMNS = ("report_id", "agency_id", "agency_name", "agency", "year", "file", "sha256", "source_url",
                  "publisher", "scope", "level", "synthetic")
ROW_COLUMNS = ("report", "series", "group", "count", "denominator", "share", "complete", "missing_cells")
#: measure → (denominator name, share name): the rate a view's share column is (measures.RATES).
RATES = {"volumes": (None, None), "outcomes": ("total_processed", "share_of_total_processed"),
         "refusals": ("total_processed", "share_of_total_processed"), "applicants": ("total", "share_of_total"),
         "review": ("total", "share_of_total")}


def _first(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col] if col in df.columns else pd.Series(pd.NA, index=df.index)


def reports_table(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per report: who published it, which year, which file, where it came from."""
    cols = [c for c in ("agency_id", "agency_name", "agency", "year", "source_file", "source_sha256", "source_url",
                        "scope", "level", "synthetic") if c in panel.columns]
    r = panel.groupby("report_id", sort=False, observed=True)[cols].first().reset_index()
    out = pd.DataFrame({"report_id": r["report_id"].astype(str)})
    name = _first(r, "agency_name").fillna(_first(r, "agency"))
    out["agency_id"] = _first(r, "agency_id").fillna(name).astype(str)  # the name where there is no registry
    out["agency_name"] = name.astype(str)
    out["agency"] = _first(r, "agency").astype(str)
    out["year"] = pd.to_numeric(_first(r, "year"), errors="coerce").astype("Int64")
    out["file"] = _first(r, "source_file").map(lambda p: str(p).replace("\\", "/").rsplit("/", 1)[-1] if pd.notna(p) else None)
    out["sha256"] = _first(r, "source_sha256")
    out["source_url"] = _first(r, "source_url")
    out["publisher"] = out["source_url"].map(lambda u: urlparse(str(u)).netloc or None if pd.notna(u) else None)
    out["scope"] = _first(r, "scope")
    out["level"] = _first(r, "level")
    # A report whose rows do not say whether they are synthetic is never shown as real data.
    out["synthetic"] = _first(r, "synthetic").map(lambda v: True if pd.isna(v) else bool(v)).astype(bool)
    return out.sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True)


def _needed(measure: str) -> tuple[str, tuple | None, tuple | None]:
    """(table, rows, columns) a measure reads; ``None``: every key of that axis."""
    if measure == "volumes":
        return "requests", tuple(an.VOLUME_ROWS), ("total",)
    if measure in ("outcomes", "refusals"):
        rows = tuple(r for r in cb.keys("requests", "row") if r not in an.VOLUME_ROWS or r == "total_processed")
        return "requests", rows, ("total",)
    if measure == "applicants":
        return "requests", ("new_received",), None
    return "review_litigation", None, None


def missing_by_report(panel: pd.DataFrame, measure: str) -> dict[str, str]:
    """report_id → the cells a measure needs that were not read (``table/row/column; …``), from the tidy frame."""
    table, rows, cols = _needed(measure)
    c = an.cells(panel)
    sub = c[c["table"].astype(str) == table]
    if rows is not None:
        sub = sub[sub["row"].astype(str).isin(rows)]
    if cols is not None:
        sub = sub[sub["column"].astype(str).isin(cols)]
    lost = sub[pd.to_numeric(sub["value"], errors="coerce").isna()]
    out: dict[str, str] = {}
    for rid, g in lost.groupby("report_id", observed=True):
        out[str(rid)] = "; ".join(f"{table}/{r}/{k}" for r, k in zip(g["row"].astype(str), g["column"].astype(str)))
    return out


def _int(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else int(round(float(v)))


def _share(v):
    return None if v is None or pd.isna(v) else round(float(v), 4)


def _long(panel: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The measure per report, long: report_id, series, group, count, denominator, share (+ facts if given)."""
    by = ("report_id",)
    if measure == "volumes":
        w = an.request_volumes(panel, by=by)
        facts = [c for c in ("complete", "missing_cells") if c in w.columns]
        f = w.melt(id_vars=["report_id", *facts], value_vars=list(an.VOLUME_ROWS), var_name="series", value_name="count")
        return f.assign(group=None, denominator=None, share=None)
    if measure == "outcomes":
        f = an.outcome_shares(panel, by=by).rename(columns={"outcome": "series", "total_processed": "denominator",
                                                          "share_of_total_processed": "share"})
        return f.assign(group=None)
    if measure == "refusals":
        return an.refusal_breakdown(panel, by=by).rename(columns={"reason": "series", "total_processed": "denominator",
                                                                "share_of_total_processed": "share"})
    if measure == "applicants":
        return an.applicant_mix(panel, by=by).rename(columns={"applicant": "series", "total": "denominator",
                                                             "share_of_total": "share"}).assign(group=None)
    w = an.review_litigation(panel, by=by)
    w = w[w["case_type"].astype(str) != "litigation_direct"]  # shown inside litigation_total, with the other lawsuits
    w = w[w["case_type"].astype(str) != "litigation_after_reconsideration"]
    facts = [c for c in ("complete", "missing_cells") if c in w.columns]
    f = w.melt(id_vars=["report_id", "case_type", "total", *facts], value_vars=[c for c in an.CASE_COLUMNS if c != "total"],
               var_name="series", value_name="count")
    f["share"] = an.rate(f["count"], f["total"])
    return f.rename(columns={"case_type": "group", "total": "denominator"})


def groups_of(measure: str) -> tuple[str, ...]:
    """The groups a measure's rows fall in: refusal groups, or the case types of review and litigation."""
    return {"refusals": tuple(an.REFUSAL_GROUPS), "review": ("reconsideration", "litigation_total")}.get(measure, ())


def measure_rows(panel: pd.DataFrame, measure: str, report_index: dict[str, int]) -> list[list]:
    """The compact rows of one measure (``ROW_COLUMNS``; series and group as list indexes)."""
    f = _long(panel, measure)
    series = {k: i for i, (k, _) in enumerate(series_of(measure))}
    groups = {k: i for i, k in enumerate(groups_of(measure))}
    if "complete" not in f.columns:  # measures without the facts columns: check the cells here
        lost = missing_by_report(panel, measure)
        f["missing_cells"] = f["report_id"].astype(str).map(lost)
        f["complete"] = f["missing_cells"].isna()
    rows = []
    for rec in f.to_dict("records"):
        done = bool(rec["complete"]) if pd.notna(rec["complete"]) else False
        miss = rec.get("missing_cells")
        group = rec.get("group")
        rows.append([report_index[str(rec["report_id"])], series[str(rec["series"])],
                     None if group is None or pd.isna(group) else groups[str(group)],
                     _int(rec["count"]) if done else None, _int(rec.get("denominator")) if done else None,
                     _share(rec.get("share")) if done else None, 1 if done else 0,
                     None if miss is None or (isinstance(miss, float) and math.isnan(miss)) or miss == "" else str(miss)])
    return rows


def series_of(measure: str) -> tuple[tuple[str, str | None], ...]:
    """(key, table/axis hint) of the series a measure shows, in print order."""
    if measure == "volumes":
        return tuple((k, "requests:row") for k in an.VOLUME_ROWS)
    if measure == "outcomes":
        return tuple((k, "requests:") for k in an.OUTCOMES)  # derived groups: labels.csv
    if measure == "refusals":
        return tuple((k, "requests:row") for k in cb.keys("requests", "row")
                     if cb.attribute("requests", "row", k, "block") in an.REFUSAL_GROUPS)
    if measure == "applicants":
        return tuple((k, "requests:column") for k in an.APPLICANTS)
    if measure == "review":
        return tuple((k, "review_litigation:column") for k in an.CASE_COLUMNS if k != "total")
    return ()


def colours() -> dict[str, dict[str, str]]:
    """The colours of the matplotlib charts (Okabe–Ito), per measure and series."""
    ok = ch.OKABE_ITO
    applicants = {k: (ok[4] if i == 0 else ok[1]) for i, k in enumerate(an.APPLICANTS)}
    return {"volumes": {k: ok[i % len(ok)] for i, k in enumerate(an.VOLUME_ROWS)},
            "outcomes": dict(ch.OUTCOME_COLOURS), "refusals": dict(ch.GROUP_COLOURS), "applicants": applicants,
            "review": dict(ch.CASE_COLOURS), "coverage": dict(ch.COVERAGE_COLOURS)}


def texts() -> dict[str, list[str]]:
    """Every text the page shows, zh and en: the ``site.*``, ``view.*`` and caption labels, and series names."""
    t = labels.table().set_index("key")  # the raw templates: the page fills their {fields}
    out = {k: [t.at[k, "zh"], t.at[k, "en"]] for k in (*labels.keys("site"), *labels.keys("view"))}
    for measure in MEASURES:
        for key, hint in series_of(measure):
            table, axis = hint.split(":")
            out[f"{measure}.{key}"] = [ch.short_label(key, lang, table, axis or None) for lang in ("zh", "en")]
    for g in an.REFUSAL_GROUPS:
        out[f"group.{g}"] = [ch.short_label(g, lang) for lang in ("zh", "en")]
    for case in ("reconsideration", "litigation_total"):
        out[f"case.{case}"] = [ch.short_label(case, lang, "review_litigation") for lang in ("zh", "en")]
    for scope in ("agency", "government_office", "region_aggregate", "department"):
        key = f"scope.{scope}"
        if labels.has(key):
            out[key] = [labels.label(key, "zh"), labels.label(key, "en")]
    return out


def cells_used(measure: str, series: str) -> str:
    """The printed cells behind one series (``table/row/column``; a derived group lists its member rows)."""
    if measure in ("volumes",):
        return f"requests/{series}/total"
    if measure == "outcomes":
        rows = an.block_rows(series) or (series,)
        return "; ".join(f"requests/{r}/total" for r in rows)
    if measure == "refusals":
        return f"requests/{series}/total"
    if measure == "applicants":
        return f"requests/new_received/{series}"
    return f"review_litigation/<case>/{series}"


def site_data(panel: pd.DataFrame) -> dict:
    """Everything the page needs, JSON-ready: reports, rows per measure, series, colours, texts."""
    reports = reports_table(panel)
    index = {rid: i for i, rid in enumerate(reports["report_id"])}
    rec = reports[list(REPORT_COLUMNS)].astype(object).where(reports[list(REPORT_COLUMNS)].notna(), None)
    rec["year"] = [None if y is None else int(y) for y in rec["year"]]
    data = {"report_columns": list(REPORT_COLUMNS), "reports": rec.values.tolist(), "row_columns": list(ROW_COLUMNS),
            "measures": list(MEASURES), "rows": {}, "series": {}, "groups": {}, "cells": {}, "rates": RATES,
            "colours": colours(), "texts": texts()}
    for m in MEASURES[:-1]:
        data["rows"][m] = measure_rows(panel, m, index)
        data["series"][m] = [k for k, _ in series_of(m)]
        data["groups"][m] = list(groups_of(m))
        data["cells"][m] = {k: cells_used(m, k) for k, _ in series_of(m)}
    years = [y for y in rec["year"] if y is not None]
    data["years"] = list(range(min(years), max(years) + 1)) if years else []
    return data
