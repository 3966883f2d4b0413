"""Find the report files of a corpus."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

REPORT_SUFFIXES = frozenset({".txt", ".htm", ".html", ".shtml", ".docx", ".doc", ".wps", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def discover(paths_or_dirs: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """Files named, plus report files found under directories.

    Directories are searched recursively for the report suffixes
    (:data:`REPORT_SUFFIXES`, any case); hidden files and folders and names
    starting with ``_`` (the loader's own ``_cache``, shard folders) are
    skipped. Files named explicitly are always kept, whatever their suffix.
    The result is sorted within each directory and free of duplicates, so a
    batch always sees files in the same order.

    Args:
        paths_or_dirs: one path or an iterable of paths (files or directories).

    Raises:
        TypeError: a DataFrame was passed instead of paths.
        FileNotFoundError: a named path does not exist.

    Examples:
        >>> [p.name for p in discover("data/raw")]
        ['huaian-city-2024.pdf', 'ninghe-kejiju-2023.txt', 'pingtan-zone-2019.html', 'pingtan-zone-2020.html',
         'pingtan-zone-2021.html', 'pingtan-zone-2022.html', 'pingtan-zone-2023.html', 'pingtan-zone-2024.html',
         'pingtan-zone-2025.html', 'shanghai-gov-office-2019.html']
    """
    if isinstance(paths_or_dirs, pd.DataFrame):
        raise TypeError("discover takes paths to report files or folders; you passed a DataFrame")
    if isinstance(paths_or_dirs, (str, os.PathLike)):
        paths_or_dirs = [paths_or_dirs]
    out: dict[Path, None] = {}
    for item in paths_or_dirs:
        p = Path(item)
        if p.is_dir():
            found = []
            for root, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
                found += [
                    Path(root, n) for n in names
                    if not n.startswith((".", "_")) and os.path.splitext(n)[1].lower() in REPORT_SUFFIXES
                ]
            for f in sorted(found):
                out.setdefault(f, None)
        elif p.exists():
            out.setdefault(p, None)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return list(out)
