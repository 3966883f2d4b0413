"""Hard checks H1–H5 (SPEC §5), the blank-rule flags and the 拆格 hint.

Identities are evaluated on values after :func:`toolkit.blanks.apply_blank_rule`;
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

import numpy as np
import pandas as pd

from ..blanks import FILLS, IMPUTED_TOTAL, TABLE_EMPTY
from . import structure as st
from .issues import cell_label, fmt, issue

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
    members = members.merge(inst[["_rkey", "rule", "instance", "d", "outcome"]], on=["_rkey", "rule", "instance"])
    return inst, members


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


def _split_hint(group: pd.DataFrame, d: float) -> str | None:
    """拆格: would merging two adjacent printed cells into one number make the identity hold?"""
    g = group.sort_values("order")
    rows = g.to_dict("records")
    for a, b in zip(rows, rows[1:]):
        if a["rule"] == "H1" and b["order"] - a["order"] != 1:
            continue  # 二 and 三（七） are not adjacent in print
        va, vb = a["value_printed"], b["value_printed"]
        if a["status"] != "number" or b["status"] != "number" or va < 0 or vb < 0:
            continue
        if not (float(va).is_integer() and float(vb).is_integer()):
            continue
        merged = float(f"{int(va)}{int(vb)}")
        for new_a, new_b, where in ((merged, 0.0, a), (0.0, merged, b)):
            d2 = d + a["coef"] * (new_a - a["value"]) + b["coef"] * (new_b - b["value"])
            if abs(d2) <= TOL:
                la = cell_label(a["table"], a["row"], a["column"])
                lb = cell_label(b["table"], b["row"], b["column"])
                lw = cell_label(where["table"], where["row"], where["column"])
                return (
                    f"拆格？若「{la}」{fmt(va)} 与「{lb}」{fmt(vb)} 原为一个数 {fmt(merged)}（位于「{lw}」），"
                    f"此恒等式成立 / split cell? if {fmt(va)} and {fmt(vb)} were one number {fmt(merged)} "
                    f"(in {cell_label(where['table'], where['row'], where['column'], 'en')}), the identity would hold"
                )
    return None


def _ocr_hint(group: pd.DataFrame) -> str | None:
    """An identity over OCR'd cells: name them to be checked against the scan (a misread digit, not a split cell)."""
    if "method" not in group or not group["method"].eq("ocr").any():
        return None
    ocr = group[group["method"].eq("ocr")]
    if "confidence" in ocr:  # least sure first: the likeliest misreading
        ocr = ocr.sort_values("confidence", na_position="first")
    zh = "、".join(f"「{cell_label(t, r, c)}」{fmt(v)}" for t, r, c, v in zip(ocr["table"], ocr["row"], ocr["column"], _values(ocr)))
    en = "; ".join(f"{cell_label(t, r, c, 'en')} {fmt(v)}" for t, r, c, v in zip(ocr["table"], ocr["row"], ocr["column"], _values(ocr)))
    return f"请对照扫描件核对这些单元格：{zh} / check these cells against the scan: {en}"


def _values(cells: pd.DataFrame) -> list[float | None]:
    return [float(v) if pd.notna(v) else None for v in cells["value_printed"]]


def identity_issues(cells: pd.DataFrame, metas: dict) -> tuple[list[dict], list[dict]]:
    """Issues and check records for H1–H4."""
    inst, members = evaluate_identities(cells)
    checks = [
        {"report_id": metas[k].get("report_id", k), "rule": r, "table": t, "instance": i, "outcome": o}
        for k, r, t, i, o in inst[["_rkey", "rule", "table", "instance", "outcome"]].itertuples(index=False)
    ]
    failed = inst[inst["outcome"] == "failed"]
    if failed.empty:
        return [], checks
    suspects = _suspects(members)
    fm = members[members["outcome"] == "failed"].merge(
        suspects[KEY + ["n_fail", "implied"]], on=KEY, how="left"
    )
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
        zh_cell, en_cell = cell_label(table, row, column), cell_label(table, row, column, "en")
        blank_zh = "（空白，按0计）" if cell["fill"] in FILLS else ""
        blank_en = " (blank, counted as 0)" if cell["fill"] in FILLS else ""
        scope_zh = f"「{cell_label(table, instance if rule in ('H2', 'H4') else None, instance if rule in ('H1', 'H3') else None)}」"
        scope_en = cell_label(table, instance if rule in ("H2", "H4") else None,
                              instance if rule in ("H1", "H3") else None, "en")
        why_zh = "，该格一格即可解释" if localised else ""
        why_en = "; this one cell explains the failure" if localised else ""
        zh = (f"{rule} {scope_zh}不成立（{st.rule_text(rule)}）：「{zh_cell}」印刷为 {fmt(observed)}{blank_zh}，"
              f"按恒等式应为 {fmt(expected)}{why_zh}")
        en = (f"{rule} fails for {scope_en} ({st.rule_text(rule, 'en')}): {en_cell} printed {fmt(observed)}"
              f"{blank_en}, the identity gives {fmt(expected)}{why_en}")
        out.append(issue(meta, table=table, row=row, column=column, rule=rule, severity="error",
                         expected=expected, observed=observed, zh=zh, en=en,
                         hint=_ocr_hint(group) or _split_hint(group, d), location=cell.get("location")))
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
        zh_cell, en_cell = cell_label(c["table"], c["row"], c["column"]), cell_label(c["table"], c["row"], c["column"], "en")
        if invalid[idx]:
            zh_why, en_why = f"印刷内容「{c['raw']}」不是数字", f"printed text {c['raw']!r} is not a number"
        elif negative[idx]:
            zh_why, en_why = f"负数 {fmt(v[idx])}", f"negative value {fmt(v[idx])}"
        else:
            zh_why, en_why = f"计数为小数 {fmt(v[idx])}", f"a count with a fraction: {fmt(v[idx])}"
        out.append(issue(meta, table=c["table"], row=c["row"], column=c["column"], rule="H5", severity="error",
                         expected=np.nan, observed=v[idx],
                         zh=f"H5「{zh_cell}」：{zh_why}（{st.rule_text('H5')}）",
                         en=f"H5 {en_cell}: {en_why} ({st.rule_text('H5', 'en')})",
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
        zh_cell, en_cell = cell_label(c["table"], c["row"], c["column"]), cell_label(c["table"], c["row"], c["column"], "en")
        raw = c.get("raw") or ""
        if flag == TABLE_EMPTY:
            zh, en = f"「{zh_cell}」：整表无数字，按缺失处理", f"{en_cell}: the whole table prints no number; left missing"
        elif flag == IMPUTED_TOTAL:
            zh = f"「{zh_cell}」：总计空白，按本行各项之和 {fmt(c['value'])} 计"
            en = f"{en_cell}: blank total taken as the sum of its row, {fmt(c['value'])}"
        else:
            zh = f"「{zh_cell}」：空白或无数据符号（{raw or '空'}），按0计"
            en = f"{en_cell}: blank or NA token ({raw or 'empty'}) counted as 0"
        out.append(issue(meta, table=c["table"], row=c["row"], column=c["column"], rule=flag, severity="info",
                         expected=c["value"], observed=np.nan, zh=zh, en=en, location=c.get("location")))
    return out
