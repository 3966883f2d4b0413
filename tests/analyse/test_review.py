"""``toolkit review``: one static page listing exactly the failing checks, with their cells and sources.

A folder with a clean synthetic report and one whose two published numbers were
changed (made with the synthetic renderer): the page flags the changed report's
three broken identities and nothing of the clean one. One test opens the page
in Debian Chromium (Playwright, executable_path) with every non-file request
blocked and recorded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import FIXTURES, ROOT
from support.changed import FAILING, changed_folder

CHROMIUM = "/usr/bin/chromium"


def run(*args):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("review")
    return d, {k: printed for k, (printed, _) in changed_folder(d).items()}


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r"(?=<section class=report )", page)
    return {re.search(r'data-file="([^"]+)"', p).group(1).rsplit("/", 1)[-1]: p for p in parts[1:]}


def test_review_lists_exactly_the_failing_checks_of_the_changed_report_with_its_cells(folder, tmp_path):
    d, printed = folder
    out = tmp_path / "review.html"
    proc = run("review", str(d), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    sections = _sections(page)
    assert list(sections) == ["changed.html", "clean.html"]  # the one that needs a look comes first
    failed = {(r, i) for r, i in re.findall(r'data-rule="(\w+)" data-instance="([\w:]+)" data-outcome="failed"',
                                            sections["changed.html"])}
    assert failed == FAILING
    assert 'data-outcome="failed"' not in sections["clean.html"]
    changed = sections["changed.html"]
    for (row, col), raw in printed.items():
        cell = re.search(rf"<tr data-cell='requests/{row}/{col}'>.*?</tr>", changed)
        assert cell and f"<b>{raw}</b>" in cell.group(0)
    # the rule in words, both languages, from the codebook and labels table
    assert "本年新收政府信息公开申请数量 + 上年结转政府信息公开申请数量 = 总计 + 结转下年度继续办理" in changed
    assert "New requests received this year + Carried over from last year" in changed
    # self-contained: pictures inline, no script, nothing fetched
    assert changed.count('src="data:image/png;base64,') >= 3
    assert "<script" not in page and not re.search(r'(src|href)="(?!data:)', page)


def test_review_refuses_a_folder_without_reports(tmp_path):
    proc = run("review", str(tmp_path), "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no report files" in proc.stderr


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_review_opens_in_chromium_without_errors_or_requests(folder, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (Debian: apt-get install chromium, or run scripts/system-deps.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    d = shutil.copytree(folder[0], tmp_path / "reports")
    shutil.copy(FIXTURES / "hongze-district-2023.pdf", d / "hongze-district-2023.pdf")  # a PDF: page pictures
    out = tmp_path / "review.html"
    proc = run("review", str(d), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    requests, errors = [], []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(r):
                if r.request.url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    requests.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(out.as_uri())
            page.wait_for_load_state("load")
            sections = page.locator("section.report")
            assert sections.count() == 3
            failed = page.locator('section[data-file$="changed.html"] .check[data-outcome="failed"]')
            assert {(failed.nth(i).get_attribute("data-rule"), failed.nth(i).get_attribute("data-instance"))
                    for i in range(failed.count())} == FAILING
            images = page.locator("img")
            assert images.count() >= 4
            broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length")
            assert broken == 0
            hongze = page.locator('section[data-file$="hongze-district-2023.pdf"] img')
            assert hongze.count() >= 1 and hongze.first.evaluate("i => i.naturalWidth") > 600
            page.screenshot(path=str(tmp_path / "review.png"), full_page=False)
        finally:
            browser.close()
    assert requests == [] and errors == []
