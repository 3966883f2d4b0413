"""The one exception family that escapes the toolkit's readers.

Every message is one line naming the file and the problem, so the CLI and the
batch loader can print it or store it as an error row without a traceback.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class: a file could not be turned into trustworthy data."""

    reason = "error"

    def __init__(self, path: object, problem: str):
        self.path = str(path)
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


class InternalError(ToolkitError):
    """An unexpected failure inside a reader, reported as one line instead of a traceback."""

    reason = "internal"


class WorkerCrashError(ToolkitError):
    """The parser processes died: no file of a batch could be read, whatever the files hold."""

    reason = "worker_crash"
