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

Some text no file format can hold, and the writer would stop with a traceback:
a lone surrogate (half of a character, from a badly decoded page) is not UTF-8,
so neither CSV nor Parquet can store it; a NUL ends a field in most CSV readers;
XLSX (XML) cannot hold most control characters (BEL, ESC, SOH, …) and holds at
most 32,767 characters in a cell. :func:`fit_text` writes such characters as
visible escapes (``\\x07``, ``\\udcb1``) and cuts an over-long XLSX cell, and says
so, one line per kind of change (``on_note``, else a :class:`ExportWarning`);
text a format can hold is never touched (Parquet keeps ``raw`` exactly).

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
import warnings
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


class ExportWarning(UserWarning):
    """Text a file format cannot hold was escaped or cut (see :func:`fit_text`)."""


# What each format cannot hold. Lone surrogates are never UTF-8; XML 1.0 allows only tab, LF and CR below 0x20.
_SURROGATES = "\ud800-\udfff"
CANNOT_HOLD = {
    "csv": re.compile(f"[\x00{_SURROGATES}]"),
    "parquet": re.compile(f"[{_SURROGATES}]"),
    "xlsx": re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_SURROGATES}\ufffe\uffff]"),
}
XLSX_MAX_CHARS = 32_767
_WHAT = {"csv": "a NUL or a lone surrogate", "parquet": "a lone surrogate",
         "xlsx": "a control character or a lone surrogate"}


def _escape(m: re.Match) -> str:
    return f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"


def _fit(value, pattern, limit, counts):
    if not isinstance(value, str):
        return value
    if pattern.search(value):
        value = pattern.sub(_escape, value)
        counts["escaped"] += 1
    if limit is not None and len(value) > limit:
        value = value[:limit]
        counts["cut"] += 1
    return value


def fit_text(df: pd.DataFrame, fmt: str, on_note=None) -> pd.DataFrame:
    """``df`` with every text a ``fmt`` file (``"csv"``, ``"parquet"``, ``"xlsx"``) cannot hold escaped or cut.

    Returns ``df`` itself when nothing needs changing (the common case: no copy).

    Examples:
        >>> notes = []
        >>> fit_text(pd.DataFrame({"raw": ["a\\x07b", "ok"]}), "xlsx", notes.append)["raw"].tolist()
        ['a\\\\x07b', 'ok']
        >>> notes
        ['xlsx: 1 text cell held a control character or a lone surrogate, written as an escape (\\\\x07, \\\\udcb1)']
    """
    pattern, limit = CANNOT_HOLD[fmt], XLSX_MAX_CHARS if fmt == "xlsx" else None
    counts = {"escaped": 0, "cut": 0}
    changed: dict = {}
    for col in _text_columns(df):
        s = df[col]
        values = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna().unique()
        seen = {"escaped": 0, "cut": 0}
        bad = {v: _fit(v, pattern, limit, seen) for v in values
               if isinstance(v, str) and (pattern.search(v) or (limit is not None and len(v) > limit))}
        if not bad:
            continue
        # counted in cells, not in distinct texts
        counts["escaped"] += int(s.isin([v for v in bad if pattern.search(v)]).sum())
        counts["cut"] += int(s.isin([v for v, new in bad.items() if limit is not None and len(new) == limit
                                     and len(pattern.sub(_escape, v)) > limit]).sum())
        if isinstance(s.dtype, pd.CategoricalDtype):
            changed[col] = s.cat.rename_categories([bad.get(c, c) for c in s.cat.categories])
        else:
            changed[col] = s.astype(object).map(lambda v, bad=bad: bad.get(v, v) if isinstance(v, str) else v)
    names = [_fit(c, pattern, limit, counts) if isinstance(c, str) else c for c in df.columns]
    if not changed and names == list(df.columns):
        return df
    out = df.assign(**changed) if changed else df.copy()
    out.columns = names
    say = on_note or (lambda m: warnings.warn(m, ExportWarning, stacklevel=3))
    if counts["escaped"]:
        say(f"{fmt}: {counts['escaped']} text cell{'s' * (counts['escaped'] != 1)} held {_WHAT[fmt]}, "
            "written as an escape (\\x07, \\udcb1)")
    if counts["cut"]:
        say(f"{fmt}: {counts['cut']} text cell{'s' * (counts['cut'] != 1)} longer than {XLSX_MAX_CHARS:,} characters "
            "(the XLSX limit) cut to fit; CSV and Parquet keep the whole text")
    return out


def write_csv(df: pd.DataFrame, out: str | os.PathLike | IO[str] | None = None, *, on_note=None, **kwargs) -> None:
    """CSV for people: ``utf-8-sig`` (Excel on Chinese Windows reads it), text fields protected.

    ``out`` None or ``"-"`` writes to standard output (no BOM there). Text CSV cannot
    hold is escaped and said (:func:`fit_text`).
    """
    kwargs.setdefault("index", False)
    safe = protect_frame(fit_text(df, "csv", on_note))
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


def write_xlsx(sheets: pd.DataFrame | dict[str, pd.DataFrame], out: str | os.PathLike, *, on_note=None) -> None:
    """XLSX whose strings are always text cells (openpyxl would store ``=…`` as a formula).

    Text XLSX cannot hold is escaped or cut, and said (:func:`fit_text`).
    """
    from openpyxl import Workbook

    if isinstance(sheets, pd.DataFrame):
        sheets = {"data": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        df = fit_text(df, "xlsx", on_note)
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
