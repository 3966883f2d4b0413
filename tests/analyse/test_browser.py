"""A real browser: JupyterLab started here, headless Debian Chromium driven by Playwright.

Opens a curated notebook, runs all cells, changes the explorer's agency and
checks that the chart changed and that no error is shown. Screenshots are kept
in test-artifacts/ (git-ignored). Never downloads a browser: Playwright's
wheel bundles its driver and ``executable_path`` points at /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support import ROOT

CHROMIUM = os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium")
NOTEBOOK = "30_reconsideration_and_litigation.ipynb"
AGENCY = "示例市公安局"
TOKEN = "toolkit-browser-test"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-dev-shm-usage"]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free port with a token, its own config (news pop-up disabled) and a copy of the notebooks."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (Debian: apt-get install chromium, or run scripts/system-deps.sh)")
    pytest.importorskip("playwright.sync_api")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    config = base / "config"
    (config / "labconfig").mkdir(parents=True)
    # The "Would you like to receive official Jupyter news?" toast would cover the page.
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               TOOLKIT_FIGURES_DIR=str(base / "figures"), TOOLKIT_FIGURE_FORMATS="png")
    port = _free_port()
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--ServerApp.open_browser=False"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(base / "jupyter.log", "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"JupyterLab did not start: {(base / 'jupyter.log').read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    yield url, base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _chart_src(page) -> str:
    return page.locator(".toolkit-explorer .toolkit-output img").first.get_attribute("src") or ""


def test_notebook_runs_and_the_agency_selector_changes_the_chart(lab, artifacts_dir):
    from playwright.sync_api import expect, sync_playwright

    url, base = lab
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={TOKEN}", wait_until="domcontentloaded")
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
            # The kernel has started and is idle before we run (status bar: "Python 3 (ipykernel) | Idle").
            page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120_000)
            page.screenshot(path=str(artifacts_dir / "browser-1-opened.png"))

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

            explorer = page.locator(".toolkit-explorer").first
            explorer.wait_for(timeout=180_000)
            img = explorer.locator(".toolkit-output img").first
            img.wait_for(timeout=60_000)
            explorer.scroll_into_view_if_needed()
            before = _chart_src(page)
            assert before.startswith("data:image/png")
            page.screenshot(path=str(artifacts_dir / "browser-2-ran.png"))

            explorer.locator(".toolkit-agency select").select_option(label=AGENCY)
            page.wait_for_function(
                "before => { const i = document.querySelector('.toolkit-explorer .toolkit-output img');"
                " return i && i.getAttribute('src') !== before; }", arg=before, timeout=60_000)
            after = _chart_src(page)
            assert after.startswith("data:image/png") and after != before
            explorer.screenshot(path=str(artifacts_dir / "browser-3-agency-changed.png"))
            page.screenshot(path=str(artifacts_dir / "browser-3-page.png"))

            expect(explorer.locator(".toolkit-status")).not_to_contain_text("Error")
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.first.inner_text()
            assert page.locator(".jp-Dialog").count() == 0
        except Exception:
            page.screenshot(path=str(artifacts_dir / "browser-failed.png"))
            raise
        finally:
            browser.close()
