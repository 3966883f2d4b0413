"""The polite HTTP client: robots.txt, one request at a time per origin, delay, retries, size limit.

Built on httpx (streaming responses, per-phase timeouts) and
:mod:`urllib.robotparser`. An *origin* is scheme, host and port: robots.txt,
the delay and the allow-list all apply per origin.

- Every URL is checked against the allow-list and robots.txt before it is
  requested; a refusal never reaches the network.
- Requests to one origin are at least ``delay`` seconds apart, counted from the
  end of the previous response (so the server sees the gap too).
- 429, 5xx, timeouts and dropped connections are retried (``retries`` times at
  most) after an exponential backoff, or after ``Retry-After`` when the server
  sends one, up to ``retry_after_cap`` seconds.
- Redirects are followed by hand, one hop at a time, each hop checked like a
  new URL (allow-list, robots, delay).
- Bodies are streamed to a temporary file next to their destination; a body
  larger than ``max_bytes`` (by ``Content-Length`` or while streaming) is
  deleted and reported ``too large``.

Examples:
    >>> origin_of("https://WWW.Pingtan.gov.cn/zwgk/")
    'https://www.pingtan.gov.cn:443'
    >>> origin_of("http://127.0.0.1:8080/x")
    'http://127.0.0.1:8080'
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import tempfile
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """``scheme://host:port`` of a URL (the default port made explicit)."""
    parts = urlsplit(url)
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
    if "://" in text:
        return {origin_of(text)}
    host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if not host:
        host, port = text, ""
    if not host or (port and not port.isdigit()) or "/" in host:
        raise ValueError(f"--allow-host {text!r}: expected HOST or HOST:PORT")
    return {f"http://{host.lower()}:{port or 80}", f"https://{host.lower()}:{port or 443}"}


@dataclass
class Response:
    """The outcome of one fetch (after redirects and retries).

    ``error`` is empty on success, else a short reason: ``robots``,
    ``off-site``, ``http 404``, ``timeout``, ``too large``, ``connection``…
    ``tmp_path`` holds the body (the caller moves or deletes it).
    """

    url: str
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    charset: str | None = None
    headers: dict = field(default_factory=dict)
    bytes: int = 0
    sha256: str = ""
    fetched_at: str = ""
    tmp_path: Path | None = None
    error: str = ""
    detail: str = ""

    @property
    def refused(self) -> bool:
        """Refused by rule (never requested): not a failure."""
        return self.error in ("robots", "off-site")

    def head(self, n: int = 4096) -> bytes:
        if self.tmp_path is None:
            return b""
        with open(self.tmp_path, "rb") as f:
            return f.read(n)

    def discard(self) -> None:
        if self.tmp_path is not None:
            self.tmp_path.unlink(missing_ok=True)
            self.tmp_path = None


class TooLarge(Exception):
    pass


class PoliteClient:
    """One client for a whole crawl (see the module docstring for the rules it keeps).

    Args:
        allowed: origins that may be requested (see :func:`origin_of`).
        user_agent: the ``User-Agent`` header (names the toolkit, its version and a contact).
        delay: minimum seconds between two requests to one origin.
        timeout: seconds for connecting and for each read; a whole response
            may take ten times this.
        max_bytes: largest body accepted.
        retries: retries after the first attempt (429, 5xx, timeouts, dropped connections).
        backoff: first backoff in seconds (doubles on each retry).
        retry_after_cap: the longest ``Retry-After`` honoured (a longer one waits this long).
        on_request: called with ``(method, url)`` just before each request goes out.
    """

    def __init__(self, allowed: set[str], user_agent: str, *, delay: float = 1.0, timeout: float = 30.0,
                 max_bytes: int = 100 * 1024 * 1024, retries: int = 3, backoff: float = 1.0,
                 retry_after_cap: float = 60.0, on_request=None):
        self.allowed = set(allowed)
        self.delay = max(0.0, float(delay))
        self.timeout = float(timeout)
        self.max_bytes = int(max_bytes)
        self.retries = max(0, min(int(retries), 3))
        self.backoff = max(0.0, float(backoff))
        self.retry_after_cap = max(0.0, float(retry_after_cap))
        self.on_request = on_request
        self.user_agent = user_agent
        self.requests = 0
        self._last_done: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        # trust_env=False: no proxy or .netrc from the environment decides where requests go.
        self._http = httpx.Client(headers={"User-Agent": user_agent}, timeout=httpx.Timeout(self.timeout),
                                  follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- rules ------------------------------------------------------------------------------------------

    def check(self, url: str) -> str:
        """``""`` when ``url`` may be requested, else the reason it may not (``off-site``, ``robots``, ``scheme``)."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return "scheme"
        if origin_of(url) not in self.allowed:
            return "off-site"
        rp = self._robots_for(url)
        if getattr(rp, "unreachable", ""):
            return rp.unreachable  # the host did not answer at all: a failure, not a rule
        if not rp.can_fetch(self.user_agent, url):
            return "robots"
        return ""

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        origin = origin_of(url)
        rp = self._robots.get(origin)
        if rp is not None:
            return rp
        rp = urllib.robotparser.RobotFileParser()
        robots_url = urljoin(url, "/robots.txt")
        rp.set_url(robots_url)
        self._robots[origin] = rp  # set first: the robots fetch itself must not recurse
        rp.allow_all = True
        got = self._request(robots_url, {})
        rp.allow_all = False
        # RFC 9309: 4xx means no rules; a robots.txt that errs (5xx) means keep out; a host that does not
        # answer at all is reported as the failure it is (timeout, connection) for each of its URLs.
        if got.error in ("timeout", "connection"):
            rp.unreachable = got.error
        elif got.error and not (got.status and 400 <= got.status < 500):
            rp.disallow_all = True
        elif got.status == 200 and got.tmp_path is not None:
            lines = got.tmp_path.read_bytes()[:512 * 1024].decode("utf-8", errors="replace").splitlines()
            rp.parse(lines)
        else:
            rp.allow_all = True
        got.discard()
        return rp

    # -- requests ---------------------------------------------------------------------------------------

    def fetch(self, url: str, headers: dict | None = None, tmp_dir: Path | None = None) -> Response:
        """GET ``url`` politely, following allowed redirects; the body lands in ``Response.tmp_path``."""
        current = url
        for _hop in range(10):
            reason = self.check(current)
            if reason:
                detail = "robots.txt did not answer" if reason in ("timeout", "connection") else ""
                return Response(url, final_url=current, error=reason if reason != "scheme" else "off-site",
                                detail=detail, fetched_at=utc_now())
            got = self._request(current, headers or {}, tmp_dir)
            got.url = url
            if got.status in (301, 302, 303, 307, 308) and not got.error:
                got.discard()
                location = got.headers.get("location")
                if not location:
                    got.error = f"http {got.status}"
                    got.detail = "redirect without a Location"
                    return got
                current = urljoin(current, location.strip())
                continue
            return got
        return Response(url, final_url=current, error="redirects", detail="more than 10 redirects",
                        fetched_at=utc_now())

    def _wait(self, origin: str) -> None:
        last = self._last_done.get(origin)
        if last is not None:
            pause = last + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _request(self, url: str, headers: dict, tmp_dir: Path | None = None) -> Response:
        origin = origin_of(url)
        attempt = 0
        while True:
            self._wait(origin)
            got, retry_after = self._once(url, headers, tmp_dir)
            self._last_done[origin] = time.monotonic()
            retryable = got.status in RETRY_STATUSES or got.error in ("timeout", "connection")
            if not retryable or attempt >= self.retries:
                return got
            got.discard()
            wait = self.backoff * (2 ** attempt)
            if retry_after is not None:
                wait = min(max(retry_after, 0.0), self.retry_after_cap)
            time.sleep(wait)
            attempt += 1

    def _once(self, url: str, headers: dict, tmp_dir: Path | None) -> tuple[Response, float | None]:
        out = Response(url, final_url=url, fetched_at=utc_now())
        if self.on_request is not None:
            self.on_request("GET", url)
        self.requests += 1
        retry_after = None
        deadline = time.monotonic() + 10 * self.timeout
        try:
            with self._http.stream("GET", url, headers=headers) as r:
                out.status = r.status_code
                out.headers = {k.lower(): v for k, v in r.headers.items()}
                ctype = out.headers.get("content-type", "")
                out.content_type = ctype.split(";")[0].strip().lower()
                out.charset = r.charset_encoding
                retry_after = _retry_after(out.headers.get("retry-after"))
                if r.status_code >= 400:
                    out.error = f"http {r.status_code}"
                    return out, retry_after
                if 300 <= r.status_code < 400:
                    return out, None
                length = out.headers.get("content-length", "")
                if length.isdigit() and int(length) > self.max_bytes:
                    out.error, out.detail = "too large", f"Content-Length {length} > {self.max_bytes} bytes"
                    return out, None
                self._stream(r, out, tmp_dir, deadline)
        except TooLarge:
            out.error, out.detail = "too large", f"more than {self.max_bytes} bytes"
        except httpx.TimeoutException as exc:
            out.error, out.detail = "timeout", type(exc).__name__
        except httpx.TransportError as exc:
            out.error, out.detail = "connection", " ".join(str(exc).split())[:200] or type(exc).__name__
        except httpx.InvalidURL as exc:
            out.error, out.detail = "bad url", str(exc)
        return out, retry_after

    def _stream(self, r: httpx.Response, out: Response, tmp_dir: Path | None, deadline: float) -> None:
        if tmp_dir is not None:
            tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=".part-")
        tmp = Path(name)
        h = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in r.iter_bytes(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge()
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("response too slow")
                    h.update(chunk)
                    f.write(chunk)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a partial body never stays on disk
            raise
        out.final_url = str(r.url)
        out.bytes, out.sha256, out.tmp_path = size, h.hexdigest(), tmp


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
