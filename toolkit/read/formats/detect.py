"""What a file really is, from its bytes (never from its name or a server's header): the one sniffer.

The readers dispatch on :func:`sniff`, and the collector (``toolkit collect``)
keeps a download only when :func:`sniff_file` names a format a reader reads,
saved under the suffix :func:`suffix_for` gives. So every file the collector
keeps is one the reader reads, under the same format name.

Government sites serve HTML error pages with a ``.pdf`` URL, DOCX files named
``.doc`` and attachments whose URL has no suffix at all.

Examples:
    >>> sniff(b"%PDF-1.7 ...", "a.doc"), sniff(b"<!DOCTYPE html><html>", "a.pdf")
    ('pdf', 'html')
    >>> sniff("一、总体情况".encode(), "a.txt")
    'text'
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...", "scan.png"), sniff(b"\\xff\\xd8\\xff\\xe0...", "photo.jpg")
    ('image', 'image')
    >>> sniff(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(100), "report.wps")
    'wps'
    >>> suffix_for("image", b"\\xff\\xd8\\xff\\xe0...", "download.jsp"), suffix_for("html", b"<html>", "t1.shtml")
    ('.jpg', '.shtml')
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from toolkit.errors import CorruptFileError, UnknownFormatError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PNG, JPEG, TIFF (both byte orders): scans and photographs, read by OCR; the suffix each is saved under.
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg", b"II*\x00": ".tif", b"MM\x00*": ".tif"}
_HTML_MARKS = (b"<html", b"<!doctype html", b"<table", b"<body", b"<head", b"<meta", b"<div", b"<p>", b"<p ")
# OLE spreadsheets share Word's container; no reader takes them, so their name decides.
_OLE_SPREADSHEETS = (".xls", ".et")
HEAD_BYTES = 2048

# The suffixes a file of each format may carry (the first is the one a collected file is given).
SUFFIXES = {"text": (".txt",), "html": (".html", ".htm", ".shtml"), "docx": (".docx",), "pdf": (".pdf",),
            "doc": (".doc",), "wps": (".wps",), "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff")}
FORMAT_OF_SUFFIX = {s: fmt for fmt, suffixes in SUFFIXES.items() for s in suffixes}


def sniff(data: bytes, path: str) -> str:
    """The real format of a file's bytes: text, html, docx, pdf, doc, wps or image (the readers' names).

    Args:
        data: the file's bytes (a DOCX is told from another ZIP by its members).
        path: its name; only an OLE file's suffix is read (``.wps``; ``.xls``/``.et`` are spreadsheets).

    Raises:
        UnknownFormatError: no reader reads it (a ZIP that is not a Word document,
            an OLE spreadsheet, a binary file of another kind).
        CorruptFileError: a ZIP container that cannot be opened.
    """
    return _sniff(data[:HEAD_BYTES], path, lambda: io.BytesIO(data))


def sniff_file(path, name: str | None = None) -> str:
    """:func:`sniff` on a file on disk, reading its first bytes (and a ZIP's directory only).

    Args:
        path: the file.
        name: the name that stands for it (a URL's path), when the file's own is temporary.
    """
    shown = str(path) if name is None else name
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
        return _sniff(head, shown, lambda: f)


def _sniff(head: bytes, path: str, container) -> str:
    if b"%PDF-" in head[:1024]:  # PDF readers accept junk before the header; so do we
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(container()).namelist())
        except (zipfile.BadZipFile, EOFError, OSError):
            raise CorruptFileError(path, "truncated or damaged ZIP container (DOCX?)") from None
        if "word/document.xml" in names:
            return "docx"
        what = "an Excel workbook (XLSX)" if any(n.startswith("xl/") for n in names) else "a ZIP archive"
        raise UnknownFormatError(path, f"{what}, not a Word document: no reader takes it")
    if head.startswith(tuple(_IMAGE_MAGIC)):
        return "image"
    if head.startswith(_OLE):
        suffix = PurePosixPath(path).suffix.lower()
        if suffix in _OLE_SPREADSHEETS:
            raise UnknownFormatError(path, f"a legacy spreadsheet ({suffix}): no reader takes it")
        return "wps" if suffix == ".wps" else "doc"
    lowered = head.lower()
    if any(mark in lowered for mark in _HTML_MARKS):
        return "html"
    if b"\x00" in head:
        raise UnknownFormatError(path, "binary file of an unknown format (not text, HTML, DOCX, DOC, PDF or a PNG/JPEG/TIFF picture)")
    return "text"


def suffix_for(fmt: str, head: bytes, name: str) -> str:
    """The suffix a file of format ``fmt`` is saved under: ``name``'s own when it names that format, else the usual one.

    A picture gets the suffix of its kind (``.png``, ``.jpg``, ``.tif``), read from ``head``.
    """
    own = PurePosixPath(name).suffix.lower()
    if FORMAT_OF_SUFFIX.get(own) == fmt and (fmt != "image" or _picture_suffix(head) in _same_picture(own)):
        return own
    if fmt == "image":
        return _picture_suffix(head)
    return SUFFIXES[fmt][0]


def _picture_suffix(head: bytes) -> str:
    return next(suffix for magic, suffix in _IMAGE_MAGIC.items() if head.startswith(magic))


def _same_picture(suffix: str) -> tuple[str, ...]:
    return {".jpeg": (".jpg",), ".tiff": (".tif",)}.get(suffix, (suffix,))
