"""Safe, readable, deterministic file names for downloaded URLs.

A saved file is named after its URL: ``files/<host>[_<port>]/<path…>``, each
segment cut down to letters (any script, so 年度报告 stays readable), digits
and ``. - _``. Nothing from a URL or a ``Content-Disposition`` header can name
``..``, an absolute path, a device or a hidden file, so no name escapes the
output folder. A query string, or a segment that had to be changed, adds a
short hash of the whole URL. Names are readable, so two URLs can still meet
(``/rep`` holding a PDF and ``/rep.pdf``; ``/t1.html`` and ``/t1.html/a.pdf``):
:class:`NameBook` gives the later one its name with a longer hash, so two URLs
never share a file. A name depends only on the URL, its content's kind and
the URLs saved before it, so an interrupted run and its rerun write the same
paths.

Examples:
    >>> safe_relpath("https://www.pingtan.gov.cn/zwgk/ndbg/202401/t20240115_1.html", ".html")
    'www.pingtan.gov.cn/zwgk/ndbg/202401/t20240115_1.html'
    >>> safe_relpath("http://127.0.0.1:8080/../../etc/passwd", ".txt")
    '127.0.0.1_8080/etc/passwd.txt'
    >>> safe_relpath("https://x.gov.cn/down.jsp?id=7", ".pdf", disposition="../../年度报告.pdf")
    'x.gov.cn/down__年度报告__...pdf'
"""

from __future__ import annotations

import email.message
import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from toolkit.read.encoding import utf8_or_gb18030

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


def disposition_name(value: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives, decoded (UTF-8, then GB18030), if any."""
    if not value:
        return None
    msg = email.message.Message()
    msg["content-disposition"] = value
    name = msg.get_filename()
    if not name:
        return None
    try:  # servers send UTF-8 or GBK bytes that the HTTP layer read as Latin-1
        name = utf8_or_gb18030(name.encode("latin-1")) or name
    except UnicodeEncodeError:
        pass
    return unquote(name)


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):
        return name, ""
    return stem, "." + ext


def _same_kind(ext: str, suffix: str) -> bool:
    ext = ext.lower()
    # .doc and .wps are not one family: the reader names an OLE file's format after its suffix.
    families = ({".html", ".htm", ".shtml"}, {".jpg", ".jpeg"}, {".tif", ".tiff"})
    return ext == suffix or any(ext in f and suffix in f for f in families)


def inside(root: Path, relpath: str) -> Path:
    """``root / relpath``, refusing any result outside ``root`` (a last guard)."""
    root = root.resolve()
    target = (root / relpath).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"{relpath}: not inside {root}")
    return target


class NameBook:
    """Which URL holds each saved path: a name another URL holds, or that clashes with a folder, is not reused.

    :func:`safe_relpath` is readable, not one-to-one: ``/rep`` (a PDF) and
    ``/rep.pdf`` both give ``rep.pdf``; ``/t1.html`` is a file where
    ``/t1.html/a.pdf`` needs a folder. The book gives such a URL the same name
    with a hash of its URL (``rep__<16 hex>.pdf``), in the same folder when
    that folder can exist, else directly under the host's folder. Names
    depend on the URL and on which URLs came first, and the manifest records
    them, so a rerun finds each file where the first run put it.

    Examples:
        >>> import tempfile, pathlib
        >>> book = NameBook(pathlib.Path(tempfile.mkdtemp()), {})
        >>> book.place("http://h/c/rep", "files/h/c/rep.pdf")
        'files/h/c/rep.pdf'
        >>> book.place("http://h/c/rep.pdf", "files/h/c/rep.pdf")
        'files/h/c/rep__74a2c48397d26f54.pdf'
        >>> book.place("http://h/c/rep.pdf/a.pdf", "files/h/c/rep.pdf/a.pdf")
        'files/h/a__6fd565906afdfe1b.pdf'
    """

    def __init__(self, root: Path, claims: dict[str, str]):
        self.root = root
        self.owner: dict[str, str] = {}
        self.folders: set[str] = set()
        for rel, url in claims.items():
            self._claim(rel, url)

    def _claim(self, rel: str, url: str) -> None:
        self.owner[rel] = url
        parts = rel.split("/")
        self.folders.update("/".join(parts[:i]) for i in range(1, len(parts)))

    def place(self, url: str, rel: str) -> str:
        """The path ``url`` is saved under: ``rel`` when free for it, else a hashed name (claimed for ``url``)."""
        parts = rel.split("/")
        stem, ext = _split(parts[-1])
        tag = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        hashed = f"{stem}__{tag}{ext}"
        for candidate in (rel, "/".join([*parts[:-1], hashed]), "/".join([*parts[:2], hashed])):
            if self._free(url, candidate):
                self._claim(candidate, url)
                return candidate
        raise ValueError(f"{rel}: no free file name (another URL or a folder holds every candidate)")

    def _free(self, url: str, rel: str) -> bool:
        owner = self.owner.get(rel)
        if (owner is not None and owner != url) or rel in self.folders:
            return False
        if (self.root / rel).is_dir():
            return False
        parts = rel.split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder in self.owner:
                return False
            path = self.root / folder
            if path.exists() and not path.is_dir():
                return False
        return True
