"""Spreadsheet-safe CSV and XLSX: text from the web never runs as a formula.

Report files come from thousands of websites, and people open our exports in
Excel and WPS, which evaluate a CSV field such as ``=HYPERLINK(...)`` as a
formula. The rule (OWASP, "CSV injection"): a text field that starts with
``=``, ``@``, a tab or a carriage return, or with ``+``/``-`` followed by
anything but a number, gets a leading ``'``. Printed blanks (``-``) and signed
numbers (``-8``, ``+3.5``) stay as they are. A field that already starts with
``'`` in front of such text gets one more ``'``, so that :func:`unprotect`
is the exact inverse of :func:`protect` and a round trip keeps the printed
text. XLSX cells are always written as text cells, never as formulas.

Parquet, DuckDB and the Python API keep the exact printed text; only files
meant for spreadsheets go through this module.

Examples:
    >>> protect('=HYPERLINK("http://x","see")')
    '\\'=HYPERLINK("http://x","see")'
    >>> protect("-"), protect("-8"), protect("-x"), protect("上海市")
    ('-', '-8', "'-x", '上海市')
    >>> unprotect(protect("'=1")) == "'=1"
    True
"""

from __future__ import annotations

import io
import os
import re
import sys
from typing import IO

import pandas as pd

# A signed number: what a spreadsheet shows as a number and never runs.
_SIGNED_NUMBER = re.compile(r"[+-]\s*(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?\s*$")
_TRIGGERS = ("=", "@", "\t", "\r")


def _dangerous(text: str) -> bool:
    if not text:
        return False
    if text.startswith(_TRIGGERS):
        return True
    if text[0] in "+-":
        return len(text) > 1 and not _SIGNED_NUMBER.match(text)
    return False


def _protected(text: str) -> bool:
    # Recursive on purpose: "'=1" must gain a quote too, or unprotect would eat its own.
    return _dangerous(text) or (text.startswith("'") and _protected(text[1:]))


def protect(value):
    """The field as a spreadsheet may show it: a leading ``'`` where it would run."""
    if isinstance(value, str) and _protected(value):
        return "'" + value
    return value


def unprotect(value):
    """The inverse of :func:`protect`: the exact printed text back."""
    if isinstance(value, str) and value.startswith("'") and _protected(value[1:]):
        return value[1:]
    return value


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if not (pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])
                                          or pd.api.types.is_datetime64_any_dtype(df[c]))]


def protect_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) are safe to open in a spreadsheet."""
    out = df.copy()
    for col in _text_columns(out):
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.cat.rename_categories([protect(str(c)) for c in s.cat.categories])
        else:
            out[col] = s.map(protect, na_action="ignore")
    out.columns = [protect(c) if isinstance(c, str) else c for c in out.columns]
    return out


def unprotect_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`protect_frame` on a frame read back from CSV."""
    out = df.copy()
    for col in _text_columns(out):
        out[col] = out[col].map(unprotect, na_action="ignore")
    out.columns = [unprotect(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, out: str | os.PathLike | IO[str] | None = None, **kwargs) -> None:
    """CSV for people: ``utf-8-sig`` (Excel on Chinese Windows reads it), text fields protected.

    ``out`` None or ``"-"`` writes to standard output (no BOM there).
    """
    kwargs.setdefault("index", False)
    safe = protect_frame(df)
    if out is None or (isinstance(out, str) and out == "-"):
        safe.to_csv(sys.stdout, **kwargs)
    elif isinstance(out, io.IOBase) or hasattr(out, "write"):
        safe.to_csv(out, **kwargs)
    else:
        kwargs.setdefault("encoding", "utf-8-sig")
        safe.to_csv(out, **kwargs)


def read_csv(source, **kwargs) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv`, undoing the protection."""
    kwargs.setdefault("encoding", "utf-8-sig")
    return unprotect_frame(pd.read_csv(source, **kwargs))


def write_xlsx(sheets: pd.DataFrame | dict[str, pd.DataFrame], out: str | os.PathLike) -> None:
    """XLSX whose strings are always text cells (openpyxl would store ``=…`` as a formula)."""
    from openpyxl import Workbook

    if isinstance(sheets, pd.DataFrame):
        sheets = {"data": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(title=str(name)[:31])
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            ws.append([None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in row])
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
    wb.save(out)


def _missing(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
