"""Reports as rows: tidy cells with the blank-cell rule applied, one row per report of a table's
values with what was read, and the grouping every measure shares (facts kept as columns)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import codebook as cb
from toolkit.analyse import facts
from toolkit.analyse.facts import strict_sum
from toolkit.analyse.measures.vocabulary import EXTRA_COLUMNS, META_COLUMNS, REFUSAL_GROUPS, block_rows
from toolkit.validation.blanks import apply_blank_rule


def cells(df: pd.DataFrame) -> pd.DataFrame:
    """Tidy cells with the blank-cell rule applied (once: a frame with ``fill`` is returned as is)."""
    if isinstance(df, pd.DataFrame) and "fill" in df.columns:
        return df
    if not isinstance(df, pd.DataFrame):
        data = getattr(df, "data", None)
        if isinstance(data, pd.DataFrame):  # a Report
            df = data
        else:
            raise TypeError(f"expected tidy cells (a DataFrame or a Report), not {type(df).__name__}")
    missing = {"table", "row", "column", "value", "status"} - set(df.columns)
    if missing:
        raise ValueError(f"not tidy cells: columns {sorted(missing)} missing (see toolkit.read.tidy.TIDY_COLUMNS)")
    out = apply_blank_rule(df)
    if "report_id" not in out.columns:
        out["report_id"] = out["source_file"] if "source_file" in out.columns else "report"
    return out


def report_meta(c: pd.DataFrame) -> pd.DataFrame:
    """One row per report: its metadata columns (:data:`META_COLUMNS`)."""
    cols = [m for m in META_COLUMNS if m in c.columns and m != "report_id"]
    meta = c.groupby("report_id", sort=False, observed=True)[cols].first()
    if "year" in meta:
        meta["year"] = meta["year"].astype("Int64")
    return meta


def report_rows(df: pd.DataFrame, table: str, *, column: str | None = None, row: str | None = None,
                keys: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per report: values of ``keys`` with what was read (``_miss_<key>``, ``_missing``, ``_trace``)."""
    if (column is None) == (row is None):
        raise ValueError("give exactly one of column= or row=")
    c = cells(df)
    axis, at = ("row", column) if column is not None else ("column", row)
    keys = list(keys) if keys is not None else list(cb.keys(table, axis))
    sub = c[c["table"].astype(str) == table]
    sub = sub[sub["column" if axis == "row" else "row"].astype(str) == at]
    wide = (
        sub.assign(_k=sub[axis].astype(str))
        .groupby(["report_id", "_k"], sort=False, observed=True)["value"]
        .first()
        .unstack("_k")
    )
    wide = wide.reindex(columns=keys).astype(float)
    out = report_meta(c).join(wide, how="left").join(facts.read_cells(c, table, axis, keys, at), how="left")
    out.columns.name = None
    return out.reset_index()


def report_matrix(df: pd.DataFrame, table: str, *, column: str | None = None, row: str | None = None) -> pd.DataFrame:
    """One row per report: the rows of ``table`` at one ``column`` (or its columns at one ``row``).

    The blank-cell rule is applied; metadata columns lead; ``complete`` and ``missing_cells``
    say which cells the report's template prints and were not read (those stay missing).

    Examples:
        >>> from toolkit import read_report
        >>> m = report_matrix(read_report("data/raw/shanghai-gov-office-2019.html").data, "requests", column="total")
        >>> m[["new_received", "carried_in", "total_processed", "carried_forward", "complete"]].values.tolist()
        [[859.0, 18.0, 805.0, 72.0, True]]
    """
    m = report_rows(df, table, column=column, row=row)
    m["complete"] = m["_missing"].map(len) == 0
    m["missing_cells"] = m["_missing"].map("; ".join)
    return m.drop(columns=[c for c in m.columns if c.startswith("_")])


def by_list(by: Sequence[str] | str) -> list[str]:
    """``by`` as a list of column names (one name or several)."""
    return [by] if isinstance(by, str) else list(by)


def group_reports(frame: pd.DataFrame, by: list[str], values: list[str], scope: str | None, incomplete: str = "skip") -> pd.DataFrame:
    """Sum ``values`` over reports within ``by``, with the fact columns (:func:`toolkit.analyse.facts.group`)."""
    return facts.group(frame, by, values, scope, incomplete, extras(frame, by) if facts.per_report(by) else [])


def extras(frame: pd.DataFrame, by: list[str]) -> list[str]:
    """The columns carried beside per-report rows (:data:`EXTRA_COLUMNS`) that ``by`` does not already name."""
    return [c for c in EXTRA_COLUMNS if c in frame.columns and c not in by]


def outcome_groups(m: pd.DataFrame) -> pd.DataFrame:
    """Derived outcome groups from a requests matrix (rows as columns), with their ``_miss_`` flags."""
    out = pd.DataFrame(index=m.index)
    for key in ("disclosed", "partly_disclosed"):
        out[key] = m[key]
        out[f"_miss_{key}"] = m[f"_miss_{key}"]
    for group in REFUSAL_GROUPS:
        members = block_rows(group)
        # A group printed as one row in the 2019 layout (（六）其他处理) and as sub-rows in 2021: use
        # whichever the report printed, never both.
        single = [r for r in members if cb.attribute("requests", "row", r, "template") == "2019"]
        split = [r for r in members if r not in single]
        one = strict_sum(m, single) if single else pd.Series(np.nan, index=m.index)
        has_one = one.notna() | facts.any_missing(m, single)
        out[group] = one.where(has_one, strict_sum(m, split))
        out[f"_miss_{group}"] = facts.any_missing(m, single).where(has_one, facts.any_missing(m, split))
    return out


def meta_columns(m: pd.DataFrame) -> list[str]:
    """The metadata columns a matrix holds, in :data:`META_COLUMNS` order."""
    return [c for c in META_COLUMNS if c in m.columns]


def matrix_columns(m: pd.DataFrame, values: Sequence[str]) -> list[str]:
    """Columns of a matrix a group needs: metadata, ``values`` with their flags, what was read."""
    return [*meta_columns(m), *values, *(f"_miss_{v}" for v in values if f"_miss_{v}" in m.columns), "_missing", "_trace"]


def facts_last(frame: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """``cols`` of a measure frame, then its fact columns (:func:`toolkit.analyse.facts.fact_columns`)."""
    return frame[[*cols, *facts.fact_columns(frame)]]
