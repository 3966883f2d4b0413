"""URLs as the collector meets them: malformed ones named, origins, and ``--allow-host`` values.

Links and ``Location`` headers come from pages the collector does not control:
``http://[oops/x.pdf``, a port of 99999, a host with a space. Each is found
here, before a request, and becomes the failure of that one URL.

Examples:
    >>> origin_of("https://WWW.Pingtan.gov.cn/zwgk/")
    'https://www.pingtan.gov.cn:443'
    >>> origin_of("http://127.0.0.1:8080/x")
    'http://127.0.0.1:8080'
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urljoin, urlsplit

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = re.compile(r"[\w\-.]+")  # letters of any script (an IDN), digits, "-", "_" and dots: no space, no "%"


def url_problem(url: str) -> str:
    """``""`` for a URL that can be requested as written, else what is wrong with it (one line).

    The scheme is not judged here (``ftp:`` is a refusal, not a malformed URL).

    Examples:
        >>> url_problem("http://127.0.0.1:8080/a.pdf")
        ''
        >>> url_problem("http://[oops/x.pdf")
        'Invalid IPv6 URL'
        >>> url_problem("http://127.0.0.1:99999/x")
        'Port out of range 0-65535'
        >>> url_problem("http://a b/x")
        "bad host name 'a b'"
    """
    try:
        parts = urlsplit(url)
        _ = parts.port  # urlsplit checks the port only when it is read
    except ValueError as exc:
        return " ".join(str(exc).split())[:200]
    if parts.scheme.lower() in ("http", "https"):
        host = parts.hostname
        if not host:
            return "no host"
        if ":" in host:
            try:
                ipaddress.IPv6Address(host.split("%")[0])
            except ValueError:
                return f"bad IPv6 address {host!r}"
        elif not _HOST.fullmatch(host):
            return f"bad host name {host!r}"
        try:
            httpx.URL(url)
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            return " ".join(str(exc).split())[:200] or "not a valid URL"
    return ""


def join_url(base: str, ref: str) -> tuple[str, str]:
    """``(absolute URL, "")``, or ``(ref, problem)`` when ``ref`` makes no valid URL.

    Examples:
        >>> join_url("http://127.0.0.1/a/b.html", "../c.pdf")
        ('http://127.0.0.1/c.pdf', '')
        >>> join_url("http://127.0.0.1/a/", "http://[oops/x.pdf")
        ('http://[oops/x.pdf', 'Invalid IPv6 URL')
    """
    try:
        url = urljoin(base, ref)
    except ValueError as exc:
        return ref, " ".join(str(exc).split())[:200]
    return url, url_problem(url)


def origin_of(url: str) -> str:
    """``scheme://host:port`` of a URL (the default port made explicit; ``""`` for a malformed URL)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def parse_allow_host(text: str, scheme_hint: str = "https") -> set[str]:
    """Origins named by an ``--allow-host`` value: ``host``, ``host:port`` or a URL.

    A bare host allows both http and https on their default ports.

    Examples:
        >>> sorted(parse_allow_host("www.gov.cn"))
        ['http://www.gov.cn:80', 'https://www.gov.cn:443']
        >>> sorted(parse_allow_host("127.0.0.1:8001"))
        ['http://127.0.0.1:8001', 'https://127.0.0.1:8001']
    """
    text = text.strip()
    bad = ValueError(f"--allow-host {text!r}: expected HOST or HOST:PORT")
    if "://" in text:
        if url_problem(text) or urlsplit(text).scheme.lower() not in ("http", "https") or \
                urlsplit(text).path.strip("/") or urlsplit(text).query:
            raise bad
        return {origin_of(text)}
    host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if not host:
        host, port = text, ""
    if not host or (port and not port.isdigit()) or any(c in host for c in "/\\?#@[] ") or \
            url_problem(f"http://{text}/"):
        raise bad
    return {f"http://{host.lower()}:{port or 80}", f"https://{host.lower()}:{port or 443}"}
