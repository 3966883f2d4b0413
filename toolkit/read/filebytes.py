"""Read a report file's bytes once: regular files only, never more than the size limit.

The bytes read here are the bytes parsed and hashed (a file that changes while
a batch runs cannot pair one content's hash with another's cells). A FIFO
would block the reader forever and ``/dev/zero`` never ends, so anything but a
regular file is refused before a byte is read; the file is opened without
blocking, and its type is taken from the open descriptor, so a name swapped
between a check and the read cannot slip through.
"""

from __future__ import annotations

import os
import stat

from toolkit import limits
from toolkit.errors import LimitExceededError, NotRegularFileError, ToolkitError

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def kind(mode: int) -> str:
    """What a file of this mode is, in words (``"a FIFO (named pipe)"``, …; ``"a regular file"``)."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def read_source(path: str | os.PathLike, name: str | None = None) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its status (taken before reading).

    Raises:
        NotRegularFileError: a FIFO, device, socket or folder.
        LimitExceededError: larger than ``toolkit.limits`` ``max_file_bytes``.
        ToolkitError: the file cannot be opened or read (missing, no permission, a symlink loop).
    """
    name = str(path) if name is None else name
    limit = limits.current().max_file_bytes
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ToolkitError(name, f"cannot read file ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(name, f"{kind(st.st_mode)}, not a regular file: not read")
        if st.st_size > limit:
            raise LimitExceededError(name, f"file is {st.st_size} bytes, over the {limit}-byte limit (toolkit.limits)")
        os.set_blocking(fd, True)
        parts, total = [], 0
        while total <= limit:  # the size can change after fstat: never read past the limit
            block = os.read(fd, min(1 << 20, limit + 1 - total))
            if not block:
                break
            parts.append(block)
            total += len(block)
        if total > limit:
            raise LimitExceededError(name, f"file grew past the {limit}-byte limit while being read (toolkit.limits)")
        return b"".join(parts), st
    except OSError as exc:
        raise ToolkitError(name, f"cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
