"""The one exception family that escapes the toolkit's readers.

Every message is one line naming the file and the problem, so the CLI and the
batch loader can print it or store it as an error row without a traceback.
"""

from __future__ import annotations

import os
import unicodedata


def shown_path(path: object) -> str:
    """A path as messages and tables show it: one line, printable, storable as UTF-8.

    File names are bytes to the system and may hold anything: a newline (which
    would let a name forge a second line of output), control characters, or bytes
    that are not UTF-8 (a GBK name from an unzipped archive, which Python keeps as
    lone surrogates that no text file or Arrow column can hold). Those become
    ``\\n``, ``\\x1b``, ``\\xb1`` escapes; every other name is shown as it is.

    Examples:
        >>> shown_path("a\\nerror: forged.txt")
        'a\\\\nerror: forged.txt'
        >>> shown_path(b"\\xb1\\xa8\\xb8\\xe6.txt")
        '\\\\xb1\\\\xa8\\\\xb8\\\\xe6.txt'
    """
    text = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) == "Zs":  # a wide or non-breaking space is still a space
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0xD800 or ord(ch) > 0xDFFF
                       else f"\\u{ord(ch):04x}")
    return "".join(out)


class ToolkitError(Exception):
    """Base class: a file could not be turned into trustworthy data."""

    reason = "error"

    def __init__(self, path: object, problem: str):
        self.path = shown_path(path)
        self.problem = " ".join(str(problem).split())  # keep it on one line
        super().__init__(f"{self.path}: {self.problem}")


class UnknownFormatError(ToolkitError):
    reason = "unknown_format"


class EncodingError(ToolkitError):
    reason = "unreadable_encoding"


class NotAReportError(ToolkitError):
    reason = "not_a_report"


class TableMissingError(ToolkitError):
    reason = "table_missing"


class LayoutError(ToolkitError):
    """A table was found but its cells cannot be aligned with the codebook."""

    reason = "layout"


class UnreadablePDFError(ToolkitError):
    """Scanned (no text layer) or encrypted PDF."""

    reason = "unreadable_pdf"


class ConversionError(ToolkitError):
    """A legacy Word/WPS file needs LibreOffice, which is missing or failed."""

    reason = "conversion"


class LimitExceededError(ToolkitError):
    """A size, time or archive limit was exceeded (hostile or broken input)."""

    reason = "limit_exceeded"


class UnsafeInputError(ToolkitError):
    """Content that can only be an attack on the parser (XML entity declarations)."""

    reason = "unsafe"


class CorruptFileError(ToolkitError):
    """The file is truncated or structurally broken for its format."""

    reason = "corrupt"


class NotRegularFileError(ToolkitError):
    """A FIFO, a device or a socket where a report file was expected: never opened for reading."""

    reason = "not_a_file"


class InternalError(ToolkitError):
    """An unexpected failure inside a reader, reported as one line instead of a traceback."""

    reason = "internal"


class WorkerCrashError(ToolkitError):
    """The parser processes died: no file of a batch could be read, whatever the files hold."""

    reason = "worker_crash"
