"""Format detection by content (not by extension) and dispatch to one reader per format.

Each reader has the same signature, ``read(data: bytes, path: str) -> Document``.
"""

from __future__ import annotations

import importlib
import io
import zipfile

from toolkit.errors import CorruptFileError, UnknownFormatError
from toolkit.read.document import Document

# format -> module under toolkit.read.formats
READERS = {"text": "text", "html": "html", "docx": "docx", "pdf": "pdf", "doc": "legacy", "wps": "legacy", "image": "image"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PNG, JPEG, TIFF (both byte orders): scans and photographs, read by OCR.
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_MARKS = (b"<html", b"<!doctype html", b"<table", b"<body", b"<head", b"<meta", b"<div", b"<p>", b"<p ")


def sniff(data: bytes, path: str) -> str:
    r"""The real format of a file's bytes.

    Examples:
        >>> sniff(b"%PDF-1.7 ...", "a.doc"), sniff(b"<!DOCTYPE html><html>", "a.pdf")
        ('pdf', 'html')
        >>> sniff("一、总体情况".encode(), "a.txt")
        'text'
        >>> sniff(b"\x89PNG\r\n\x1a\n...", "scan.png"), sniff(b"\xff\xd8\xff\xe0...", "photo.jpg")
        ('image', 'image')
    """
    head = data[:2048]
    if b"%PDF-" in head[:1024]:  # PDF readers accept junk before the header; so do we
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise CorruptFileError(path, "truncated or damaged ZIP container (DOCX?)") from None
        if "word/document.xml" in names:
            return "docx"
        raise UnknownFormatError(path, "a ZIP archive that is not a Word document")
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(_OLE):
        return "wps" if path.lower().endswith(".wps") else "doc"
    lowered = head.lower()
    if any(mark in lowered for mark in _HTML_MARKS):
        return "html"
    if b"\x00" in head:
        raise UnknownFormatError(path, "binary file of an unknown format (not text, HTML, DOCX, DOC, PDF or a PNG/JPEG/TIFF picture)")
    return "text"


def read_document(data: bytes, path: str) -> Document:
    fmt = sniff(data, path)
    module = importlib.import_module(f".{READERS[fmt]}", __name__)
    doc = module.read(data, path)
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    expected = {"txt": "text", "htm": "html", "html": "html", "shtml": "html", "docx": "docx", "pdf": "pdf", "doc": "doc", "wps": "wps",
                "png": "image", "jpg": "image", "jpeg": "image", "tif": "image", "tiff": "image"}
    if suffix in expected and expected[suffix] != fmt and not (fmt == "html" and suffix == "txt"):
        doc.notes.append(f"content is {fmt} although the file is named .{suffix}")
    return doc
