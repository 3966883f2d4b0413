"""Load whole corpora: parallel batches, a parse cache, Parquet shards, Dask.

- :func:`read_reports`: files/folders → one tidy DataFrame + errors (in memory).
- :func:`parse_to_parquet`: files/folders → Parquet shards by year, resumable,
  flat memory (what ``toolkit parse DIR -o OUT_DIR`` runs).
- :func:`load_cells` / :func:`load_table`: read shards back with the tidy schema.
- Engines: ``process`` (local pool), ``serial``, ``dask`` (``distributed``).
"""

from __future__ import annotations

import lazy_loader

# Names load on first use (PEP 562): toolkit.corpus.processes starts the worker pool's server before pandas loads.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    "batch": ["Corpus", "parse_to_parquet", "read_reports"],
    "cache": ["ParseCache"],
    "files": ["REPORT_SUFFIXES", "discover"],
    "schema": ["conform_tidy"],
    "shards": ["load_cells", "load_table"],
})
