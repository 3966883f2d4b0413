"""The polite HTTP client: robots.txt, one request at a time per origin, delay, retries, size limit.

Built on httpx (streaming responses; :mod:`~toolkit.collect.transport`: one
connection per request, a deadline for the whole response) and
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
  new URL (allow-list, robots, delay). robots.txt itself follows up to five
  redirects within the allowed origins (RFC 9309); one that leads elsewhere,
  or further, makes its origin's URLs failures, never "no rules".
- A whole response (headers and body) must arrive within ``10 × timeout``,
  plus a second per 16 KiB received (a large file on a steady connection is
  never cut); a server that drips it is cut off there (``timeout``, not
  retried).
- A malformed URL, ``Location``, ``Content-Encoding`` or protocol answer is
  the failure of that one URL (``bad url``, ``bad redirect``, ``bad encoding``,
  ``connection``), never an exception.
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

from toolkit.atomic import owned_prefix, sweep_once
from toolkit.collect.transport import DeadlineBackend, DeadlineExceeded, make_client
from toolkit.collect.urls import join_url, origin_of, url_problem

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five consecutive redirects
DEADLINE_FACTOR = 10  # a whole response may take this many times --timeout
PART_PREFIX = ".toolkit-part-"  # a body fetched outside an output folder (robots.txt), in $TMPDIR


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
    retryable: bool = True  # False for a response cut at its deadline: a dripping server is not retried

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
            (headers and body) must arrive within ``DEADLINE_FACTOR`` times
            this, plus a second per 16 KiB received.
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
        self._robots_failure: dict[str, tuple[str, str]] = {}
        self._backend = DeadlineBackend()
        self._http = make_client(user_agent, self.timeout, self._backend)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- rules ------------------------------------------------------------------------------------------

    def check(self, url: str) -> str:
        """``""`` when ``url`` may be requested, else the reason it may not (see :meth:`check_url`)."""
        return self.check_url(url)[0]

    def check_url(self, url: str) -> tuple[str, str]:
        """``("", "")`` when ``url`` may be requested, else ``(reason, detail)``.

        Reasons: ``bad url`` (malformed), ``scheme`` (not http(s)), ``off-site``,
        ``robots``, or the failure that left robots.txt unknown (``timeout``,
        ``connection``, ``robots.txt``): without its rules nothing of the origin is fetched.
        """
        problem = url_problem(url)
        if problem:
            return "bad url", problem
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return "scheme", ""
        if origin_of(url) not in self.allowed:
            return "off-site", ""
        rp = self._robots_for(url)
        failure = self._robots_failure.get(origin_of(url))
        if failure:
            return failure
        if not rp.can_fetch(self.user_agent, url):
            return "robots", ""
        return "", ""

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        origin = origin_of(url)
        rp = self._robots.get(origin)
        if rp is not None:
            return rp
        rp = urllib.robotparser.RobotFileParser()
        robots_url = urljoin(url, "/robots.txt")
        rp.set_url(robots_url)
        self._robots[origin] = rp
        got, failure = self._fetch_robots(robots_url)
        # RFC 9309: 4xx means no rules; a robots.txt that errs (5xx) means keep out; a host that does not
        # answer, or a robots.txt that cannot be followed, is reported as the failure it is for each URL.
        if failure:
            self._robots_failure[origin] = failure
        elif got.error in ("timeout", "connection"):
            self._robots_failure[origin] = (got.error, "robots.txt did not answer")
        elif got.error and not (got.status and 400 <= got.status < 500):
            rp.disallow_all = True
        elif got.status == 200 and got.tmp_path is not None:
            rp.parse(robots_lines(got.tmp_path.read_bytes()[:512 * 1024]))
        else:
            rp.allow_all = True
        got.discard()
        return rp

    def _fetch_robots(self, robots_url: str) -> tuple[Response, tuple[str, str] | None]:
        """robots.txt after at most five redirects, each within the allowed origins."""
        current = robots_url
        for hop in range(ROBOTS_REDIRECTS + 1):
            got = self._request(current, {})
            if got.status not in REDIRECT_STATUSES or got.error:
                return got, None
            got.discard()
            if hop == ROBOTS_REDIRECTS:
                break
            location = (got.headers.get("location") or "").strip()
            if not location:
                return got, ("robots.txt", f"{current}: a redirect without a Location")
            nxt, problem = join_url(current, location)
            if problem:
                return got, ("robots.txt", f"{current} redirects to a malformed URL ({problem})")
            if origin_of(nxt) not in self.allowed:
                return got, ("robots.txt", f"{robots_url} redirects to {origin_of(nxt)}, not an allowed host "
                                           "(add it with --allow-host to read its rules)")
            current = nxt
        return got, ("robots.txt", f"{robots_url}: more than {ROBOTS_REDIRECTS} redirects")

    # -- requests ---------------------------------------------------------------------------------------

    def fetch(self, url: str, headers: dict | None = None, tmp_dir: Path | None = None) -> Response:
        """GET ``url`` politely, following allowed redirects; the body lands in ``Response.tmp_path``."""
        current = url
        for _hop in range(10):
            reason, detail = self.check_url(current)
            if reason:
                return Response(url, final_url=current, error=reason if reason != "scheme" else "off-site",
                                detail=detail, fetched_at=utc_now())
            got = self._request(current, headers or {}, tmp_dir)
            got.url = url
            if got.status in REDIRECT_STATUSES and not got.error:
                got.discard()
                location = (got.headers.get("location") or "").strip()
                if not location:
                    got.error = f"http {got.status}"
                    got.detail = "redirect without a Location"
                    return got
                nxt, problem = join_url(current, location)
                if problem:
                    got.error, got.detail = "bad redirect", f"Location {location[:200]!r}: {problem}"
                    return got
                current = nxt
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
            retryable = got.retryable and (got.status in RETRY_STATUSES or got.error in ("timeout", "connection"))
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
        budget = DEADLINE_FACTOR * self.timeout
        self._backend.start(budget)
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
                self._stream(r, out, tmp_dir)
        except TooLarge:
            out.error, out.detail = "too large", f"more than {self.max_bytes} bytes"
        except httpx.TimeoutException as exc:
            out.error, out.detail = "timeout", type(exc).__name__
            if isinstance(exc.__cause__, DeadlineExceeded) or self._backend.expired():
                out.detail = f"the whole response took more than {budget:g} s (and a second per 16 KiB received)"
                out.retryable = False
        except httpx.DecodingError as exc:
            encoding = out.headers.get("content-encoding", "?")
            out.error, out.detail = "bad encoding", f"Content-Encoding {encoding}: {_one_line(exc)}"
            out.retryable = False
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            out.error, out.detail = "bad url", _one_line(exc)
            out.retryable = False
        except httpx.TransportError as exc:
            out.error, out.detail = "connection", _one_line(exc) or type(exc).__name__
        except (httpx.HTTPError, httpx.StreamError, ValueError, UnicodeError) as exc:
            # whatever else a server can make the HTTP layer refuse (a header it cannot decode…)
            out.error, out.detail = "bad response", f"{type(exc).__name__}: {_one_line(exc)}"
            out.retryable = False
        finally:
            self._backend.stop()
        if out.error:
            out.discard()
        return out, retry_after

    def _stream(self, r: httpx.Response, out: Response, tmp_dir: Path | None) -> None:
        if tmp_dir is not None:
            tmp_dir.mkdir(parents=True, exist_ok=True)
            prefix = ".part-"  # DIR/.partial/ is emptied at the start of each run (the folder is locked)
        else:  # a robots.txt, in the shared temporary folder: named for its owner, swept once it is dead
            tmp_dir = Path(tempfile.gettempdir())
            sweep_once(tmp_dir, PART_PREFIX)
            prefix = owned_prefix(PART_PREFIX)
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=prefix)
        tmp = Path(name)
        h = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge()
                    h.update(chunk)
                    f.write(chunk)  # flushed to disk when it is moved into place (toolkit.atomic), not before
        except BaseException:
            tmp.unlink(missing_ok=True)  # a partial body never stays on disk
            raise
        out.final_url = str(r.url)
        out.bytes, out.sha256, out.tmp_path = size, h.hexdigest(), tmp


def robots_lines(data: bytes) -> list[str]:
    """The lines of a robots.txt: UTF-8 (RFC 9309), a byte-order mark dropped, any line ending.

    Examples:
        >>> robots_lines(b"\\xef\\xbb\\xbfUser-agent: *\\r\\nDisallow: /private/\\r\\n")
        ['User-agent: *', 'Disallow: /private/']
    """
    return data.decode("utf-8-sig", errors="replace").lstrip("\ufeff").splitlines()


def _one_line(exc) -> str:
    return " ".join(str(exc).split())[:200]


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
