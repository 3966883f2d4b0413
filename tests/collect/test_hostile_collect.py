"""The collector against hostile sites, case by case (all servers on 127.0.0.1, bounded in requests and time).

Each test names the case it holds: a smuggled response, two URLs for one file
name, two runs into one folder, robots.txt redirected or with a BOM, a server
that drips, a list page with 12,000 links, malformed URLs, encodings and paths,
and bad options.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import itertools
import os
import subprocess
import sys
import threading
import time

import pytest

import toolkit
from toolkit.collect import CollectError, crawl
from toolkit.collect.manifest import read_manifest

from . import rawsite
from . import site as mock

ROOT = mock.ROOT
pytestmark = pytest.mark.timeout(120)
OPTIONS = dict(delay=0.0, timeout=2.0, backoff=0.01, retries=1, max_bytes=mock.MAX_BYTES, progress=False)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf(tag: str) -> bytes:
    return b"%PDF-1.4\n% " + tag.encode() + b"\n" + b"0" * 200 + b"\n%%EOF\n"


def report_page(title: str, body: str) -> bytes:
    """A report page: it prints the report's section headings, so it is a report whatever else it links."""
    return mock.chrome(title, f"<h2>一、主动公开政府信息情况</h2><h2>三、收到和处理政府信息公开申请情况</h2>{body}").encode()


def list_page(links: str) -> tuple:
    """A list page holding only its links (no site chrome: no breadcrumb to a list that is not there)."""
    return 200, {"Content-Type": "text/html; charset=utf-8"}, \
        f"<html><head><title>政府信息公开年报</title></head><body>{links}</body></html>".encode()


def by_path(df) -> dict:
    return {r.url.split("/", 3)[3]: r for r in df.itertuples()}


def files_match(out, df) -> None:
    """Every row with a file: the file is there and holds the bytes the row's sha256 names."""
    for r in df.itertuples():
        if r.path:
            assert sha((out / r.path).read_bytes()) == r.sha256, r.url


@pytest.fixture
def site():
    """An agency site (robots.txt allows all but /private/) and another host that must never be contacted."""
    other = mock.start({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"")})
    agency = mock.start({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")})
    yield agency, other
    for s in (agency, other):
        s.httpd.shutdown()
        s.httpd.server_close()
    assert other.log == []  # whatever the case, the other host is never contacted


@pytest.fixture
def raw():
    servers = []

    def make(routes):
        servers.append(rawsite.start(routes))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


# -- 1. a smuggled response never becomes another URL's file -------------------------------------------------

def test_smuggled_response_is_not_read_as_the_next_url(raw, tmp_path):
    smuggled = pdf("SMUGGLED")
    short, nxt = pdf("short")[:20], pdf("next")

    def short_then_smuggle(srv, req):
        # 20 bytes promised and sent, then a whole second response on the kept-alive connection
        return [rawsite.response(200, short, "application/pdf") + rawsite.response(200, smuggled, "application/pdf")]

    server = raw({"/robots.txt": rawsite.response(404, b"no"),
                  "/cl/report.html": rawsite.response(200, report_page(
                      "某局2023年政府信息公开工作年度报告",
                      '<a href="short.pdf">附件1.pdf</a> <a href="next.pdf">附件2.pdf</a>')),
                  "/cl/short.pdf": short_then_smuggle,
                  "/cl/next.pdf": rawsite.response(200, nxt, "application/pdf")})
    out = tmp_path / "col"
    df = toolkit.collect([server.base + "/cl/report.html"], out, **OPTIONS).manifest
    rows = by_path(df)
    assert rows["cl/next.pdf"].sha256 == sha(nxt) and (out / rows["cl/next.pdf"].path).read_bytes() == nxt
    assert rows["cl/short.pdf"].sha256 == sha(short)
    assert not any(smuggled in p.read_bytes() for p in out.rglob("*") if p.is_file())
    files_match(out, df)
    # one connection per request: nothing is read from a connection after its response
    assert server.paths() == ["/robots.txt", "/cl/report.html", "/cl/short.pdf", "/cl/next.pdf"]
    assert len({r.conn for r in server.log}) == len(server.log)


# -- 2. two URLs, one file name; 15. a file where a folder is needed -----------------------------------------

def test_two_urls_never_share_a_file(site, tmp_path):
    agency, other = site
    a, b, inner, folder_first = (pdf(t) for t in ("rep", "rep.pdf", "a", "b"))
    agency.routes.update({
        "/collide/index.html": list_page("""
            <a href="t1.html">某局2023年政府信息公开工作年度报告</a>
            <a href="/conflict/t1.html">某局2022年政府信息公开工作年度报告</a>
            <a href="/conflict/first.html">某局2021年政府信息公开工作年度报告</a>
            <a href="/conflict/t2.html">某局2020年政府信息公开工作年度报告</a>"""),
        "/collide/t1.html": mock.html(mock.chrome("某局2023年政府信息公开工作年度报告",
                                                  '<a href="rep">附件</a> <a href="rep.pdf">附件.pdf</a>')),
        "/collide/rep": (200, {"Content-Type": "application/octet-stream"}, a),
        "/collide/rep.pdf": (200, {"Content-Type": "application/pdf"}, b),
        # a report page saved as a file, whose attachment needs that name as a folder …
        "/conflict/t1.html": mock.html(mock.chrome("某局2022年政府信息公开工作年度报告", '<a href="t1.html/a.pdf">附件.pdf</a>')),
        "/conflict/t1.html/a.pdf": (200, {"Content-Type": "application/pdf"}, inner),
        # … and the other way round: the folder first, then a page that needs its name as a file
        "/conflict/first.html": mock.html(mock.chrome("某局2021年政府信息公开工作年度报告",
                                                      '<a href="t2.html/b.pdf">附件.pdf</a>')),
        "/conflict/t2.html/b.pdf": (200, {"Content-Type": "application/pdf"}, folder_first),
        "/conflict/t2.html": mock.html(mock.chrome("某局2020年政府信息公开工作年度报告", "<p>正文</p>")),
    })
    out = tmp_path / "col"
    df = toolkit.collect([agency.base + "/collide/index.html"], out, **OPTIONS).manifest
    rows = by_path(df)
    served = {"collide/rep": a, "collide/rep.pdf": b, "conflict/t1.html/a.pdf": inner,
              "conflict/t2.html/b.pdf": folder_first}
    for url, data in served.items():
        assert rows[url].error == "" and (out / rows[url].path).read_bytes() == data, url
    for page in ("conflict/t1.html", "conflict/t2.html"):
        assert rows[page].error == "" and rows[page].kind == "report", page
    paths = [r.path for r in df.itertuples() if r.path]
    assert len(paths) == len(set(paths))  # one file per URL
    files_match(out, df)

    n = len(agency.log)
    again = toolkit.collect([agency.base + "/collide/index.html"], out, **OPTIONS).manifest
    failed = {"/" + u.split("/", 3)[3] for u, e in zip(df["url"], df["error"]) if e}
    assert set(agency.paths()[n:]) <= {"/robots.txt"} | failed  # every file is where its row says: none fetched again
    assert again[["url", "path", "sha256"]].equals(df[["url", "path", "sha256"]])
    files_match(out, again)


# -- 3. two collect runs into one folder ----------------------------------------------------------------------

def test_a_second_run_into_the_same_folder_is_refused(site, tmp_path):
    agency, _ = site
    release, body = threading.Event(), pdf("slow") * 50

    def half_then_wait(handler, n):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[:100])
        handler.wfile.flush()
        release.wait(60)
        handler.wfile.write(body[100:])

    agency.routes.update({
        "/lock/index.html": (200, {"Content-Type": "text/html"}, report_page(
            "某局2023年政府信息公开工作年度报告", '<a href="a.pdf">附件1.pdf</a> <a href="slow.pdf">附件2.pdf</a>')),
        "/lock/a.pdf": (200, {"Content-Type": "application/pdf"}, pdf("a")),
        "/lock/slow.pdf": half_then_wait})
    out = tmp_path / "col"
    start = agency.base + "/lock/index.html"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "toolkit.cli", "collect", start, "-o", str(out), "--delay", "0", "--timeout", "30", "-q"]
    first = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while "/lock/slow.pdf" not in agency.paths() and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.02)
        assert "/lock/slow.pdf" in agency.paths(), first.communicate()
        n = len(agency.log)
        second = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and second.stderr.count("\n") == 1, second.stderr
        assert second.stderr.startswith("error: ") and "another collect run" in second.stderr
        with pytest.raises(CollectError, match="another collect run"):
            toolkit.collect([start], out, **OPTIONS)
        assert len(agency.log) == n  # the refused runs requested nothing
        partial = out / ".partial"
        wait_until = time.monotonic() + 10
        while not (partial.is_dir() and any(partial.iterdir())) and time.monotonic() < wait_until:
            time.sleep(0.02)
        assert any(partial.iterdir())  # the first run's download is still being written, untouched
    finally:
        release.set()
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    df = read_manifest(out, latest=False)
    assert len(df) == len(set(df["url"])) == 3  # the page and two attachments, once each
    rows = by_path(df)
    assert (out / rows["lock/slow.pdf"].path).read_bytes() == body
    files_match(out, df)
    assert toolkit.collect([start], out, **OPTIONS).stats.reused == 3  # the lock was released


# -- 10. robots.txt redirected; 11. robots.txt with a BOM and CRLF -------------------------------------------

def _robots_site(agency, robots_route):
    agency.routes["/robots.txt"] = robots_route
    agency.routes["/r/index.html"] = list_page("""
        <a href="/private/t1.html">某局2023年政府信息公开工作年度报告</a>
        <a href="/r/t2.html">某局2022年政府信息公开工作年度报告</a>""")
    agency.routes["/r/t2.html"] = mock.html(mock.chrome("某局2022年政府信息公开工作年度报告", "<p>正文</p>"))
    agency.routes["/private/t1.html"] = mock.html(mock.chrome("某局2023年政府信息公开工作年度报告", "<p>内部</p>"))


def test_robots_txt_redirects_are_followed(site, tmp_path):
    agency, other = site
    https_like = mock.start({"/robots.txt": (200, {"Content-Type": "text/plain"},
                                              b"User-agent: *\nDisallow: /private/\n")})
    try:
        # http → another origin (as http → https), through two hops on the site itself
        _robots_site(agency, (301, {"Location": "/robots-1.txt"}, b""))
        agency.routes["/robots-1.txt"] = (302, {"Location": "/robots-2.txt"}, b"")
        agency.routes["/robots-2.txt"] = (301, {"Location": https_like.base + "/robots.txt"}, b"")
        df = toolkit.collect([agency.base + "/r/index.html"], tmp_path / "a",
                             allow_hosts=[https_like.base.split("//")[1]], **OPTIONS).manifest
        rows = by_path(df)
        assert rows["private/t1.html"].error == "robots" and rows["r/t2.html"].error == ""
        assert not any(p.startswith("/private/") for p in agency.paths())
        assert https_like.paths() == ["/robots.txt"]
    finally:
        https_like.httpd.shutdown()
        https_like.httpd.server_close()

    # a redirect to a host that is not allowed: that host is never contacted, and nothing is fetched
    n = len(agency.log)
    agency.routes["/robots.txt"] = (301, {"Location": other.base + "/robots.txt"}, b"")
    df = toolkit.collect([agency.base + "/r/index.html"], tmp_path / "b", **OPTIONS).manifest
    assert agency.paths()[n:] == ["/robots.txt"]
    assert df["error"].tolist() == ["robots.txt"] and "not an allowed host" in df["detail"].iloc[0]

    # more than five redirects: its rules are unknown, so nothing is fetched
    n = len(agency.log)
    for i in range(7):
        agency.routes[f"/loop-{i}.txt"] = (302, {"Location": f"/loop-{i + 1}.txt"}, b"")
    agency.routes["/robots.txt"] = (302, {"Location": "/loop-0.txt"}, b"")
    df = toolkit.collect([agency.base + "/r/index.html"], tmp_path / "c", **OPTIONS).manifest
    assert agency.paths()[n:] == ["/robots.txt"] + [f"/loop-{i}.txt" for i in range(5)]
    assert df["error"].tolist() == ["robots.txt"] and "more than 5 redirects" in df["detail"].iloc[0]


def test_robots_txt_with_a_bom_and_crlf_is_obeyed(site, tmp_path):
    agency, _ = site
    _robots_site(agency, (200, {"Content-Type": "text/plain"},
                          b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /private/\r\n\r\n"))
    df = toolkit.collect([agency.base + "/r/index.html"], tmp_path / "col", **OPTIONS).manifest
    rows = by_path(df)
    assert rows["private/t1.html"].error == "robots" and rows["r/t2.html"].error == ""
    assert not any(p.startswith("/private/") for p in agency.paths())


# -- 12. a server that drips its headers or its body -----------------------------------------------------------

def test_a_dripping_server_is_cut_off_at_the_deadline(raw, tmp_path):
    every, timeout = 0.05, 0.2  # a byte every 50 ms keeps any per-read timeout alive; the deadline is 10 × 0.2 s
    body = pdf("drip") * 20
    head = rawsite.response(200, body, "application/pdf")
    head, rest = head[:head.index(b"\r\n\r\n") + 4], body

    def drip_body(srv, req):
        return itertools.chain([head], rawsite.drip(rest, every, srv))

    def drip_head(srv, req):
        return rawsite.drip(head + rest, every, srv)

    server = raw({"/robots.txt": rawsite.response(404, b"no"),
                  "/d/report.html": rawsite.response(200, report_page(
                      "某局2023年政府信息公开工作年度报告",
                      '<a href="body.pdf">附件1.pdf</a> <a href="head.pdf">附件2.pdf</a> <a href="ok.pdf">附件3.pdf</a>')),
                  "/d/body.pdf": drip_body, "/d/head.pdf": drip_head,
                  "/d/ok.pdf": rawsite.response(200, pdf("ok"), "application/pdf")})
    out = tmp_path / "col"
    df = toolkit.collect([server.base + "/d/report.html"], out, **dict(OPTIONS, timeout=timeout, retries=3)).manifest
    rows = by_path(df)
    for url in ("d/body.pdf", "d/head.pdf"):
        assert rows[url].error == "timeout" and "whole response" in rows[url].detail, url
        assert not rows[url].path
    assert rows["d/ok.pdf"].error == ""  # the crawl went on
    assert server.paths().count("/d/body.pdf") == server.paths().count("/d/head.pdf") == 1  # a drip is not retried
    deadline = 10 * timeout
    dripped = [r for r in server.log if r.path in ("/d/body.pdf", "/d/head.pdf")]
    wait_until = time.monotonic() + 5
    while any(r.closed_at is None for r in dripped) and time.monotonic() < wait_until:
        time.sleep(0.05)  # the server notices the hang-up at its next drip or the one after
    for r in dripped:
        # the client hung up within the deadline (plus the drip or two the server takes to notice)
        assert r.closed_at is not None, r.path
        assert r.closed_at - r.t < deadline + 1.5, (r.path, r.closed_at - r.t)
    assert not (out / ".partial").exists() and not any("drip" in p.name for p in out.rglob("*.pdf"))


# -- 14. a list page with 4,000 self, 4,000 pager and 4,000 report links ----------------------------------------

@pytest.mark.timeout(300)
def test_a_list_page_with_12000_links_is_handled_in_linear_time(site, tmp_path, monkeypatch):
    agency, _ = site
    links = "".join(f'<a href="index.html">首页</a><a href="index_{i}.html">{i % 1000 + 1}</a>'
                    f'<a href="/private/r{i}.html">某局{i}年政府信息公开工作年度报告</a>' for i in range(4000))
    page = list_page(links)
    agency.routes["/big/index.html"] = page
    for i in range(4000):
        agency.routes[f"/big/index_{i}.html"] = page

    class CountedQueue(collections.deque):
        """The crawl's queue, counting every walk through it (each one costs the whole queue)."""

        walks = 0

        def __iter__(self):
            CountedQueue.walks += 1
            return super().__iter__()

    monkeypatch.setattr(crawl, "deque", CountedQueue)
    df = toolkit.collect([agency.base + "/big/index.html"], tmp_path / "col", max_pages=5, **OPTIONS).manifest
    assert (df["kind"] == "list").sum() == 5 and (df["error"] == "robots").sum() == 4000
    assert len(agency.log) == 1 + 5  # robots.txt and the list pages: each once, reports refused by rule
    # each link costs a constant: the queue is never walked (it was walked once per pager link: quadratic)
    assert CountedQueue.walks == 0


# -- 15. malformed URLs, encodings and pages: each a failure row, and the crawl goes on -------------------------

def test_malformed_urls_encodings_and_pages_are_failure_rows(site, tmp_path):
    agency, _ = site
    gbk = "<html><head><meta charset=\"hex\"><title>某局2023年政府信息公开工作年度报告</title></head><body>" \
          "<p>正文</p><a href=\"hex.pdf\">附件.pdf</a></body></html>"
    agency.routes.update({
        "/m/index.html": list_page("""
            <a href="http://[oops/t0.html">某局2019年政府信息公开工作年度报告</a>
            <a href="//[::1/t9.html">某局2018年政府信息公开工作年度报告</a>
            <a href="t1.html">某局2023年政府信息公开工作年度报告</a>
            <a href="moved.html">某局2022年政府信息公开工作年度报告</a>
            <a href="rot13.html">某局2021年政府信息公开工作年度报告</a>
            <a href="hex.html">某局2020年政府信息公开工作年度报告</a>"""),
        "/m/t1.html": mock.html(mock.chrome("某局2023年政府信息公开工作年度报告", """
            <a href="http://[oops/a.pdf">附件1.pdf</a> <a href="gz.pdf">附件2.pdf</a> <a href="ok.pdf">附件3.pdf</a>""")),
        "/m/moved.html": (302, {"Location": "http://[oops/x.pdf"}, b""),
        "/m/gz.pdf": (200, {"Content-Type": "application/pdf", "Content-Encoding": "gzip"}, pdf("not gzip")),
        "/m/ok.pdf": (200, {"Content-Type": "application/pdf", "Content-Encoding": "gzip"}, gzip.compress(pdf("ok"))),
        "/m/rot13.html": (200, {"Content-Type": "text/html; charset=rot13"}, mock.chrome(
            "某局2021年政府信息公开工作年度报告", '<a href="rot13.pdf">附件.pdf</a>').replace(
            'charset="utf-8"', "").encode("gbk")),
        "/m/rot13.pdf": (200, {"Content-Type": "application/pdf"}, pdf("rot13")),
        "/m/hex.html": (200, {"Content-Type": "text/html"}, gbk.encode("gbk")),
        "/m/hex.pdf": (200, {"Content-Type": "application/pdf"}, pdf("hex")),
        "/n/index.html": (200, {"Content-Type": "text/html"}, report_page(
            "某局2017年政府信息公开工作年度报告", '<a href="a.pdf">附件.pdf</a>')),
        "/n/a.pdf": (200, {"Content-Type": "application/pdf"}, pdf("second start")),
    })
    out = tmp_path / "col"
    failures = []
    df = toolkit.collect([agency.base + "/m/index.html", agency.base + "/n/index.html"], out,
                         on_failure=failures.append, **OPTIONS).manifest
    rows = {r.url: r for r in df.itertuples()}
    assert rows["http://[oops/t0.html"].error == "bad url" and rows["http://[oops/a.pdf"].error == "bad url"
    assert rows["//[::1/t9.html"].error == "bad url"
    assert rows[agency.base + "/m/moved.html"].error == "bad redirect"
    assert rows[agency.base + "/m/gz.pdf"].error == "bad encoding"
    assert rows[agency.base + "/m/ok.pdf"].error == "" and (out / rows[agency.base + "/m/ok.pdf"].path).read_bytes() == pdf("ok")
    # pages naming a charset that is no text encoding are read (UTF-8, then GB18030): their attachments are found
    for name in ("rot13", "hex"):
        assert rows[f"{agency.base}/m/{name}.html"].error == "", name
        assert rows[f"{agency.base}/m/{name}.pdf"].error == "", name
    assert rows[agency.base + "/n/a.pdf"].error == ""  # the second start URL was collected
    assert all("\n" not in f for f in failures) and len(failures) == 5, failures
    files_match(out, df)
    assert not any("[" in p for p in agency.paths())


# -- 16. bad options: exit 2, one line, nothing requested ------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--delay", "-1"], ["--max-pages", "0"], ["--timeout", "0"], ["--retries", "9"], ["--match", "("],
    ["--allow-host", "a/b"], ["--delay", "inf"], ["--delay", "nan"], ["--timeout", "nan"], ["--timeout", "inf"],
    ["--backoff", "-1"], ["--retry-after-cap", "nan"], ["--max-pages", "x"],
    ["URL=ftp://127.0.0.1/x"], ["URL=http://127.0.0.1:99999/x"], ["URL=http://[::1/x"], ["URL=javascript:"],
    ["URL=http://a b/x"],
])
def test_bad_options_exit_2_with_one_line(site, tmp_path, args):
    agency, _ = site
    start = agency.base + "/x/index.html"
    if args[0].startswith("URL="):
        start, args = args[0][4:], []
    out = tmp_path / "col"
    r = subprocess.run([sys.executable, "-m", "toolkit.cli", "collect", start, "-o", str(out), *args],
                       cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and r.stderr.startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert agency.log == [] and not out.exists()
