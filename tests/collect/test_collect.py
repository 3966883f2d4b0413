"""The collector against a mock agency site on 127.0.0.1 (see site.py): politeness, safety, resuming."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import toolkit
from toolkit.collect.manifest import read_manifest

from . import site as mock

ROOT = mock.ROOT
DELAY = 0.05
TIMEOUT = 0.45  # below mock.SLOW_SECONDS: the slow page always times out
pytestmark = pytest.mark.timeout(120)


def run_collect(agency, out, **kw):
    options = dict(delay=DELAY, timeout=TIMEOUT, backoff=0.02, max_bytes=mock.MAX_BYTES, contact="qa@example.org")
    options.update(kw)
    return toolkit.collect([agency.base + "/xxgk/ndbg/index.html"], out, **options)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cli(*args, env=None, **kw):
    env = dict(os.environ if env is None else env, PYTHONPATH=str(ROOT), TOOLKIT_LIMIT_MAX_DOWNLOAD_BYTES=str(mock.MAX_BYTES))
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120, **kw)


def rows(df):
    return {r.url.split("/", 3)[3]: (r.status if r.status is not None and str(r.status) != "<NA>" else None, r.kind, r.error)
            for r in df.itertuples()}


def test_collects_the_site_politely(servers, doc_file, tmp_path):
    agency, other = servers
    out = tmp_path / "col"
    done = run_collect(agency, out)
    df = done.manifest
    got = rows(df)
    # list pages (one UTF-8, one GBK without a charset), recorded, not among the reports
    assert got["xxgk/ndbg/index.html"] == (200, "list", "")
    assert got["xxgk/ndbg/index_1.html"] == (200, "list", "")
    # report pages via a relative link, an absolute link, a redirect, and one that answered 503 first
    for page in ("xxgk/ndbg/t20200131_1.html", "xxgk/ndbg/202501/t20250120_2.html", "old/yunling.html",
                 "xxgk/ndbg/flaky.html"):
        assert got[page] == (200, "report", ""), page
    assert agency.hits["/xxgk/ndbg/flaky.html"] == 2  # the 503 was retried once, then succeeded
    # attachments: a PDF, a DOCX served by a script with no extension (附件), a DOC
    assert got["uploads/2025/huaian-city-2024.pdf"] == (200, "attachment", "")
    assert got["download.jsp?id=7"] == (200, "attachment", "")
    # refusals by rule and failures
    assert got["private/t1.html"] == (None, "report", "robots")
    assert [k for k, v in got.items() if v[2] == "off-site"] == ["ndbg/other.html"]
    assert got["xxgk/ndbg/missing.html"] == (404, "report", "http 404")
    assert got["xxgk/ndbg/slow.html"][2] == "timeout"
    assert agency.hits["/xxgk/ndbg/slow.html"] == 4  # first try + 3 retries, never more
    assert got["uploads/big.pdf"][2] == got["uploads/big-stream.pdf"][2] == "too large"
    assert got["uploads/fake.pdf"][2] == "not a report file"
    assert done.stats.failed == 5 and done.stats.refused == 2
    assert len(done.failures) == 5 and all(line.startswith("http://127.0.0.1:") for line in done.failures)
    assert df.attrs == {}  # the run's counts are fields of the result, not on the frame

    # files: the bytes served, named after host and URL path, never outside files/
    by_url = {r.url.split("/", 3)[3]: r for r in df.itertuples()}
    expected = {"uploads/2025/huaian-city-2024.pdf": (mock.RAW / "huaian-city-2024.pdf").read_bytes(),
                "download.jsp?id=7": mock.DOCX.read_bytes()}
    if doc_file is not None:
        expected["uploads/2024/yunling-2023.doc"] = doc_file.read_bytes()
    for url, data in expected.items():
        r = by_url[url]
        assert r.sha256 == sha(data) and r.bytes == len(data)
        assert sha((out / r.path).read_bytes()) == sha(data)
    assert by_url["download.jsp?id=7"].path == f"files/127.0.0.1_{agency.port}/download__云岭镇年报__" \
        f"{hashlib.sha256(by_url['download.jsp?id=7'].url.encode()).hexdigest()[:8]}.docx"
    assert by_url["uploads/2025/huaian-city-2024.pdf"].found_on.endswith("/xxgk/ndbg/202501/t20250120_2.html")
    assert by_url["old/yunling.html"].final_url.endswith("/xxgk/ndbg/yunling.html")
    saved = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert all(p.startswith(("files/", "_lists/")) or p in ("manifest.csv", ".collect.lock") for p in saved), saved
    assert not any("uploads/big" in p or "uploads/fake" in p for p in saved)  # oversized and fake files were deleted
    assert not (out / ".partial").exists()
    assert all(p.startswith("_lists/") for p in df.loc[df["kind"] == "list", "path"])

    # politeness: robots, hosts, pagination prefix, report-page chrome, delay, User-Agent
    paths = agency.paths()
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert not any(p.startswith("/private/") for p in paths)
    assert other.log == []  # the other host was never contacted
    assert "/xxgk/tzgg/index_2.html" not in paths  # a pager link outside the list's folder
    assert "/xxgk/tzgg/notice.html" not in paths  # not a report link
    assert "/xxgk/ndbg/never.html" not in paths  # a report page's "上一篇" chrome link
    assert "/images/logo.png" not in paths and "/" not in paths
    gaps = [b.t - a.t for a, b in zip(agency.log, agency.log[1:])]
    assert min(gaps) >= DELAY * 0.95, min(gaps)
    ua = agency.log[0].headers["User-Agent"]
    assert ua.startswith("ogi-toolkit/0.1.0") and "qa@example.org" in ua
    if doc_file is not None:
        assert got["uploads/2024/yunling-2023.doc"] == (200, "attachment", "")

    # the manifest on disk: spreadsheet-safe, read back to the same rows
    back = read_manifest(out)
    assert back[["url", "status", "sha256", "path", "kind", "error"]].equals(
        df[["url", "status", "sha256", "path", "kind", "error"]])


def test_second_run_downloads_nothing(servers, tmp_path):
    agency, _ = servers
    out = tmp_path / "col"
    first = run_collect(agency, out).manifest
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "manifest.csv"}
    n = len(agency.log)
    second = run_collect(agency, out)
    again = agency.paths()[n:]
    done = {u.split("/", 3)[3] for u, s, e in zip(first["url"], first["status"], first["error"])
            if e == "" and s == 200}
    assert not any(p.lstrip("/") in done for p in again), again
    assert "/xxgk/ndbg/index.html" not in again and not any(p.startswith("/private/") for p in again)
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # no file written again
    assert second.stats.attachment == 0 and second.stats.report == 0 and second.stats.reused > 0
    assert len(second.manifest) == len(first)


def test_refresh_is_conditional(servers, tmp_path):
    agency, _ = servers
    pdf = (mock.RAW / "huaian-city-2024.pdf").read_bytes()

    def etagged(handler, n):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/pdf", "ETag": '"v1"'}, pdf

    agency.routes["/uploads/2025/huaian-city-2024.pdf"] = etagged
    out = tmp_path / "col"
    run_collect(agency, out)
    n = len(agency.log)
    df = run_collect(agency, out, refresh=True).manifest
    conditional = [e for e in agency.log[n:] if e.path == "/uploads/2025/huaian-city-2024.pdf"]
    assert len(conditional) == 1 and conditional[0].headers.get("If-None-Match") == '"v1"'
    row = df[df["url"].str.endswith("huaian-city-2024.pdf")].iloc[0]
    assert row["status"] == 304 and row["sha256"] == sha(pdf) and (out / row["path"]).read_bytes() == pdf


def test_killed_run_resumes_to_the_same_result(servers, tmp_path):
    agency, _ = servers
    start = agency.base + "/xxgk/ndbg/index.html"
    args = ["collect", start, "--delay", str(DELAY), "--timeout", str(TIMEOUT), "--backoff", "0.02", "-q"]
    full = cli(*args, "-o", str(tmp_path / "full"))
    assert full.returncode == 1, full.stderr  # the site has failures (404, timeout, too large, fake PDF)
    assert "error: " + agency.base + "/xxgk/ndbg/missing.html: http 404" in full.stderr
    assert "2 refused" in full.stderr

    env = dict(os.environ, PYTHONPATH=str(ROOT), TOOLKIT_LIMIT_MAX_DOWNLOAD_BYTES=str(mock.MAX_BYTES))
    n0 = len(agency.log)
    proc = subprocess.Popen([sys.executable, "-m", "toolkit.cli", *args, "-o", str(tmp_path / "killed")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(agency.log) - n0 < 9 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)  # mid-run, while a request is in flight or a file is being written
    proc.wait(timeout=30)
    partial = read_manifest(tmp_path / "killed")
    assert 0 < len(partial) < len(read_manifest(tmp_path / "full"))
    again = cli(*args, "-o", str(tmp_path / "killed"))
    assert again.returncode == 1, again.stderr

    key = ["url", "status", "sha256", "path"]
    a = read_manifest(tmp_path / "full")[key].sort_values("url").reset_index(drop=True)
    b = read_manifest(tmp_path / "killed")[key].sort_values("url").reset_index(drop=True)
    assert a.equals(b)

    def tree(d):
        return {p.relative_to(d).as_posix(): sha(p.read_bytes()) for p in d.rglob("*")
                if p.is_file() and p.name != "manifest.csv"}

    assert tree(tmp_path / "full") == tree(tmp_path / "killed")


def test_cli_bad_input_is_one_line(tmp_path, capsys):
    from toolkit.cli import main

    (tmp_path / "file").write_text("x")
    for args, words in ((["www.pingtan.gov.cn/zwgk/ndbg/"], "not an http(s) URL"),
                        (["http://127.0.0.1:1/", "--match", "(unclosed"], "not a regular expression"),
                        (["http://127.0.0.1:1/", "--allow-host", "a:b:c/d"], "expected HOST or HOST:PORT"),
                        (["http://127.0.0.1:1/", "-o", str(tmp_path / "file")], "is not a folder")):
        code = main(["collect", *args, "-o", str(tmp_path / "x")][: None if "-o" not in args else -2])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and err.startswith("error: ") and words in err, err


def test_unreachable_start_url_is_a_failure(tmp_path):
    # Port 9 (discard) on loopback: nothing listens; the collector reports and exits 1.
    r = cli("collect", "http://127.0.0.1:9/ndbg/", "-o", str(tmp_path / "x"), "--delay", "0", "--backoff", "0.01",
            "--retries", "1", "--timeout", "1")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "http://127.0.0.1:9/ndbg/" in r.stderr


def test_parse_collected_reports_carry_their_source_url(servers, doc_file, tmp_path):
    agency, _ = servers
    out = tmp_path / "col"
    manifest = run_collect(agency, out).manifest
    shards = tmp_path / "shards"
    r = cli("parse", str(out), "-o", str(shards), "--workers", "1", "-q")
    from toolkit.corpus import load_cells, load_table

    cells, files = load_cells(shards), load_table(shards, "files")
    url_of = {r.path: (r.final_url, r.fetched_at) for r in manifest.itertuples() if r.path}
    for f in files.itertuples():
        rel = Path(f.source_file).resolve().relative_to(out.resolve()).as_posix()
        assert (f.source_url, f.fetched_at) == url_of[rel]
    status = {Path(f.source_file).name: (f.status, f.superseded_by if isinstance(f.superseded_by, str) else None)
              for f in files.itertuples()}
    # The huaian page only says "see the attachment": the PDF is the report, the page is superseded.
    assert status["huaian-city-2024.pdf"] == ("parsed", None)
    assert status["t20250120_2.html"][0] == "superseded"
    assert status["t20250120_2.html"][1].endswith("huaian-city-2024.pdf")
    assert status["t20200131_1.html"][0] == "parsed"  # the Shanghai page holds its tables itself
    assert status["yunling.html"][0] == "superseded"
    # Cells are those of the original files, each traced to the URL it came from.
    expected = {"huaian-city-2024.pdf": mock.RAW / "huaian-city-2024.pdf",
                "t20200131_1.html": mock.RAW / "shanghai-gov-office-2019.html"}
    for name, original in expected.items():
        got = cells[cells["source_file"].str.endswith(name)]
        want = toolkit.read_report(original).data
        key = ["table", "row", "column", "raw"]
        assert got[key].astype(str).sort_values(key).reset_index(drop=True).equals(
            want[key].astype(str).sort_values(key).reset_index(drop=True)), name
        assert got["source_url"].str.startswith(agency.base).all() and got["fetched_at"].notna().all()
    docx_cells = cells[cells["source_file"].str.endswith(".docx")]
    assert len(docx_cells) and (docx_cells["source_url"] == agency.base + "/download.jsp?id=7").all()
    assert r.returncode == 1  # the chrome-only pages (slow/big/fake) hold no report tables

    # A second parse answers from the cache and still carries the provenance.
    cli("parse", str(out), "-o", str(tmp_path / "cells.csv"), "--workers", "1", "-q", "--cache-dir",
             str(shards / "_cache"))
    import pandas as pd

    again = pd.read_csv(tmp_path / "cells.csv", dtype=str, encoding="utf-8-sig")
    assert again["source_url"].notna().all() and set(again["source_url"]) == set(cells["source_url"])

    # Files picked into another folder: a link to a collected file keeps its URL, a copy of it
    # (not collected) has none, and a linked folder leads to its collection.
    import shutil

    from toolkit.collect.manifest import provenance

    picked, alias = tmp_path / "picked", tmp_path / "alias"
    picked.mkdir()
    pdf = next(out.rglob("huaian-city-2024.pdf"))
    (picked / "linked.pdf").symlink_to(pdf)
    shutil.copy(pdf, picked / "copied.pdf")
    alias.symlink_to(out, target_is_directory=True)
    via_alias = alias / pdf.relative_to(out)
    got = provenance([str(picked / "linked.pdf"), str(picked / "copied.pdf"), str(via_alias)])
    assert sorted(got) == sorted([str(picked / "linked.pdf"), str(via_alias)])
    assert got[str(picked / "linked.pdf")] == got[str(via_alias)] == url_of[pdf.relative_to(out).as_posix()]
