"""What ``toolkit site`` reads: report files, folders of them, or Parquet shard folders from ``toolkit parse``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError


def is_shard_folder(path: Path) -> bool:
    """A folder written by ``toolkit parse … -o DIR``: it holds ``cells/`` and ``files/`` shards."""
    return path.is_dir() and (path / "cells").is_dir() and (path / "files").is_dir()


def load(sources: list[str | os.PathLike], *, registry: str | os.PathLike | None = None) -> pd.DataFrame:
    """One tidy frame of every source; a file that cannot be read is one line on stderr, the rest are kept.

    Raises:
        ToolkitError: a source does not exist, or nothing readable was found.
    """
    from toolkit.corpus import read_reports
    from toolkit.corpus.loaders import with_sources
    from toolkit.corpus.shards import load_cells

    paths = [Path(s) for s in sources]
    for p in paths:
        if not p.exists():
            raise ToolkitError(p, "no such file or folder")
    frames = [load_cells(p) for p in paths if is_shard_folder(p)]
    files = [p for p in paths if not is_shard_folder(p)]
    if files:
        corpus = read_reports(files, progress=False, registry=registry,
                              on_error=lambda msg: print(f"error: {msg}", file=sys.stderr))
        frames.append(corpus.data)
    frames = [f for f in frames if not f.empty]
    if not frames:
        raise ToolkitError(" ".join(str(p) for p in paths), "no readable report found")
    panel = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    panel = with_sources(panel)
    if "synthetic" not in panel.columns:  # the fact travels as a column, as load_reports gives it
        panel["synthetic"] = any("synthetic" in str(p).lower() for p in paths)
    return panel
