"""Load whole corpora: parallel batches, a parse cache, Parquet shards, Dask.

- :func:`read_reports`: files/folders → one tidy DataFrame + errors (in memory).
- :func:`parse_to_parquet`: files/folders → Parquet shards by year, resumable,
  flat memory (what ``toolkit parse DIR -o OUT_DIR`` runs).
- :func:`load_cells` / :func:`load_table`: read shards back with the tidy schema.
- Engines: ``process`` (local pool), ``serial``, ``dask`` (``distributed``).
"""

from __future__ import annotations

import importlib

# Names load on first use (PEP 562): toolkit.corpus.processes starts the worker pool's server before pandas loads.
_WHERE = {"Corpus": "batch", "parse_to_parquet": "batch", "read_reports": "batch", "ParseCache": "cache",
          "REPORT_SUFFIXES": "files", "discover": "files", "conform_tidy": "schema", "load_cells": "shards",
          "load_table": "shards"}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"toolkit.corpus.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit.corpus' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
