"""Legacy Word (.doc) and WPS (.wps) → DOCX with LibreOffice → the DOCX reader.

Both are OLE2 compound files; rather than parse the binary formats we let
LibreOffice convert them (in a temporary directory, with a private profile:
see :mod:`toolkit.read.formats.soffice`) and read the DOCX. Without LibreOffice the error
says how to convert the file by hand.
"""

from __future__ import annotations

from pathlib import PurePath

from toolkit.errors import ConversionError
from toolkit.read.formats import docx, soffice


def read(data: bytes, path: str):
    """Convert a .doc/.wps file to DOCX and read it; ``format`` says what the file was."""
    suffix = PurePath(path).suffix.lower()
    fmt = "wps" if suffix == ".wps" else "doc"
    if soffice.executable() is None:
        raise ConversionError(
            path,
            f"legacy .{fmt} file: LibreOffice is needed to read it and is not installed; "
            f"install it (Debian: apt-get install libreoffice-writer-nogui) or convert the file with "
            f"`soffice --headless --convert-to docx {PurePath(path).name}` and read the .docx",
        )
    name = f"report.{fmt}"
    converted = soffice.convert({name: data}, "docx", path)[name]
    doc = docx.read(converted, path)
    doc.format = fmt
    return doc
