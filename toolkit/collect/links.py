"""Links of a government CMS page: report links, attachments and pagination (lxml; no script is run).

Examples:
    >>> html = '''<html><head><title>政府信息公开年报</title></head><body>
    ... <a href="t1.html" title="某局2023年政府信息公开工作年度报告">某局2023年政府信息公开…</a>
    ... <a href="/files/a.pdf">附件：年度报告.pdf</a>
    ... <a href="index_1.html">下一页</a><a href="javascript:void(0)">打印</a></body></html>'''
    >>> page = parse_page(html.encode(), "http://127.0.0.1/xxgk/ndbg/index.html")
    >>> page.title
    '政府信息公开年报'
    >>> [(link.url, link.text) for link in page.links][:2]
    [('http://127.0.0.1/xxgk/ndbg/t1.html', '某局2023年政府信息公开…'), ('http://127.0.0.1/files/a.pdf', '附件：年度报告.pdf')]
    >>> page.links[0].label
    '某局2023年政府信息公开… 某局2023年政府信息公开工作年度报告'
    >>> [link.url for link in pagination(page, "http://127.0.0.1/xxgk/ndbg/")]
    ['http://127.0.0.1/xxgk/ndbg/index_1.html']
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit, urlunsplit

from toolkit.read.encoding import declared_charset

DEFAULT_MATCH = r"政府信息公开.{0,20}?(年度报告|年报)"
ATTACHMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".png", ".jpg", ".jpeg", ".tif",
                                 ".tiff"})
# Text of a pagination link on Chinese CMS list pages (TRS, Hanweb, JCMS…).
_NEXT_TEXT = re.compile(r"^\s*(下一页|下页|后一页|尾页|末页|上一页|上页|首页|next|last|»|›|>|>>|\d{1,4})\s*$", re.I)
# A paged list URL (a report page such as t20240115_1.html is not one: only index_N and page parameters count).
_PAGED_URL = re.compile(r"(/index_\d+\.s?html?$|[?&](page|pageNo|pageIndex|pageNum|currentPage|p)=\d+)", re.I)
# An attachment served by a script: its URL names no file type, the response does.
_SCRIPT_SUFFIXES = frozenset({"", ".jsp", ".php", ".asp", ".aspx", ".ashx", ".do", ".action", ".cgi"})
# TRS pages write their pager with a script call, e.g. createPageHTML(5, 0, "index", "html"): read, never run.
_TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,"
                        r"\s*['\"](\w+)['\"]")
_MAX_PAGE_BYTES = 20 * 1024 * 1024
_SPACE = re.compile(r"\s+")
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")  # none: a relative link that could not be joined


@dataclass(frozen=True)
class Link:
    """A link: absolute URL (no fragment), its text and its ``title`` attribute (one line each).

    ``problem`` says why the URL is malformed (``url`` then holds it as written,
    joined to the page's URL where that worked): it is recorded as the failure
    of that one link, never requested.
    """

    url: str
    text: str
    title: str = ""
    problem: str = ""

    @property
    def label(self) -> str:
        """Text and title together: a CMS cuts long link texts and keeps the full name in ``title``."""
        if self.title and self.title not in self.text:
            return f"{self.text} {self.title}".strip()
        return self.text

    @property
    def suffix(self) -> str:
        if self.problem:
            return PurePosixPath(self.url.split("?")[0].split("#")[0]).suffix.lower()
        return PurePosixPath(urlsplit(self.url).path).suffix.lower()


@dataclass
class Page:
    url: str
    title: str
    text: str
    links: list[Link] = field(default_factory=list)
    script_pages: list[str] = field(default_factory=list)


def decode_html(data: bytes, header_charset: str | None = None) -> str:
    """HTML bytes as text: strict UTF-8, the HTTP charset, the ``<meta>`` charset, then GB18030.

    CMS pages often declare a charset they do not use, or none at all (GBK), so
    strict decoders are tried in turn; the last resort replaces what no
    decoder reads instead of failing.

    Examples:
        >>> decode_html("年度报告".encode("gbk"))
        '年度报告'
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    candidates = ["utf-8"]
    for name in (header_charset, declared_charset(data)):
        codec = _html_codec(name)
        if codec:
            candidates.append(codec)
    candidates.append("gb18030")
    for enc in dict.fromkeys(candidates):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")


def _html_codec(name: str | None) -> str | None:
    """The codec a declared charset names, when it can be one of an HTML page, else None.

    A page can name anything: ``rot13`` and ``hex`` are codecs of Python but
    not text encodings, ``utf-16`` cannot hold the ASCII ``<meta>`` that named
    it. Only an ASCII-compatible text encoding counts.

    Examples:
        >>> _html_codec("GBK"), _html_codec("rot13"), _html_codec("hex"), _html_codec("no-such")
        ('gb18030', None, None, None)
    """
    if not name:
        return None
    name = name.strip().lower()
    name = "gb18030" if name in ("gb2312", "gbk", "x-gbk", "cp936") else name
    try:
        codec = codecs.lookup(name).name
        ascii_ok = b"<meta charset=x>".decode(codec) == "<meta charset=x>"
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    return codec if ascii_ok else None


def join_url(base: str, ref: str) -> tuple[str, str]:
    """``(absolute URL, "")``, or ``(ref, problem)`` when joining fails (a bracket in the host…).

    Cheap on purpose (a list page can hold thousands of links): the full check
    (:func:`toolkit.collect.urls.url_problem`) runs only on a URL about to be visited.
    """
    try:
        return urljoin(base, ref), ""
    except ValueError as exc:
        return ref, " ".join(str(exc).split())[:200]


def _one_line(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def normalise_url(url: str) -> str:
    """The URL without its fragment, with a lower-case scheme and host.

    Examples:
        >>> normalise_url("HTTP://Example.GOV.cn/a b.html#top")
        'http://example.gov.cn/a%20b.html'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return " ".join(url.split())  # malformed: kept as written (one line), to be reported, never requested
    netloc = parts.netloc.lower() if "@" not in parts.netloc else parts.netloc
    path = parts.path.replace(" ", "%20") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query.replace(" ", "%20"), ""))


def parse_page(data: bytes, url: str, header_charset: str | None = None) -> Page:
    """Title, visible text and links of an HTML page (relative links resolved against ``<base>`` or ``url``)."""
    import lxml.etree  # here, not at the top: `toolkit collect --help` shows DEFAULT_MATCH without loading lxml
    import lxml.html

    text = decode_html(data[:_MAX_PAGE_BYTES], header_charset)
    try:
        # huge_tree stays off and no network is allowed: the parser reads a page, never fetches.
        parser = lxml.html.HTMLParser(recover=True, no_network=True, remove_comments=True)
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return Page(url, "", "")
    base = url
    for b in root.iterfind(".//base[@href]"):
        joined, problem = join_url(url, b.get("href").strip())
        base = joined if not problem else url
        break
    title = _one_line(root.findtext(".//title"))
    links = []
    resolved: dict[str, tuple[str, str] | None] = {}  # href → (URL, problem), None when never followed
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        if href not in resolved:  # a list page repeats its own and its pager links thousands of times
            absolute, problem = join_url(base, href)
            scheme = _SCHEME.match(absolute)
            if (scheme.group(1).lower() if scheme else "http") not in ("http", "https"):
                resolved[href] = None  # javascript:, mailto:, data:, ftp:… are never followed
            else:
                resolved[href] = (_one_line(absolute), problem) if problem else (normalise_url(absolute), "")
        target = resolved[href]
        if target is not None:
            links.append(Link(target[0], _one_line(a.text_content()), _one_line(a.get("title")), target[1]))
    for bad in root.iter("script", "style"):
        bad.text = ""
    body_text = _one_line(root.text_content())
    script_pages = []
    for script in re.finditer(_TRS_PAGER, text):
        count, prefix, ext = int(script.group(1)), script.group(3), script.group(4)
        for i in range(1, min(count, 1000)):
            joined, problem = join_url(base, f"{prefix}_{i}.{ext}")
            if not problem:
                script_pages.append(normalise_url(joined))
    return Page(url, title, body_text, links, script_pages)


def pagination(page: Page, prefix: str) -> list[Link]:
    """Links to other pages of the same list: same origin, under ``prefix``, pager text or paged URL."""
    out = {}
    here = normalise_url(page.url)
    for link in page.links:
        if link.problem or not link.url.startswith(prefix) or link.url == here:
            continue
        if _NEXT_TEXT.match(link.text) or _PAGED_URL.search(link.url):
            out.setdefault(link.url, link)
    for url in page.script_pages:
        if url.startswith(prefix) and url != here:
            out.setdefault(url, Link(url, "", "createPageHTML"))
    return list(out.values())


def list_prefix(url: str) -> str:
    """The path prefix that pagination of the list page at ``url`` stays within (its folder).

    Examples:
        >>> list_prefix("https://www.pingtan.gov.cn/zwgk/ndbg/index_2.html?x=1")
        'https://www.pingtan.gov.cn/zwgk/ndbg/'
    """
    parts = urlsplit(normalise_url(url))
    folder = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, folder, "", ""))


def is_attachment(link: Link) -> bool:
    """A link to a report file: by suffix, or 附件 with no suffix (the response then says what it is)."""
    if link.suffix in ATTACHMENT_SUFFIXES:
        return True
    return link.suffix in _SCRIPT_SUFFIXES and link.text.startswith(("附件", "下载附件", "附件下载"))
