"""The explorer built for data/raw, opened in the real headless Chromium from file:// with the network blocked.

Builds with the real command (``toolkit site data/raw -o DIR``, and one ``--chart`` page), then
drives the page's native <select>s through Playwright (``executable_path``: Debian's
/usr/bin/chromium, never a downloaded browser). Every request that is not ``file:`` is aborted
and recorded; screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from support import ARTIFACTS, RAW

from toolkit.analyse.charts import short_label
from toolkit.labels import label

CHROMIUM = os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium")
AGENCY = "fj-pingtan-zone"  # every year 2019–2025
SPARSE = "js-huaian-gov"  # 2024 only: 2019–2023 and 2025 have no report
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _toolkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, timeout=400)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "explorer"
    run = _toolkit("site", str(RAW), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (Debian: apt-get install chromium, or run scripts/system-deps.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Page:
    """One page with every non-file: request aborted and recorded, and console errors collected."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1000, "height": 800})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(url)
        self.wait_drawn()

    def _route(self, route):
        self.requests.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    def wait_drawn(self, before: str | None = None) -> str:
        self.page.wait_for_function("(b) => document.body.dataset.drawn && document.body.dataset.drawn !== b", arg=before)
        return self.page.evaluate("document.body.dataset.drawn")

    def svg(self) -> str:
        return self.page.inner_html("#chart svg")

    def choose(self, name: str, value: str) -> str:
        before = self.page.evaluate("document.body.dataset.drawn")
        self.page.select_option(f"select[name={name}]", value)
        return self.wait_drawn(before)

    def csv_rows(self) -> list[dict]:
        href = self.page.get_attribute("#download", "href")
        assert href.startswith("data:text/csv;charset=utf-8,")
        text = unquote(href.split(",", 1)[1])
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text[1:])))

    def marks(self) -> int:
        return self.page.locator("#chart svg .mark-rect path").count()


def test_site_is_small_and_self_contained(site):
    files = sorted(p.name for p in site.iterdir())
    assert files == ["app.js", "data.js", "index.html", "vega.js"]
    assert sum(p.stat().st_size for p in site.iterdir()) < 3_000_000
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="data.js"></script>' in html  # one data file, loaded by a script tag (no fetch of file://)
    assert "http://" not in html and "https://" not in html
    assert "@font-face" not in html and "Noto Sans CJK SC" in html  # fonts named, never shipped


def test_explorer_in_chromium(site, browser):
    p = Page(browser, (site / "index.html").as_uri())
    page = p.page
    try:
        # default view: a chart is drawn, in Chinese, with a caption naming the source
        assert p.marks() > 0
        assert page.inner_text("h1") == label("site.title", "zh")
        assert page.input_value("select[name=agency]") == AGENCY
        cap = page.inner_text("#caption")
        assert "pingtan-zone-2019.html" in cap and "www.pingtan.gov.cn" in cap and label("site.real", "zh") in cap
        page.screenshot(path=str(_artifact("site-default-zh.png")), full_page=True)

        # the CSV is the view's rows: 7 reports × 4 volume rows
        rows = p.csv_rows()
        assert len(rows) == 7 * 4 and all(r["count"] != "" for r in rows)
        r2024 = {r["series"]: r for r in rows if r["year"] == "2024"}
        assert r2024["new_received"]["file"] == "pingtan-zone-2024.html"
        assert len(r2024["new_received"]["sha256"]) == 64 and r2024["new_received"]["source_url"].startswith("https://www.pingtan.gov.cn/")
        assert r2024["new_received"]["count"] == str(_volume(site, "pingtan-zone-2024.html"))

        # changing agency redraws; a year without a report is a gap (a labelled empty slot and an empty CSV row), never 0
        svg = p.svg()
        p.choose("agency", SPARSE)
        assert p.svg() != svg and p.marks() > 0
        rows = p.csv_rows()
        assert {r["agency_id"] for r in rows} == {SPARSE} and len(rows) == 4 + 6
        gaps = [r for r in rows if r["year"] != "2024"]
        assert len(gaps) == 6 and all(r["count"] == "" and r["note"] == label("site.no_report", "zh") for r in gaps)
        assert "2019、2020、2021、2022、2023、2025年无报告" in page.inner_text("#caption")
        assert page.locator("#chart svg text").filter(has_text=label("site.no_report", "zh")).count() == 6
        svg = p.svg()
        p.choose("measure", "outcomes")
        assert p.svg() != svg and p.marks() > 0
        rows = [r for r in p.csv_rows() if r["year"] == "2024"]
        assert [r["series"] for r in rows] == ["disclosed", "partly_disclosed", "withheld", "unable", "not_processed", "other"]
        assert rows[0]["denominator_name"] == "total_processed" and rows[0]["share_name"] == "share_of_total_processed"
        assert rows[0]["count"] == "1362" and rows[0]["denominator"] == "3050" and rows[0]["share"] == "0.4466"

        # year narrows the view; lang switches every label to English
        p.choose("year", "2024")
        assert {r["year"] for r in p.csv_rows()} == {"2024"}
        p.choose("lang", "en")
        assert page.inner_text("h1") == label("site.title", "en")
        assert page.inner_text("#download") == label("site.download", "en")
        assert label("view.outcomes", "en") in page.inner_text("#view-title")
        assert page.inner_text("#caption").startswith("Source:")
        english = {short_label("disclosed", "en"), short_label("partly_disclosed", "en")}
        assert all(e in p.svg() for e in english)  # the legend
        assert {r["label"] for r in p.csv_rows()} >= english

        for measure in ("refusals", "applicants", "review", "coverage", "volumes"):
            p.choose("measure", measure)
            assert p.marks() > 0, measure
            assert p.csv_rows(), measure
        p.choose("agency", AGENCY)
        p.choose("year", "all")
        p.choose("measure", "outcomes")  # 平潭 2020 prints outcomes adding up past its total: drawn past 100 % and said
        assert "129%" in p.svg()
        page.screenshot(path=str(_artifact("site-default-en.png")), full_page=True)
        # the address names the view, so a shared link opens it
        shared = browser.new_page()
        shared.goto((site / "index.html").as_uri() + f"#agency={SPARSE}&measure=review&year=2024&lang=en")
        shared.wait_for_function("document.body.dataset.drawn")
        assert shared.evaluate("document.body.dataset.drawn") == f"{SPARSE}|review|2024|en"
        shared.close()
    finally:
        page.close()
    assert [u for u in p.requests if not u.startswith("file:")] == []
    assert all(u.startswith(site.as_uri()) for u in p.requests), p.requests  # nothing outside the site folder
    assert p.errors == []


def test_embeddable_chart_page(tmp_path, browser):
    out = tmp_path / "chart.html"
    run = _toolkit("site", str(RAW), "--chart", "outcomes", "--agency", AGENCY, "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert [f.name for f in tmp_path.iterdir()] == ["chart.html"]  # one file: scripts and data inlined
    p = Page(browser, out.as_uri())
    try:
        assert p.marks() > 0
        assert p.page.is_hidden("select[name=agency]") and p.page.is_visible("select[name=lang]")
        assert "pingtan-zone-2019.html" in p.page.inner_text("#caption")
        assert {r["series"] for r in p.csv_rows()} >= {"disclosed", "withheld"}
    finally:
        p.page.close()
    assert p.requests == [out.as_uri()] and p.errors == []


def test_chart_without_agency_is_a_usage_error(tmp_path):
    run = _toolkit("site", str(RAW), "--chart", "outcomes", "-o", str(tmp_path / "c.html"))
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "--agency" in run.stderr
    run = _toolkit("site", str(tmp_path / "nowhere"), "-o", str(tmp_path / "s"))
    assert run.returncode == 2 and "nowhere" in run.stderr and "Traceback" not in run.stderr


def _volume(site: Path, file: str) -> int:
    from toolkit import read_report
    from toolkit.analyse.measures import request_volumes

    return int(request_volumes(read_report(RAW / file).data)["new_received"].iloc[0])


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def test_a_shard_folder_gives_the_same_site(site, tmp_path):
    """SOURCE may be the Parquet shard folder of ``toolkit parse``: the same numbers and provenance as the files."""
    shards = tmp_path / "shards"
    run = subprocess.run([sys.executable, "-m", "toolkit.cli", "parse", str(RAW), "-o", str(shards), "--quiet"],
                         capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stderr
    run = _toolkit("site", str(shards), "-o", str(tmp_path / "from-shards"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "from-shards" / "data.js").read_bytes() == (site / "data.js").read_bytes()


def test_a_report_not_fully_read_is_blank_and_named(tmp_path, browser):
    """A needed cell the reader lost: that report's bars are not drawn, the slot says so, the caption names the file."""
    import numpy as np
    import pandas as pd

    from toolkit import read_report
    from toolkit.site import build_site

    panel = pd.concat([read_report(RAW / f).data for f in ("pingtan-zone-2023.html", "pingtan-zone-2024.html")],
                      ignore_index=True)
    lost = (panel["source_file"].astype(str).str.endswith("2024.html") & (panel["table"].astype(str) == "requests")
            & (panel["row"].astype(str) == "total_processed") & (panel["column"].astype(str) == "total"))
    panel.loc[lost, "value"], panel.loc[lost, "status"] = np.nan, "missing"
    p = Page(browser, build_site(panel, tmp_path / "site").as_uri())
    try:
        assert label("site.incomplete", "zh", files="pingtan-zone-2024.html").strip() in p.page.inner_text("#caption")
        assert p.page.locator("#chart svg text").filter(has_text=label("site.not_read", "zh")).count() >= 1
        rows = [r for r in p.csv_rows() if r["year"] == "2024"]
        assert rows and all(r["count"] == "" and r["complete"] == "false" for r in rows)
        assert any("requests/total_processed/total" in r["missing_cells"] for r in rows)
    finally:
        p.page.close()
    assert p.errors == []
