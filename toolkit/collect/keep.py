"""What a crawl keeps of a download, and the name it is saved under.

A download is kept only when the reader's own sniffer
(:func:`toolkit.read.formats.detect.sniff_file`) names a format a reader
reads; the file is then saved under that format's suffix, so the reader sees
the same format when it opens the saved file. The collector and the reader
cannot disagree on what a file is.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from toolkit.collect.names import disposition_name, safe_relpath
from toolkit.errors import ToolkitError
from toolkit.read.formats.detect import HEAD_BYTES, sniff_file, suffix_for


def content_of(path: Path, url: str, kind: str) -> tuple[str, str]:
    """``(format, "")`` for a download the crawl keeps, ``("", why)`` for one it refuses.

    The format is the reader's (:func:`toolkit.read.formats.detect.sniff_file`):
    what is kept is what a reader reads, under the same name. An attachment
    must be a report file (plain text is a page's chrome, not an attachment).
    """
    try:
        fmt = sniff_file(path, urlsplit(url).path)
    except ToolkitError as exc:
        return "", exc.problem
    if fmt == "text" and kind == "attachment":
        return "", "text content"
    return fmt, ""


def file_name(path: Path, fmt: str, url: str, disposition: str | None = None) -> str:
    """Where a kept download of format ``fmt`` is saved: ``files/<host>/<url path>`` under its format's suffix."""
    with open(path, "rb") as f:
        suffix = suffix_for(fmt, f.read(HEAD_BYTES), urlsplit(url).path)
    return "files/" + safe_relpath(url, suffix, disposition_name(disposition))
