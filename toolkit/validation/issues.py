"""Issue rows and check records: the two frames validation returns.

An *issue* is one finding at one cell (or one report, for report-level
findings); a *check* is one evaluated rule instance with its outcome, so that a
quality summary can count what was checked, not only what failed.
"""

from __future__ import annotations

import math

import pandas as pd

from toolkit import codebook as cb
from toolkit import fields
from toolkit.labels import label
from toolkit.read.normalise import label_key

ISSUE_COLUMNS = fields.columns("issues")
CHECK_COLUMNS = fields.columns("checks")
SEVERITIES = ("error", "warning", "info")
OUTCOMES = ("passed", "failed", "not_assessable", "imputed")


def cell_label(table: str | None, row: str | None, column: str | None, lang: str = "zh") -> str:
    """A short readable name of a cell from codebook labels.

    Examples:
        >>> cell_label("requests", "carried_forward", "natural_person")
        '结转下年度继续办理·自然人'
        >>> cell_label("review_litigation", "reconsideration", "total", "en")
        'Administrative reconsideration · Total'
    """
    parts = []
    for axis, key in (("row", row), ("column", column)):
        if table and key:
            try:
                text = cb.label(table, axis, key, lang)
            except IndexError:
                text = key
            if lang == "zh":
                text = label_key(text).split("(")[0]
            parts.append(text)
    return ("·" if lang == "zh" else " · ").join(parts) or (table or "")


def fmt(x: float | None) -> str:
    """A number as printed in messages: integers without '.0', missing as '—'.

    Examples:
        >>> fmt(3.0), fmt(96171.6), fmt(float("nan"))
        ('3', '96171.6', '—')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def issue(meta: dict, *, table, row, column, rule, severity, expected, observed, zh, en, hint=None, location=None) -> dict:
    """One issue row (a dict with :data:`ISSUE_COLUMNS`); ``hint`` is ``(zh, en)`` or None."""
    hint_zh, hint_en = hint if hint else (None, None)
    return {
        "report_id": meta.get("report_id"),
        "source_file": meta.get("source_file"),
        "agency": meta.get("agency"),
        "year": meta.get("year"),
        "table": table,
        "row": row,
        "column": column,
        "rule": rule,
        "severity": severity,
        "expected": expected,
        "observed": observed,
        "message": f"{zh} / {en}",
        "message_zh": zh,
        "message_en": en,
        "hint": f"{hint_zh} / {hint_en}" if hint else None,
        "hint_zh": hint_zh,
        "hint_en": hint_en,
        "location": location,
    }


def reason(*parts: tuple[str, list | tuple | None]) -> str | None:
    """The ``reason`` of a check: English phrases from the labels table (``reason.*``), joined by ``; ``.

    Each part is ``(key, cells)``; the cells (``table/row/column`` keys) a phrase is
    about follow it after a colon. Parts with ``cells`` None are left out, an
    empty list keeps the phrase alone.

    Examples:
        >>> reason(("missing", ["requests/partly_disclosed/natural_person"]), ("blank_as_zero", []))
        'missing cells: requests/partly_disclosed/natural_person; blanks counted as 0'
        >>> reason(("blank_as_zero", None)) is None
        True
    """
    out = []
    for key, cells in parts:
        if cells is None:
            continue
        text = label(f"reason.{key}", "en")
        out.append(f"{text}: {', '.join(cells)}" if cells else text)
    return "; ".join(out) or None


def issues_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Issue rows as a DataFrame with typed, ordered key columns."""
    df = pd.DataFrame(rows, columns=list(ISSUE_COLUMNS)) if not isinstance(rows, pd.DataFrame) else rows
    df = df.reindex(columns=list(ISSUE_COLUMNS))
    for axis in ("table", "row", "column"):
        # report-level findings (W5) have no table/row/column: missing, not a key
        df[axis] = pd.Categorical(df[axis].astype(object).where(df[axis].notna(), None),
                                  categories=list(cb.category_order(axis)), ordered=True)
    df["severity"] = pd.Categorical(df["severity"], categories=list(SEVERITIES), ordered=True)
    for col in ("expected", "observed"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    return df.reset_index(drop=True)


def checks_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(CHECK_COLUMNS)) if not isinstance(rows, pd.DataFrame) else rows
    df = df.reindex(columns=list(CHECK_COLUMNS))
    df["outcome"] = pd.Categorical(df["outcome"], categories=list(OUTCOMES))
    return df.reset_index(drop=True)
