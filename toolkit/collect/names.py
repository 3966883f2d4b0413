"""Safe, readable, deterministic file names for downloaded URLs.

A saved file is named after its URL: ``files/<host>[_<port>]/<path…>``, each
segment cut down to letters (any script, so 年度报告 stays readable), digits
and ``. - _``. Nothing from a URL or a ``Content-Disposition`` header can name
``..``, an absolute path, a device or a hidden file, so no name escapes the
output folder. A query string, or a segment that had to be changed, adds a
short hash of the whole URL, so two URLs never share a file. The name depends
only on the URL (and the content's kind), so an interrupted run and its rerun
write the same paths.

Examples:
    >>> safe_relpath("https://www.pingtan.gov.cn/zwgk/ndbg/202401/t20240115_1.html", ".html")
    'www.pingtan.gov.cn/zwgk/ndbg/202401/t20240115_1.html'
    >>> safe_relpath("http://127.0.0.1:8080/../../etc/passwd", ".txt")
    '127.0.0.1_8080/etc/passwd.txt'
    >>> safe_relpath("https://x.gov.cn/down.jsp?id=7", ".pdf", disposition="../../年度报告.pdf")
    'x.gov.cn/down__年度报告__...pdf'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

_UNSAFE = re.compile(r"[^\w.\-]+", re.U)
_MAX_SEGMENT = 80  # bytes matter on disk (255 per name); CJK is 3 bytes a character in UTF-8
_SCRIPTS = {".jsp", ".php", ".asp", ".aspx", ".ashx", ".do", ".action", ".cgi"}
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def clean_segment(text: str) -> str:
    """One path segment made safe: no separators, no leading dots, bounded length.

    Examples:
        >>> clean_segment("..")
        ''
        >>> clean_segment("2023年 年度报告 (终稿).pdf")
        '2023年_年度报告_终稿_.pdf'
    """
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text).strip("._ ") if text.strip(".") else ""
    if text.split(".")[0].lower() in _WINDOWS_DEVICES:
        text = "_" + text
    while len(text.encode("utf-8")) > _MAX_SEGMENT:
        text = text[:-1]
    return text


def _short_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]


def safe_relpath(url: str, suffix: str, disposition: str | None = None) -> str:
    """A relative POSIX path for the content of ``url`` saved with ``suffix``.

    Args:
        url: the URL requested (the name does not depend on redirects).
        suffix: the suffix the content needs (``.pdf``, ``.html``…), from sniffing.
        disposition: a file name from a ``Content-Disposition`` header, used
            (made safe) when the URL's last segment names no file.
    """
    parts = urlsplit(url)
    host = clean_segment((parts.hostname or "host").lower()) or "host"
    if parts.port:
        host += f"_{parts.port}"
    raw = [unquote(s) for s in parts.path.split("/") if s]
    segments = [clean_segment(s) for s in raw]
    lossy = any(c != r for c, r in zip(segments, raw) if r not in ("..", "."))
    segments = [s for s in segments if s]
    name = segments.pop() if segments else "index"
    stem, ext = _split(name)
    if ext.lower() in _SCRIPTS:  # download.jsp?id=7: the script names no file type, the content does
        ext = ""
    if disposition and not ext:
        d_stem, _ = _split(clean_segment(PurePosixPath(disposition.replace("\\", "/")).name))
        if d_stem:
            stem = f"{stem}__{d_stem}"
    if parts.query or lossy:
        stem = f"{stem}__{_short_hash(url)}"
    # Keep the URL's own suffix when it is the content's (.htm, .shtml stay HTML), else use the sniffed one.
    if not (ext and _same_kind(ext, suffix)):
        ext = suffix if not ext or ext.lower() == suffix else ext + suffix
    return "/".join([host, *segments, stem + ext])


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):
        return name, ""
    return stem, "." + ext


def _same_kind(ext: str, suffix: str) -> bool:
    ext = ext.lower()
    families = ({".html", ".htm", ".shtml"}, {".jpg", ".jpeg"},
                {".tif", ".tiff"}, {".doc", ".wps", ".xls", ".et"})
    return ext == suffix or any(ext in f and suffix in f for f in families)


def inside(root: Path, relpath: str) -> Path:
    """``root / relpath``, refusing any result outside ``root`` (a last guard)."""
    root = root.resolve()
    target = (root / relpath).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"{relpath}: not inside {root}")
    return target
