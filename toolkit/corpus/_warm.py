"""Imported once by the forkserver (see :func:`toolkit.corpus.processes.pool_context`), so that every
worker process forks with the readers imported and the codebook's caches filled.

What it buys (``benchmarks/corpus.py`` prints it): importing the worker takes seconds
(``toolkit`` imports pandas, pyarrow and every reader), which each worker would otherwise pay
before its first file, and pay again in every fresh pool. The caches below take tens of
milliseconds and are used by every report; OpenCC's converter (traditional-script files only)
is left to the worker that meets one.
"""

from __future__ import annotations

import gc
import importlib
from multiprocessing import spawn

from toolkit import codebook as cb
from toolkit.corpus import worker  # noqa: F401 - imports pandas, pyarrow, the report pipeline
from toolkit.read.formats import READERS

_prepare = spawn.prepare


def _prepare_without_main(data: dict) -> None:
    """A batch worker (``toolkit.corpus.processes.ToolkitParserProcess``) is prepared without the caller's main
    module: it runs toolkit code only, and a main script without an ``if __name__ == "__main__":`` guard would
    otherwise run again in every worker. Other processes forked from this server are prepared as usual."""
    if str(data.get("name", "")).startswith("ToolkitParserProcess"):
        data = {k: v for k, v in data.items() if k not in ("init_main_from_name", "init_main_from_path")}
    _prepare(data)


spawn.prepare = _prepare_without_main  # used by the processes this server forks (spawn._main)

for _module in set(READERS.values()):  # the readers are imported on first use otherwise
    importlib.import_module(f"toolkit.read.formats.{_module}")
for _table in cb.TABLES:
    for _axis in ("row", "column"):
        cb.matchers(_table, _axis)
for _axis in ("table", "row", "column"):
    cb.category_dtype(_axis)
# Codebook lines by key (templates, blocks): read from the codebook's DataFrame once, not per worker.
from toolkit.read.tables import _lines  # noqa: E402

for _table in cb.TABLES:
    for _axis in ("row", "column", "block"):
        _lines(_table, _axis)
# Traditional-script detection builds its character class once (~50 ms) and runs on every file.
from toolkit.read.script import traditional_chars  # noqa: E402

traditional_chars()
# The imported modules' objects live as long as the worker: frozen, the cyclic GC never walks them
# again (each collection of the oldest generation would), and forked workers keep sharing their pages.
gc.collect()
gc.freeze()
