"""Dispatch to one reader per format, detected by content (:mod:`~toolkit.read.formats.detect`), not by name.

Each reader has the same signature, ``read(data: bytes, path: str) -> Document``.
"""

from __future__ import annotations

import importlib

from toolkit.read.document import Document
from toolkit.read.formats.detect import FORMAT_OF_SUFFIX, sniff

# format -> module under toolkit.read.formats
READERS = {"text": "text", "html": "html", "docx": "docx", "pdf": "pdf", "doc": "legacy", "wps": "legacy", "image": "image"}


def read_document(data: bytes, path: str) -> Document:
    fmt = sniff(data, path)
    module = importlib.import_module(f".{READERS[fmt]}", __name__)
    doc = module.read(data, path)
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    named = FORMAT_OF_SUFFIX.get(suffix)
    if named is not None and named != fmt and not (fmt == "html" and suffix == ".txt"):
        doc.notes.append(f"content is {fmt} although the file is named {suffix}")
    return doc
