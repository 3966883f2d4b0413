"""Find the report files of a corpus."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from toolkit.errors import shown_path
from toolkit.read.filebytes import kind

REPORT_SUFFIXES = frozenset({".txt", ".htm", ".html", ".shtml", ".docx", ".doc", ".wps", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def discover(paths_or_dirs: str | os.PathLike | Iterable[str | os.PathLike],
             on_skip: Callable[[str, bool], None] | None = None) -> list[Path]:
    """Files named, plus report files found under directories.

    Directories are searched recursively for the report suffixes
    (:data:`REPORT_SUFFIXES`, any case); hidden files and folders and names
    starting with ``_`` (the loader's own ``_cache``, shard folders) are
    skipped. Files named explicitly are always kept, whatever their suffix.
    The result is sorted within each directory and free of duplicates, so a
    batch always sees files in the same order.

    Found under a folder, only regular files (or links to them) are kept: a FIFO
    (which would block a reader), a device (``/dev/zero`` never ends), a socket,
    a link that loops or points nowhere are skipped, and links to folders are not
    followed (``sub/up -> ..`` would loop). Each skip, and each folder that cannot
    be listed, is reported to ``on_skip(message, lost)`` in one line naming it;
    ``lost`` is true for a folder that could not be listed (reports in it may be
    missing from the batch). Names are shown escaped (:func:`toolkit.errors.shown_path`).

    Args:
        paths_or_dirs: one path or an iterable of paths (files or directories).
        on_skip: called once per skipped entry (default: nothing is said).

    Raises:
        TypeError: a DataFrame was passed instead of paths.
        FileNotFoundError: a named path does not exist.

    Examples:
        >>> [p.name for p in discover("data/raw")]
        ['hongze-district-2023.pdf', 'huaian-city-2024.pdf', 'ninghe-kejiju-2023.txt', 'pingtan-zone-2019.html',
         'pingtan-zone-2020.html', 'pingtan-zone-2021.html', 'pingtan-zone-2022.html', 'pingtan-zone-2023.html',
         'pingtan-zone-2024.html', 'pingtan-zone-2025.html', 'shanghai-gov-office-2019.html']
    """
    if isinstance(paths_or_dirs, pd.DataFrame):
        raise TypeError("discover takes paths to report files or folders; you passed a DataFrame")
    if isinstance(paths_or_dirs, (str, os.PathLike)):
        paths_or_dirs = [paths_or_dirs]
    say = on_skip or (lambda message, lost: None)
    out: dict[Path, None] = {}
    for item in paths_or_dirs:
        p = Path(item)
        try:
            mode = os.stat(p).st_mode
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                say(f"{shown_path(p)}: a symbolic link that loops: not read", False)
                continue
            if os.path.lexists(p) and not isinstance(exc, FileNotFoundError):
                raise
            raise FileNotFoundError(f"{shown_path(p)}: no such file or folder") from None
        if stat.S_ISDIR(mode):
            for f in sorted(_walk(p, say)):
                out.setdefault(f, None)
        else:
            out.setdefault(p, None)
    return list(out)


def _walk(top: Path, say: Callable[[str, bool], None]) -> list[Path]:
    def unlisted(exc: OSError) -> None:
        where = shown_path(exc.filename if exc.filename is not None else top)
        say(f"{where}: cannot list this folder ({exc.strerror or exc}): its files were not read", True)

    found = []
    for root, dirs, names in os.walk(top, onerror=unlisted):
        kept = []
        for d in dirs:
            if d.startswith((".", "_")):
                continue
            if os.path.islink(os.path.join(root, d)):
                say(f"{shown_path(os.path.join(root, d))}: a symbolic link to a folder: not followed", False)
                continue
            kept.append(d)
        dirs[:] = kept
        for n in names:
            if n.startswith((".", "_")) or os.path.splitext(n)[1].lower() not in REPORT_SUFFIXES:
                continue
            f = Path(root, n)
            why = _not_regular(f)
            if why:
                say(f"{shown_path(f)}: {why}: not read", False)
            else:
                found.append(f)
    return found


def _not_regular(path: Path) -> str | None:
    """Why a found entry is not read, or ``None`` for a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that loops"
        if isinstance(exc, FileNotFoundError) and os.path.islink(path):
            return "a symbolic link to nothing"
        return f"cannot be examined ({exc.strerror or exc})"
    return None if stat.S_ISREG(mode) else f"{kind(mode)}, not a regular file"
