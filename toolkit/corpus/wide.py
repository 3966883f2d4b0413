"""Wide views: one row per report, one column per published cell of one table.

Long (tidy) is the default everywhere; these are for people who want a
spreadsheet per table. Columns are named ``<row>__<column>`` with codebook
keys, in the report's own order (codebook order), and only cells that occur in
the data are included (a corpus mixing the 2019 and 2021 templates gets the
union, missing where a report's template lacks the cell).
"""

from __future__ import annotations

import pandas as pd

from toolkit import codebook as cb

REPORT_COLUMNS = ("report_id", "source_file", "agency", "agency_id", "agency_name", "year", "scope", "template", "format")


def wide_table(df: pd.DataFrame, table: str, values: str = "value", sep: str = "__") -> pd.DataFrame:
    """One table of a tidy frame as one row per report and one column per cell.

    Args:
        df: tidy cells (from ``read_report(...).data``, ``read_reports`` or
            :func:`toolkit.corpus.load_cells`).
        table: ``proactive``, ``requests`` or ``review_litigation``.
        values: the tidy column to spread: ``value`` (numbers) or ``raw`` (text as printed).
        sep: between row and column key in the column names.

    Returns:
        report columns (``report_id``, ``source_file``, ``agency``, ``agency_id``, ``agency_name``,
        ``year``, ``scope``, ``template``, ``format``: those present) then one column per cell.

    Examples:
        >>> from toolkit import read_report
        >>> w = requests_table(read_report("data/raw/ninghe-kejiju-2023.txt").data)
        >>> w.shape, w.columns[9], float(w.loc[0, "new_received__total"])
        ((1, 184), 'new_received__natural_person', 0.0)
    """
    if isinstance(df, (str, bytes)) or not isinstance(df, pd.DataFrame):
        raise TypeError("pass the tidy DataFrame (e.g. read_reports(...).data), not a path")
    if table not in cb.TABLES:
        raise ValueError(f"table must be one of {cb.TABLES}, not {table!r}")
    part = df[df["table"] == table]
    keys = [c for c in REPORT_COLUMNS if c in part.columns]
    ident = ["report_id", "source_file"] if "source_file" in part.columns else ["report_id"]
    meta = part[keys].drop_duplicates(ident).set_index(ident)
    row_dtype, col_dtype = cb.category_dtype("row"), cb.category_dtype("column")
    cells = part[[*ident, "row", "column", values]].astype({"row": row_dtype, "column": col_dtype})
    wide = cells.set_index([*ident, "row", "column"])[values].unstack(["row", "column"])
    present = sorted(wide.columns, key=lambda rc: (row_dtype.categories.get_loc(rc[0]), col_dtype.categories.get_loc(rc[1])))
    wide = wide[present]
    wide.columns = [f"{r}{sep}{c}" for r, c in present]
    out = meta.join(wide).reset_index()
    out = out[[*keys, *wide.columns]]
    if values == "value":
        out[list(wide.columns)] = out[list(wide.columns)].astype("Float64")
    return out.reset_index(drop=True)


def requests_table(df: pd.DataFrame, values: str = "value") -> pd.DataFrame:
    """Table 三 (requests received and handled), one row per report. See :func:`wide_table`."""
    return wide_table(df, "requests", values)


def proactive_table(df: pd.DataFrame, values: str = "value") -> pd.DataFrame:
    """Table 二 (proactive disclosure), one row per report. See :func:`wide_table`."""
    return wide_table(df, "proactive", values)


def review_table(df: pd.DataFrame, values: str = "value") -> pd.DataFrame:
    """Table 四 (administrative reconsideration and litigation), one row per report. See :func:`wide_table`.

    Examples:
        >>> import toolkit
        >>> data, _ = toolkit.corpus.read_reports("data/raw", engine="serial", progress=False)
        >>> review_table(data)[["agency", "year", "reconsideration__total"]]
                agency  year  reconsideration__total
        0      洪泽区人民政府  2023                     0.0
        1      淮安市人民政府  2024                   351.0
        2     宁河区科学技术局  2023                     0.0
        3      平潭综合实验区  2019                     0.0
        4      平潭综合实验区  2020                     0.0
        5      平潭综合实验区  2021                     3.0
        6      平潭综合实验区  2022                     2.0
        7      平潭综合实验区  2023                     2.0
        8      平潭综合实验区  2024                     7.0
        9      平潭综合实验区  2025                    36.0
        10  上海市人民政府办公厅  2019                     7.0
    """
    return wide_table(df, "review_litigation", values)
