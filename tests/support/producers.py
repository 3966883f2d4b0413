"""PDF producers for the producer × font matrix: the same synthetic reports printed by different programs.

- LibreOffice printing the DOCX renders (:func:`toolkit.synthetic.render.pdf.docx_to_pdf`), with a chosen CJK font;
- Chromium printing the HTML renders to PDF (Debian ``chromium`` driven by Playwright, never a browser download);
- LibreOffice Writer opening the HTML renders and exporting PDF;
- an existing PDF re-rendered by ``pdftocairo -pdf`` (poppler's Cairo backend) or by Ghostscript's ``pdfwrite``.

Every producer runs with a fontconfig that sees only the project's fonts (:mod:`support.fonts`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from support.fonts import fontconfig
from toolkit.read.formats import soffice
from toolkit.synthetic.render.pdf import docx_to_pdf
from toolkit.synthetic.render.reproducible import fix_pdf

CHROMIUM = os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-dev-shm-usage"]
TIMEOUT_S = 120


@contextmanager
def fonts(cjk: str | None):
    """Within the block, programs started see the Latin fonts and one CJK font (``None``: every project font)."""
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(fontconfig(cjk))
    try:
        yield
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before


def libreoffice(docs: list[bytes], cjk: str | None = None) -> list[bytes]:
    """DOCX documents printed by LibreOffice (one run) with one CJK font."""
    with fonts(cjk):
        return docx_to_pdf(docs)


def writer_html(pages: list[bytes], cjk: str | None = None) -> list[bytes]:
    """HTML pages opened by LibreOffice Writer and exported as PDF.

    Writer proper (its "HTML (StarWriter)" import), not Writer/Web: Writer/Web's
    headless export drops the page's first paragraph and prints a blank page first.
    """
    names = {f"page{i:03d}.html": data for i, data in enumerate(pages)}
    with fonts(cjk):
        out = soffice.convert(names, "pdf:writer_pdf_Export", "html→pdf", infilter="HTML (StarWriter)")
    return [fix_pdf(out[name]) for name in names]


def chromium_available() -> bool:
    if not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def chromium(pages: list[bytes], cjk: str | None = None) -> list[bytes]:
    """HTML pages printed to PDF (A4) by headless Chromium, as its "Save as PDF" does."""
    from playwright.sync_api import sync_playwright

    out = []
    with tempfile.TemporaryDirectory(prefix="toolkit-chromium-") as tmp, sync_playwright() as pw:
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(cjk)), HOME=tmp)
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env=env,
                                     timeout=TIMEOUT_S * 1000)
        try:
            page = browser.new_page()
            for i, data in enumerate(pages):
                path = Path(tmp, f"page{i:03d}.html")
                path.write_bytes(data)
                page.goto(path.as_uri(), wait_until="load", timeout=TIMEOUT_S * 1000)
                out.append(page.pdf(format="A4", print_background=True))
        finally:
            browser.close()
    return out


def _rerender(cmd, pdf: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="toolkit-rerender-") as tmp:
        src, dst = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(pdf)
        subprocess.run(cmd(str(src), str(dst)), check=True, capture_output=True, timeout=TIMEOUT_S, cwd=tmp)
        return dst.read_bytes()


def cairo(pdf: bytes) -> bytes:
    """A PDF drawn again by poppler's Cairo backend (``pdftocairo -pdf``)."""
    return _rerender(lambda src, dst: ["pdftocairo", "-pdf", src, dst], pdf)


def ghostscript(pdf: bytes) -> bytes:
    """A PDF written again by Ghostscript's ``pdfwrite`` device."""
    return _rerender(lambda src, dst: ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
                                       f"-sOutputFile={dst}", src], pdf)


def have(tool: str) -> bool:
    return shutil.which(tool) is not None
