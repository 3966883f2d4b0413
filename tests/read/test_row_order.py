"""Row labels a pattern misses (a typo, a dropped or stray character) read by the template's row order.

The real case is the 洪泽区 2023 report's ``2.其他法律行政止公开`` (tests/read/test_fixtures.py);
here the same is shown for every reader, and that an unclear label is left unread, never guessed.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from toolkit import read_report
from toolkit.read.document import Cell, Document, Table
from toolkit.read.row_order import align, similarity
from toolkit.read.tables import map_document
from toolkit.synthetic.render.docx import render_docx
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.render.text import render_text
from toolkit.synthetic.values import report_spec

HEADER = [["", "申请人情况"], ["", "自然人", "法人或其他组织", "总计"], ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]


def _table(rows: list[list[str]]) -> Table:
    return Table(rows=[[Cell(t, f"table 1, row {r}, col {c}") for c, t in enumerate(row, 1)] for r, row in enumerate(rows, 1)], index=1)


def _map(body: list[list[str]]):
    return map_document(Document(blocks=[_table(HEADER + body)], format="html"), "x.html")


def _row(label: str, first: int) -> list[str]:
    return ["", label, str(first), "0", "0", "0", "0", "0", str(first)]


def _rows_of(mapping) -> dict[str, str]:
    return {r: raw for r, c, raw in zip(mapping.row, mapping.column, mapping.raw) if c == "natural_person"}


def test_typo_label_read_by_position_and_noted():
    m = _map([_row("1.属于国家秘密", 1), _row("2.其他法律行政止公开", 2), _row("3.危及“三安全一稳定”", 3)])
    assert _rows_of(m) == {"withheld_state_secret": "1", "withheld_law_prohibited": "2", "withheld_security_stability": "3"}
    notes = [i for i in m.issues if i["code"] == "label_by_position"]
    assert [i["message"] for i in notes] == ["label read as withheld_law_prohibited by position: '2.其他法律行政止公开'"]
    assert notes[0]["location"] == "table 1, row 5, col 2"


def test_label_fitting_two_rows_equally_is_missing_not_guessed():
    # "属于行政" resembles 7.属于行政执法案卷 and 8.属于行政查询事项 alike, and both are free.
    m = _map([_row("6.属于四类过程性信息", 6), _row("7.属于行政", 7), _row("1.本机关不掌握相关政府信息", 9)])
    rows = _rows_of(m)
    assert "withheld_enforcement_file" not in rows and "withheld_admin_query" not in rows
    assert rows == {"withheld_process_info": "6", "unable_not_held": "9"}
    assert any(i["code"] == "unknown_row" and "属于行政" in i["message"] for i in m.issues)


def test_same_label_read_when_its_position_leaves_one_row():
    m = _map([_row("6.属于四类过程性信息", 6), _row("7.属于行政", 7), _row("8.属于行政查询事项", 8)])
    assert _rows_of(m)["withheld_enforcement_file"] == "7"


def test_stray_line_is_never_taken_for_a_row():
    # Between two found rows with a free row between them, a line unlike it stays unread.
    m = _map([_row("1.属于国家秘密", 1), _row("其中：网上申请", 5), _row("3.危及“三安全一稳定”", 3)])
    assert "withheld_law_prohibited" not in _rows_of(m)
    assert any(i["code"] == "unknown_row" for i in m.issues)


def test_labels_keep_template_order():
    order = ("a", "b", "c", "d", "e")
    official = {"a": "予以公开", "b": "属于国家秘密", "c": "保护第三方合法权益", "d": "属于行政查询事项", "e": "总计"}
    # Two unread labels in one gap take rows in order, one each; one out of order is left out.
    assert align(["a", None, None, "e"], ["", "属于国家秘", "属于行政查询", ""], order, official) == {1: "b", 2: "d"}
    assert align(["a", None, None, "e"], ["", "属于行政查询", "属于国家秘", ""], order, official) == {1: "d"}
    # Nothing free between the anchors: nothing placed.
    assert align(["a", "b", None, "c"], ["", "", "属于国家秘", ""], order, official) == {}


def test_similarity_tolerates_one_character():
    assert similarity("重复申", "重复申请") > 0.8
    assert similarity("重复甲请", "重复申请") == 0.75
    assert similarity("", "重复申请") == 0.0


# Typos as a producer might print them: a dropped run, a changed character (tables 二 and 三).
TYPOS = {"行政处罚": "行政处理", "2.其他法律行政法规禁止公开": "2.其他法律行政止公开", "4.无正当理由大量反复申请": "4.无正当理由大重反复申请"}


def _docx_with(data: bytes, swap) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, swap(body) if item.filename == "word/document.xml" else body)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["html", "txt", "docx"])
def test_every_reader_reads_typo_labels_by_position(tmp_path, fmt):
    spec = report_spec(np.random.default_rng(7), templates="2021", year=2023, activity=40.0)

    def swap(data: bytes) -> bytes:
        for right, wrong in TYPOS.items():
            assert data.count(right.encode()) == 1, right
            data = data.replace(right.encode(), wrong.encode())
        return data

    data = {"html": lambda: swap(render_html(spec)), "txt": lambda: swap(render_text(spec)),
            "docx": lambda: _docx_with(render_docx(spec), swap)}[fmt]()
    path = tmp_path / f"r.{fmt}"
    path.write_bytes(data)
    report = read_report(path)
    got = report.data.astype({"table": str, "row": str, "column": str}).set_index(["table", "row", "column"])["value"]
    want = spec.cells.astype({"table": str, "row": str, "column": str}).set_index(["table", "row", "column"])["value"]
    assert len(got) == len(want)
    assert (got.reindex(want.index).astype(float) == want.astype(float)).all()
    notes = report.issues[report.issues["code"] == "label_by_position"]["message"].tolist()
    assert notes == ["label read as penalty by position: '行政处理'",
                     f"label read as withheld_law_prohibited by position: {TYPOS['2.其他法律行政法规禁止公开']!r}",
                     f"label read as notproc_mass_repeat by position: {TYPOS['4.无正当理由大量反复申请']!r}"]
