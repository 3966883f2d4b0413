"""PDF cells by geometry, on drawn rules and glyph boxes as producers lay them out.

The real cases are in the fixture tests (洪泽 2023: a WPS vertical label with blown-up
glyph boxes, a row left open by a page break) and the WPS-like drawings of
test_pdf_layouts.py (cell backgrounds only); these pin down each rule on its own.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from support import RAW, expected_cells

from toolkit import read_report
from toolkit.read.document import Cell, Document, Table
from toolkit.read.formats.page import Char, Seg, fill, find_grids
from toolkit.read.formats.pdf.stitch import Part, assemble
from toolkit.read.tables import map_document


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[list[Seg], list[Seg]]:
    return [Seg(y0, x0, x1), Seg(y1, x0, x1)], [Seg(x0, y0, y1), Seg(x1, y0, y1)]


def _grid(rows: list[list[float]], xs_of_row: list[list[float]]):
    """Rules of a table drawn cell by cell: row r spans rows[r] in y and has column edges xs_of_row[r]."""
    hs, vs = [], []
    for (y0, y1), xs in zip(rows, xs_of_row):
        for x0, x1 in zip(xs, xs[1:]):
            h, v = _box(x0, y0, x1, y1)
            hs += h
            vs += v
    return hs, vs


def _chars(text: str, x: float, y: float) -> list[Char]:
    return [Char(ch, x + 10 * i, y, x + 10 * (i + 1), y + 10) for i, ch in enumerate(text)]


def test_touching_tables_of_different_widths_have_no_blank_cell_beside_the_narrower():
    # A wide table (3 columns) with a narrower one (2 columns) printed right under it, touching.
    hs, vs = _grid([(0, 20), (20, 40), (40, 60), (60, 80)], [[0, 100, 200, 300], [0, 100, 200, 300], [0, 100, 150], [0, 100, 150]])
    [grid] = find_grids(hs, vs)
    chars = _chars("行政许可", 5, 65) + _chars("310", 105, 65) + _chars("正文", 250, 65)
    outside = fill(grid, chars)
    rows = {}
    for cell in grid.cells:
        rows.setdefault(cell.r0, []).append(cell.text)
    assert rows[3] == ["行政许可", "310"]  # not followed by a blank merged cell
    assert "".join(c.text for c in outside) == "正文"  # text beside the narrower table is no cell's


def test_row_left_open_by_a_page_break_is_closed_where_the_vertical_rules_end():
    # WPS: no rule under the last row of the page; the vertical rules run on to its bottom.
    hs = [Seg(0, 0, 300), Seg(20, 0, 300)]
    vs = [Seg(x, 0, 45) for x in (0, 100, 300)]
    [grid] = find_grids(hs, vs)
    assert [round(y) for y in grid.ys] == [0, 20, 45]
    # A rule overhanging by its own width is no row.
    [grid] = find_grids(hs, [Seg(x, -0.5, 21) for x in (0, 100, 300)])
    assert [round(y) for y in grid.ys] == [0, 20]


def test_glyph_strokes_touching_a_border_are_no_rules():
    # pdftocairo draws bold text as stroked outlines: the stroke of 一 starts on the cell's left border.
    hs = [Seg(0, 0, 300), Seg(20, 0, 300), Seg(40, 0, 300), Seg(9.5, 0.5, 10.5), Seg(11, 150, 158)]
    vs = [Seg(x, 0, 40) for x in (0, 100, 300)] + [Seg(154, 6, 14)]
    [grid] = find_grids(hs, vs)
    assert [round(y) for y in grid.ys] == [0, 20, 40] and [round(x) for x in grid.xs] == [0, 100, 300]


REDRAW = {
    "pdftocairo": lambda src, out: ["pdftocairo", "-pdf", str(src), str(out)],
    "gs": lambda src, out: ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(src)],
}


@pytest.mark.parametrize("stem", ["hongze-district-2023", "huaian-city-2024"])
@pytest.mark.parametrize("tool", list(REDRAW))
def test_real_wps_pdfs_redrawn_by_cairo_and_ghostscript_read_exact(tmp_path, tool, stem):
    """The same real pages drawn again: rules, cell backgrounds and bold text come out as other paths."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed; `make test` installs it (scripts/system-deps.sh)")
    out = tmp_path / f"{stem}-{tool}.pdf"
    subprocess.run(REDRAW[tool](RAW / f"{stem}.pdf", out), check=True, capture_output=True, timeout=300)
    report = read_report(out)
    got = report.data.astype({"table": str, "row": str, "column": str})
    want = expected_cells(stem)
    assert set(report.issues["code"]) <= {"label_by_position"}  # no row read twice, none missing
    merged = want.merge(got, on=["table", "row", "column"], how="left", suffixes=("_want", "_got"))
    assert len(got) == len(want)
    assert (merged["raw_want"] == merged["raw_got"]).all(), merged.loc[merged["raw_want"] != merged["raw_got"]]


def test_values_alone_on_the_new_page_keep_their_blanks():
    # Table 四's header ends page 1; its row of values, some blank, opens page 2.
    xs = [0, 50, 100, 150]
    head_h, head_v = _grid([(700, 720)], [xs])
    body_h, body_v = _grid([(50, 70)], [xs])
    [head] = find_grids(head_h, head_v)
    [body] = find_grids(body_h, body_v)
    fill(head, _chars("维持", 5, 705) + _chars("纠正", 55, 705) + _chars("总计", 105, 705))
    fill(body, _chars("3", 5, 55) + _chars("4", 105, 55))
    [table] = assemble([(1, [Part(1, head)]), (2, [Part(2, body)])])
    assert [[c.text for c in row] for row in table.rows] == [["维持", "纠正", "总计"], ["3", "", "4"]]


def _table(rows: list[list[str]], index: int) -> Table:
    return Table(rows=[[Cell(t, f"table {index}, row {r}, col {c}") for c, t in enumerate(row, 1)] for r, row in enumerate(rows, 1)], index=index)


def test_last_block_of_table_two_on_the_next_page_is_read():
    first = _table([["第二十条第（六）项"], ["信息内容", "本年处理决定数量"], ["行政处罚", "348"], ["行政强制", "436"], ["第二十条第（八）项"]], 1)
    rest = _table([["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "989.84"]], 2)
    mapping = map_document(Document(blocks=[first, rest], format="pdf"), "x.pdf")
    got = {(r, c): raw for r, c, raw in zip(mapping.row, mapping.column, mapping.raw)}
    assert got[("fees", "fee_amount")] == "989.84" and got[("penalty", "decisions")] == "348"
