"""The accounting identities of docs/format.md §5, derived from the codebook's structure.

Nothing here lists labels: applicant columns, outcome rows and the 复议/诉讼
blocks are read from :mod:`toolkit.codebook` by their position and role. The
few keys named below are *roles* (the four flow rows of table 三, the total
column), checked against the codebook at import.

An identity is data: :func:`identity_members` returns one line per (identity
instance, member cell) with a coefficient, so that an instance holds when
``Σ coef · value == 0``. One member per instance is the *anchor*: the cell an
unlocalised failure is reported at (a total, or 结转下年度 for H1).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from toolkit import codebook as cb
from toolkit.labels import label
from toolkit.read.normalise import label_key
from toolkit.validation.blanks import TOTAL

REQUESTS, PROACTIVE, REVIEW = cb.TABLES[1], cb.TABLES[0], cb.TABLES[2]

# Roles of table 三's rows (the table's own note: 一 + 二 = 三 + 四, 三 := （七）总计).
NEW_RECEIVED = "new_received"
CARRIED_IN = "carried_in"
TOTAL_PROCESSED = "total_processed"
CARRIED_FORWARD = "carried_forward"

# Roles of table 二's columns used by W4 and the cross-year chains.
NEW_PUBLISHED, TOTAL_PUBLIC = "new_published", "total_public"
ISSUED, REPEALED, IN_FORCE = "issued", "repealed", "in_force"
PREV_YEAR_ITEMS, CHANGE = "prev_year_items", "change"
RULES_ROW = "rules"  # 规章 (W2)
NORMATIVE_DOCS = "normative_docs"  # 行政规范性文件 (W1 in-force chain, W3)

# What a cell may hold (H5): the codebook's ``kind`` of each column.
COUNT, AMOUNT, SIGNED = "count", "amount", "signed"

# The rules name these keys; a codebook edit that drops one must fail at import, also under -O.
_ROLES = [
    (REQUESTS, "row", NEW_RECEIVED), (REQUESTS, "row", CARRIED_IN), (REQUESTS, "row", TOTAL_PROCESSED),
    (REQUESTS, "row", CARRIED_FORWARD), (REQUESTS, "column", TOTAL), (REVIEW, "column", TOTAL),
    (PROACTIVE, "column", NEW_PUBLISHED), (PROACTIVE, "column", TOTAL_PUBLIC), (PROACTIVE, "column", ISSUED),
    (PROACTIVE, "column", REPEALED), (PROACTIVE, "column", IN_FORCE), (PROACTIVE, "column", PREV_YEAR_ITEMS),
    (PROACTIVE, "column", CHANGE), (PROACTIVE, "row", RULES_ROW), (PROACTIVE, "row", NORMATIVE_DOCS),
]
_missing = [f"{t}/{a}/{k}" for t, a, k in _ROLES if k not in cb.keys(t, a)]
if _missing:
    raise LookupError(f"toolkit/data/codebook.csv has no {', '.join(_missing)}: the validation rules need them")


def applicant_columns() -> tuple[str, ...]:
    """Table 三's applicant columns: every column key except the total.

    Examples:
        >>> applicant_columns()
        ('natural_person', 'org_business', 'org_research', 'org_public_welfare', 'org_legal_service', 'org_other')
    """
    return tuple(k for k in cb.keys(REQUESTS, "column") if k != TOTAL)


def flow_rows() -> tuple[str, ...]:
    """The four rows of the table's own balance (一, 二, 三（七）, 四)."""
    return (NEW_RECEIVED, CARRIED_IN, TOTAL_PROCESSED, CARRIED_FORWARD)


def outcome_rows() -> tuple[str, ...]:
    """Rows between 二、上年结转 and （七）总计 in codebook order: all result rows of both templates.

    Examples:
        >>> rows = outcome_rows()
        >>> rows[0], rows[-1], len(rows)
        ('disclosed', 'other_total', 22)
    """
    rows = cb.keys(REQUESTS, "row")
    return rows[rows.index(CARRIED_IN) + 1 : rows.index(TOTAL_PROCESSED)]


def review_blocks() -> tuple[str, ...]:
    """Table 四's blocks (行政复议, 未经复议直接起诉, 复议后起诉)."""
    return cb.keys(REVIEW, "row")


def review_parts() -> tuple[str, ...]:
    """Table 四's columns summed into its total (结果维持 … 尚未审结)."""
    return tuple(k for k in cb.keys(REVIEW, "column") if k != TOTAL)


def reconsideration_blocks() -> tuple[str, ...]:
    """Blocks whose label is 行政复议 itself; the others are lawsuits (行政诉讼)."""
    return tuple(k for k in review_blocks() if label_key(cb.label(REVIEW, "row", k)) == "行政复议")


def litigation_blocks() -> tuple[str, ...]:
    """The 行政诉讼 blocks (直接起诉, 复议后起诉)."""
    return tuple(k for k in review_blocks() if k not in reconsideration_blocks())


def group_rows(group: str) -> tuple[str, ...]:
    """Table 三 rows of one codebook group (withheld, unable, not_processed, other)."""
    df = cb.entries(REQUESTS, "row")
    return tuple(df.loc[df["block"] == group, "key"])


def groups() -> tuple[str, ...]:
    """Codebook groups of table 三 (（三）不予公开 … （六）其他处理)."""
    return cb.keys(REQUESTS, "group")


@cache
def column_kind(table: str, column: str) -> str:
    """count | amount | signed, for H5.

    Examples:
        >>> column_kind("proactive", "change"), column_kind("proactive", "fee_amount"), column_kind("requests", "total")
        ('signed', 'amount', 'count')
    """
    return cb.attribute(table, "column", column, "kind")


def _plus(table: str, axis: str, keys_, lang: str) -> str:
    return " + ".join(cb.label(table, axis, k, lang) for k in keys_)


@cache
def rule_text(rule: str, lang: str = "zh") -> str:
    """One-line statement of a rule, in Chinese or English, from codebook labels and the labels table (``rule.*``).

    Examples:
        >>> rule_text("H4", "en")
        'Total = Upheld + Corrected + Other outcome + Pending'
        >>> rule_text("H1")[:12]
        '本年新收政府信息公开申请'
    """
    zh = lang == "zh"
    short = (lambda k: label_key(cb.label(REQUESTS, "row", k, lang)).split("(")[0]) if zh else (
        lambda k: cb.label(REQUESTS, "row", k, lang))
    texts = {
        "H1": f"{short(NEW_RECEIVED)} + {short(CARRIED_IN)} = {short(TOTAL_PROCESSED)} + {short(CARRIED_FORWARD)}",
        "H2": f"{cb.label(REQUESTS, 'column', TOTAL, lang)} = {_plus(REQUESTS, 'column', applicant_columns(), lang)}",
        "H3": f"{short(TOTAL_PROCESSED)} = {label('rule.H3_sum', lang)}",
        "H4": f"{cb.label(REVIEW, 'column', TOTAL, lang)} = {_plus(REVIEW, 'column', review_parts(), lang)}",
    }
    if rule not in texts:
        return label(f"rule.{rule}", lang)  # worded in the labels table
    return texts[rule]


@cache
def identity_members() -> pd.DataFrame:
    """Every identity instance H1–H4 as member cells with coefficients.

    Columns: rule, table, instance (row or column key the instance is about),
    row, column, coef (+1/−1), anchor (bool), order (member position, for 拆格
    adjacency: cells adjacent in the printed table have consecutive order).

    H1 and H3 are instantiated for the six applicant columns; on the total
    column they follow from H2 and the applicant-column instances, so checking
    them there too would report one printed error twice without detecting more.

    Examples:
        >>> m = identity_members()
        >>> m.groupby("rule")["instance"].nunique().to_dict()
        {'H1': 6, 'H2': 26, 'H3': 6, 'H4': 3}
        >>> m.query("rule == 'H1' and instance == 'natural_person'")[["row", "coef", "anchor"]].values.tolist()
        [['new_received', 1, False], ['carried_in', 1, False], ['total_processed', -1, False], ['carried_forward', -1, True]]
    """
    out = []
    apps = applicant_columns()
    req_rows = cb.keys(REQUESTS, "row")
    for c in apps:
        for r, coef in zip(flow_rows(), (1, 1, -1, -1)):
            out.append(("H1", REQUESTS, c, r, c, coef, r == CARRIED_FORWARD, req_rows.index(r)))
        out.append(("H3", REQUESTS, c, TOTAL_PROCESSED, c, 1, True, req_rows.index(TOTAL_PROCESSED)))
        for r in outcome_rows():
            out.append(("H3", REQUESTS, c, r, c, -1, False, req_rows.index(r)))
    cols = cb.keys(REQUESTS, "column")
    for r in req_rows:
        out.append(("H2", REQUESTS, r, r, TOTAL, 1, True, cols.index(TOTAL)))
        for c in apps:
            out.append(("H2", REQUESTS, r, r, c, -1, False, cols.index(c)))
    rcols = cb.keys(REVIEW, "column")
    for b in review_blocks():
        out.append(("H4", REVIEW, b, b, TOTAL, 1, True, rcols.index(TOTAL)))
        for c in review_parts():
            out.append(("H4", REVIEW, b, b, c, -1, False, rcols.index(c)))
    return pd.DataFrame(out, columns=["rule", "table", "instance", "row", "column", "coef", "anchor", "order"])


def ungrouped_outcome_rows() -> tuple[str, ...]:
    """Outcome rows outside the four groups: （一）予以公开 and （二）部分公开."""
    df = cb.entries(REQUESTS, "row").set_index("key")
    return tuple(k for k in outcome_rows() if not df.loc[k, "block"])
