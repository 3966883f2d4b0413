"""The crawl: start URLs → list pages → report pages → attachments, recorded in the manifest.

What is followed (and nothing else):

- from a **list page**: its pagination (same origin, under the list's folder,
  at most ``max_pages`` list pages per start URL) and its report links (link
  text or ``title`` matching ``match``);
- from a **report page**: its attachments (``.pdf .doc .docx .wps .xls .xlsx``
  and images, or a link text 附件 on a URL without a suffix, saved under the
  suffix its content shows).

A download is kept only when the reader's sniffer
(:mod:`toolkit.read.formats.detect`) names a format a reader reads; anything
else (a spreadsheet, an HTML page where a file was expected, a binary of
another kind) is recorded as ``not a report file`` and deleted.

A start URL may be a list page, a report page or a file; an HTML start page is
a report page when it prints the report's section headings (or its title
matches and it links no other report), else a list page.

Resuming: a URL whose manifest row is good (2xx/304, file in place) is never
requested again; list pages are kept under ``DIR/_lists/`` (not among the
reports) so a rerun can follow their links without a request. Refusals by
rule are kept too. Failures are tried again. With ``refresh`` every URL is
fetched again, conditionally when the server gave an ETag or Last-Modified.
"""

from __future__ import annotations

import errno
import re
import shutil
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit import limits
from toolkit.atomic import move_into_place
from toolkit.collect import manifest as mf
from toolkit.collect.fetch import PoliteClient, Response, utc_now
from toolkit.collect.keep import content_of, file_name
from toolkit.collect.links import DEFAULT_MATCH, Page, is_attachment, list_prefix, pagination, parse_page
from toolkit.collect.lock import FolderLock
from toolkit.collect.names import NameBook, inside, safe_relpath
from toolkit.collect.options import CollectError, check_number, check_url, user_agent
from toolkit.collect.result import Collection, RunStats
from toolkit.collect.urls import origin_of, parse_allow_host

# Headings every report prints (2019 and 2021 templates): a page that has them is a report, not a list.
_REPORT_HEADINGS = (re.compile(r"主动公开政府信息情况"), re.compile(r"收到和处理政府信息公开申请情况"),
                    re.compile(r"行政复议"))


@dataclass
class _Item:
    url: str
    kind: str  # start | list | report | attachment
    found_on: str = ""
    link_text: str = ""
    start: int = 0


def _is_report_page(page: Page, pattern: re.Pattern) -> bool:
    if all(h.search(page.text) for h in _REPORT_HEADINGS[:2]) or (
            _REPORT_HEADINGS[0].search(page.text) and _REPORT_HEADINGS[2].search(page.text)):
        return True
    others = [ln for ln in page.links if ln.url != page.url and not is_attachment(ln) and pattern.search(ln.label)]
    return bool(pattern.search(page.title)) and not others


class Crawler:
    def __init__(self, out_dir: Path, client: PoliteClient, pattern: re.Pattern, max_pages: int, refresh: bool,
                 progress: bool, on_failure):
        self.out = out_dir
        self.client = client
        self.pattern = pattern
        self.max_pages = max_pages
        self.refresh = refresh
        self.on_failure = on_failure
        self.partial = out_dir / ".partial"
        shutil.rmtree(self.partial, ignore_errors=True)  # bodies cut by a kill are never kept (the folder is locked)
        try:
            self.previous = {r["url"]: r for r in mf.read_manifest(out_dir).to_dict("records")}
        except FileNotFoundError:
            self.previous = {}
        except ValueError as exc:
            raise CollectError(str(exc)) from None
        self.names = NameBook(out_dir, {r["path"]: u for u, r in self.previous.items() if r["path"]})
        self.writer = mf.ManifestWriter(out_dir)
        self.seen: set[str] = set()
        self.queue: deque[_Item] = deque()
        self.recorded: set[str] = set()  # URLs with a row from this run
        self.queued: set[str] = set()  # URLs in the queue: a link met again is not queued twice
        self.lists_queued: dict[int, int] = {}  # list pages in the queue, per start URL (no scan of the queue)
        self.pages_per_start: dict[int, int] = {}
        self.counts = {"list": 0, "report": 0, "attachment": 0, "failed": 0, "refused": 0, "reused": 0}
        self.failed_now: list[dict] = []
        from tqdm.auto import tqdm

        self.bar = tqdm(unit="url", desc="collect", disable=not progress, dynamic_ncols=True, file=sys.stderr)

    # -- bookkeeping ---------------------------------------------------------------------------------

    def _record(self, item: _Item, kind: str, resp: Response | None, path: str = "", error: str = "",
                detail: str = "", **extra) -> dict:
        r = resp or Response(item.url)
        values = dict(url=item.url, final_url=r.final_url or item.url, status=r.status, content_type=r.content_type,
                      bytes=r.bytes if path else None, sha256=r.sha256 if path else "",
                      fetched_at=r.fetched_at or utc_now(), path=path, found_on=item.found_on,
                      link_text=item.link_text, kind=kind, error=error or r.error, detail=detail or r.detail,
                      etag=r.headers.get("etag", ""), last_modified=r.headers.get("last-modified", ""))
        values.update({k: (None if pd.isna(v) else v) for k, v in extra.items()})
        row = mf.new_row(**values)
        self.writer.append(row)
        self.recorded.add(item.url)
        self._count(row)
        return row

    def _count(self, row: dict) -> None:
        if row["error"] in mf.REFUSALS:
            self.counts["refused"] += 1
        elif row["error"]:
            self.counts["failed"] += 1
            self.failed_now.append(row)
            if self.on_failure is not None:
                reason = row["error"] + (f" ({row['detail']})" if row["detail"] else "")
                self.on_failure(f"{row['url']}: {reason}")
        elif row["kind"] in self.counts:
            self.counts[row["kind"]] += 1
        self.bar.update(1)
        self.bar.set_postfix(reports=self.counts["report"], attachments=self.counts["attachment"],
                             errors=self.counts["failed"], refresh=False)

    # -- the crawl -----------------------------------------------------------------------------------

    def run(self, urls: list[str]) -> None:
        for i, url in enumerate(urls):
            self.pages_per_start[i] = 0
            self._enqueue(_Item(url, "start", start=i))
            while self.queue:
                item = self.queue.popleft()
                self.queued.discard(item.url)
                if item.kind == "list":
                    self.lists_queued[item.start] -= 1
                self._visit_guarded(item)

    def _enqueue(self, item: _Item) -> None:
        if item.url in self.seen or item.url in self.queued:
            return
        self.queue.append(item)
        self.queued.add(item.url)
        if item.kind == "list":
            self.lists_queued[item.start] = self.lists_queued.get(item.start, 0) + 1

    def _visit_guarded(self, item: _Item) -> None:
        """Visit one URL; whatever a page, a header or a path does to it stays that URL's failure."""
        try:
            self.visit(item)
        except CollectError:
            raise
        except Exception as exc:  # one URL's failure must never end the crawl of the others
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                raise CollectError(f"{self.out}: {exc.strerror or exc}") from None  # no later URL can be saved
            reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]
            if item.url in self.recorded:
                # its row is written (the file is in place): only following its links failed
                if self.on_failure is not None:
                    self.on_failure(f"{item.url}: links not followed ({reason})")
                return
            kind = item.kind if item.kind != "start" else "report"
            self._record(item, kind, None, error="failed", detail=reason)

    def visit(self, item: _Item) -> None:
        if item.url in self.seen:
            return
        self.seen.add(item.url)
        prev = self.previous.get(item.url)
        if prev is not None and not self.refresh and self._reusable(prev):
            self.counts["reused"] += 1
            self._follow_saved(item, prev)
            return
        reason, detail = self.client.check_url(item.url)
        if reason:
            kind = item.kind if item.kind != "start" else "report"
            self._record(item, kind, None, error="off-site" if reason == "scheme" else reason, detail=detail)
            return
        headers = {}
        if self.refresh and prev is not None and mf.good(prev["status"]) and self._file_there(prev):
            if prev["etag"]:
                headers["If-None-Match"] = prev["etag"]
            if prev["last_modified"]:
                headers["If-Modified-Since"] = prev["last_modified"]
        resp = self.client.fetch(item.url, headers, self.partial)
        try:
            self._handle(item, resp, prev)
        finally:
            resp.discard()

    def _reusable(self, prev: dict) -> bool:
        if prev["error"] in mf.REFUSALS:
            return True
        return mf.good(prev["status"]) and not prev["error"] and self._file_there(prev)

    def _file_there(self, prev: dict) -> bool:
        """The row's file is in place with the size the row records (else it was lost or overwritten)."""
        if not prev["path"]:
            return False
        try:
            size = (self.out / prev["path"]).stat().st_size
        except (OSError, ValueError):
            return False
        return (self.out / prev["path"]).is_file() and (pd.isna(prev["bytes"]) or size == int(prev["bytes"]))

    def _follow_saved(self, item: _Item, prev: dict) -> None:
        """Follow the links of a page collected earlier, from its saved copy (no request)."""
        if prev["kind"] not in ("list", "report") or not prev["path"].endswith((".html", ".htm", ".shtml")):
            return
        item = _Item(item.url, prev["kind"], item.found_on, item.link_text, item.start)
        page = parse_page((self.out / prev["path"]).read_bytes(), prev["final_url"] or item.url)
        self._follow(item, prev["kind"], page)

    def _handle(self, item: _Item, resp: Response, prev: dict | None) -> None:
        kind = item.kind if item.kind != "start" else "report"
        if resp.status == 304 and prev is not None:
            resp.headers.setdefault("etag", prev["etag"])
            resp.headers.setdefault("last-modified", prev["last_modified"])
            self._record(item, prev["kind"], resp, path=prev["path"], bytes=prev["bytes"], sha256=prev["sha256"],
                         found_on=prev["found_on"] or item.found_on)
            self._follow_saved(item, prev)
            return
        if resp.error:
            self._record(item, kind, resp)
            return
        content, refused = content_of(resp.tmp_path, item.url, item.kind)
        page = None
        if content == "html":
            page = parse_page(resp.tmp_path.read_bytes(), resp.final_url, resp.charset)
            if item.kind == "start":
                kind = "report" if _is_report_page(page, self.pattern) else "list"
            elif item.kind == "attachment":
                self._record(item, kind, resp, error="not a report file",
                             detail=f"an HTML page where a file was expected ({resp.content_type or 'no type'})")
                return
        elif item.kind == "list":
            self._record(item, kind, resp, error="not a list page", detail=refused or f"{content} content")
            return
        elif refused:
            self._record(item, kind, resp, error="not a report file",
                         detail=f"{refused} ({resp.content_type or 'no type'})")
            return
        if kind == "list":
            rel = "_lists/" + safe_relpath(item.url, ".html")
        else:
            rel = file_name(resp.tmp_path, content, item.url, resp.headers.get("content-disposition"))
        try:
            rel = self.names.place(item.url, rel)  # one URL per file name
            target = inside(self.out, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            # a kill leaves the old file or the new one, never half; the rename is on disk before the row naming it
            move_into_place(resp.tmp_path, target)
        except (OSError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                raise
            self._record(item, kind, resp, error="cannot save", detail=f"{rel}: {' '.join(str(exc).split())}")
            return
        resp.tmp_path = None
        self._record(item, kind, resp, path=rel)
        if page is not None:
            self._follow(item, kind, page)

    def _follow(self, item: _Item, kind: str, page: Page) -> None:
        if kind == "list":
            self.pages_per_start[item.start] = self.pages_per_start.get(item.start, 0) + 1
            # Pagination stays under the folder of the start URL (or of this page when the start was a report).
            prefix = list_prefix(self._start_url(item))
            for link in pagination(page, prefix):
                if self._pages_queued(item.start) >= self.max_pages:
                    break
                self._enqueue(_Item(link.url, "list", item.url, link.label, item.start))
            for link in page.links:
                if self.pattern.search(link.label):
                    self._enqueue(_Item(link.url, "report", item.url, link.label, item.start))
        elif kind == "report":
            for link in page.links:
                if is_attachment(link):
                    self._enqueue(_Item(link.url, "attachment", item.url, link.label, item.start))

    def _start_url(self, item: _Item) -> str:
        return self.starts[item.start]

    def _pages_queued(self, start: int) -> int:
        return self.pages_per_start.get(start, 0) + self.lists_queued.get(start, 0)

    def close(self) -> None:
        self.writer.close()
        self.bar.close()
        shutil.rmtree(self.partial, ignore_errors=True)


def collect(urls, out_dir, *, delay: float = 1.0, max_pages: int = 50, match: str | None = None,
            allow_hosts=(), refresh: bool = False, timeout: float = 30.0, contact: str | None = None,
            retries: int = 3, backoff: float = 1.0, retry_after_cap: float = 60.0, max_bytes: int | None = None,
            progress: bool | None = None, on_failure=None, on_request=None) -> Collection:
    """Collect 政府信息公开年报 from agency websites into ``out_dir``; return the manifest and this run's counts.

    Files go to ``out_dir/files/<host>/<url path>``, one row per URL requested
    or refused to ``out_dir/manifest.csv`` (see :mod:`toolkit.collect.manifest`).
    Polite by construction: robots.txt is honoured, one request at a time, at
    least ``delay`` seconds apart per origin, only the start URLs' origins (and
    ``allow_hosts``) are ever requested.

    Args:
        urls: start URLs (a list page, a report page or a file), or one URL.
        out_dir: the collection folder (created; a rerun resumes it).
        delay: minimum seconds between two requests to one origin.
        max_pages: list pages followed per start URL.
        match: regular expression for report links (link text or title);
            default: 政府信息公开 … 年度报告 / 年报.
        allow_hosts: more origins that may be requested (``HOST`` or ``HOST:PORT``).
        refresh: fetch again what is already there (conditionally where possible).
        timeout: seconds to connect and for each read; a whole response must
            arrive within ten times this (else it is cut off: ``timeout``).
        contact: an e-mail or URL for the User-Agent (so a webmaster can reach you).
        retries: retries on 429, 5xx and timeouts (3 at most).
        backoff: first pause before a retry, doubling each time.
        retry_after_cap: the longest ``Retry-After`` honoured, in seconds.
        max_bytes: largest file accepted (default ``toolkit.limits.current().max_download_bytes``).
        progress: a progress bar (default: when stderr is a terminal).
        on_failure: called with one line (``URL: reason``) per failed fetch.
        on_request: called with ``(method, url)`` before each request.

    Returns:
        A :class:`~toolkit.collect.result.Collection`: ``manifest`` (one row
        per URL), ``stats`` (counts of this run: ``list``, ``report``,
        ``attachment`` fetched now, ``reused``, ``failed``, ``refused``,
        ``requests``) and ``failures`` (``URL: reason``, one per failure now).

    Raises:
        CollectError: a start URL is not a valid http(s) URL, the pattern
            does not compile, a number is out of range (or not finite), the
            output folder cannot be used, or another run is writing to it
            (one line).

    Examples:
        >>> collect(["ftp://example.gov.cn/x"], "/tmp/never")
        Traceback (most recent call last):
        ...
        toolkit.collect.options.CollectError: ftp://example.gov.cn/x: not an http(s) URL (write it with http:// or https://)
    """
    if isinstance(urls, str):
        urls = [urls]
    starts = list(dict.fromkeys(check_url(u) for u in urls))
    if not starts:
        raise CollectError("no start URL given")
    try:
        pattern = re.compile(match or DEFAULT_MATCH)
    except (re.error, RecursionError, OverflowError) as exc:
        raise CollectError(f"--match {match!r}: not a regular expression ({exc})") from None
    check_number("--delay", delay, low=0)
    check_number("--timeout", timeout, low=0, above=True)
    check_number("--max-pages", max_pages, low=1, whole=True)
    check_number("--retries", retries, low=0, high=3, whole=True)
    check_number("--backoff", backoff, low=0)
    check_number("--retry-after-cap", retry_after_cap, low=0)
    if max_bytes is not None:
        check_number("max_bytes", max_bytes, low=1, whole=True)
    allowed = {origin_of(u) for u in starts}
    for host in allow_hosts or ():
        try:
            allowed |= parse_allow_host(host)
        except ValueError as exc:
            raise CollectError(str(exc)) from None
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CollectError(f"{out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CollectError(f"{out}: cannot create the folder ({exc.strerror})") from None
    if progress is None:
        progress = sys.stderr.isatty()
    limit = max_bytes if max_bytes is not None else limits.current().max_download_bytes
    lock = FolderLock(out)
    try:
        locked = lock.acquire()
    except OSError as exc:
        raise CollectError(f"{out}: cannot lock the folder ({exc.strerror})") from None
    if not locked:
        raise CollectError(f"{out}: another collect run is writing to this folder; wait for it to end, "
                           "or collect into another folder")
    try:
        client = PoliteClient(allowed, user_agent(contact), delay=delay, timeout=timeout, max_bytes=limit,
                              retries=retries, backoff=backoff, retry_after_cap=retry_after_cap,
                              on_request=on_request)
        try:
            crawler = Crawler(out, client, pattern, int(max_pages), refresh, progress, on_failure)
            crawler.starts = starts
            try:
                crawler.run(starts)
            finally:
                crawler.close()
        finally:
            client.close()
        manifest = mf.compact(out)
    finally:
        lock.release()
    return Collection(manifest, RunStats(**crawler.counts, requests=client.requests),
                      tuple(f"{r['url']}: {r['error']}" for r in crawler.failed_now))
