"""Imported once by the forkserver (see :func:`toolkit.corpus.engines.pool_context`), so that every
worker process forks with the readers imported and the codebook's caches filled."""

from __future__ import annotations

import importlib

from toolkit import codebook as cb
from toolkit.corpus import worker  # noqa: F401
from toolkit.read.formats import READERS

for _module in set(READERS.values()):
    importlib.import_module(f"toolkit.read.formats.{_module}")
for _table in cb.TABLES:
    for _axis in ("row", "column"):
        cb.matchers(_table, _axis)
for _axis in ("table", "row", "column"):
    cb.category_dtype(_axis)
# Traditional-script detection builds its character class once (~50 ms): not a file's time.
from toolkit.read.script import converter, traditional_chars  # noqa: E402

traditional_chars()
converter()
