"""Layouts real exports print, read back exactly: vertical block and group labels sharing
baselines with the row labels (LibreOffice exports of DOCX with one-character
columns or ``w:textDirection``, and WPS-like PDFs drawn directly), a page break
inside a block label, a repeated header, pages turned by ``/Rotate 90``; and a
garbled text layer (CID fonts without ToUnicode) read by OCR, its codes never used."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.roundtrip import check_printed_case, check_round_trip, print_pdfs, spec_for

from toolkit.errors import UnreadablePDFError
from toolkit.read.formats.page import Char
from toolkit.read.formats.pdf import garbled_pages, text_layer_usable
from toolkit.read.formats.pdf import read as read_pdf
from toolkit.read.formats.soffice import executable
from toolkit.synthetic.render.perturb import Perturbation

pymupdf = pytest.importorskip("pymupdf")
from support.wps_like import FONT_FILE, draw_report  # noqa: E402  (needs pymupdf)

needs_soffice = pytest.mark.skipif(executable() is None, reason="LibreOffice (soffice) not installed; `make test` installs it")
needs_font = pytest.mark.skipif(not Path(FONT_FILE).exists(), reason="fonts-wqy-microhei not installed")

# (name, templates, activity, docx options): LibreOffice exports
LIBREOFFICE = [
    ("narrow-ruled-2021", "2021", 40.0, {"vertical": "narrow"}),
    ("narrow-unruled-2021", "2021", 40.0, {"vertical": "narrow", "borders": False}),
    ("rotated-ruled-2021", "2021", 40.0, {"vertical": "rotated"}),
    ("rotated-unruled-2019", "2019", 40.0, {"vertical": "rotated", "borders": False}),
    ("narrow-ruled-2019-push-repeat", "2019", 2000.0, {"vertical": "narrow", "push": 25, "repeat_header": True}),
    ("narrow-ruled-2021-push", "2021", 3.0, {"vertical": "narrow", "push": 30}),
]

# (name, templates, activity, drawing options): WPS-like PDFs
WPS = [
    ("wps-ruled-2021", "2021", 40.0, {}),
    ("wps-unruled-2021", "2021", 40.0, {"ruled": False}),
    ("wps-ruled-2019-break-repeat", "2019", 2000.0, {"break_after": 14, "repeat_header": True}),
    ("wps-ruled-2021-break", "2021", 3.0, {"break_after": 12}),
    ("wps-unruled-2021-break", "2021", 40.0, {"ruled": False, "break_after": 12}),
    ("wps-ruled-2021-landscape", "2021", 40.0, {"landscape": True}),
    ("wps-unruled-2021-landscape", "2021", 40.0, {"ruled": False, "landscape": True}),
    # No rules: each cell a filled background box, the boxes tiling the table (cells by their edges).
    ("wps-tiles-2021", "2021", 40.0, {"ruled": False, "tiles": True}),
    ("wps-tiles-2019-break", "2019", 40.0, {"ruled": False, "tiles": True, "break_after": 14}),
    ("wps-tiles-ruled-2021-break", "2021", 3.0, {"tiles": True, "break_after": 12}),
]


@pytest.fixture(scope="module")
def libreoffice_pdfs():
    return print_pdfs((200 + seed, templates, activity, Perturbation(), {"official": False, **opts})
                      for seed, (_, templates, activity, opts) in enumerate(LIBREOFFICE))


@needs_soffice
@pytest.mark.parametrize("case", range(len(LIBREOFFICE)), ids=[c[0] for c in LIBREOFFICE])
def test_vertical_labels_libreoffice(tmp_path, libreoffice_pdfs, case):
    check_printed_case(tmp_path, libreoffice_pdfs, LIBREOFFICE, case)


@needs_font
@pytest.mark.parametrize("case", range(len(WPS)), ids=[c[0] for c in WPS])
def test_wps_like_layouts(tmp_path, case):
    name, templates, activity, opts = WPS[case]
    spec = spec_for(300 + case, templates, activity, Perturbation())
    check_round_trip(tmp_path, f"{name}.pdf", draw_report(spec, **opts), spec)


@needs_font
def test_wps_vertical_label_is_one_cell():
    """The block label's characters stay in their cell: 三、本年度办理结果, not interleaved with the row labels."""
    spec = spec_for(300, "2021", 40.0, Perturbation())
    doc = read_pdf(draw_report(spec), "wps.pdf")
    t3 = doc.tables[1]
    texts = {c.text for r in t3.rows for c in r}
    assert {"三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（六）其他处理"} <= texts


@needs_font
def test_cell_backgrounds_tile_the_grid():
    """Without rules, the filled cell boxes give the grid: every table is ruled by them, no text line is."""
    import pypdfium2 as pdfium

    from toolkit.read.formats.page import find_grids
    from toolkit.read.formats.pdf import page_rules

    spec = spec_for(311, "2021", 40.0, Perturbation())
    for opts, tables in (({"ruled": False, "tiles": True}, 4), ({"ruled": False}, 0)):
        pdf = pdfium.PdfDocument(draw_report(spec, **opts))
        grids = [g for page in pdf for g in find_grids(*page_rules(page))]
        assert len(grids) == tables, opts  # 二, 三 over two pages, 四; no body text line
    doc = read_pdf(draw_report(spec, ruled=False, tiles=True), "tiles.pdf")
    texts = {c.text for r in doc.tables[1].rows for c in r}
    assert {"三、本年度办理结果", "（三）不予公开", "（四）无法提供"} <= texts


@needs_font
def test_landscape_pages_are_turned():
    spec = spec_for(305, "2021", 40.0, Perturbation())
    data = draw_report(spec, landscape=True)
    with pymupdf.open(stream=data) as doc:
        assert {page.rotation for page in doc} == {90}
        assert doc[0].mediabox.width < doc[0].mediabox.height  # stored portrait, shown landscape


def strip_to_unicode(pdf: bytes) -> bytes:
    """The same PDF with every font's ToUnicode map removed (CID text becomes glyph ids)."""
    with pymupdf.open(stream=pdf) as doc:
        for xref in range(1, doc.xref_length()):
            if doc.xref_get_key(xref, "ToUnicode")[0] != "null":
                doc.xref_set_key(xref, "ToUnicode", "null")
        return doc.tobytes(garbage=3)


@needs_soffice
def test_cid_fonts_without_to_unicode_are_read_by_ocr(tmp_path, libreoffice_pdfs):
    """The glyph ids are never read; every page is rendered and OCR'd, and every cell comes back exact."""
    pytest.importorskip("rapidocr_onnxruntime")
    specs, pdfs = libreoffice_pdfs
    assert not read_pdf(pdfs[0], "ok.pdf").ocr_pages  # the same file with its maps reads by text
    garbled = strip_to_unicode(pdfs[0])
    with pymupdf.open(stream=garbled) as doc:
        assert not text_layer_usable([Char(c, 0, 0, 1, 1) for page in doc for c in page.get_text()])  # really garbled
        n_pages = len(doc)
    assert read_pdf(garbled, "garbled.pdf").ocr_pages == tuple(range(1, n_pages + 1))
    got = check_round_trip(tmp_path, "garbled.pdf", garbled, specs[0])
    assert (got["method"] == "ocr").all() and got["confidence"].notna().all()


def invisible_text(pdf: bytes) -> bytes:
    """The same PDF with every text object drawn in render mode 3 (invisible): codes in the text layer, no ink."""
    with pymupdf.open(stream=pdf) as doc:
        for page in doc:
            for xref in page.get_contents():
                doc.update_stream(xref, doc.xref_stream(xref).replace(b"BT", b"BT 3 Tr"))
        return doc.tobytes(garbage=3)


@needs_soffice
def test_garbled_text_layer_refused_when_ocr_finds_nothing(libreoffice_pdfs):
    # Garbled codes and no visible glyph: OCR of the rendered pages finds no character.
    pytest.importorskip("rapidocr_onnxruntime")
    blank = invisible_text(strip_to_unicode(libreoffice_pdfs[1][0]))
    with pytest.raises(UnreadablePDFError, match=r"^garbled\.pdf: no text: the text layer is garbled .* OCR found no characters on them$"):
        read_pdf(blank, "garbled.pdf")


def test_garbled_pages():
    def chars(s):
        return [Char(c, 0, 0, 1, 1) for c in s]

    report = chars("二、主动公开政府信息情况 第二十条第（一）项 12 0")
    figures, glyph_ids = chars("- 2 - 12 0 3 ① 4.5 × 100"), chars("(\x1e\x92qr£¤¥A\x08\t &'")
    assert garbled_pages([report, figures, report]) == set()  # a page of figures is read by text
    assert garbled_pages([report, glyph_ids, [], report]) == {2}  # one font without a map, in a good file
    assert garbled_pages([chars("3&'()*+,-./0"), chars("123")]) == {1, 2}  # the whole file: even ASCII codes


def test_text_layer_usable():
    def chars(s):
        return [Char(c, 0, 0, 1, 1) for c in s]

    assert text_layer_usable(chars("二、主动公开政府信息情况 第二十条第（一）项 12 0"))
    assert not text_layer_usable(chars("(\x1e\x92qr£¤¥A\x08\t &'\x01\x01%\x01(*"))  # glyph ids
    assert not text_layer_usable(chars("\ue000\ue001\ue002\ue003本"))  # private use
    assert not text_layer_usable(chars("Annual report 2024 page 1"))  # no Chinese at all
    assert not text_layer_usable([])
