"""Resource limits for reading untrusted files (reports come from thousands of sites).

Defaults are generous for real reports (the largest seen are a few MB) and stop
hostile input early. Change them for a session with :func:`configure`, or per
process with the ``TOOLKIT_LIMIT_<NAME>`` environment variables (which worker
processes inherit).

Examples:
    >>> from toolkit import limits
    >>> limits.current().max_file_bytes
    104857600
    >>> with limits.configured(max_file_bytes=1024):
    ...     limits.current().max_file_bytes
    1024
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024  # a report file larger than this is refused unread
    max_unpacked_bytes: int = 200 * 1024 * 1024  # DOCX: total uncompressed size of all members
    max_compression_ratio: float = 200.0  # DOCX: uncompressed / compressed, per member (XML ~10:1 is normal)
    max_members: int = 5000  # DOCX: number of members in the archive
    max_pdf_pages: int = 300  # PDF: a report is a few pages; beyond this is not a report
    max_image_pixels: int = 60_000_000  # a picture (scan, photo, PDF page) larger than this is refused undecoded; A4 at 600 dpi is 35 M
    timeout_seconds: float = 120.0  # batch mode: a file that takes longer is reported and skipped
    max_download_bytes: int = 100 * 1024 * 1024  # toolkit collect: a larger download is stopped and deleted


_current = Limits()


def _from_env(base: Limits) -> Limits:
    changes = {}
    for f in dataclasses.fields(Limits):
        value = os.environ.get(f"TOOLKIT_LIMIT_{f.name.upper()}")
        if value:
            changes[f.name] = type(getattr(base, f.name))(float(value)) if f.type != "int" else int(float(value))
    return dataclasses.replace(base, **changes) if changes else base


def current() -> Limits:
    """The limits in force (session settings, then environment overrides)."""
    return _from_env(_current)


def configure(**changes) -> Limits:
    """Change limits for this process, e.g. ``configure(timeout_seconds=30)``."""
    global _current
    _current = dataclasses.replace(_current, **changes)
    return _current


@contextlib.contextmanager
def configured(**changes):
    """Limits changed for a ``with`` block."""
    global _current
    saved = _current
    try:
        yield configure(**changes)
    finally:
        _current = saved


RETRY_SECONDS = 0.05


@contextlib.contextmanager
def deadline(path: str, seconds: float | None = None):
    """Raise :class:`~toolkit.errors.LimitExceededError` if the block runs longer than the timeout.

    Uses a real-time interval timer, so it works where batch workers run files:
    in the main thread of a process. Elsewhere (e.g. a Dask worker thread) the
    block runs without a deadline. A reader stuck inside C code is interrupted
    when control returns to Python.
    """
    from toolkit.errors import LimitExceededError

    seconds = current().timeout_seconds if seconds is None else seconds
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    message = f"reading took longer than {seconds:g} s (toolkit.limits timeout_seconds)"
    fired = []

    def on_timeout(signum, frame):
        # The exception can land where Python ignores it (a GC callback, a __del__):
        # fire again shortly until the block has really stopped.
        fired.append(True)
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise LimitExceededError(path, message)

    previous = signal.signal(signal.SIGALRM, on_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except LimitExceededError:
        raise
    except Exception:
        # The timeout can land inside a library that wraps whatever it meets (the OCR engine turns it
        # into its own error holding a traceback): once the timer has fired, the block ends as a timeout.
        if fired:
            raise LimitExceededError(path, message) from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
