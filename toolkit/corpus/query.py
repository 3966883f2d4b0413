"""SQL over a parsed corpus (Parquet shards) with DuckDB, and export to CSV/XLSX/Parquet.

:func:`query` opens the shard folder written by ``toolkit parse DIR -o OUT_DIR``
(:func:`toolkit.corpus.parse_to_parquet`) as three views:

- ``cells``: the tidy cells (``year`` from the hive partition);
- ``files``: one row per file seen (status, agency, year, format, counts);
- ``errors``: one row per file that failed.

DuckDB reads only the partitions and columns a query needs, so a query over
ten years of reports runs without loading them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from toolkit.corpus.schema import restore_categories

DEFAULT_DATA_DIR_ENV = "TOOLKIT_DATA_DIR"
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row


def _data_dir(data_dir) -> Path:
    if data_dir is None:
        data_dir = os.environ.get(DEFAULT_DATA_DIR_ENV)
        if data_dir is None:
            raise ValueError(f"query needs data_dir= (the folder written by 'toolkit parse DIR -o OUT_DIR') "
                             f"or the {DEFAULT_DATA_DIR_ENV} environment variable")
    path = Path(data_dir)
    if not (path / "files").is_dir() and not (path / "cells").is_dir():
        raise FileNotFoundError(f"{path}: not a parsed corpus (no cells/ or files/ folder); "
                                "create it with 'toolkit parse DIR -o OUT_DIR'")
    return path


def connect(data_dir: str | os.PathLike | None = None):
    """A DuckDB connection with the views ``cells``, ``files`` and ``errors`` over a shard folder."""
    import duckdb

    path = _data_dir(data_dir)
    con = duckdb.connect()
    for name, glob in (("cells", "cells/**/*.parquet"), ("files", "files/*.parquet"), ("errors", "errors/*.parquet")):
        pattern = str(path / glob).replace("'", "''")
        if list(path.glob(glob)):
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{pattern}', hive_partitioning = "
                        f"{'true' if name == 'cells' else 'false'}, union_by_name = true)")
        else:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {_empty(name)}")
    return con


def _empty(name: str) -> str:
    from toolkit.corpus.schema import CELLS_ARROW, ERRORS_ARROW, FILES_ARROW

    schema = {"cells": CELLS_ARROW, "files": FILES_ARROW, "errors": ERRORS_ARROW}[name]
    cols = ", ".join(f"CAST(NULL AS {'DOUBLE' if str(t) == 'double' else 'BIGINT' if 'int' in str(t) else 'VARCHAR'}) AS \"{n}\""
                     for n, t in zip(schema.names, schema.types))
    if name == "cells":
        cols += ', CAST(NULL AS BIGINT) AS "year"'
    return f"(SELECT {cols} WHERE false)"


def query(sql: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Run SQL over a parsed corpus; returns a DataFrame.

    ``table``, ``row`` and ``column`` come back as the codebook's ordered
    categoricals when the result has them (so sorting follows the report).

    Args:
        sql: a DuckDB query over the views ``cells``, ``files`` and ``errors``.
        data_dir: the shard folder (default: ``$TOOLKIT_DATA_DIR``).

    Examples:
        >>> import tempfile, toolkit
        >>> out = tempfile.mkdtemp()
        >>> _ = toolkit.corpus.parse_to_parquet("data/raw", out, engine="serial", progress=False)
        >>> query("SELECT year, sum(value) AS applications FROM cells WHERE \\"table\\" = 'requests' "
        ...       "AND \\"row\\" = 'new_received' AND \\"column\\" = 'total' GROUP BY year ORDER BY year", out)
           year  applications
        0  2019         882.0
        1  2020          21.0
        2  2021          70.0
        3  2022          74.0
        4  2023         102.0
        5  2024        3337.0
        6  2025         154.0
    """
    con = connect(data_dir)
    try:
        return restore_categories(con.execute(sql).df())
    finally:
        con.close()


def export(data: pd.DataFrame, path: str | os.PathLike, *, sheet_name: str = "data", on_note=None) -> Path:
    """Write a DataFrame as CSV (utf-8-sig, opens in Excel), XLSX or Parquet, by extension.

    CSV and XLSX are made for spreadsheets (:mod:`toolkit.spreadsheet`): XLSX
    strings are text cells, never formulas, and a CSV text field a spreadsheet
    would evaluate (``=…``, ``@…``, ``+x``/``-x``) gets a leading ``'``;
    Parquet keeps the exact printed text.

    Text a format cannot hold (a lone surrogate anywhere, a NUL in CSV, control
    characters and cells over 32,767 characters in XLSX) is escaped or cut, with
    one line per kind of change to ``on_note`` (default: an
    :class:`~toolkit.spreadsheet.ExportWarning`); see :func:`toolkit.spreadsheet.fit_text`.

    Raises:
        ValueError: unknown extension, or more rows than an Excel sheet holds
            (export a wide table, a filtered query or Parquet instead).

    Examples:
        >>> import tempfile, pandas as pd
        >>> p = export(pd.DataFrame({"机关": ["宁河区科学技术局"], "n": [1]}), tempfile.mkdtemp() + "/x.csv")
        >>> p.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
        True
    """
    from toolkit.spreadsheet import fit_text, write_csv, write_xlsx  # spreadsheets: text never runs as a formula

    path = Path(path)
    ext = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if ext == ".csv":
        write_csv(data, path, on_note=on_note)
    elif ext == ".parquet":
        fit_text(data, "parquet", on_note).to_parquet(path, index=False)
    elif ext == ".xlsx":
        if len(data) > XLSX_MAX_ROWS:
            raise ValueError(f"{path}: {len(data):,} rows do not fit an Excel sheet ({XLSX_MAX_ROWS:,}); "
                             "export a wide table (--table requests), a filtered query (--sql) or .parquet")
        out = data.copy()
        for c in out.columns:
            if isinstance(out[c].dtype, pd.CategoricalDtype):
                out[c] = out[c].astype(object).where(out[c].notna(), None)
            elif str(out[c].dtype) in ("Int64", "Float64"):
                out[c] = out[c].astype("float64")
        write_xlsx({sheet_name: out}, path, on_note=on_note)
    else:
        raise ValueError(f"cannot export to {path}: use a .csv, .xlsx or .parquet file name")
    return path
