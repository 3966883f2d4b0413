"""Positioned text on a page → lines of text and ruled table grids (no PDF library in here).

What the PDF reader takes from a text layer and OCR from a picture is the
same: characters with boxes (:class:`Char`) and axis-parallel rules
(:class:`Seg`). Both build lines and tables with this module, so OCR needs
nothing from the PDF reader.

Coordinates are PDF points with y growing downwards (top of page = 0), so
"above" means a smaller y everywhere in the PDF reader.

A ruled table is found from its border segments, not from the text: the x
positions of vertical rules and the y positions of horizontal rules make a
grid; a grid cell whose right (bottom) border is missing is merged with its
neighbour, which turns WPS/Word/LibreOffice's colspan and rowspan cells back
into single cells. Text is then dropped into the cell that contains each
character's centre, so wrapped labels, labels printed one character per line
and numbers printed beside the middle line of a label all land in one cell.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter

# Rules closer than this (points) are one rule: double borders, 0.5 pt rounding.
SNAP = 2.0
# A grid needs at least this many rules each way to be a table (2 × 2 = one box).
MIN_RULES = 2
# Vertical rules running this far (points) past the last horizontal rule close an open row.
OPEN_ROW = 6.0


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Seg:
    """An axis-parallel rule: horizontal at ``pos`` from ``lo`` to ``hi`` on x, or vertical on y."""

    pos: float
    lo: float
    hi: float


@dataclass(slots=True)
class Line:
    chars: list[Char]
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def text(self) -> str:
        return join_chars(self.chars)


@dataclass(slots=True)
class GridCell:
    """One merged cell of a ruled table: grid rows r0..r1 and columns c0..c1 (inclusive)."""

    r0: int
    c0: int
    r1: int
    c1: int
    x0: float
    y0: float
    x1: float
    y1: float
    chars: list[Char] = field(default_factory=list)
    text: str = ""  # set by fill(); stitching may extend it
    # When a page break cuts a merged cell in two, the lower half points at the upper one.
    continues: GridCell | None = None

    def root(self) -> GridCell:
        cell = self
        while cell.continues is not None:
            cell = cell.continues
        return cell


@dataclass(slots=True)
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    cells: list[GridCell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, ch: Char) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= ch.cx <= x1 and y0 <= ch.cy <= y1


# Compatibility ideographs and Kangxi / CJK radicals some PDF fonts map glyphs to
# (⼀⼆⾃⼈ instead of 一二自人); NFKC maps them to the ordinary characters. We apply
# it to these blocks only, so full-width punctuation stays as printed.
_COMPAT = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")


def fold_compat(text: str) -> str:
    """NFKC for radical and compatibility glyphs only.

    Examples:
        >>> fold_compat("⼀、本年新收（⾃然⼈）")
        '一、本年新收（自然人）'
    """
    return _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def group_lines(chars: list[Char]) -> list[Line]:
    """Group characters into text lines: same line when their vertical extents mostly overlap."""
    lines: list[Line] = []
    for ch in sorted(chars, key=lambda c: ((c.y0 + c.y1) / 2, c.x0)):  # (cy, x0), the property inlined
        cy0, cy1 = ch.y0, ch.y1
        height = cy1 - cy0 if cy1 - cy0 > 1.0 else 1.0
        for line in reversed(lines[-4:]):  # only recent lines can still overlap
            ly0, ly1 = line.y0, line.y1
            overlap = (ly1 if ly1 < cy1 else cy1) - (ly0 if ly0 > cy0 else cy0)
            lh = ly1 - ly0 or height
            if overlap > 0.5 * (height if height < lh else lh):
                line.chars.append(ch)
                if ch.x0 < line.x0:
                    line.x0 = ch.x0
                if ch.x1 > line.x1:
                    line.x1 = ch.x1
                if cy0 < ly0:
                    line.y0 = cy0
                if cy1 > ly1:
                    line.y1 = cy1
                break
        else:
            lines.append(Line([ch], ch.x0, ch.y0, ch.x1, ch.y1))
    by_x0 = attrgetter("x0")
    for line in lines:
        line.chars.sort(key=by_x0)
    lines.sort(key=attrgetter("y0", "x0"))
    return lines


def join_chars(chars: list[Char]) -> str:
    """Characters of one line, left to right.

    A space is put between two Latin letters or digits with a visible gap: Chinese
    text has no spaces, and justified Chinese lines spread their glyphs apart, so
    smaller gaps next to a Han character or full-width punctuation mean nothing. A
    gap of three glyphs or more is a space whatever the characters: it parts two
    things printed side by side (a page printed from a CMS puts its navigation
    column on the title's line, and its footer on the date's).
    """
    if not chars:
        return ""
    prev = chars[0]
    out = [prev.text]
    for ch in chars[1:]:
        gap = ch.x0 - prev.x1
        if gap > 0.25:  # most glyphs touch: the size is looked at only past the smallest threshold (size >= 1)
            size = ch.y1 - ch.y0
            if size < 1.0:
                size = 1.0
            if gap > 0.25 * size and (gap > 3 * size or (prev.text.isascii() and prev.text.isalnum()
                                                         and ch.text.isascii() and ch.text.isalnum())):
                out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


def cell_text(chars: list[Char]) -> str:
    """A cell's text: lines top to bottom, joined without a separator.

    Lines inside a cell are soft wraps, so Chinese labels and long numbers join
    without a space ("只计这一情" + "形，不计其他情形）"); a label printed one
    character per line becomes one word. Only two Latin letters meeting at a
    wrap get a space.
    """
    if len(chars) < 2:  # most cells of a table: one digit, or blank
        return chars[0].text.strip() if chars else ""
    text = ""
    for line in group_lines(chars):
        part = line.text.strip()
        if text and part and text[-1].isascii() and text[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            text += " "
        text += part
    return text


def _cluster(values: list[float]) -> list[float]:
    """Sorted positions with neighbours closer than SNAP folded into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def merge_collinear(segs: list[Seg]) -> list[Seg]:
    """Join rules on the same line whose extents touch (tables are often drawn cell by cell)."""
    groups: list[list[Seg]] = []
    for s in sorted(segs, key=lambda s: s.pos):
        if groups and s.pos - groups[-1][-1].pos <= SNAP:
            groups[-1].append(s)
        else:
            groups.append([s])
    out: list[Seg] = []
    for group in groups:
        pos = sum(s.pos for s in group) / len(group)
        start = len(out)
        for s in sorted(group, key=lambda s: s.lo):
            if len(out) > start and s.lo <= out[-1].hi + SNAP:
                out[-1].hi = max(out[-1].hi, s.hi)
            else:
                out.append(Seg(pos, s.lo, s.hi))
    return out


def rule_groups(hs: list[Seg], vs: list[Seg]) -> list[tuple[list[Seg], list[Seg]]]:
    """Groups of rules that touch each other: one group per drawn table."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.lo - SNAP <= v.pos <= h.hi + SNAP and v.lo - SNAP <= h.pos <= v.hi + SNAP:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Seg], list[Seg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return list(groups.values())


def _crossing(segs: list[Seg], across: list[Seg]) -> list[Seg]:
    """The rules that meet two or more rules across them: a table's borders, not strokes of glyphs.

    A re-rendered PDF (pdftocairo) may draw bold text as stroked glyph outlines,
    whose straight strokes look like short rules; one that starts at a cell's
    border would add a row boundary through the middle of its line. A border
    always runs from one crossing rule to another.
    """
    out = []
    for s in segs:
        meets = 0
        for a in across:
            if s.lo - SNAP <= a.pos <= s.hi + SNAP and a.lo - SNAP <= s.pos <= a.hi + SNAP:
                meets += 1
                if meets == 2:
                    out.append(s)
                    break
    return out


def find_grids(hsegs: list[Seg], vsegs: list[Seg]) -> list[Grid]:
    """Ruled tables on one page, top to bottom, each with its merged cells."""
    hsegs, vsegs = merge_collinear(hsegs), merge_collinear(vsegs)
    for _ in range(2):  # dropping one side's strays can strand the other's
        hsegs, vsegs = _crossing(hsegs, vsegs), _crossing(vsegs, hsegs)
    grids: list[Grid] = []
    for hs, vs in rule_groups(hsegs, vsegs):
        xs, ys = _cluster([v.pos for v in vs]), _cluster([h.pos for h in hs])
        if len(xs) < MIN_RULES or len(ys) < MIN_RULES:
            continue  # a lone rule: underline, separator, text decoration
        ys = _open_ends(ys, vs)
        grids.append(Grid(xs, ys, _merge_cells(xs, ys, hs, vs)))
    grids.sort(key=lambda g: g.ys[0])
    return grids


def _open_ends(ys: list[float], vs: list[Seg]) -> list[float]:
    """Close a table left open by a page break: its vertical rules run on past the last horizontal one.

    WPS draws no bottom rule under the last row of a page when the table goes on
    over the page (and no top rule over the first row of the next page); the
    vertical rules still end where the row ends. Two or more vertical rules
    ending together at least a short row (OPEN_ROW) beyond the outermost
    horizontal rule give the missing boundary; a rule's overhang by its own
    width is not a row.
    """
    out = list(ys)
    for ends, pick in (([v.hi for v in vs if v.hi > ys[-1] + OPEN_ROW], max), ([v.lo for v in vs if v.lo < ys[0] - OPEN_ROW], min)):
        shared = [e for e in _cluster(ends) if sum(abs(e - x) <= SNAP for x in ends) >= 2]
        if shared:
            out.append(pick(shared))
    return sorted(out)


def _covered(segs: list[Seg], bounds: list[float], mids: list[float]) -> list[list[bool]]:
    """For each boundary position and each span middle: is there a rule at that position over that middle?"""
    out = []
    for pos in bounds:
        near = [s for s in segs if abs(s.pos - pos) <= SNAP]
        out.append([any(s.lo - SNAP <= m <= s.hi + SNAP for s in near) for m in mids])
    return out


def _merge_cells(xs: list[float], ys: list[float], hs: list[Seg], vs: list[Seg]) -> list[GridCell]:
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))
    # vrule[c][r]: the rule at xs[c] runs over row r; hrule[r][c]: the rule at ys[r] over column c.
    vrule = _covered(vs, xs, [(ys[r] + ys[r + 1]) / 2 for r in range(nr)])
    hrule = _covered(hs, ys, [(xs[c] + xs[c + 1]) / 2 for c in range(nc)])

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not vrule[c + 1][r]:
                parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and not hrule[r + 1][c]:
                parent[find((r + 1) * nc + c)] = find(r * nc + c)
    spans: dict[int, list[int]] = {}
    for r in range(nr):
        for c in range(nc):
            box = spans.setdefault(find(r * nc + c), [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    # A cell at the grid's left or right edge whose outer rule is missing on some row is
    # no cell: tables of different widths printed one under the other, touching (table 二
    # as four tables), make one grid, and beside the narrower ones lies blank page that
    # would end each of their rows with a blank. Inner sides need no check: a missing
    # inner rule merges the cells on both sides.
    cells = [GridCell(r0, c0, r1, c1, xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]) for r0, c0, r1, c1 in spans.values()
             if (c0 > 0 or all(vrule[0][r0 : r1 + 1])) and (c1 < nc - 1 or all(vrule[nc][r0 : r1 + 1]))]
    cells.sort(key=lambda g: (g.r0, g.c0))
    return cells


def fill(grid: Grid, chars: list[Char]) -> list[Char]:
    """Drop each character into its cell; return the characters outside the grid."""
    outside: list[Char] = []
    xs, ys = grid.xs, grid.ys
    last_r, last_c = len(ys) - 2, len(xs) - 2
    owner: list[list[GridCell | None]] = [[None] * (last_c + 1) for _ in range(last_r + 1)]
    for cell in grid.cells:
        for r in range(cell.r0, cell.r1 + 1):
            for c in range(cell.c0, cell.c1 + 1):
                owner[r][c] = cell
    x0, y0, x1, y1 = grid.bbox
    for ch in chars:  # every character of every page: the checks inlined
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):  # Grid.contains
            outside.append(ch)
            continue
        r = bisect_right(ys, cy) - 1
        r = 0 if r < 0 else last_r if r > last_r else r
        c = bisect_right(xs, cx) - 1
        c = 0 if c < 0 else last_c if c > last_c else c
        cell = owner[r][c]
        if cell is None:  # blank page beside a narrower table of the grid (_merge_cells)
            outside.append(ch)
            continue
        cell.chars.append(ch)
    for cell in grid.cells:
        cell.text = cell_text(cell.chars)
    return outside
