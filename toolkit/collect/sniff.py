"""What a downloaded file really is, from its first bytes (never from its name or header).

Government sites serve HTML error pages with a ``.pdf`` URL and a
``Content-Type: application/octet-stream``, DOCX files named ``.doc`` and
attachments whose URL has no extension at all. The collector saves a file
under the suffix its content implies, and refuses content that is no report
file where a file was expected.

Examples:
    >>> sniff(b"%PDF-1.7\\n...")
    'pdf'
    >>> sniff(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(100))
    'ole'
    >>> sniff(b"\\n  <!DOCTYPE html><html><body>404</body></html>")
    'html'
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...")
    'png'
    >>> suffix_for("ole", "https://x.gov.cn/a/report.wps")
    '.wps'
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from urllib.parse import urlsplit

# Kinds that can hold a report (what the readers or the OCR issue take).
FILE_KINDS = frozenset({"pdf", "docx", "xlsx", "ole", "png", "jpeg", "tiff", "text"})

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|script|div|table|p|br)\b",
                         re.I | re.S)
_OLE_SUFFIXES = (".doc", ".wps", ".xls", ".et")
_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "png": ".png", "jpeg": ".jpg", "tiff": ".tif",
           "html": ".html", "text": ".txt", "zip": ".zip"}


def sniff(head: bytes, whole: bytes | None = None) -> str:
    """The kind of content: pdf, docx, xlsx, zip, ole, png, jpeg, tiff, html, text or unknown.

    Args:
        head: the first bytes (4 KiB are plenty).
        whole: the whole content, needed to tell a DOCX from another zip
            (pass a path-like via :func:`sniff_file` for files on disk).
    """
    start = head.lstrip(b"\xef\xbb\xbf")
    if start.startswith(b"%PDF-"):
        return "pdf"
    if start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # DOC, WPS, XLS: the OLE compound file of legacy Office and WPS
    if start.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if start.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if start.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if start.startswith(b"PK\x03\x04"):
        return _zip_kind(whole if whole is not None else head)
    if _HTML_START.match(start[:2048]):
        return "html"
    if _looks_like_text(start[:4096]):
        return "text"
    return "unknown"


def sniff_file(path) -> str:
    """:func:`sniff` on a file on disk (reads the zip directory only for a zip)."""
    with open(path, "rb") as f:
        head = f.read(4096)
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(f)
    return sniff(head)


def _zip_kind(data) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return "zip"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(data) - 4:  # a character cut at the end of the sample
                return True
    return False


def suffix_for(kind: str, url: str) -> str:
    """The file suffix for content of this kind fetched from ``url``.

    OLE files keep the URL's suffix when it names one (``.doc``, ``.wps``,
    ``.xls``): the three share one container and the reader converts each.
    """
    if kind == "ole":
        ext = PurePosixPath(urlsplit(url).path).suffix.lower()
        return ext if ext in _OLE_SUFFIXES else ".doc"
    return _SUFFIX.get(kind, ".bin")
