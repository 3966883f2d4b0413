"""Imported once by the forkserver (see :func:`toolkit.corpus.processes.pool_context`), so that every
worker process forks with the batch code imported and the codebook's caches filled.

What it buys (``benchmarks/corpus.py`` prints it): importing the worker takes most of a second
(pandas, pyarrow and the report pipeline), which each worker would otherwise pay before its
first file, and pay again in every fresh pool. The caches below take tens of milliseconds and
are used by every report.

Only what every batch needs is imported here: the report pipeline and the readers of the
formats most corpora are made of (text and HTML). The reader of any other format (DOCX, a
legacy Word file, a picture) is imported by the worker that meets its first such file
(:func:`toolkit.read.formats.read_document`); OpenCC's converter (traditional-script files
only) likewise.
"""

from __future__ import annotations

import gc
from multiprocessing import spawn

from toolkit import codebook as cb
from toolkit.corpus import worker  # noqa: F401 - imports pandas, pyarrow, the report pipeline
from toolkit.read import tables
from toolkit.read.formats import html, text  # noqa: F401 - the formats of most corpora
from toolkit.read.script import traditional_chars

_prepare = spawn.prepare


def _prepare_without_main(data: dict) -> None:
    """A batch worker (``toolkit.corpus.processes.ToolkitParserProcess``) is prepared without the caller's main
    module: it runs toolkit code only, and a main script without an ``if __name__ == "__main__":`` guard would
    otherwise run again in every worker. Other processes forked from this server are prepared as usual."""
    if str(data.get("name", "")).startswith("ToolkitParserProcess"):
        data = {k: v for k, v in data.items() if k not in ("init_main_from_name", "init_main_from_path")}
    _prepare(data)


spawn.prepare = _prepare_without_main  # used by the processes this server forks (spawn._main)

tables.warm()  # the codebook's matchers and lines, read once for every worker
for _axis in ("table", "row", "column"):
    cb.category_dtype(_axis)
# Traditional-script detection builds its character class once (~50 ms) and runs on every file.
traditional_chars()
# The imported modules' objects live as long as the worker: frozen, the cyclic GC never walks them
# again (each collection of the oldest generation would), and forked workers keep sharing their pages.
gc.collect()
gc.freeze()
