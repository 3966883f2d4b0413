"""Hard checks H1–H5 (docs/format.md §5), the blank-rule flags and the 拆格 hint.

Identities are evaluated on values after :func:`toolkit.validation.blanks.apply_blank_rule`;
printed values are never changed. A failing identity is reported at one cell:

* when one printed cell explains it (every identity through that cell fails
  and all of them agree on the value the cell should have, and no other cell
  explains more of the failures), at that cell, with ``expected`` = the value
  that would make those identities hold. A single wrong cell of table 三 lies on
  one row identity (H2) and one column identity (H1 or H3), so it is reported
  once per identity it breaks, both times at that cell;
* otherwise at the identity's anchor: the total (H2, H3, H4) or 结转下年度 (H1).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from toolkit.labels import label
from toolkit.read.gaps import MISSING
from toolkit.validation import structure as st
from toolkit.validation.blanks import BLANK_AS_ZERO, FILLS, IMPUTED_TOTAL, TABLE_EMPTY
from toolkit.validation.issues import cell_label, fmt, issue, reason

TOL = 1e-6
KEY = ["_rkey", "table", "row", "column"]


def evaluate_identities(cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluate H1–H4 over filled cells.

    Args:
        cells: filled tidy cells with a ``_rkey`` column and str table/row/column.

    Returns:
        ``(instances, members)``: one line per identity instance per report with
        ``d`` (Σ coef·value), ``outcome`` and the anchor cell; and the member
        cells joined to their instance.
    """
    m = st.identity_members()
    members = cells.merge(m, on=["table", "row", "column"], how="inner")
    members["term"] = members["coef"] * members["value"]
    members["_nan"] = members["value"].isna()
    members["_imputed"] = members["fill"].eq(IMPUTED_TOTAL)
    g = members.groupby(["_rkey", "rule", "table", "instance"], sort=False)
    inst = g.agg(
        d=("term", "sum"),
        n=("term", "size"),
        n_nan=("_nan", "sum"),
        has_anchor=("anchor", "any"),
        imputed=("_imputed", "any"),
    ).reset_index()
    inst["d"] = inst["d"].where(inst["n_nan"] == 0)
    need = inst["rule"].map({"H1": 4}).fillna(2)
    assessable = (inst["n_nan"] == 0) & inst["has_anchor"] & (inst["n"] >= need)
    failed = assessable & (inst["d"].abs() > TOL)
    inst["outcome"] = np.select(
        [~assessable, failed, inst["imputed"] & inst["rule"].isin(["H2", "H4"])],
        ["not_assessable", "failed", "imputed"],
        "passed",
    )
    inst["reason"] = _reasons(members, inst)
    members = members.merge(inst[["_rkey", "rule", "instance", "d", "outcome"]], on=["_rkey", "rule", "instance"])
    return inst, members


def _reasons(members: pd.DataFrame, inst: pd.DataFrame) -> list[str | None]:
    """Why each instance has its outcome: the cells it lacks, or the blanks the rule filled for it."""
    key = ["_rkey", "rule", "instance"]
    name = members["table"] + "/" + members["row"] + "/" + members["column"]
    status = members["status"].astype(object)
    fill = members["fill"].astype(object)
    lists = {}
    for what, mask in (("missing", status.eq(MISSING)), ("unreadable", status.eq("invalid")),
                       ("table_empty", fill.eq(TABLE_EMPTY)), ("blank_as_zero", fill.eq(BLANK_AS_ZERO)),
                       ("imputed_total", fill.eq(IMPUTED_TOTAL))):
        sub = members[mask.to_numpy()]
        lists[what] = {k: list(v) for k, v in name[mask.to_numpy()].groupby([sub[c] for c in key], sort=False)} if len(sub) else {}
    out = []
    for k, outcome in zip(zip(inst["_rkey"], inst["rule"], inst["instance"]), inst["outcome"]):
        if outcome == "not_assessable":
            parts = [(w, lists[w].get(k)) for w in ("missing", "unreadable", "table_empty")]
            if not any(c for _, c in parts):
                parts = [("not_printed", [])]
            out.append(reason(*parts))
        else:
            # blanks are named by the phrase only: the info rows list the cells the rule filled
            out.append(reason(("imputed_total", [] if k in lists["imputed_total"] else None),
                              ("blank_as_zero", [] if k in lists["blank_as_zero"] else None)))
    return out


def _suspects(members: pd.DataFrame) -> pd.DataFrame:
    """Cells that alone explain every identity through them that is assessed."""
    assessed = members[members["outcome"].isin(["passed", "failed", "imputed"])].copy()
    assessed["fails"] = assessed["outcome"].eq("failed")
    assessed["implied"] = (assessed["value"] - assessed["d"] / assessed["coef"]).where(assessed["fails"])
    per_cell = assessed.groupby(KEY, sort=False).agg(
        n=("fails", "size"), n_fail=("fails", "sum"), n_implied=("implied", lambda s: s.round(6).nunique()),
        implied=("implied", "first"),
    ).reset_index()
    return per_cell[(per_cell["n_fail"] == per_cell["n"]) & (per_cell["n_fail"] > 0) & (per_cell["n_implied"] == 1)]


_LOCATION = re.compile(r"^table (\d+), row (\d+), col (\d+)")


def _adjacent(a: dict, b: dict) -> bool:
    """Were two member cells printed side by side, so that a number could have been split between them?

    By where they were printed when both locations are known (same table, next
    row or next column: a row the reader did not recognise lies between two
    rows that are not adjacent); otherwise by their position in the identity
    (二 and 三（七） of H1 are never adjacent).
    """
    la = _LOCATION.match(str(a.get("location") or ""))
    lb = _LOCATION.match(str(b.get("location") or ""))
    if la and lb:
        (ta, ra, ca), (tb, rb, cb_) = (tuple(map(int, m.groups())) for m in (la, lb))
        return ta == tb and abs(ra - rb) + abs(ca - cb_) == 1
    return b["order"] - a["order"] == 1 or a["rule"] != "H1"


def _fits(around: pd.DataFrame, changes: dict) -> bool:
    """Would every identity through the changed cells hold after the change?

    ``around`` holds the member lines (with each instance's ``d`` and outcome) of
    every identity through the changed cells; ``changes`` maps (row, column) to
    the new value. An identity through them that cannot be assessed (a cell
    missing or unreadable) cannot confirm the change, so it does not fit.
    """
    if around["outcome"].eq("not_assessable").any():
        return False
    for _, inst in around.groupby(["rule", "instance"], sort=False):
        d = float(inst["d"].iloc[0])
        for r, c, coef, v in zip(inst["row"], inst["column"], inst["coef"], inst["value"]):
            if (r, c) in changes:
                d += coef * (changes[(r, c)] - v)
        if abs(d) > TOL:
            return False
    return True


def _split_hint(group: pd.DataFrame, report_members: pd.DataFrame) -> tuple[str, str] | None:
    """拆格: would merging two adjacent printed cells into one number make the identities hold?

    Offered only when the numbers really fit: the merged value makes this identity
    and every other identity through the two cells hold (a discrepancy a missing
    row or another cell explains makes at least one of them fail).
    """
    g = group.sort_values("order")
    rows = g.to_dict("records")
    for a, b in zip(rows, rows[1:]):
        if not _adjacent(a, b):
            continue  # a digit cannot have slipped across a cell (or a lost row) between them
        va, vb = a["value_printed"], b["value_printed"]
        if a["status"] != "number" or b["status"] != "number" or va < 0 or vb < 0:
            continue
        if not (float(va).is_integer() and float(vb).is_integer()):
            continue
        merged = float(f"{int(va)}{int(vb)}")
        ka, kb = (a["row"], a["column"]), (b["row"], b["column"])
        through = report_members["_cell"].isin([ka, kb])
        keys = set(zip(report_members.loc[through, "rule"], report_members.loc[through, "instance"]))
        around = report_members[[k in keys for k in zip(report_members["rule"], report_members["instance"])]]
        for new_a, new_b, where in ((merged, 0.0, a), (0.0, merged, b)):
            if _fits(around, {ka: new_a, kb: new_b}):
                f = dict(a=cell_label(a["table"], a["row"], a["column"]), b=cell_label(b["table"], b["row"], b["column"]),
                         where=cell_label(where["table"], where["row"], where["column"]),
                         where_en=cell_label(where["table"], where["row"], where["column"], "en"),
                         va=fmt(va), vb=fmt(vb), merged=fmt(merged))
                return label("msg.split_hint", "zh", **f), label("msg.split_hint", "en", **f)
    return None


def _ocr_hint(group: pd.DataFrame) -> tuple[str, str] | None:
    """An identity over OCR'd cells: name them to be checked against the scan (a misread digit, not a split cell)."""
    if "method" not in group or not group["method"].eq("ocr").any():
        return None
    ocr = group[group["method"].eq("ocr")]
    if "confidence" in ocr:  # least sure first: the likeliest misreading
        ocr = ocr.sort_values("confidence", na_position="first")
    zh = "、".join(f"「{cell_label(t, r, c)}」{fmt(v)}" for t, r, c, v in zip(ocr["table"], ocr["row"], ocr["column"], _values(ocr)))
    en = "; ".join(f"{cell_label(t, r, c, 'en')} {fmt(v)}" for t, r, c, v in zip(ocr["table"], ocr["row"], ocr["column"], _values(ocr)))
    return label("msg.ocr_hint", "zh", cells=zh), label("msg.ocr_hint", "en", cells_en=en)


def _values(cells: pd.DataFrame) -> list[float | None]:
    return [float(v) if pd.notna(v) else None for v in cells["value_printed"]]


def identity_issues(cells: pd.DataFrame, metas: dict) -> tuple[list[dict], list[dict]]:
    """Issues and check records for H1–H4."""
    inst, members = evaluate_identities(cells)
    checks = [
        {"report_id": metas[k].get("report_id", k), "rule": r, "table": t, "instance": i, "outcome": o, "reason": why}
        for k, r, t, i, o, why in inst[["_rkey", "rule", "table", "instance", "outcome", "reason"]].itertuples(index=False)
    ]
    failed = inst[inst["outcome"] == "failed"]
    if failed.empty:
        return [], checks
    suspects = _suspects(members)
    fm = members[members["outcome"] == "failed"].merge(
        suspects[KEY + ["n_fail", "implied"]], on=KEY, how="left"
    )
    # 拆格 hints need every identity through two cells: the members of the reports that failed
    members = members[members["_rkey"].isin(set(failed["_rkey"]))].assign(
        _cell=lambda m: list(zip(m["row"], m["column"])))
    by_report = dict(tuple(members.groupby("_rkey", sort=False)))
    gaps = set(zip(cells.loc[cells["status"].eq(MISSING), "_rkey"], cells.loc[cells["status"].eq(MISSING), "table"]))
    out = []
    for (rkey, rule, instance), group in fm.groupby(["_rkey", "rule", "instance"], sort=False):
        meta = metas[rkey]
        d = float(group["d"].iloc[0])
        cand = group[group["n_fail"].notna()]
        localised = False
        if len(cand):
            best = cand[cand["n_fail"] == cand["n_fail"].max()]
            if len(best) == 1:
                cell, localised = best.iloc[0], True
                expected = float(cell["implied"])
        if not localised:
            cell = group[group["anchor"]].iloc[0]
            expected = float(cell["value"] - d / cell["coef"])
        observed = float(cell["value"])
        table, row, column = cell["table"], cell["row"], cell["column"]
        blank = cell["fill"] in FILLS
        irow, icol = (instance if rule in ("H2", "H4") else None), (instance if rule in ("H1", "H3") else None)
        f = dict(rule=rule, scope=cell_label(table, irow, icol), scope_en=cell_label(table, irow, icol, "en"),
                 rule_text=st.rule_text(rule), rule_text_en=st.rule_text(rule, "en"),
                 cell=cell_label(table, row, column), cell_en=cell_label(table, row, column, "en"),
                 observed=fmt(observed), expected=fmt(expected),
                 blank=label("msg.identity_blank", "zh") if blank else "",
                 blank_en=label("msg.identity_blank", "en") if blank else "",
                 why=label("msg.identity_why", "zh") if localised else "",
                 why_en=label("msg.identity_why", "en") if localised else "")
        zh, en = label("msg.identity", "zh", **f), label("msg.identity", "en", **f)
        out.append(issue(meta, table=table, row=row, column=column, rule=rule, severity="error",
                         expected=expected, observed=observed, zh=zh, en=en,
                         hint=_ocr_hint(group) or (None if (rkey, table) in gaps else _split_hint(group, by_report[rkey])),
                         location=cell.get("location")))
    return out, checks


def domain_issues(cells: pd.DataFrame, metas: dict) -> tuple[list[dict], list[dict]]:
    """H5: each printed cell is a non-negative integer, except amounts (decimal) and the signed change column."""
    printed = cells[cells["status"].isin(["number", "invalid"])]
    kind = pd.Series(
        [st.column_kind(t, c) for t, c in zip(printed["table"], printed["column"])], index=printed.index, dtype=object
    )
    v = printed["value_printed"]
    invalid = printed["status"].eq("invalid")
    negative = v.lt(0) & kind.ne(st.SIGNED)
    fraction = v.notna() & (v % 1).abs().gt(TOL) & kind.ne(st.AMOUNT)
    bad = invalid | negative | fraction
    out = []
    for idx in printed.index[bad]:
        c = printed.loc[idx]
        meta = metas[c["_rkey"]]
        why = "msg.H5_invalid" if invalid[idx] else ("msg.H5_negative" if negative[idx] else "msg.H5_fraction")
        w = dict(raw=c["raw"], raw_repr=repr(c["raw"]), value=fmt(v[idx]))
        f = dict(cell=cell_label(c["table"], c["row"], c["column"]), cell_en=cell_label(c["table"], c["row"], c["column"], "en"),
                 why=label(why, "zh", **w), why_en=label(why, "en", **w),
                 rule_text=st.rule_text("H5"), rule_text_en=st.rule_text("H5", "en"))
        out.append(issue(meta, table=c["table"], row=c["row"], column=c["column"], rule="H5", severity="error",
                         expected=np.nan, observed=v[idx], zh=label("msg.H5", "zh", **f), en=label("msg.H5", "en", **f),
                         location=c.get("location")))
    checks = [
        {"report_id": metas[k].get("report_id", k), "rule": "H5", "table": t, "instance": "cells",
         "outcome": "failed" if b else "passed"}
        for (k, t), b in bad.groupby([printed["_rkey"], printed["table"]]).any().items()
    ]
    return out, checks


def blank_issues(cells: pd.DataFrame, metas: dict) -> list[dict]:
    """One ``info`` row per cell the blank rule touched (rule = the flag)."""
    out = []
    touched = cells[cells["fill"].notna()]
    for c in touched.to_dict("records"):
        meta = metas[c["_rkey"]]
        flag = c["fill"]
        raw = c.get("raw") or ""
        key = {TABLE_EMPTY: "msg.table_empty", IMPUTED_TOTAL: "msg.imputed_total"}.get(flag, "msg.blank_as_zero")
        f = dict(cell=cell_label(c["table"], c["row"], c["column"]), cell_en=cell_label(c["table"], c["row"], c["column"], "en"),
                 value=fmt(c["value"]), raw=raw or label("msg.empty_raw", "zh"), raw_en=raw or label("msg.empty_raw", "en"))
        zh, en = label(key, "zh", **f), label(key, "en", **f)
        out.append(issue(meta, table=c["table"], row=c["row"], column=c["column"], rule=flag, severity="info",
                         expected=c["value"], observed=np.nan, zh=zh, en=en, location=c.get("location")))
    return out
