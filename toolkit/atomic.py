"""Files that appear whole or not at all, and an output folder one run writes at a time.

:func:`atomic_write` is the one way the toolkit writes a file in place (the
collector's manifest, a cache entry, a shard, an export): to a temporary name
in the same folder, flushed to disk (``fsync``), then renamed into place, and
the folder's entry flushed too. A crash, a ``kill -9`` or a full disk leaves
either the old file or the new one, never a torn one (the temporary name starts
with ``.tmp-`` and is cleaned up). :func:`move_into_place` is its last step on
its own, for a file already written elsewhere in the same output (a download
streamed to ``DIR/.partial/`` before its name was known).

:func:`locked` holds an exclusive lock on an output folder (``OUT/.lock``,
``flock``) while a run writes to it; a second run into the same folder is
refused at once with :class:`FolderBusyError` naming the run that holds it.
The lock goes with the process that held it, however it ended.

Temporary names carry their owner: :func:`owned_prefix` puts this process's
id, its start time (``/proc/PID/stat`` field 22) and a key of the machine
(host name, process-id namespace, boot) after the toolkit's own prefix. A run
that is killed (``kill -9``, the OOM killer, a power cut) cannot remove its
temporaries, so the next run does it where it starts (:func:`sweep_once`): in
one listing of the folder, it removes the entries with that prefix whose owner
is provably dead (no such process, the process id now names a process started
at another time, or the machine has booted since), and nothing else. A name
it cannot read, another machine's or container's name, a process it cannot
see, or a symbolic link are left alone; a folder is removed without
following the links inside it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import shown_path

TMP_PREFIX = ".tmp-"


def atomic_write(path: str | os.PathLike, write: Callable[[str], None], durable: bool = True) -> None:
    """``write(tmp_name)`` fills a temporary file, which then replaces ``path`` in one rename.

    ``durable`` (the default) flushes the file and its folder entry to disk around the rename, so what a
    run has written survives a power cut. ``durable=False`` is for what may be lost and is checked when read
    back (the parse cache): readers still never see half a file, and a killed writer's temporary is swept.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_once(path.parent, TMP_PREFIX)  # what a killed writer left in this folder
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=owned_prefix(TMP_PREFIX), suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        if durable:
            move_into_place(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # Arrow words it its own way: say it plainly
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from None
        raise


def write_bytes(path: str | os.PathLike, data: bytes, durable: bool = True) -> None:
    """:func:`atomic_write` of ``data``.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> write_bytes(p, b"one"); write_bytes(p, b"two"); p.read_bytes(), [q.name for q in p.parent.iterdir()]
        (b'two', ['a.txt'])
    """
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data), durable)


def move_into_place(src: str | os.PathLike, path: str | os.PathLike) -> None:
    """Flush ``src`` to disk, rename it to ``path`` in one step, and flush ``path``'s folder entry.

    ``src`` must be on the same file system as ``path`` (a temporary name in
    the same folder, or in another folder of the same output): a rename
    across file systems is not atomic, and :func:`os.replace` refuses it.
    """
    fd = os.open(src, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(src, path)
    _fsync_dir(Path(path).parent)


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


# ------------------------------------------------------------------ leftovers of dead runs

log = logging.getLogger("toolkit")

_OWNER = re.compile(r"(\d+)-(\d+)-([0-9a-f]{8})-([0-9a-f]{8})-")
_tag: tuple[int, str] | None = None  # (pid, tag): a forked child computes its own
_swept: set[tuple[str, str]] = set()


def _process(pid: int | str) -> tuple[str, int] | None:
    """(state, start time) from ``/proc/PID/stat`` (fields 3 and 22), ``None`` if it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
        fields = raw[raw.rindex(b")") + 2:].split()  # the name (field 2) may hold spaces and ")"
        return fields[0].decode("ascii", "replace"), int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _short(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


_machine_key: tuple[str, str] | None = None


def _machine() -> tuple[str, str]:
    """(this host — name, machine id, process-id namespace — and this boot), 8 hex digits each."""
    global _machine_key
    if _machine_key is None:
        _machine_key = _read_machine()
    return _machine_key


def _read_machine() -> tuple[str, str]:
    def read(path: str, how=lambda p: Path(p).read_text()) -> str:
        try:
            return how(path).strip()
        except OSError:
            return ""

    # Two hosts may share a name (and the first process-id namespace has the same number everywhere):
    # the machine id tells them apart, so another host's temporaries never look like an earlier boot's.
    host = "\0".join((socket.gethostname(), read("/etc/machine-id"), read("/proc/self/ns/pid", os.readlink)))
    return _short(host), _short(read("/proc/sys/kernel/random/boot_id"))


def owner_tag() -> str:
    """``PID-START-HOST-BOOT`` of this process: what :func:`sweep` reads back to tell whether it still runs."""
    global _tag
    pid = os.getpid()
    if _tag is None or _tag[0] != pid:
        host, boot = _machine()
        me = _process("self")
        _tag = (pid, f"{pid}-{me[1] if me else 0}-{host}-{boot}")
    return _tag[1]


def owned_prefix(prefix: str) -> str:
    """``prefix`` followed by :func:`owner_tag`: the prefix of a temporary name this process owns."""
    return f"{prefix}{owner_tag()}-"


def owner_is_dead(name: str, prefix: str) -> bool:
    """True only if ``name`` (after ``prefix``) names an owner that provably no longer runs.

    Examples:
        >>> owner_is_dead(owned_prefix(".tmp-") + "x.csv", ".tmp-"), owner_is_dead(".tmp-x.csv", ".tmp-")
        (False, False)
    """
    if not name.startswith(prefix):
        return False
    m = _OWNER.match(name, len(prefix))
    if m is None:
        return False  # not a name of ours: it proves nothing
    pid, start, host, boot = int(m[1]), int(m[2]), m[3], m[4]
    here, booted = _machine()
    if host != here:
        return False  # another machine or container: its processes cannot be seen from here
    if boot != booted:
        return True  # this machine has started again since: every process of that boot is gone
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, run by another user
    except (OSError, OverflowError):
        return False
    now = _process(pid)
    if now is None:
        return False  # hidden from us (/proc mounted with hidepid): it may be running
    state, started = now
    # the id now names a process started later, or the owner is a zombie no one has reaped yet
    return (start != 0 and started != start) or state in ("Z", "X")


def sweep(folder: str | os.PathLike, *prefixes: str) -> list[str]:
    """Remove the entries of ``folder`` named with one of ``prefixes`` whose owner is dead; their names.

    One listing of the folder; a symbolic link is never followed nor removed; a
    folder's contents are removed without following links (:func:`shutil.rmtree`).
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in names:
        prefix = next((p for p in prefixes if name.startswith(p) and _OWNER.match(name, len(p))), None)
        if prefix is None or not owner_is_dead(name, prefix):
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(path)
            elif stat.S_ISREG(st.st_mode):
                os.unlink(path)
            else:
                continue  # a link, a pipe…: not something the toolkit makes
        except OSError as exc:
            log.debug("could not remove %s left by a dead run: %s", path, exc)
            continue
        removed.append(name)
        log.debug("removed %s, left by a run that no longer runs", path)
    return removed


def sweep_once(folder: str | os.PathLike, *prefixes: str) -> list[str]:
    """:func:`sweep`, the first time this process asks for ``folder`` and ``prefixes``; ``[]`` afterwards."""
    key = (os.path.abspath(folder), "\0".join(prefixes))
    if key in _swept:
        return []
    _swept.add(key)
    return sweep(folder, *prefixes)
