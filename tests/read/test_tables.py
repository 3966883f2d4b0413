"""Table layouts seen in real reports (docs/format.md §6.5), mapped by labels and positions."""

from __future__ import annotations

import pytest

from toolkit.errors import LayoutError
from toolkit.read.document import Cell, Document, Table
from toolkit.read.tables import map_document


def _table(rows: list[list[str]], index: int = 1) -> Table:
    return Table(rows=[[Cell(t, f"table {index}, row {r}, col {c}") for c, t in enumerate(row, 1)] for r, row in enumerate(rows, 1)], index=index)


def _cells(mapping) -> dict:
    return {(c.table, c.row, c.column): c.raw for c in mapping.cells}


REVIEW_HEADER = [["行政复议", "行政诉讼"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]]


def test_review_header_split_over_two_rows():
    # Wendeng flipbook: each header label printed half in one row, half in the next.
    halves = [["结果", "结果", "其他", "尚未", "总"] * 3, ["维持", "纠正", "结果", "审结", "计"] * 3]
    values = [str(v) for v in range(1, 16)]
    doc = Document(blocks=[_table([["行政复议", "未经复议直接起诉", "复议后起诉"], *halves, values])], format="pdf")
    cells = _cells(map_document(doc, "x.pdf"))
    assert cells[("review_litigation", "reconsideration", "upheld")] == "1"
    assert cells[("review_litigation", "litigation_direct", "pending")] == "9"
    assert cells[("review_litigation", "litigation_after_reconsideration", "total")] == "15"


def test_review_as_three_tables_of_five():
    cols = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    tables = [_table([[name], cols, [str(10 * i + j) for j in range(5)]], i + 1) for i, name in enumerate(["行政复议", "未经复议直接起诉", "复议后起诉"])]
    cells = _cells(map_document(Document(blocks=tables, format="html"), "x.html"))
    assert cells[("review_litigation", "litigation_direct", "upheld")] == "10"
    assert cells[("review_litigation", "litigation_after_reconsideration", "total")] == "24"


def test_requests_row_with_dropped_blank_cells_is_refused():
    # Yueyang Nanhu: a flattened page drops empty cells, so values shift left.
    header = [["申请人情况"], ["自然人", "法人或其他组织", "总计"], ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    rows = header + [["一、本年新收政府信息公开申请数量", "3", "3"]]
    with pytest.raises(LayoutError, match="cannot be aligned"):
        map_document(Document(blocks=[_table(rows)], format="html"), "nanhu.html")


def test_truncated_other_group_label_beside_its_other_row():
    # （六）其他处理 truncated to （六）其他 beside the sub-row 3.其他: both say 其他, yet it is a data row.
    header = [["", "申请人情况"], ["", "自然人", "法人或其他组织", "总计"], ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    zeros = ["0"] * 7
    rows = header + [
        ["一、本年新收政府信息公开申请数量", *zeros],
        ["", "（六）其他", "1.申请人无正当理由逾期不补正", *zeros],
        ["", "", "3 .其他", "1", "0", "0", "0", "0", "0", "1"],
    ]
    cells = _cells(map_document(Document(blocks=[_table(rows)], format="text"), "x.txt"))
    assert cells[("requests", "other_other", "natural_person")] == "1"
    assert ("requests", "other_total", "total") not in cells


def test_review_three_blocks_run_together_into_one_table():
    # Three 5-column tables with nothing between them are one table to Word/LibreOffice.
    cols = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = []
    for i, name in enumerate(["行政复议", "未经复议直接起诉", "复议后起诉"]):
        rows += [[name], cols, [str(10 * i + j) if j else "" for j in range(5)]]
    cells = _cells(map_document(Document(blocks=[_table(rows)], format="pdf"), "x.pdf"))
    assert cells[("review_litigation", "reconsideration", "upheld")] == ""
    assert cells[("review_litigation", "litigation_direct", "corrected")] == "11"
    assert cells[("review_litigation", "litigation_after_reconsideration", "total")] == "24"


def test_row_label_cut_at_a_page_break_is_rejoined():
    # A PDF page break cut "3.其他" after its number: values beside "3.", the rest of the label below.
    header = [["", "申请人情况"], ["", "自然人", "法人或其他组织", "总计"], ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    rows = header + [
        ["", "（六）其他处理", "1.申请人无正当理由逾期不补正", *["0"] * 7],
        ["", "（六）其他处理", "3.", "", "0", "—", "", "1", "", "1"],
        ["", "（六）其他处理", "其他", *[""] * 7],
        ["", "（七）总计", *["1"] * 7],
    ]
    mapping = map_document(Document(blocks=[_table(rows)], format="pdf"), "x.pdf")
    cells = _cells(mapping)
    assert cells[("requests", "other_other", "org_legal_service")] == "1"
    assert cells[("requests", "other_other", "total")] == "1"
    assert not [i for i in mapping.issues if i["code"] in ("unknown_row", "duplicate_row")]
