"""Build tidy frames from plain cell tables (expected-value CSVs, hand-made cases).

Useful for tests, doctests and notebooks that have cell values but no report
file; the frame has every column of :data:`toolkit.read.tidy.TIDY_COLUMNS`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit import codebook as cb
from toolkit.read.meta import level_of
from toolkit.read.tidy import TIDY_COLUMNS
from toolkit.read.values import parse_value


def tidy_frame(cells: pd.DataFrame, *, agency: str = "", year: int | None = None, scope: str = "agency",
               source_file: str = "", report_id: str | None = None, template: str = "2021",
               level: str | None = None) -> pd.DataFrame:
    """A tidy frame from cells with ``table,row,column`` and ``raw`` (and optionally ``value``).

    ``value``/``status``/``unit`` are parsed from ``raw`` with :func:`toolkit.read.values.parse_value`,
    as a reader would.

    Examples:
        >>> cells = pd.DataFrame({"table": "proactive", "row": "rules", "column": ["issued", "repealed"],
        ...                       "raw": ["1", ""]})
        >>> tidy_frame(cells, agency="A", year=2023)[["column", "value", "status"]].values.tolist()
        [['issued', 1.0, 'number'], ['repealed', nan, 'blank']]
    """
    df = cells[["table", "row", "column"]].astype(str).reset_index(drop=True)
    raw = cells["raw"].fillna("").astype(str).reset_index(drop=True) if "raw" in cells else \
        cells["value"].map(lambda v: "" if pd.isna(v) else f"{v:g}").reset_index(drop=True)
    parsed = [parse_value(r) for r in raw]
    rid = report_id or hashlib.sha256(f"{source_file}|{agency}|{year}".encode()).hexdigest()[:16]
    out = pd.DataFrame({
        "report_id": rid,
        "agency": agency,
        "agency_id": None,
        "agency_name": None,
        "year": year,
        "scope": scope,
        "table": cb.categorical(df["table"], "table"),
        "row": cb.categorical(df["row"], "row"),
        "column": cb.categorical(df["column"], "column"),
        "value": [p.value if p.value is not None else np.nan for p in parsed],
        "raw": raw,
        "unit": [p.unit for p in parsed],
        "status": [p.status for p in parsed],
        "template": template,
        "source_file": source_file,
        "source_sha256": "",
        "format": "csv",
        "location": [f"{t}/{r}/{c}" for t, r, c in df.itertuples(index=False)],
        "source_url": None,
        "fetched_at": None,
        "method": "text",
        "confidence": pd.array([None] * len(df), dtype="Float64"),
        "note": None,
        "stated": None,
        "value_printed": pd.array([None] * len(df), dtype="Float64"),
        "correction": None,
    })
    out["level"] = level if level is not None else level_of(agency)
    return out[list(TIDY_COLUMNS)]


def tidy_from_expected(path: str | Path, **meta) -> pd.DataFrame:
    """A tidy frame from a fixture ``<stem>.expected.csv`` (columns table,row,column,value,raw)."""
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)
    meta.setdefault("source_file", Path(path).name.replace(".expected.csv", ""))
    return tidy_frame(cells, **meta)
