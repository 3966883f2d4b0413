"""The PDF reader on the real Huaian report and on PDFs that must be refused."""

from __future__ import annotations

import io
import re

import pytest
from support import RAW, expected_cells

from toolkit import read_report
from toolkit.errors import CorruptFileError, UnreadablePDFError
from toolkit.read.formats import pdf as pdf_reader
from toolkit.read.formats.soffice import executable
from toolkit.synthetic.render.docx import render_docx
from toolkit.synthetic.render.pdf import docx_to_pdf
from toolkit.synthetic.values import report_spec

HUAIAN = RAW / "huaian-city-2024.pdf"
needs_soffice = pytest.mark.skipif(executable() is None, reason="LibreOffice (soffice) not installed; `make test` installs it")


@pytest.fixture(scope="module")
def huaian_doc():
    return pdf_reader.read(HUAIAN.read_bytes(), str(HUAIAN))


@pytest.fixture(scope="module")
def huaian_report():
    return read_report(HUAIAN)


def test_huaian_every_cell(huaian_report):
    """All 200 published cells, raw text and value, as in the hand-checked CSV."""
    want = expected_cells("huaian-city-2024")
    got = huaian_report.data.astype({"table": str, "row": str, "column": str})
    merged = want.merge(got, on=["table", "row", "column"], how="outer", suffixes=("_want", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    assert len(merged) == 200
    bad = merged[merged["raw_want"] != merged["raw_got"]]
    assert bad.empty, bad[["table", "row", "column", "raw_want", "raw_got", "location"]]
    values = merged["value_got"].astype(float)
    assert (values == merged["value_want"].astype(float)).all()
    assert set(got["format"]) == {"pdf"} and huaian_report.meta["pages"] == 6
    assert (got["method"] == "text").all()  # read from its text layer, never by OCR


# Where the cells are printed: table 二 on pages 3–4, 三 on 4–5 (split after
# （四）1.), 四 on 5. The location names the page and the cell.
@pytest.mark.parametrize(
    ("table", "row", "column", "page"),
    [
        ("proactive", "rules", "issued", 3),
        ("proactive", "licensing", "decisions", 3),
        ("proactive", "penalty", "decisions", 4),
        ("proactive", "fees", "fee_amount", 4),
        ("requests", "new_received", "natural_person", 4),
        ("requests", "unable_not_held", "total", 4),
        ("requests", "unable_needs_creation", "natural_person", 5),
        ("requests", "carried_forward", "total", 5),
        ("review_litigation", "litigation_after_reconsideration", "total", 5),
    ],
    ids=lambda v: str(v),
)
def test_huaian_locations_name_page_and_cell(huaian_report, table, row, column, page):
    d = huaian_report.data
    loc = d.loc[(d.table == table) & (d.row == row) & (d.column == column), "location"].item()
    assert re.fullmatch(rf"table \d+, row \d+, col \d+, page {page}", loc), loc


def test_huaian_tables_stitched_across_pages(huaian_doc):
    tables = huaian_doc.tables
    assert len(tables) == 3  # 二 (pages 3–4), 三 (pages 4–5), 四 (page 5)
    assert [t.page for t in tables] == [3, 4, 5]
    assert [len(t.rows) for t in tables] == [14, 28, 4]
    pages = [int(r[-1].location.rsplit(" ", 1)[1]) for r in tables[1].rows]
    assert pages == sorted(pages) and set(pages) == {4, 5}


def _row(table, leaf_prefix: str):
    return next(r for r in table.rows if any(c.text.startswith(leaf_prefix) and not c.merged for c in r))


@pytest.mark.parametrize(
    ("leaf", "labels"),
    [
        # printed vertically, one character per line
        ("（一）予以公开", ["三、本年度办理结果", "（一）予以公开"]),
        # wrapped over two lines, numbers beside the first line
        ("（二）部分公开", ["三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]),
        # group label cut by the page break: "（四）无" on page 4, "法提供" on page 5
        ("1.本机关不掌握", ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"]),
        ("2.没有现成信息", ["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"]),
        # three lines, numbers beside the middle one
        ("1、申请人无正当理由", ["三、本年度办理结果", "（六）其他处理", "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]),
        ("5.要求行政机关确认", ["三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_huaian_labels_rebuilt(huaian_doc, leaf, labels):
    row = _row(huaian_doc.tables[1], leaf)
    assert [c.text for c in row[:-7]] == labels
    assert len(row) - len(labels) == 7 and all(c.text.isdigit() for c in row[-7:])


def test_huaian_split_group_label_is_one_merged_cell(huaian_doc):
    t = huaian_doc.tables[1]
    group = [r[1] for r in t.rows if r[1].text == "（四）无法提供"]
    assert [c.merged for c in group] == [False, True, True]
    assert [c.location.rsplit(" ", 1)[1] for c in group] == ["4", "5", "5"]


def test_huaian_values_read_from_positioned_characters(huaian_doc):
    """The cells a library table finder got wrong (96171.6 as "961716/.")."""
    t = huaian_doc.tables[0]
    assert [c.text for c in t.rows[-1]] == ["行政事业性收费", "96171.6"]
    assert [c.text for c in t.rows[9]] == ["行政处罚", "3985758"]


def test_huaian_paragraphs_without_page_furniture(huaian_doc):
    paragraphs = huaian_doc.paragraphs
    assert paragraphs[:2] == ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    assert not [p for p in paragraphs if re.fullmatch(r"-\s*\d+\s*-", p)]
    assert "四、政府信息公开行政复议、行政诉讼情况" in paragraphs
    assert any("全年收取政府信息公开信息处理费3940元" in p for p in paragraphs)
    # the heading between table 二 and 三 stays between them
    blocks = huaian_doc.blocks
    heading = blocks.index("三、收到和处理政府信息公开申请情况")
    assert blocks[heading - 1] is huaian_doc.tables[0] and blocks[heading + 1] is huaian_doc.tables[1]


def _image_only_pdf() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (595, 842), "white")
    ImageDraw.Draw(img).rectangle((80, 200, 500, 400), outline="black")
    out = io.BytesIO()
    img.save(out, format="PDF")
    return out.getvalue()


REFUSALS = {
    "scanned": (_image_only_pdf, UnreadablePDFError, "OCR found no characters"),  # a picture without text
    "truncated": (lambda: HUAIAN.read_bytes()[:4000], CorruptFileError, "not a readable PDF"),
    "garbage": (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100, CorruptFileError, "not a readable PDF"),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=str)
def test_unreadable_pdfs_refused_in_one_line(tmp_path, case):
    make, error, message = REFUSALS[case]
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(make())
    with pytest.raises(error) as info:
        read_report(path)
    text = str(info.value)
    assert message in text and str(path) in text and "\n" not in text


@needs_soffice
def test_encrypted_pdf_refused(tmp_path):
    from toolkit.read.formats import soffice

    target = 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    data = soffice.convert({"r.docx": render_docx(report_spec(1))}, target, "test")["r.docx"]
    path = tmp_path / "locked.pdf"
    path.write_bytes(data)
    with pytest.raises(UnreadablePDFError, match="encrypted") as info:
        read_report(path)
    assert str(path) in str(info.value)


# Kangxi radicals (U+2F00…) and CJK compatibility ideographs, as some PDF fonts map them.
KANGXI = str.maketrans({"一": "⼀", "二": "⼆", "自": "⾃", "人": "⼈"})


@needs_soffice
def test_compatibility_glyphs_folded(tmp_path):
    """A report whose labels are printed with Kangxi radicals reads like the plain one."""
    import zipfile

    spec = report_spec(5, activity=20)
    src = zipfile.ZipFile(io.BytesIO(render_docx(spec)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.decode("utf-8").translate(KANGXI).encode("utf-8")
            dst.writestr(info.filename, data)
    [pdf] = docx_to_pdf([out.getvalue()])
    import pypdfium2

    printed = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    assert "⼀、总体情况" in printed and "⼈" in printed  # the text layer really carries the radicals
    path = tmp_path / "kangxi.pdf"
    path.write_bytes(pdf)
    doc = pdf_reader.read(pdf, str(path))
    texts = [c.text for t in doc.tables for r in t.rows for c in r]
    assert "自然人" in texts and not any(re.search("[\u2f00-\u2fdf]", t) for t in texts)
    got = read_report(path).data.astype({"table": str, "row": str, "column": str})
    merged = spec.cells.merge(got, on=["table", "row", "column"], suffixes=("_want", "_got"))
    assert len(merged) == 200 and (merged["value_want"] == merged["value_got"].astype(float)).all()

