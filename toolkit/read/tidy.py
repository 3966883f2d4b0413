"""The tidy schema: one row per published cell, every value traceable to its source.

The columns, their order, dtypes and meanings are the ``cells`` rows of the
field dictionary (``toolkit/data/fields.csv``, read by :mod:`toolkit.fields`).
``table``, ``row`` and ``column`` are the codebook's ordered categoricals
(:func:`toolkit.codebook.category_dtype`); every reader and the corpus loader
use these names.

Blank cells are kept missing here; :mod:`toolkit.validation.blanks` states the
rule that validation and analysis apply to them.

A report's cells are first gathered as plain columns (:data:`TIDY_COLUMNS` →
list of Python values): the batch loader joins the columns of a whole chunk
into one Arrow table, and only :func:`tidy_frame` (one report, for
``read_report``) builds a DataFrame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray, FloatingArray, IntegerArray

from toolkit import codebook as cb
from toolkit import fields

TIDY_COLUMNS = fields.columns("cells")
# dtypes of the columns other than the categorical axes
TIDY_DTYPES = {c: t for c, t in fields.dtypes("cells").items() if t != "category"}
# The Arrow schema of the plain columns (axes as strings, year included): what a chunk's table holds.
TIDY_ARROW = fields.arrow_schema("cells")
AXES = ("table", "row", "column")
# Columns with one value per report (``read.report._tidy_columns`` repeats it for every cell).
REPORT_COLUMNS = ("report_id", "agency", "agency_id", "agency_name", "year", "scope", "level", "source_file", "source_sha256", "format",
                  "source_url", "fetched_at")
# pandas' "str" dtype is an Arrow string array with NaN as its missing value; built straight
# from a large_string Arrow array (its storage) it skips pandas' inference and a cast.
_STR = pd.array([], dtype="str").dtype
_STR_FAST = isinstance(pd.array([], dtype="str"), ArrowStringArray)
try:  # pandas >= 3: a frame from its blocks (what pyarrow's to_pandas uses)
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - pandas 2
    _from_blocks = None
_PLACEMENTS = [np.array([i]) for i in range(len(TIDY_COLUMNS))]
_COLUMN_INDEX = pd.Index(list(TIDY_COLUMNS))


def _column(name: str, values: list, n: int):
    """One column as a pandas array of its field's dtype, built the cheapest way its values allow."""
    dtype = TIDY_DTYPES[name]
    first = values[0] if n else None
    constant = n > 0 and values.count(first) == n  # a C-level scan: the per-report columns repeat one value
    if dtype == "str" and _STR_FAST:
        if constant:
            arr = pa.nulls(n, pa.large_string()) if first is None else pa.repeat(pa.scalar(first, pa.large_string()), n)
        else:
            arr = pa.array(values, pa.large_string())
        return ArrowStringArray(arr, dtype=_STR)
    if dtype == "Float64":
        if constant and first is None:  # confidence of text cells: all missing
            return FloatingArray(np.zeros(n), np.ones(n, dtype=bool))
        # None → NaN; the readers never make a NaN value (values.parse_value), so NaN marks missing
        data = np.array(values, dtype=np.float64)
        return FloatingArray(data, np.isnan(data))
    if dtype == "Int64" and constant and (first is None or type(first) is int):
        return IntegerArray(np.full(n, first or 0, dtype=np.int64), np.full(n, first is None))
    return pd.array(values, dtype=dtype)


def tidy_frame(columns: dict[str, list]) -> pd.DataFrame:
    """The tidy DataFrame of plain columns (one list per :data:`TIDY_COLUMNS` name).

    The same frame as building each column with ``pd.array(values, dtype)`` (tested), in
    a third of the time: this runs once per ``read_report``.
    """
    n = len(columns["table"])
    arrays = [cb.categorical(columns[name], name) if name in AXES else _column(name, columns[name], n)
              for name in TIDY_COLUMNS]
    if _from_blocks is not None:
        # Every column is a fresh extension array, one block each: handed to pandas as the
        # blocks they are (pandas >= 3), not checked and inferred again column by column.
        return _from_blocks(list(zip(arrays, _PLACEMENTS)), index=pd.RangeIndex(n), columns=_COLUMN_INDEX)
    return pd.DataFrame(dict(zip(TIDY_COLUMNS, arrays)), copy=False)


def tidy_table(columns: dict[str, list]) -> pa.Table:
    """The plain columns as one Arrow table (:data:`TIDY_ARROW`: axes as strings).

    A column that repeats one value (those of :data:`REPORT_COLUMNS` do) is made by Arrow from that
    value, not converted value by value: half the time of a batch's per-report table.
    """
    n = len(columns["location"])
    arrays = []
    for name, field in zip(TIDY_ARROW.names, TIDY_ARROW):
        values = columns[name]
        if name in REPORT_COLUMNS and n and values.count(values[0]) == n:
            first = values[0]
            arrays.append(pa.nulls(n, field.type) if first is None else pa.repeat(pa.scalar(first, field.type), n))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=TIDY_ARROW)


def frame_of_table(table: pa.Table) -> pd.DataFrame:
    """The tidy DataFrame of an Arrow table of :data:`TIDY_ARROW` (one conversion per chunk)."""
    n = table.num_rows
    data = {}
    for name in TIDY_COLUMNS:
        col = table.column(name)
        if name in AXES:
            dtype = cb.category_dtype(name)
            codes = dtype.categories.get_indexer(np.asarray(col.to_numpy(zero_copy_only=False), dtype=object))
            data[name] = pd.Categorical.from_codes(codes, dtype=dtype)
        elif TIDY_DTYPES[name] == "str" and _STR_FAST:
            data[name] = ArrowStringArray(col.combine_chunks() if col.num_chunks != 1 else col.chunk(0), dtype=_STR)
        else:
            data[name] = pd.array(col.to_pylist(), dtype=TIDY_DTYPES[name])
    return pd.DataFrame(data, columns=list(TIDY_COLUMNS), index=pd.RangeIndex(n), copy=False)
