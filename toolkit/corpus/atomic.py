"""Files that appear whole or not at all, and an output folder one run writes at a time.

:func:`atomic_write` is the one way the corpus stage writes a shard (a cache
entry is renamed into place the same way, unflushed: :mod:`toolkit.corpus.cache`
says why): to a temporary name in the same folder, flushed to disk (``fsync``),
then renamed into place, and the folder's entry flushed too. A crash, a
``kill -9`` or a full disk leaves either the old file or the new one, never a
torn one (the temporary name starts with ``.tmp-`` and is cleaned up).

:func:`locked` holds an exclusive lock on an output folder (``OUT/.lock``,
``flock``) while a run writes to it; a second run into the same folder is
refused at once with :class:`FolderBusyError` naming the run that holds it.
The lock goes with the process that held it, however it ended.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import shown_path


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """``write(tmp_name)`` fills a temporary file, which then replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # Arrow words it its own way: say it plainly
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from None
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # pragma: no cover - a folder that cannot be opened (some network file systems)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - not supported for folders here: the rename is still atomic
        pass
    finally:
        os.close(fd)


class FolderBusyError(RuntimeError):
    """Another run is writing to this output folder."""

    def __init__(self, folder: str | os.PathLike, holder: str):
        self.folder = shown_path(folder)
        who = f" (process {holder})" if holder else ""
        super().__init__(f"{self.folder}: another run is writing to this folder{who}; "
                         "wait for it to finish, or write to another folder")


LOCK_NAME = ".lock"


@contextlib.contextmanager
def locked(folder: str | os.PathLike):
    """Hold ``folder/.lock`` for the block; raise :class:`FolderBusyError` if another process holds it."""
    path = Path(folder) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise FolderBusyError(folder, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
