"""Column sets and dtypes of the batch outputs: cells (tidy), files and errors.

Every column set and Arrow schema comes from the field dictionary
(:mod:`toolkit.fields`); this module pins the dtypes so that a corpus read in memory, loaded back from
Parquet shards or returned by DuckDB is the same frame (``table``, ``row`` and
``column`` are the codebook's ordered categoricals again after any round trip).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from toolkit import codebook as cb
from toolkit import fields
from toolkit.read.tidy import TIDY_COLUMNS, TIDY_DTYPES

CATEGORY_AXES = ("table", "row", "column")

# Parquet/Arrow schema of a cells shard (``year`` lives in the hive path, not in the file).
CELLS_ARROW = fields.arrow_schema("cells", exclude=("year",))

# one row per file seen by the batch (the coverage and resume source)
FILES_COLUMNS = fields.columns("files")
FILES_ARROW = fields.arrow_schema("files")

# one row per file that could not be parsed
ERROR_COLUMNS = fields.columns("errors")
ERRORS_ARROW = fields.arrow_schema("errors")


def conform_tidy(df: pd.DataFrame) -> pd.DataFrame:
    """The tidy frame with the schema's column order and dtypes (categoricals restored).

    Works on the output of ``read_report``, on cells loaded from Parquet
    (``year`` may come back as a partition key) and on DuckDB results.

    Examples:
        >>> from toolkit import read_report
        >>> d = read_report("data/raw/ninghe-kejiju-2023.txt").data
        >>> back = conform_tidy(d.astype({"table": str, "row": str, "column": str}))
        >>> back["row"].dtype == d["row"].dtype, back.columns.tolist() == d.columns.tolist()
        (True, True)
    """
    out = {}
    for c in TIDY_COLUMNS:
        s = df[c] if c in df.columns else pd.Series(pd.NA, index=df.index)
        if c in CATEGORY_AXES:
            if s.dtype != cb.category_dtype(c):
                s = s.astype(str).astype(cb.category_dtype(c))
        elif c == "year":
            s = pd.to_numeric(s.astype("object") if isinstance(s.dtype, pd.CategoricalDtype) else s).astype("Int64")
        else:
            s = s.astype(TIDY_DTYPES[c])
        out[c] = s
    return pd.DataFrame(out, index=df.index)


def restore_categories(df: pd.DataFrame) -> pd.DataFrame:
    """Turn any ``table``/``row``/``column`` columns of a query result back into the codebook categoricals."""
    df = df.copy()
    for axis in CATEGORY_AXES:
        if axis in df.columns and not isinstance(df[axis].dtype, pd.CategoricalDtype):
            dtype = cb.category_dtype(axis)
            values = df[axis].dropna().unique()
            if all(isinstance(v, str) and v in dtype.categories for v in values):
                df[axis] = df[axis].astype(dtype)
    return df


def empty_tidy() -> pd.DataFrame:
    """A tidy frame with no rows and the full schema."""
    return conform_tidy(pd.DataFrame({c: pd.Series([], dtype=object) for c in TIDY_COLUMNS}))


def frame(rows: list[dict], columns: tuple[str, ...], arrow: pa.Schema) -> pd.DataFrame:
    """Rows as a DataFrame with fixed columns and the dtypes the Arrow schema implies."""
    table = pa.Table.from_pylist(rows, schema=arrow) if rows else arrow.empty_table()
    return arrow_to_frame(table, columns)


def arrow_to_frame(table: pa.Table, columns: tuple[str, ...]) -> pd.DataFrame:
    df = table.select(list(columns)).to_pandas()
    for c, t in zip(table.select(list(columns)).schema.names, table.select(list(columns)).schema.types):
        if pa.types.is_integer(t):
            df[c] = df[c].astype("Int64")
        elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            df[c] = df[c].astype("str")
    return df
