"""A value next to its source: ``toolkit show`` and ``Report.source_image`` (toolkit.read.source).

The picture of the real 洪泽 2023 PDF is read back with the project's own OCR: the
number inside the drawn box must be the printed one.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from support import FIXTURES, RAW, ROOT
from support.gaps import row_removed

from toolkit import read_report
from toolkit.read.source import CellNotFoundError, page_image

HONGZE = FIXTURES / "hongze-district-2023.pdf"
MARK = np.array([213, 94, 0])  # the box colour (Okabe–Ito vermillion)


def run(*args):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=ROOT)


def _marked(img: Image.Image) -> tuple[int, int, int, int]:
    px = np.asarray(img.convert("RGB")).astype(int)
    ys, xs = np.nonzero(np.abs(px - MARK).sum(axis=2) < 40)
    assert len(xs), "no box drawn"
    return xs.min(), ys.min(), xs.max(), ys.max()


def test_show_hongze_writes_a_png_whose_boxed_number_reads_back_by_ocr(tmp_path):
    pytest.importorskip("rapidocr_onnxruntime")
    from toolkit.read.formats import ocr

    out = tmp_path / "cell.png"
    proc = run("show", str(HONGZE), "--cell", "requests/new_received/total", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "▶21◀" in proc.stdout and "一、本年新收政府信息公开申请数量" in proc.stdout
    assert "table 2, row 4, col 10, page 3" in proc.stdout
    img = Image.open(out)
    x0, y0, x1, y1 = _marked(img)
    # At least 150 dpi: the 总计 cell is 33 pt wide on the page, so ≥ 69 px here.
    assert x1 - x0 >= 33 * 150 / 72
    page = ocr.read_picture(np.asarray(img.convert("L")), str(out), points_per_pixel=1.0)
    text = "".join(c.text for c in page.chars)
    assert "总计" in text and "本年新收" in text  # the column header and the row label are in the picture
    inside = sorted((c for c in page.chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and y0 <= (c.y0 + c.y1) / 2 <= y1),
                    key=lambda c: c.x0)
    assert "".join(c.text for c in inside) == "21"


def test_source_image_of_a_row_on_the_next_page_carries_the_header():
    r = read_report(HONGZE)
    src = r.source("requests", "carried_forward", "total")
    assert src.page == 4 and src.cell.text == "0" and src.header  # header from table 三's first page
    img = r.source_image("requests", "carried_forward", "total")
    row_only = page_image(type(src)(**{**src.__dict__, "header": []}))
    assert img.height > row_only.height + 150
    _marked(img)


@pytest.mark.parametrize("key, problem, lost", [
    ("requests/nonsense/total", "unknown row 'nonsense'", False),
    ("requests/new_received", "TABLE/ROW/COLUMN", False),
    ("requests/partly_disclosed/total", "was not read (status missing)", True),  # a row the reader cannot place
])
def test_show_refuses_an_unknown_key_or_a_cell_the_report_lacks(key, problem, lost, tmp_path):
    source = row_removed(tmp_path) if lost else HONGZE
    proc = run("show", str(source), "--cell", key, "-o", str(tmp_path / "x.png"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and problem in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.png").exists()


def test_show_html_prints_the_row_and_draws_it(tmp_path):
    out = tmp_path / "row.png"
    proc = run("show", str(RAW / "pingtan-zone-2023.html"), "--cell", "requests/new_received/total", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    head, row = proc.stdout.strip().splitlines()
    assert "table 2, row 4, col 10" in head
    assert row == "一、本年新收政府信息公开申请数量 | 80 | 1 | 0 | 0 | 0 | 0 | ▶81◀"
    img = Image.open(out)
    x0, _, x1, _ = _marked(img)
    assert x0 > img.width * 0.7  # the last cell, 总计, is the marked one


def test_report_source_image_of_an_html_cell_is_a_one_line_error():
    r = read_report(RAW / "pingtan-zone-2023.html")
    with pytest.raises(CellNotFoundError, match="has no place on a page"):
        r.source_image("requests", "new_received", "total")
