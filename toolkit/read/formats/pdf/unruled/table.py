"""An unruled table being read, and its rebuilt rows: header row(s), then one row per leaf label."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.read.document import Cell, Table, location
from toolkit.read.formats.page import Line, cell_text, group_lines
from toolkit.read.formats.pdf.unruled.frags import FINE_GAPS, GAP, Frag, fragments, make_frag
from toolkit.read.formats.pdf.unruled.header import Header
from toolkit.read.formats.pdf.unruled.labels import LabelCell, label_cells, rejoin, row_of, span_rows
from toolkit.read.formats.pdf.unruled.numbers import cut_runs

_SEPARATOR = re.compile(r"^[,，.．]")


@dataclass
class Unruled:
    """An unruled table being read: its header and its lines (y shifted below earlier pages')."""

    header: Header
    page: int
    h: float
    lines: list[tuple[Line, int]] = field(default_factory=list)
    header_lines: list[tuple[Line, int]] = field(default_factory=list)
    offset: float = 0.0  # added to the y of the current page's lines
    footer: re.Pattern[str] | None = None  # page numbers: furniture, not rows
    open: bool = False  # ran to the bottom of its last page

    @property
    def y0(self) -> float:
        return self.header.top

    def to_table(self, index: int) -> Table:
        return to_table(self, index)


def to_table(t: Unruled, index: int) -> Table:
    """The rebuilt rows: header row(s), then one row per leaf label; blank value cells kept."""
    hd, h = t.header, t.h
    left = hd.value_left
    n = len(hd.columns)
    label_frags: list[Frag] = []
    values: list[Frag] = []  # value tokens
    for ln, page in t.lines:
        label_chars = [c for c in ln.chars if c.cx < left]
        value_chars = [c for c in ln.chars if c.cx >= left]
        if label_chars:
            label_frags += rejoin(fragments(Line(label_chars, 0, 0, 0, 0), page, GAP * h), h, hd.kind)
        if value_chars:
            values += [piece for f in fragments(Line(value_chars, 0, 0, 0, 0), page, GAP * h) for piece in _by_band(f, hd, h)]
    cells = label_cells(label_frags, h, hd.kind)
    leaves = sorted((c for c in cells if c.leaf), key=lambda c: c.y0)
    if not leaves:
        # Table 四: numbers and no label. Lines of numbers that touch (numbers wrapped
        # in narrow cells) are one row; a header with nothing under it, one blank row.
        leaves = []
        for ln in group_lines([c for v in values for c in v.chars]):
            if leaves and ln.y0 - leaves[-1].y1 <= 0.9 * h:
                leaves[-1].frags.append(make_frag(ln.chars, values[0].page))
            else:
                leaves.append(LabelCell([make_frag(ln.chars, values[0].page)]))
        if not leaves:
            leaves = [LabelCell([Frag([], 0.0, hd.bottom, 0.0, hd.bottom, t.page)])]
    spans = [c for c in cells if not c.leaf]
    slots: list[list[list[Frag]]] = [[[] for _ in range(n)] for _ in leaves]
    # A number beside a leaf label is in its row; one outside every label is the
    # wrapped rest of the number right above it in its column, else in the nearest row.
    placed: list[list] = []  # [token, row, band, beside its row's label]
    for v in sorted(values, key=lambda v: v.y0):
        r, beside = row_of(v, leaves, h, placed)
        if r is None:
            break
        placed.append([v, r, hd.band(v.x0, v.x1), beside])
    cut = cut_runs(placed, leaves, n, h) if any(leaf is c for c in cells for leaf in leaves[:1]) else set()
    # A piece starting with a separator (",840" under "3") is the rest of the number
    # right above it: both go to the row of whichever piece sits beside a label.
    for low in placed:
        if id(low) in cut or not _SEPARATOR.match(low[0].text):
            continue
        ups = [up for up in placed if up[2] == low[2] and 0 <= low[0].y0 - up[0].y1 <= 0.9 * h]
        if ups:
            up = max(ups, key=lambda u: u[0].y1)
            if low[3] and not up[3]:
                up[1] = low[1]
            else:
                low[1] = up[1]
    for v, r, b, _ in placed:
        slots[r][b].append(v)
    for row in slots:
        for cell in row:
            cell.sort(key=lambda v: (v.y0, v.x0))
    covering: list[list[tuple[LabelCell, bool]]] = [[] for _ in leaves]
    for s in spans:
        for j, k in enumerate(span_rows(s, leaves, h, hd.kind)):
            covering[k].append((s, j == 0))
    width = max([len(c) + 1 for c in covering] + [1])
    out: list[list[Cell]] = []
    # Header: other header text, then the leaf column labels over the value columns.
    first_page = t.header_lines[0][1] if t.header_lines else t.page
    r = 1
    wide = sorted(hd.wide, key=lambda f: (f.x0, f.y0))
    if hd.caption:
        out.append([Cell(hd.caption, location(index, r, 1, first_page), span=width + n)])
        r += 1
    if wide:
        out.append([Cell(f.text, location(index, r, k + 1, first_page)) for k, f in enumerate(wide)])
        r += 1
    out.append([Cell(hd.content, location(index, r, 1, first_page), span=width)]
               + [Cell(_column_text(t, k), location(index, r, width + k + 1, first_page)) for k in range(n)])
    for k, leaf in enumerate(leaves):
        r += 1
        page = leaf.frags[0].page
        row: list[Cell] = []
        for s, first in sorted(covering[k], key=lambda sf: sf[0].x0):
            row.append(Cell(s.text, location(index, r, len(row) + 1, s.frags[0].page), merged=not first))
        row.append(Cell(leaf.text if any(leaf is c for c in cells) else "", location(index, r, len(row) + 1, page), span=width - len(row)))
        for b in range(n):
            tokens = slots[k][b]
            where = tokens[0].page if tokens else page
            chars = [c for v in tokens for c in v.chars]
            # A box only on the table's first page: later pages' lines are shifted below it (_shift).
            box = (min(c.x0 for c in chars), min(c.y0 for c in chars), max(c.x1 for c in chars),
                   max(c.y1 for c in chars)) if chars and where == t.page else None
            row.append(Cell(cell_text(chars), location(index, r, width + b + 1, where), box=box))
        out.append(row)
    return Table(rows=out, index=index, page=first_page)


def _by_band(f: Frag, header: Header, h: float) -> list[Frag]:
    """A value token cut where a thin space parts two columns' text.

    Cells without padding (a CMS table printed by a browser) put two numbers
    a point or two apart ("4525 62441" reads as one token); the characters of
    one number touch (their boxes span their advances), so a space between
    them that is also a boundary between column bands parts two cells.
    """
    cs, out, start = f.chars, [], 0
    for i in range(1, len(cs)):
        if (cs[i].x0 - cs[i - 1].x1 > FINE_GAPS[-1] * h
                and header.band(cs[start].x0, cs[i - 1].x1) != header.band(cs[i].x0, cs[-1].x1)):
            out.append(make_frag(cs[start:i], f.page))
            start = i
    out.append(make_frag(cs[start:], f.page) if start else f)
    return out


def _column_text(t: Unruled, k: int) -> str:
    return t.header.columns[k][4]
