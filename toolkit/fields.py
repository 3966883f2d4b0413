"""The field dictionary: every column of every frame the toolkit returns, in one file.

``toolkit/data/fields.csv`` names each column of the tidy cells, the files
and errors tables of a batch, the parse issues of a report and the
validation issues and checks, the fact columns of every measure row and the data file
beside a saved chart, with its pandas dtype, its Arrow type, a
Chinese and an English label and a one-line meaning. Column tuples, dtypes,
Arrow schemas and the data card's column list are all derived from it, so a
new column is added in one place.

Examples:
    >>> columns("cells")[:5]
    ('report_id', 'agency', 'agency_id', 'agency_name', 'year')
    >>> dtypes("cells")["value"]
    'Float64'
    >>> arrow_schema("errors").names
    ['source_file', 'error_class', 'reason', 'message']
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

FRAMES = ("cells", "files", "errors", "parse_issues", "issues", "checks", "measures", "chart_data")


@cache
def _rows() -> tuple[dict, ...]:
    with resources.files("toolkit").joinpath("data/fields.csv").open(encoding="utf-8") as f:
        rows = tuple(csv.DictReader(f))
    unknown = {r["frame"] for r in rows} - set(FRAMES)
    if unknown:
        raise ValueError(f"toolkit/data/fields.csv: unknown frame(s) {sorted(unknown)}")
    return rows


def fields(frame: str) -> tuple[dict, ...]:
    """The dictionary rows of one frame, in column order."""
    if frame not in FRAMES:
        raise ValueError(f"unknown frame {frame!r}: one of {', '.join(FRAMES)}")
    return tuple(r for r in _rows() if r["frame"] == frame)


@cache
def columns(frame: str) -> tuple[str, ...]:
    """The column names of a frame, in order."""
    return tuple(r["name"] for r in fields(frame))


@cache
def dtypes(frame: str) -> dict[str, str]:
    """``{column: pandas dtype}``; ``category`` marks the codebook's ordered categoricals."""
    return {r["name"]: r["dtype"] for r in fields(frame)}


def arrow_schema(frame: str, *, exclude: tuple[str, ...] = ()):
    """The Arrow schema of a frame (``exclude``: e.g. a hive partition column)."""
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(r["name"], types[r["arrow"]]) for r in fields(frame) if r["name"] not in exclude])


def describe(frame: str, lang: str = "en") -> list[tuple[str, str, str]]:
    """``(name, label, meaning)`` per column: for data cards and documentation."""
    return [(r["name"], r[lang], r["meaning"]) for r in fields(frame)]
