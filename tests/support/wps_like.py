"""Reports drawn directly as PDF the way WPS exports them, for layouts LibreOffice does not print.

LibreOffice wraps a narrow merged cell's label one character per line, but the
characters then sit on the cell's own line pitch. The WPS exports of the
real reports print table 三's block and group labels (三、本年度办理结果, （三）不予公开) one
character per line *on the baselines of the row labels beside them*, in a
slightly larger font, so a character's box overlaps two wrapped lines of the
row label to its right. That is drawn here with PyMuPDF (a test extra, AGPL:
never imported by the toolkit): every table is laid out on a baseline grid
(rows without vertical padding, each row a whole number of lines), each
vertical label character is put on a row-label baseline, and, as WPS does, a
white box is filled behind every line of text.

Options reproduce the cases around it: a page break inside table 三 (its
vertical labels continue on the next page), the header repeated on the new
page, tables with or without rules, and landscape pages stored portrait with
``/Rotate 90``.
"""

from __future__ import annotations

from functools import cache

import pymupdf

from toolkit.synthetic.render import layout
from toolkit.synthetic.render.docx import _grid, _vertical_columns, _widths
from toolkit.synthetic.values import ReportSpec

# A TrueType CJK font (fonts-wqy-microhei): PyMuPDF subsets TrueType; Noto's CFF collection it embeds whole (14 MB a file).
FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SIZE = 10.5  # body and cell text
PITCH = 13.0  # baseline to baseline, in the text and in every table row
VSIZE = 12.0  # vertical labels: a larger font, as in the WPS exports
A4 = (595.0, 842.0)
MARGIN = 54.0


@cache
def _font() -> pymupdf.Font:
    return pymupdf.Font(fontfile=FONT_FILE)


def _wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """Greedy wrap by measured width (Chinese wraps anywhere)."""
    lines, cur = [], ""
    for ch in text:
        if cur and _font().text_length(cur + ch, size) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    return [*lines, cur] if cur or not lines else lines


class _Writer:
    def __init__(self, doc: pymupdf.Document, ruled: bool, size: tuple[float, float], rotate: bool, tiles: bool = False):
        self.doc, self.ruled, self.size, self.rotate, self.tiles = doc, ruled, size, rotate, tiles
        self.page: pymupdf.Page | None = None
        self.y = 0.0
        self.number = 0
        self.new_page()

    def new_page(self) -> None:
        w, h = self.size
        self.page = self.doc.new_page(width=w, height=h)
        self.page.insert_font(fontname="cjk", fontfile=FONT_FILE)
        self.number += 1
        self.y = MARGIN
        footer = f"- {self.number} -"
        self.text(w / 2 - _font().text_length(footer, 9) / 2, h - 24, footer, 9)

    def text(self, x: float, baseline: float, s: str, size: float = SIZE) -> None:
        # WPS fills a white box behind every line of text (not a rule: filled, no stroke).
        width = _font().text_length(s, size)
        self.page.draw_rect(pymupdf.Rect(x, baseline - size, x + width, baseline + 0.25 * size), color=None, fill=(1, 1, 1))
        self.page.insert_text((x, baseline), s, fontsize=size, fontname="cjk")

    def paragraph(self, s: str, indent: bool = True) -> None:
        w, h = self.size
        for _k, line in enumerate(_wrap(("\u3000\u3000" if indent else "") + s, w - 2 * MARGIN)):
            if self.y + PITCH > h - MARGIN:
                self.new_page()
            self.text(MARGIN, self.y + PITCH - 3, line)
            self.y += PITCH

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        if self.ruled:
            self.page.draw_line((x0, y0), (x1, y1), color=(0, 0, 0), width=0.5)


def _table(wr: _Writer, table: list[list[layout.RCell]], vertical: bool, header_rows: int,
           break_after: int | None, repeat_header: bool) -> None:
    """Draw one table on the baseline grid; ``break_after`` rows then a page break (header repeated)."""
    width, placed = _grid(table)
    narrow = _vertical_columns(placed) if vertical else set()
    twips = _widths(width, placed, narrow)
    scale = (wr.size[0] - 2 * MARGIN) / sum(twips)
    xs = [MARGIN]
    for t in twips:
        xs.append(xs[-1] + t * scale)
    lines: dict[int, list[str]] = {}
    for row in placed:
        for cell, col, cont in row:
            if not cont and id(cell) not in lines:
                w = xs[col + cell.colspan] - xs[col] - 4
                lines[id(cell)] = list(cell.text) if col in narrow and cell.rowspan > 1 else _wrap(cell.text.replace("\n", ""), w)
    # Row heights in whole lines: the tallest one-row cell; a spanning cell's lines go to its last row.
    n = len(placed)
    height = [1] * n
    for r, row in enumerate(placed):
        for cell, _col, cont in row:
            if not cont and cell.rowspan == 1:
                height[r] = max(height[r], len(lines[id(cell)]))
    for r, row in enumerate(placed):
        for cell, _col, cont in row:
            if not cont and cell.rowspan > 1:
                last = r + cell.rowspan - 1
                short = len(lines[id(cell)]) - sum(height[r : last + 1])
                if short > 0:  # vertical labels too: every character gets a row-label line
                    height[last] += short
    # Page breaks: where the next row does not fit, and after ``break_after`` rows.
    limit = wr.size[1] - 40
    pieces, start, y = [], 0, wr.y
    for r in range(n):
        if r > max(start, header_rows - 1) and (r == break_after or y + height[r] * PITCH > limit):
            pieces.append((start, r))
            start, y = r, MARGIN + (sum(height[:header_rows]) * PITCH if repeat_header else 0)
        y += height[r] * PITCH
    pieces.append((start, n))
    vertical_left: dict[int, list[str]] = {}  # a vertical label cut by the page break: its remaining characters
    for p, (start, stop) in enumerate(pieces):
        rows = list(range(start, stop))
        if p > 0:
            wr.new_page()
            if repeat_header:
                rows = list(range(header_rows)) + rows
        top = wr.y
        ys = {}
        y = top
        for r in rows:
            ys[r] = y
            y += height[r] * PITCH
        bottom = y
        drawn: set[int] = set()
        for r in rows:
            for cell, col, cont in placed[r]:
                if id(cell) in drawn:
                    continue
                # The cell's rows within this piece.
                span = [k for k in rows if any(c is cell for c, _, _ in placed[k])]
                if not span:
                    continue
                drawn.add(id(cell))
                x0, x1 = xs[col], xs[col + cell.colspan]
                y0 = ys[span[0]]
                y1 = ys[span[-1]] + height[span[-1]] * PITCH
                if wr.tiles:  # the cell's background box, a hair inside its borders, as WPS paints it
                    wr.page.draw_rect(pymupdf.Rect(x0 + 0.15, y0 + 0.15, x1 - 0.15, y1 - 0.15), color=None, fill=(1, 1, 1))
                wr.line(x0, y0, x1, y0)
                wr.line(x0, y1, x1, y1)
                wr.line(x0, y0, x0, y1)
                wr.line(x1, y0, x1, y1)
                if cont and id(cell) not in vertical_left:
                    continue  # text printed on the earlier page
                text = vertical_left.pop(id(cell), None) or lines[id(cell)]
                nlines = int(round((y1 - y0) / PITCH))
                if col in narrow and cell.rowspan > 1:
                    # One character per line, on the row labels' baselines, from the top.
                    for k, ch in enumerate(text[:nlines]):
                        cw = _font().text_length(ch, VSIZE)
                        wr.text((x0 + x1) / 2 - cw / 2, y0 + (k + 1) * PITCH - 3, ch, VSIZE)
                    if len(text) > nlines:
                        vertical_left[id(cell)] = text[nlines:]
                    continue
                offset = max(0, (nlines - len(text)) // 2)  # centred, snapped to the baseline grid
                for k, s in enumerate(text):
                    cw = _font().text_length(s, SIZE)
                    wr.text((x0 + x1) / 2 - cw / 2, y0 + (offset + k + 1) * PITCH - 3, s)
        wr.y = bottom + PITCH


def draw_report(spec: ReportSpec, *, ruled: bool = True, vertical: bool = True, break_after: int | None = None,
                repeat_header: bool = False, landscape: bool = False, tiles: bool = False) -> bytes:
    """The report drawn as a WPS-like PDF.

    Args:
        ruled: draw the table rules.
        vertical: table 三's block and group labels one character per line on the row labels' baselines.
        break_after: rows of table 三 on its first page (a page break inside its block label).
        repeat_header: repeat table 三's three header rows after the break.
        landscape: landscape pages, stored as portrait pages turned by ``/Rotate 90`` (content drawn rotated).
        tiles: paint every table cell's background as a filled box (with ``ruled=False``: cells known only by them).
    """
    doc = pymupdf.open()
    size = (A4[1], A4[0]) if landscape else A4
    wr = _Writer(doc, ruled, size, landscape, tiles)
    wr.paragraph(layout.title(spec), indent=False)
    tables = {"proactive": layout.proactive(spec), "requests": [layout.requests(spec)], "review_litigation": layout.review(spec)}
    for key, (heading, text) in zip(["overview", *tables, "problems", "other"], layout.sections(spec)):
        if key == "requests":
            wr.new_page()
        wr.paragraph(heading, indent=False)
        if text:
            wr.paragraph(text)
        for t in tables.get(key, []):
            _table(wr, t, vertical and key == "requests", 3, break_after if key == "requests" else None,
                   repeat_header and key == "requests")
    wr.paragraph(spec.agency, indent=False)
    wr.paragraph(spec.sign_off_date or "", indent=False)
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return rotate_pages(data) if landscape else data


def rotate_pages(pdf: bytes) -> bytes:
    """Store every page as a portrait page turned by ``/Rotate 90``: it looks the same.

    The page's MediaBox is swapped and its content turned a quarter turn
    anticlockwise (``0 1 -1 0 H 0 cm``), which ``/Rotate 90`` turns back when
    the page is shown, as WPS stores landscape sections.
    """
    doc = pymupdf.open(stream=pdf)
    for page in doc:
        w, h = page.rect.width, page.rect.height
        xref = page.xref
        contents = page.get_contents()
        body = b"".join(doc.xref_stream(c) for c in contents)
        stream = f"q 0 1 -1 0 {h:g} 0 cm\n".encode() + body + b"\nQ"
        doc.update_stream(contents[0], stream)
        for c in contents[1:]:
            doc.update_stream(c, b"")
        doc.xref_set_key(xref, "MediaBox", f"[0 0 {h:g} {w:g}]")
        doc.xref_set_key(xref, "CropBox", "null")
        doc.xref_set_key(xref, "Rotate", "90")
    out = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return out
