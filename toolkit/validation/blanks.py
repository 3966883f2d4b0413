"""The blank-cell rule: how a cell that printed nothing is counted (docs/format.md §6.4).

Readers keep a blank or NA cell missing (``value`` NaN, ``status`` ``blank`` or
``na``). Many reports leave cells empty where they mean zero (the Shanghai GO
2019 report leaves 135 of 198 cells empty, the 总计 of every result row among
them), so a number is needed before any sum. The rule, applied per report and
per table, is:

1. ``blank_as_zero``: in a table that prints at least one number, a blank or
   NA cell counts as 0.
2. ``imputed_total``: in a table with a ``total`` column (三 and 四), a blank
   total whose row prints at least one number counts as the sum of the other
   cells of its row. A total left empty beside printed parts means "not filled
   in", not "zero"; reading it as 0 would turn one omission into a false
   identity failure in every such row. H2 and H4 then hold for that row by
   construction and are reported as imputed, not as passed.
3. ``table_empty``: a table that prints no number at all stays missing: an
   empty template is "no data", not a table of zeros.

Cells the reader knows it did not read (``status`` ``missing``: a row whose
label was not recognised) are not blanks: they stay missing and unflagged, and
every sum through them is unknown. Cells that print text that is not a number
(``status`` ``invalid``) are never filled: validation reports them (H5) and identities touching them are not
assessable.

This module is the only place the rule lives. :func:`toolkit.validate` applies
it before checking identities and reports every cell it touched; analysis code
(notebooks, aggregation) must call :func:`apply_blank_rule` as well, so that the
numbers a researcher sums are the numbers validation checked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import codebook as cb
from toolkit.read.gaps import MISSING

#: The flag values written to the ``fill`` column.
BLANK_AS_ZERO = "blank_as_zero"
IMPUTED_TOTAL = "imputed_total"
TABLE_EMPTY = "table_empty"
FILLS = (BLANK_AS_ZERO, IMPUTED_TOTAL, TABLE_EMPTY)

#: Column key of the total column in tables 三 and 四 (codebook).
TOTAL = "total"

_MISSING = ("blank", "na")


def _report_key(df: pd.DataFrame) -> pd.Series:
    """One key per report: report_id, else source_file, else one report."""
    for col in ("report_id", "source_file"):
        if col in df and df[col].notna().any():
            return df[col].astype("string").fillna("")
    return pd.Series("", index=df.index, dtype="string")


def _tables_with_total() -> tuple[str, ...]:
    return tuple(t for t in cb.TABLES if TOTAL in cb.keys(t, "column"))


def apply_blank_rule(data: pd.DataFrame, *, impute_totals: bool = True) -> pd.DataFrame:
    """Apply the blank-cell rule to a tidy frame; the input is not modified.

    Args:
        data: tidy cells (:data:`toolkit.read.tidy.TIDY_COLUMNS`), one or many reports.
        impute_totals: also fill a blank ``total`` beside printed parts with the
            sum of its row (step 2 of the rule).

    Returns:
        A copy with ``value`` filled by the rule, the printed number kept in
        ``value_printed`` and the rule applied in ``fill`` (one of :data:`FILLS`,
        missing where the printed value is used).

    Examples:
        >>> cells = pd.DataFrame({
        ...     "report_id": "r1", "table": "review_litigation",
        ...     "row": ["reconsideration"] * 5 + ["litigation_direct"] * 5,
        ...     "column": ["upheld", "corrected", "other", "pending", "total"] * 2,
        ...     "value": [5, None, None, 2, None] + [None] * 5,
        ...     "status": ["number", "blank", "blank", "number", "blank"] + ["blank"] * 5,
        ... })
        >>> out = apply_blank_rule(cells)
        >>> out.head(5)[["column", "value", "fill"]].values.tolist()
        [['upheld', 5.0, <NA>], ['corrected', 0.0, 'blank_as_zero'], ['other', 0.0, 'blank_as_zero'], ['pending', 2.0, <NA>], ['total', 7.0, 'imputed_total']]
        >>> out["fill"].value_counts().to_dict()
        {'blank_as_zero': 7, 'imputed_total': 1}
        >>> apply_blank_rule(cells.assign(status="blank", value=None))["fill"].unique().tolist()
        ['table_empty']
    """
    df = data.copy()
    value = pd.to_numeric(df["value"], errors="coerce").astype(float)
    status = df["status"].astype("string")
    table = df["table"].astype("string")
    key = _report_key(df)
    df["value_printed"] = value
    fill = pd.Series(pd.NA, index=df.index, dtype="string")

    is_number = status.eq("number").fillna(False)
    has_number = is_number.groupby([key, table]).transform("any").astype(bool)
    missing = status.isin(_MISSING).fillna(False)

    to_zero = missing & has_number
    value = value.mask(to_zero, 0.0)
    fill = fill.mask(to_zero, BLANK_AS_ZERO)
    # a cell the reader did not read (status missing) is no blank: it stays missing, unflagged
    empty = ~has_number & ~status.eq(MISSING).fillna(False)
    fill = fill.mask(empty, TABLE_EMPTY)
    value = value.mask(empty, np.nan)

    if impute_totals:
        row = df["row"].astype("string")
        column = df["column"].astype("string")
        in_total_table = table.isin(_tables_with_total()).fillna(False)
        is_total = column.eq(TOTAL).fillna(False)
        part = in_total_table & ~is_total
        group = [key, table, row]
        parts_sum = value.where(part).groupby(group).transform("sum")
        parts_printed = (is_number & part).groupby(group).transform("any").astype(bool)
        parts_invalid = (status.eq("invalid").fillna(False) & part).groupby(group).transform("any").astype(bool)
        impute = to_zero & in_total_table & is_total & parts_printed & ~parts_invalid
        value = value.mask(impute, parts_sum)
        fill = fill.mask(impute, IMPUTED_TOTAL)

    df["value"] = value
    df["fill"] = fill
    return df


def filled_cells(data: pd.DataFrame) -> pd.DataFrame:
    """Only the cells the rule touched (``fill`` not missing), for reporting.

    Examples:
        >>> cells = pd.DataFrame({"report_id": "r1", "table": "proactive", "row": "rules",
        ...     "column": ["issued", "repealed"], "value": [1, None], "status": ["number", "blank"]})
        >>> filled_cells(apply_blank_rule(cells))[["column", "fill"]].values.tolist()
        [['repealed', 'blank_as_zero']]
    """
    return data[data["fill"].notna()]
