"""One ``collect`` run at a time per folder: an exclusive lock on ``DIR/.collect.lock``.

Two runs writing one collection would undo each other: the second would clear
the first's half-downloaded bodies and each would rewrite the manifest from
what it read. The lock is an operating-system lock on an open file (``flock``
on POSIX, ``msvcrt.locking`` on Windows): it is released when its run ends,
however it ends, including ``kill -9``, so a stale lock file never blocks a
rerun. The file itself stays (empty): removing it would let two runs each
lock a different file of the same name.

Examples:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> first = FolderLock(d)
    >>> first.acquire()
    True
    >>> FolderLock(d).acquire()
    False
    >>> first.release()
    >>> FolderLock(d).acquire()
    True
"""

from __future__ import annotations

import os
from pathlib import Path

LOCK_NAME = ".collect.lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
    import msvcrt


class FolderLock:
    """An exclusive, non-blocking lock on ``folder/.collect.lock``, held until :meth:`release`."""

    def __init__(self, folder: str | os.PathLike):
        self.path = Path(folder) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False (at once, without waiting) when another run holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # BlockingIOError on POSIX, PermissionError on Windows: held by another run
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the lock
            self._fd = None
