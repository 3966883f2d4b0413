"""The producer × font matrix: the same synthetic reports printed as PDF by different
programs, with different CJK fonts, read back exactly (every expected cell, blanks included).

- LibreOffice printing the DOCX renders, with each of the three CJK fonts the
  project installs: WenQuanYi Micro Hei, Noto CJK, AR PL UMing (ruled and
  borderless tables, table 三 cut by a page break);
- Chromium's print to PDF of the HTML renders;
- LibreOffice Writer opening the HTML renders and exporting PDF;
- the LibreOffice PDFs drawn again by ``pdftocairo -pdf`` and by Ghostscript ``pdfwrite``.

Each producer sees only the project's fonts (tests/support/fonts.py); the PDF's
embedded fonts show that the intended CJK font drew it.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from support import ARTIFACTS
from support.producers import cairo, chromium, chromium_available, ghostscript, have, libreoffice, writer_html
from support.roundtrip import check_round_trip, spec_for

from toolkit.read.formats.soffice import executable
from toolkit.synthetic.render.docx import render_docx
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.render.perturb import Perturbation

needs_soffice = pytest.mark.skipif(executable() is None, reason="LibreOffice (soffice) not installed; `make test` installs it")
needs_chromium = pytest.mark.skipif(not chromium_available(), reason="Chromium or Playwright not installed; `make test` installs them")
pytestmark = pytest.mark.slow

MIXED = {"proactive": "2021", "requests": "2019", "review_litigation": "2021"}

# (name, templates, perturbation, activity, docx options): ruled and borderless, all three templates,
# table 三 pushed across a page break.
DOCX = [
    ("official-2021-push", "2021", Perturbation(blank_zeros=0.3), 40.0, {"official": True, "push": 20}),
    ("generated-2019-wrapped", "2019", Perturbation(wrap_labels=True, split_spans=True, thousands=True), 2000.0,
     {"push": 25, "repeat_header": True}),
    ("mixed-variants", MIXED, Perturbation(label_variants=True, fullwidth_digits=True, na_zeros=0.2), 40.0, {}),
    ("unruled-2021-split", "2021", Perturbation(split_proactive=True, split_review=True, nbsp_values=True), 40.0,
     {"borders": False, "push": 20}),
    ("unruled-2019-wrapped", "2019", Perturbation(wrap_labels=True, blank_zeros=0.3), 2000.0, {"borders": False}),
]
# (name, templates, perturbation, activity, html options): CMS pages, ruled and borderless.
HTML = [
    ("html-2021", "2021", Perturbation(), 40.0, {}),
    ("html-2019-spans", "2019", Perturbation(split_spans=True, label_variants=True, thousands=True), 2000.0, {}),
    ("html-mixed-chrome", MIXED, Perturbation(chrome=True, nbsp_values=True, blank_zeros=0.3, split_proactive=True), 40.0, {}),
    ("html-2021-borderless", "2021", Perturbation(blank_zeros=0.3, split_review=True), 2000.0, {"borders": False}),
]
# How each CJK font is named in a PDF that embeds it.
FONTS = {"wqy": "WenQuanYiMicroHei", "noto": "NotoS(?:ans|erif)CJK", "uming": "UMing"}
LATIN = "DejaVuS(?:ans|erif)"

# Matrix cells known to fail, with the reason: strict, so a fix shows up as XPASS.
#: Cases known to fail, with the reason (a strict xfail: a fix makes the suite say so). None today.
KNOWN: dict[str, str] = {}


def _docx_specs():
    specs = [spec_for(100 + i, t, a, p) for i, (_, t, p, a, _) in enumerate(DOCX)]
    docs = [render_docx(s, p, 100 + i, **o) for i, (s, (_, _, p, _, o)) in enumerate(zip(specs, DOCX))]
    return specs, docs


def _html_specs():
    specs = [spec_for(200 + i, t, a, p) for i, (_, t, p, a, _) in enumerate(HTML)]
    pages = [render_html(s, p, 200 + i, **o) for i, (s, (_, _, p, _, o)) in enumerate(zip(specs, HTML))]
    return specs, pages


def _embedded_fonts(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout


def _check(request, tmp_path, case: str, pdf: bytes, spec, font: str | None = None):
    kept = ARTIFACTS / "pdf-matrix"  # each matrix PDF kept for a look when a case fails
    kept.mkdir(parents=True, exist_ok=True)
    (kept / f"{case}.pdf").write_bytes(pdf)
    if case in KNOWN:
        request.applymarker(pytest.mark.xfail(reason=KNOWN[case], strict=True))
    if font is not None and have("pdffonts"):
        # Every font the PDF names is DejaVu or the CJK font the matrix asked for (Chromium
        # embeds some fonts as unnamed Type 3 fonts); LibreOffice names the CJK font.
        names = [line.split()[0] for line in _embedded_fonts(tmp_path, pdf).splitlines()[2:]]
        named = [n.split("+")[-1] for n in names if n != "[none]"]
        assert all(re.match(f"{LATIN}|{FONTS[font]}", n) for n in named), (case, named)
        if not case.startswith("chromium"):
            assert any(re.match(FONTS[font], n) for n in named), (case, named)
    got = check_round_trip(tmp_path, f"{case}.pdf", pdf, spec)
    assert got["location"].str.fullmatch(r"table \d+, row \d+, col \d+, page \d+").all()


@pytest.fixture(scope="module")
def docx_reports():
    return _docx_specs()


@pytest.fixture(scope="module")
def libreoffice_pdfs(docx_reports):
    specs, docs = docx_reports
    return {font: libreoffice(docs, font) for font in FONTS}


@pytest.fixture(scope="module")
def html_reports():
    return _html_specs()


@needs_soffice
@pytest.mark.parametrize("font", list(FONTS))
@pytest.mark.parametrize("k", range(len(DOCX)), ids=[c[0] for c in DOCX])
def test_libreoffice(request, tmp_path, docx_reports, libreoffice_pdfs, font, k):
    _check(request, tmp_path, f"libreoffice-{font}-{DOCX[k][0]}", libreoffice_pdfs[font][k], docx_reports[0][k], font)


@needs_soffice
@pytest.mark.parametrize("tool", ["cairo", "ghostscript"])
@pytest.mark.parametrize("k", range(len(DOCX)), ids=[c[0] for c in DOCX])
def test_rerendered(request, tmp_path, docx_reports, libreoffice_pdfs, tool, k):
    if not have({"cairo": "pdftocairo", "ghostscript": "gs"}[tool]):
        pytest.skip(f"{tool} not installed; `make test` installs it")
    pdf = (cairo if tool == "cairo" else ghostscript)(libreoffice_pdfs["wqy"][k])
    _check(request, tmp_path, f"{tool}-{DOCX[k][0]}", pdf, docx_reports[0][k], "wqy")


@pytest.fixture(scope="module")
def printed_pdfs(html_reports):
    """The HTML reports printed to PDF by one producer with one font, made once per (producer, font)."""
    made: dict = {}

    def printed(producer: str, font: str):
        if (producer, font) not in made:
            made[producer, font] = {"chromium": chromium, "writer": writer_html}[producer](html_reports[1], font)
        return made[producer, font]

    return printed


@pytest.mark.parametrize("producer", [pytest.param("chromium", marks=needs_chromium),
                                      pytest.param("writer", marks=needs_soffice)])
@pytest.mark.parametrize("font", list(FONTS))
@pytest.mark.parametrize("k", range(len(HTML)), ids=[c[0] for c in HTML])
def test_html_printed(request, tmp_path, html_reports, printed_pdfs, producer, font, k):
    """Chromium's print-to-PDF and LibreOffice Writer's HTML export, each font."""
    _check(request, tmp_path, f"{producer}-{font}-{HTML[k][0]}", printed_pdfs(producer, font)[k], html_reports[0][k],
           font)
