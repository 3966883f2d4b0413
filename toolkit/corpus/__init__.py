"""Load whole corpora: parallel batches, a parse cache, Parquet shards, Dask.

- :func:`read_reports`: files/folders → one tidy DataFrame + errors (in memory).
- :func:`parse_to_parquet`: files/folders → Parquet shards by year, resumable,
  flat memory (what ``toolkit parse DIR -o OUT_DIR`` runs).
- :func:`load_cells` / :func:`load_table`: read shards back with the tidy schema.
- Engines: ``process`` (local pool), ``serial``, ``dask`` (``distributed``).
"""

from __future__ import annotations

from toolkit.corpus.batch import Corpus, parse_to_parquet, read_reports
from toolkit.corpus.cache import ParseCache
from toolkit.corpus.files import REPORT_SUFFIXES, discover
from toolkit.corpus.schema import conform_tidy
from toolkit.corpus.shards import load_cells, load_table

__all__ = ["Corpus", "ParseCache", "REPORT_SUFFIXES", "conform_tidy", "discover", "load_cells", "load_table",
           "parse_to_parquet", "read_reports"]
