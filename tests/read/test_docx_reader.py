"""The DOCX reader (merged cells, runs, paragraphs) and legacy .doc/.wps through LibreOffice."""

from __future__ import annotations

import io
import zipfile

import pytest
from support import TEMPLATE

from toolkit import read_report
from toolkit.errors import ConversionError, CorruptFileError, ToolkitError
from toolkit.read.formats import docx as docx_reader
from toolkit.read.formats import legacy
from toolkit.read.formats.soffice import convert, executable
from toolkit.synthetic.render.docx import render_docx
from toolkit.synthetic.render.perturb import Perturbation
from toolkit.synthetic.values import report_spec

needs_soffice = pytest.mark.skipif(executable() is None, reason="LibreOffice (soffice) not installed; `make test` installs it")


@pytest.fixture(scope="module")
def template_doc():
    return docx_reader.read(TEMPLATE.read_bytes(), str(TEMPLATE))


def _shape(row):
    return [(c.text, c.span, c.merged) for c in row]


NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


# (table, row) → the row as (text, span, merged) cells: gridSpan kept once with
# its span, vMerge continuations repeated with merged=True and the opening text.
@pytest.mark.parametrize(
    ("table", "row", "cells"),
    [
        (1, 1, [("第二十条第（一）项", 4, False)]),
        (1, 3, [("规章", 1, False), ("\u3000\u3000", 1, False), ("\u3000", 1, False), ("", 1, False)]),
        (1, 6, [("信息内容", 1, False), ("本年处理决定数量", 3, False)]),
        (1, 7, [("行政许可", 1, False), ("", 3, False)]),
        (2, 1, [(NOTE, 3, False), ("申请人情况", 7, False)]),
        (2, 2, [(NOTE, 3, True), ("自然人", 1, False), ("法人或其他组织", 5, False), ("总计", 1, False)]),
        (2, 3, [(NOTE, 3, True), ("自然人", 1, True), ("商业\n企业", 1, False), ("科研\n机构", 1, False),
                ("社会公益组织", 1, False), ("法律服务机构", 1, False), ("其他", 1, False), ("总计", 1, True)]),
        (2, 6, [("三、本年度办理结果", 1, False), ("（一）予以公开", 2, False)] + [("", 1, False)] * 7),
        (2, 9, [("三、本年度办理结果", 1, True), ("（三）不予公开", 1, True), ("2.其他法律行政法规禁止公开", 1, False)] + [("", 1, False)] * 7),
        (2, 28, [("四、结转下年度继续办理", 3, False)] + [("", 1, False)] * 7),
        (3, 1, [("行政复议", 5, False), ("行政诉讼", 10, False)]),
        (3, 3, [("结果维持", 1, True), ("结果\n纠正", 1, True), ("其他\n结果", 1, True), ("尚未\n审结", 1, True), ("总计", 1, True)]
         + [(t, 1, False) for t in ("结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计")] * 2),
        (3, 4, [("", 1, False)] * 15),
    ],
    ids=lambda v: str(v) if isinstance(v, int) else None,
)
def test_template_grid(template_doc, table, row, cells):
    t = template_doc.tables[table - 1]
    assert _shape(t.rows[row - 1]) == cells
    assert t.rows[row - 1][0].location == f"table {table}, row {row}, col 1"


def test_template_blocks_in_reading_order(template_doc):
    blocks = template_doc.blocks
    assert [len(t.rows) for t in template_doc.tables] == [14, 28, 4]
    assert blocks.index("二、主动公开政府信息情况") < blocks.index(template_doc.tables[0]) < blocks.index("三、收到和处理政府信息公开申请情况")
    assert "" not in template_doc.paragraphs and template_doc.format == "docx"


def test_blank_template_reads_as_blank_not_zero():
    """A template with no numbers gives blank cells, never zeros."""
    r = read_report(TEMPLATE, partial=True)
    assert len(r.data) == 200
    assert set(r.data["status"]) == {"blank"} and r.data["value"].isna().all()


@pytest.mark.parametrize(
    "p",
    [Perturbation(split_spans=True), Perturbation(wrap_labels=True), Perturbation(split_spans=True, wrap_labels=True)],
    ids=["runs", "paragraphs", "both"],
)
def test_labels_split_across_runs_and_paragraphs(p):
    spec = report_spec(3)
    data = render_docx(spec, p, seed=3)
    xml = docx_reader.document_xml(data, "r.docx").decode()
    doc = docx_reader.read(data, "r.docx")
    requests = doc.tables[1]
    labels = ["".join(c.text.split("\n")) for r in requests.rows for c in r[:-7] if not c.merged]
    assert "4.无正当理由大量反复申请" in labels and "三、本年度办理结果" in labels
    if p.split_spans:
        assert "<w:t xml:space=\"preserve\">反</w:t>" in xml  # really one run per character
    if p.wrap_labels:
        assert any("\n" in c.text for r in requests.rows for c in r)


def _docx(body_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + body_xml + "</w:body></w:document>",
        )
    return out.getvalue()


def test_grid_before_after_and_content_controls():
    """Rows that skip grid columns keep their value cells in place; sdt-wrapped cells are read."""
    tc = '<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
    body = (
        "<w:tbl>"
        f"<w:tr>{tc.format('a')}{tc.format('b')}{tc.format('c')}</w:tr>"
        f"<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{tc.format('x')}{tc.format('1')}</w:tr>"
        f"<w:tr><w:trPr><w:gridAfter w:val=\"1\"/></w:trPr>{tc.format('y')}{tc.format('2')}</w:tr>"
        f"<w:tr><w:sdt><w:sdtContent>{tc.format('z')}</w:sdtContent></w:sdt>{tc.format('3')}{tc.format('4')}</w:tr>"
        "</w:tbl><w:p><w:r><w:t>after</w:t><w:tab/><w:t>tab</w:t></w:r></w:p>"
    )
    doc = docx_reader.read(_docx(body), "t.docx")
    assert [[c.text for c in r] for r in doc.tables[0].rows] == [["a", "b", "c"], ["", "x", "1"], ["y", "2", ""], ["z", "3", "4"]]
    assert doc.paragraphs == ["after\ttab"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 50, "not a readable DOCX"),
        (_docx("<w:p>")[:-30], "not a readable DOCX"),
    ],
    ids=["not-a-zip", "truncated"],
)
def test_corrupt_docx(data, message):
    with pytest.raises(CorruptFileError, match=message) as info:
        docx_reader.read(data, "broken.docx")
    assert "broken.docx" in str(info.value)


def test_malformed_document_xml():
    with pytest.raises(CorruptFileError, match="not well-formed"):
        docx_reader.read(_docx("<w:p><w:r>"), "bad.docx")


# ------------------------------------------------------------------- legacy .doc / .wps


@pytest.fixture(scope="module")
def legacy_files():
    """The same synthetic report as DOCX and as Word 97 .doc (converted once)."""
    spec = report_spec(7, activity=30)
    data = render_docx(spec)
    return spec, data, convert({"r.docx": data}, "doc", "fixture")["r.docx"]


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_reads_like_docx(tmp_path, legacy_files, suffix):
    spec, docx_data, doc_data = legacy_files
    assert doc_data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2, as .doc and WPS files are
    path = tmp_path / f"report{suffix}"
    path.write_bytes(doc_data)
    got = legacy.read(doc_data, str(path))
    want = docx_reader.read(docx_data, "r.docx")
    assert [[_shape(r) for r in t.rows] for t in got.tables] == [[_shape(r) for r in t.rows] for t in want.tables]
    assert got.format == suffix[1:]
    report = read_report(path)
    cells = report.data.astype({"table": str, "row": str, "column": str})
    merged = spec.cells.merge(cells, on=["table", "row", "column"], suffixes=("_want", "_got"))
    assert len(merged) == 200 and (merged["raw_want"] == merged["raw_got"]).all()


def test_legacy_without_libreoffice_says_how_to_convert(tmp_path, monkeypatch):
    monkeypatch.delenv("TOOLKIT_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice here
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ConversionError) as info:
        read_report(path)
    text = str(info.value)
    assert "soffice --headless --convert-to docx old.doc" in text and str(path) in text and "\n" not in text


@needs_soffice
def test_legacy_garbage_is_refused_with_its_name(tmp_path):
    """Whatever LibreOffice makes of a broken OLE file, the result is a one-line toolkit error."""
    path = tmp_path / "junk.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 2048)
    with pytest.raises(ToolkitError) as info:
        read_report(path)
    assert str(path) in str(info.value)
