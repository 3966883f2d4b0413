"""Tables printed without ruling lines, rebuilt from the text alone.

With no rules to make a grid, the columns come from the header: the leaf
column labels of table 三 (自然人 … 总计) and 四 (结果维持 … 总计, ×3 or ×1) and
table 二's block headers (信息内容 + column labels) are found by the codebook
(labels stacked over several lines, 商业/企业, are joined first). Their centres
give one x-band per value column, so each number goes to the band it is
printed in, never to "the next free column": a blank cell stays blank.

Rows are anchored on labels, not numbers (a row of blanks has no number):
label fragments stacked one under the other are joined into label cells
unless the lower one starts a new item (1. / （三） / 四、) or both name a
codebook entry by themselves; a label cell with another label cell to its
right (a group label, 三、本年度办理结果 printed one character per line) spans
rows, the others are leaf labels, one per row. A value character belongs to
the row whose leaf label is vertically nearest (values may be centred,
top- or bottom-aligned against a wrapped label); a long number wrapped
over lines that touch the next row's is cut where every row's lines read
as one number centred on (or starting at) its row's label.

A table that runs to the bottom of a page continues at the top of the next one
(a repeated header there is dropped): its lines are joined below the previous
page's before rows are rebuilt, so a label cut by the page break is one label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from toolkit.read import vocabulary as vocab
from toolkit.read.document import Cell, Table, location
from toolkit.read.formats.pdf.layout import Char, Line, cell_text, group_lines
from toolkit.read.normalise import label_key, numbering, squash, starts_with_item

_HAN = re.compile(r"[\u4e00-\u9fff]")
_SEPARATOR = re.compile(r"^[,，.．]")
GAP = 0.5  # × line height: a wider space between two characters separates two cells
# × line height: finer cuts between header labels of cells without padding, tried in turn
# (the characters of one label touch, or nearly: up to 0.13 with Noto CJK in Chromium).
FINE_GAPS = (0.15, 0.05)
_VALUE = re.compile(r"^[+\-−]?[\d.,，]*%?$|^[/\-—–无]+$")


@dataclass(slots=True)
class Frag(Line):
    """A text line on a page (a :class:`Line` that knows its page)."""

    page: int = 0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def _frag(chars: list[Char], page: int) -> Frag:
    return Frag(chars, min(c.x0 for c in chars), min(c.y0 for c in chars), max(c.x1 for c in chars), max(c.y1 for c in chars), page)


def fragments(line: Line, page: int, gap: float) -> list[Frag]:
    """A line cut where the space between two characters exceeds ``gap``."""
    out: list[list[Char]] = []
    for ch in line.chars:
        if out and ch.x0 - out[-1][-1].x1 <= gap:
            out[-1].append(ch)
        else:
            out.append([ch])
    return [_frag(cs, page) for cs in out]


def _height(lines: list[Line]) -> float:
    # The text's height, over characters, not lines: a note printed one character
    # per line in a larger font (WPS) would otherwise set it, and the header's
    # column labels, printed a few points apart, would join.
    hs = sorted(c.y1 - c.y0 for ln in lines for c in ln.chars) or [10.0]
    return max(hs[len(hs) // 2], 1.0)


@dataclass(slots=True)
class Header:
    kind: str  # requests | review_litigation
    columns: list[tuple[str, float, float, float, str]]  # (key, x0, x1, cx, printed text) left to right
    top: float
    bottom: float
    wide: list[Frag]  # other header text (captions, block labels, the note)
    caption: str = ""  # table 二: the block caption (第二十条第（一）项)
    content: str = ""  # table 二: the label column's header (信息内容)
    left: float | None = None  # table 二: where the label column ends

    @property
    def value_left(self) -> float:
        if self.left is not None:
            return self.left
        cxs = [c[3] for c in self.columns]
        pitch = cxs[1] - cxs[0] if len(cxs) > 1 else self.columns[0][2] - self.columns[0][1]
        return cxs[0] - pitch / 2

    def band(self, x0: float, x1: float) -> int:
        """The value column a token printed from x0 to x1 is in: the band it overlaps most.

        Bands meet halfway between the centres of neighbouring column labels, so
        left-, centre- and right-aligned numbers all land under their label.
        """
        cxs = [c[3] for c in self.columns]
        edges = [float("-inf"), *((a + b) / 2 for a, b in zip(cxs, cxs[1:])), float("inf")]
        return max(range(len(cxs)), key=lambda i: min(x1, edges[i + 1]) - max(x0, edges[i]))


def _stacks(frags: list[Frag], h: float) -> list[list[Frag]]:
    """Narrow fragments printed one under the other with the same centre: one label."""
    stacks: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: f.y0):
        width = f.x1 - f.x0
        for s in stacks:
            last = s[-1]
            widths = [g.x1 - g.x0 for g in s] + [width]
            gap, ratio = f.y0 - last.y1, max(widths) / max(min(widths), 0.1)
            # 自然/人 on consecutive lines; 商业/企业 of equal width may have a line between them
            close = (0 <= gap <= 0.9 * h and ratio <= 4.0) or (0 <= gap <= 2.2 * h and ratio <= 1.3)
            # 行政复议 over 其他结果 (same centre) are two labels, 其他 over 结果 one.
            if close and abs(f.cx - last.cx) <= 0.4 * h and not (vocab.names_label(_text(s)) and vocab.names_label(f.text)):
                s.append(f)
                break
        else:
            stacks.append([f])
    return stacks


def _split_stack(stack: list[Frag], kind: str) -> list[list[Frag]]:
    """Cut a stack where a block or group label ends and a column label begins.

    A column label printed one character per line right under the centre of a
    block label (复议后起诉 over 其/他/结/果) stacks onto it.
    """
    for i in range(1, len(stack)):
        if _names(kind, _text(stack[:i])) and vocab.key_of(kind, "column", _text(stack[i:])):
            return [stack[:i], stack[i:]]
    return [stack]


def find_header(lines: list[Line], page: int, h: float) -> Header | None:
    """The topmost header of table 二 (one block), 三 or 四 among a page's lines, or None.

    Column labels are told apart by the space between them. Cells without
    padding (an HTML table printed by a browser or by Writer) leave a few
    points only, "结果维持结果纠正…" on one line, while the characters of one label
    touch: when no header shows at the usual gap, a finer one is tried.
    """
    for gap in (GAP, *FINE_GAPS):
        found = [hd for hd in (_grid_header(lines, page, h, gap), _block_header(lines, page, h)) if hd is not None]
        if found:
            return min(found, key=lambda hd: hd.top)
    return None


def _caption(lines: list[Line], k: int) -> int:
    """How many lines from ``lines[k]`` print a table 二 block caption (0: none; 2: wrapped)."""
    for n in (1, 2):
        text = label_key("".join(ln.text for ln in lines[k : k + n]))
        if len(text) <= 16 and vocab.starts_as("proactive", "block", text):
            return n
    return 0


def _join_column(frags: list[Frag], h: float) -> list[Frag]:
    """Re-join a column label a space cut on its line ("采购总 金额"): together they name a column, apart neither does."""
    out: list[Frag] = []
    for f in frags:
        if out and f.x0 - out[-1].x1 <= 1.5 * h:
            left = out[-1]
            if (vocab.key_of("proactive", "column", left.text + f.text)
                    and not vocab.key_of("proactive", "column", left.text) and not vocab.key_of("proactive", "column", f.text)):
                out[-1] = _frag(left.chars + f.chars, f.page)
                continue
        out.append(f)
    return out


def _block_columns(head: list[Line], page: int, h: float, gap: float) -> tuple[list[Frag], list] | None:
    """A table 二 block header's 信息内容 and its column labels (key, x0, x1, cx, text, bottom), cut at ``gap``."""
    stacks = _stacks([f for ln in head for f in _join_column(fragments(ln, page, gap * h), h)], h)
    # 信息内容 may be printed over two lines, with a wrapped row label right under it.
    content = next((s[:k] for s in stacks for k in range(len(s), 0, -1)
                    if vocab.key_of("proactive", "furniture", _text(s[:k]))), None)
    cols = []
    for s in stacks:
        key = vocab.key_of("proactive", "column", "".join(f.text for f in s))
        if key:
            cols.append((key, min(f.x0 for f in s), max(f.x1 for f in s), s[0].cx, "".join(f.text for f in s), max(f.y1 for f in s)))
    if content is None or not cols:
        return None
    return content, cols


def _block_header(lines: list[Line], page: int, h: float) -> Header | None:
    """A table 二 block: caption, then 信息内容 and the column labels; columns from their centres."""
    for k in range(len(lines)):
        n = _caption(lines, k)
        if not n:
            continue
        head: list[Line] = []
        j = k + n
        while j < len(lines) and len(head) < 6 and not _caption(lines, j):
            frags = fragments(lines[j], page, GAP * h)
            if any(_VALUE.match(squash(f.text)) or vocab.key_of("proactive", "row", f.text) for f in frags):
                break
            head.append(lines[j])
            j += 1
        # Labels of cells without padding are a few points apart (see find_header): the finer
        # cut counts when it tells more column labels apart.
        best = None
        for gap in (GAP, *FINE_GAPS):
            found = _block_columns(head, page, h, gap)
            if found is not None and (best is None or len(found[1]) > len(best[1])):
                best = found
        if best is None:
            continue
        content, cols = best
        cols.sort(key=lambda c: c[3])
        bottoms = [c[5] for c in cols]
        content_x1 = max(f.x1 for f in content)
        # The label column ends after the longest row label (labels start left of 信息内容's end).
        right = content_x1
        m = j
        while m < len(lines) and m < j + 12 and not _caption(lines, m):
            for f in fragments(lines[m], page, GAP * h):
                if f.x0 < content_x1 and not _VALUE.match(squash(f.text)):
                    right = max(right, f.x1)
            m += 1
        caption = "".join(ln.text for ln in lines[k : k + n])
        content_text = "".join(f.text for f in content)
        bottom = max([ln.y1 for ln in lines[k : k + n]] + [f.y1 for f in content] + bottoms)
        cols = [c[:5] for c in cols]
        return Header("proactive", cols, lines[k].y0, bottom, [], caption, content_text, min(right + 0.1, cols[0][1]))
    return None


def _grid_header(lines: list[Line], page: int, h: float, gap: float = 0.5) -> Header | None:
    """The header of table 三 or 四: its leaf column labels in codebook order."""
    frags = [f for ln in lines for f in fragments(ln, page, gap * h) if f.x1 - f.x0 < 12 * h and not _VALUE.match(squash(f.text))]
    stacks = _stacks(frags, h)
    for kind, need in (("requests", 7), ("review_litigation", 5)):
        keys = vocab.keys(kind, "column")
        found = []
        for s in (part for st in stacks for part in _split_stack(st, kind)):
            key = vocab.key_of(kind, "column", "".join(f.text for f in s))
            if key:
                found.append((key, s))
        found.sort(key=lambda ks: ks[1][0].y0)
        while found:
            top = found[0][1][0].y0
            group = [(k, s) for k, s in found if s[0].y0 - top <= 4 * h]
            group.sort(key=lambda ks: ks[1][0].cx)
            ks = [k for k, _ in group]
            width = len(ks) - len(ks) % need
            if width >= need and all(ks[i] == keys[i % need] for i in range(width)):
                group = group[:width]
                cols = [(k, min(f.x0 for f in s), max(f.x1 for f in s), s[0].cx, "".join(f.text for f in s)) for k, s in group]
                bottom = max(f.y1 for _, s in group for f in s)
                used = {id(f) for _, s in group for f in s}
                rest = [f for f in frags if id(f) not in used and top - 6 * h <= f.y0 <= bottom]
                wide = [_frag([c for f in st for c in f.chars], page) for st in _stacks(rest, h)]
                return Header(kind, cols, min(f.y0 for _, s in group for f in s), bottom, wide)
            found = [ks for ks in found if ks[1][0].y0 - top > 4 * h]
    return None


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


def _shift(line: Line, dy: float) -> Line:
    if not dy:
        return line
    chars = [Char(c.text, c.x0, c.y0 + dy, c.x1, c.y1 + dy) for c in line.chars]
    return Line(chars, line.x0, line.y0 + dy, line.x1, line.y1 + dy)


def _outside(line: Line, h: float) -> bool:
    """A section heading or a line of running text (one long run of characters): not a table's."""
    frags = fragments(line, 0, GAP * h)
    return _heading(line) or (len(frags) == 1 and len(frags[0].chars) > 24)


def _is_body(line: Line, value_left: float, h: float) -> bool:
    """Running text across the value columns (words, not NA marks): the table has ended."""
    return sum(1 for c in line.chars if c.cx > value_left and _HAN.match(c.text) and c.text != "无") >= 2


def _continues_column(line: Line, above: Line, h: float) -> bool:
    """Is ``line`` one character printed right under a character of ``above`` (text one character per line)?"""
    if len(line.chars) != 1:
        return False
    ch = line.chars[0]
    return any(abs(ch.cx - c.cx) <= 0.4 * h and ch.y0 - c.y0 >= 0.6 * h and ch.y0 - c.y1 <= 0.9 * h for c in above.chars)


def _take_rows(table: Unruled, lines: list[Line], start: int, page: int) -> int:
    """Add the table's lines from ``lines[start]`` on; return the index after the last one.

    The table ends at running text, a gap of two blank lines (unless the line
    below names one of the table's rows), the next table 二 block caption or
    another table's header.
    """
    h, left = table.h, table.header.value_left
    prev: Line | None = None
    i = start
    while i < len(lines):
        ln = lines[i]
        gap = prev is not None and ln.y0 - prev.y1 > 2.2 * h
        if _is_body(ln, left, h) or (gap and not _opens_row(ln, table.header)) or _caption(lines, i) or _heading(ln):
            break
        if i > start and _starts_header(lines, i, page, h):
            break
        # A page number: apart from the table, or the page's last line a little apart from it.
        last = i == len(lines) - 1 and ln.x1 - ln.x0 < 4 * h
        if (table.footer is not None and table.footer.match(ln.text) and prev is not None
                and ln.y0 - prev.y1 > (0.9 if last else 1.5) * h):
            break
        table.lines.append((_shift(ln, table.offset), page))
        prev = ln
        i += 1
    table.open = all(table.footer is not None and table.footer.match(ln.text) for ln in lines[i:])
    return i


def _opens_row(line: Line, header: Header) -> bool:
    """Does the line print a label naming a row of this table? Then a wide gap above it is
    the padding of a tall row (a number wrapped over two lines, centred), not the table's end."""
    label = "".join(c.text for c in line.chars if c.cx < header.value_left)
    return bool(label) and vocab.key_of(header.kind, "row", label) is not None


def _starts_header(lines: list[Line], i: int, page: int, h: float) -> bool:
    """Does a table 三/四 header start within the next lines (a table right below another)?"""
    hd = _grid_header(lines[i : i + 8], page, h)
    return hd is not None and hd.top - lines[i].y0 < 3 * h


@dataclass
class Held:
    """The top of a table's header printed at the foot of a page, its column labels on the next
    (a browser breaks a table anywhere): read with the next page's lines."""

    lines: list[Line]
    page: int


def _held_header(rest: list[Line], h: float, page_number: re.Pattern[str] | None) -> int | None:
    """Where the lines at the foot of the page that begin a table 三/四 header start, or None.

    They are the last lines of the page (page numbers aside), one under the
    other, no running text or heading among them, and name at least two column
    labels of one table, whose full header is not on this page, or are table
    四's block labels alone.
    """
    end = len(rest)
    while end > 0 and page_number is not None and page_number.match(rest[end - 1].text):
        end -= 1
    k = end
    while k > 0 and not _outside(rest[k - 1], h) and (k == end or rest[k].y0 - rest[k - 1].y1 <= 2.2 * h):
        k -= 1
    if k == end or end - k > 8:
        return None
    for gap in (GAP, *FINE_GAPS):
        frags = [f for ln in rest[k:end] for f in fragments(ln, 0, gap * h) if not _VALUE.match(squash(f.text))]
        stacks = _stacks(frags, h)
        for kind in ("requests", "review_litigation"):
            keys = {vocab.key_of(kind, "column", _text(part)) for st in stacks for part in _split_stack(st, kind)}
            if len(keys - {None}) >= 2:
                return k
    # Table 四's block label (复议后起诉) alone at the foot, its column labels and values on the next page.
    if all(vocab.key_of("review_litigation", "row", ln.text) for ln in rest[k:end]):
        return k
    return None


def extract(
    number: int, lines: list[Line], carry: Unruled | Held | None, page_number: re.Pattern[str] | None = None
) -> tuple[list[Line], list[Unruled], Unruled | Held | None]:
    """Take a page's unruled tables out of its lines.

    ``carry`` is the table left open at the bottom of the previous page; the
    returned carry is the one left open at the bottom of this page. Lines
    matching ``page_number`` apart from the table (a gap above them) are page
    furniture, not rows. A header begun at the foot of a page (:class:`Held`)
    is carried too, and read above the next page's first line.
    """
    if not lines:
        return lines, [], carry
    h = _height(lines)
    out: list[Unruled] = []
    rest = list(lines)
    held: set[int] = set()  # ids of the lines carried from the previous page
    if isinstance(carry, Held):
        dy = rest[0].y0 - 0.3 * h - carry.lines[-1].y1
        moved = [_shift(ln, dy) for ln in carry.lines]
        held = {id(ln) for ln in moved}
        rest = moved + rest
        carry = None
    if carry is not None and carry.open:
        carry.footer = page_number
        # Continuation at the top of this page: skip a repeated header, take rows.
        last_y = carry.lines[-1][0].y1 if carry.lines else carry.header.bottom + carry.offset
        start = 0
        again = find_header(rest[:20], number, h)
        if (again is not None and again.kind == carry.header.kind and len(again.columns) == len(carry.header.columns)
                and again.top - rest[0].y0 <= 6 * h):
            start = next((k for k, ln in enumerate(rest) if ln.y0 > again.bottom), len(rest))
        if start < len(rest) and not _is_body(rest[start], carry.header.value_left, h):
            carry.offset = last_y + 0.6 * h - rest[start].y0
            end = _take_rows(carry, rest, start, number)
            rest = rest[end:]
        else:
            carry.open = False
    carry = carry if carry is not None and carry.open else None  # a table over three pages stays open
    while True:
        header = find_header(rest, number, h)
        if header is None:
            break
        table = Unruled(header, number, h, footer=page_number)
        # Header lines: those touching the header's band, and the lines just above it.
        first = next(k for k, ln in enumerate(rest) if ln.y1 > header.top)
        while first > 0 and rest[first].y0 - rest[first - 1].y1 <= 0.9 * h and not _outside(rest[first - 1], h):
            first -= 1
        header.top = min(header.top, rest[first].y0)
        after = next((k for k, ln in enumerate(rest) if ln.y0 > header.bottom), len(rest))
        # A header note printed one character per line (WPS) runs on below the column labels.
        while after < len(rest) and _continues_column(rest[after], rest[after - 1], h):
            after += 1
        table.header_lines = [(ln, number - 1 if id(ln) in held else number) for ln in rest[first:after]]
        end = _take_rows(table, rest, after, number)
        rest = rest[:first] + rest[end:]
        out.append(table)
        if table.open:
            carry = table
    if carry is None and rest and (k := _held_header(rest, h, page_number)) is not None:
        return rest[:k], out, Held(rest[k:], number)
    return rest, out, carry


# --------------------------------------------------------------------------- rows


@dataclass(slots=True)
class LabelCell:
    frags: list[Frag]
    leaf: bool = True

    @property
    def x0(self) -> float:
        return min(f.x0 for f in self.frags)

    @property
    def x1(self) -> float:
        return max(f.x1 for f in self.frags)

    @property
    def y0(self) -> float:
        return self.frags[0].y0

    @property
    def y1(self) -> float:
        return self.frags[-1].y1

    @property
    def text(self) -> str:
        return "".join(f.text for f in self.frags)


def _text(frags: list[Frag]) -> str:
    return "".join(f.text for f in frags)


def _names(kind: str, text: str) -> bool:
    """Does ``text`` name a row, group, block or furniture label of this table in the codebook?"""
    return vocab.names(kind, text)


def _rejoin(frags: list[Frag], h: float, kind: str) -> list[Frag]:
    """Re-join a label a space cut on its line ("行 政许可"): the pieces together name a codebook entry, the left one alone does not."""
    out: list[Frag] = []
    for f in frags:
        if out:
            left = out[-1]
            text = left.text + f.text
            if f.x0 - left.x1 <= 1.5 * h and not starts_with_item(f.text) and _names(kind, text) and not _names(kind, left.text) and not _names(kind, f.text):
                out[-1] = _frag(left.chars + f.chars, f.page)
                continue
        out.append(f)
    return out


def _heading(line: Line) -> bool:
    """A report section heading (四、政府信息公开行政复议、行政诉讼情况): no table row."""
    return bool(starts_with_item(line.text)) and vocab.key_of("report", "section", line.text) is not None


def _label_cells(frags: list[Frag], h: float, kind: str) -> list[LabelCell]:
    """Join label fragments stacked in one cell; split stacks of complete labels.

    A fragment continues the one right above it (touching lines, overlapping
    on x) unless it starts a new item. A stack is then cut where the text above
    and the text below both name a codebook entry (规章 | 行政规范性文件, or
    行政规范 | 性文件 below 规章), never inside one label (…重新出具已 | 获取信息).
    """
    columns, frags = _vertical_columns(frags, h)
    chains: list[list[Frag]] = []
    first: dict[int, Frag] = {}
    last: dict[int, Frag] = {}
    for f in sorted(frags, key=lambda f: (f.y0, f.x0)):
        first.setdefault(f.page, f)
        last[f.page] = f
    for f in sorted(frags, key=lambda f: (f.y0, f.x0)):
        host = None
        if not _opens_item(f.text):
            for c in chains:
                # The line right above (a justified line may be cut in two: 版 | 物).
                # A label cut by a page break runs on at the top of the next page.
                if any((0 <= f.y0 - g.y1 <= 0.9 * h or (f.page > g.page and g is last[g.page] and f is first[f.page]
                                                       and 0 <= f.y0 - g.y1 <= 3 * h))
                       and min(f.x1, g.x1) - max(f.x0, g.x0) > 0 for g in c[-3:]):
                    host = c
                    break
        if host is not None:
            host.append(f)
        else:
            chains.append([f])
    cells: list[LabelCell] = [LabelCell(col) for col in columns]
    for chain in chains:
        start = 0
        for i in range(1, len(chain)):
            # A numbered label's next lines are its wrap (its siblings start with their numbers).
            numbered = starts_with_item(_text(chain[start:i]))
            if not numbered and _names(kind, _text(chain[start:i])) and _names(kind, _text(chain[i:])):
                cells.append(LabelCell(chain[start:i]))
                start = i
        cells.append(LabelCell(chain[start:]))
    for c in cells:
        c.leaf = not any(d is not c and d.x0 >= c.x1 - 1 and min(c.y1, d.y1) - max(c.y0, d.y0) > 0 for d in cells)
    return cells


# An item number cut by a wrap before its closing bracket ("（七" over "）总计").
_CUT_NUMBER = re.compile(r"^[（(][一二三四五六七八九十]{1,2}$")


def _opens_item(text: str) -> bool:
    """Does a label fragment start a new item (1. / （三） / 四、, or （七 whose bracket closes on the next line)?"""
    return starts_with_item(text) or bool(_CUT_NUMBER.match(squash(text)))


def _vertical_columns(frags: list[Frag], h: float) -> tuple[list[list[Frag]], list[Frag]]:
    """Labels printed one character per line in a merged cell: (their cells, the other fragments).

    Single characters stacked at the same x, line after line, are one cell's
    text read top to bottom, whatever row labels share their baselines; they
    are taken out before row labels are joined, so that neither chains into the
    other. Group labels stacked in one column ((四)…(五)…(六)…) are cut where
    an item starts.
    """
    single = sorted((f for f in frags if len(f.chars) == 1), key=lambda f: f.y0)
    runs: list[list[Frag]] = []
    for f in single:
        # The next line: a larger font's boxes may overlap the line above a little (WPS).
        run = next((r for r in runs if abs(f.cx - r[-1].cx) <= 0.4 * h and f.y0 - r[-1].y0 >= 0.6 * h
                    and f.y0 - r[-1].y1 <= 0.9 * h), None)
        if run is not None:
            run.append(f)
        else:
            runs.append([f])
    runs = [r for r in runs if len(r) >= 3]
    taken = {id(f) for r in runs for f in r}
    columns: list[list[Frag]] = []
    for run in runs:
        start = 0
        for i in range(1, len(run)):
            if starts_with_item(_text(run[i:])):
                columns.append(run[start:i])
                start = i
        columns.append(run[start:])
    return columns, [f for f in frags if id(f) not in taken]


def _group(kind: str, text: str) -> str | None:
    """The codebook group a row-spanning label names (（三）不予公开 → withheld), by its words or number."""
    groups = vocab.keys(kind, "group")
    key = vocab.key_of(kind, "group", text) if groups else None
    n = numbering(text)
    if key is None and n and n[0] == "paren" and groups:
        # （三）…（六） number the outcome groups; the words may be cut ("（六）其").
        order = "三四五六七八九十"
        if n[1] in order[: len(groups)]:
            key = groups[order.index(n[1])]
    return key


def _span_rows(s: LabelCell, leaves: list[LabelCell], h: float, kind: str) -> list[int]:
    """The rows a row-spanning label (group label, 三、本年度办理结果) covers.

    It is printed beside some of its rows (centred, or at the top); it covers
    the run of rows around them whose labels all lie to its right, up to where
    the item numbering of those rows starts again (1. after 8. begins the next
    group's rows).
    """
    core = [k for k, c in enumerate(leaves) if min(c.y1, s.y1) - max(c.y0, s.y0) > 0.2 * h]
    if not core:
        return [min(range(len(leaves)), key=lambda k: _distance((s.y0 + s.y1) / 2, leaves[k]))] if leaves else []
    styles = {n[0] for k in core if (n := numbering(leaves[k].text))}

    group = _group(kind, s.text)

    def inside(k: int) -> bool:
        if leaves[k].x0 < s.x1 - 1:
            return False
        if group is None:
            return True
        key = vocab.key_of(kind, "row", leaves[k].text)
        return key is None or group in vocab.row_blocks(kind, key)

    def restarts(k: int) -> bool:  # row k opens a new run of numbering in the core's style
        n = numbering(leaves[k].text)
        return n is not None and n[0] in styles and n[1] in ("1", "一")

    lo, hi = core[0], core[-1]
    while lo > 0 and inside(lo - 1) and not restarts(lo):
        lo -= 1
    while hi + 1 < len(leaves) and inside(hi + 1) and not restarts(hi + 1):
        hi += 1
    return list(range(lo, hi + 1))


def _row_of(v: Frag, leaves: list[LabelCell], h: float, placed: list) -> tuple[int | None, bool]:
    """(row of a value token, whether it is printed beside that row's label)."""
    if not leaves:
        return None, False
    cy = (v.y0 + v.y1) / 2
    inside = [k for k, c in enumerate(leaves) if _distance(cy, c) == 0]
    if inside:
        return inside[0], True
    # Nearest label; halfway between two, the upper one (a wrapped number continues downwards).
    best = min(range(len(leaves)), key=lambda k: _distance(cy, leaves[k]))
    if best > 0 and _distance(cy, leaves[best - 1]) <= _distance(cy, leaves[best]) + 0.25 * h:
        best -= 1
    return best, False


# One printed number: digits (thousands grouped by threes, or not grouped), or a NA mark.
_PART = re.compile(r"^[+\-−]?[\d,.]+%?$")  # the part of a number printed on one page
_NUMBER = re.compile(r"^[+\-−]?(?:\d{1,3}(?:,\d{3})+|0|[1-9]\d*)(?:\.\d+)?%?$|^[/\-—–无]+$")


def _one_number(text: str) -> bool:
    return bool(_NUMBER.match(unicodedata.normalize("NFKC", text).replace(" ", "")))


def _part(text: str) -> bool:
    return bool(_PART.match(unicodedata.normalize("NFKC", text).replace(" ", "")))


def _wrapped_runs(placed: list, n: int, h: float) -> list[list[list[list]]]:
    """Per column, runs of value lines printed one right under the other on one page.

    Each run is a list of lines top to bottom, each line a list of placed tokens
    (left to right). A number wrapped in a narrow cell is one run; so are the
    numbers of rows that touch (no padding between rows).
    """
    runs: list[list[list[list]]] = []
    for b in range(n):
        lines: list[list[list]] = []
        for p in sorted((p for p in placed if p[2] == b), key=lambda p: (p[0].page, p[0].y0)):
            v = p[0]
            last = lines[-1][0][0] if lines else None
            if last is not None and last.page == v.page and min(last.y1, v.y1) - max(last.y0, v.y0) > 0.3 * h:
                lines[-1].append(p)
            else:
                lines.append([p])
        for ln in lines:
            ln.sort(key=lambda p: p[0].x0)
        run: list[list[list]] = []
        for ln in lines:
            prev = run[-1][0][0] if run else None
            v = ln[0][0]
            if prev is not None and prev.page == v.page and -0.3 * h <= min(q[0].y0 for q in ln) - max(q[0].y1 for q in run[-1]) <= 0.9 * h:
                run.append(ln)
            else:
                if len(run) > 1:
                    runs.append(run)
                run = [ln]
        if len(run) > 1:
            runs.append(run)
    return runs


def _split_cost(leaf: LabelCell, page: int, top: float, bottom: float, firsts: dict[int, float]) -> float:
    """How far a number is from where a row cut by a page break prints it.

    On the row's first page the cell's text starts at the row's top (or, if the
    row was not cut after all, is centred on its label); on the next page it
    runs on from the top of the page, no lower than the label's own run-on.
    """
    own = [f for f in leaf.frags if f.page == page]
    if page == leaf.frags[0].page:
        return min(abs(top - leaf.y0), abs((top + bottom) / 2 - (leaf.y0 + leaf.y1) / 2))
    ref = max([f.y1 for f in own] + [firsts.get(page, top)])
    return 0.1 * max(0.0, bottom - ref)


def _cut_runs(placed: list, leaves: list[LabelCell], n: int, h: float) -> set[int]:
    """Cut each run of wrapped value lines into whole numbers, each in its row.

    Rows have no padding, so a long number wrapped over more lines than its
    row's label touches the next row's number at line pitch, and a number of
    four lines centred on a one-line label has no line beside it: nearness of
    single lines to labels cannot tell where one number ends. A line mostly
    beside a label is in that label's row; the others may go to any row near
    them, rows in order down the run. Of these cuts, only those where every
    row's lines read as one number count ("2，89" does not, "2，890" does; no
    digit is ever added or dropped); labels and numbers are both printed
    centred in their row, so the cut that puts each number's middle nearest its
    row's label middle wins. Returns the ids of the tokens so placed.
    """
    done: set[int] = set()
    nrows = len(leaves)
    # Rows cut by a page break (the last row of a page, if the table goes on): their
    # numbers start at the top of the row and run on at the top of the next page,
    # centred on nothing.
    pages = {p[0].page for p in placed} | {c.frags[-1].page for c in leaves}
    firsts: dict[int, float] = {}  # the bottom of each page's first line of the table
    for p in sorted(placed, key=lambda p: p[0].y0):
        if p[0].page not in firsts:
            firsts[p[0].page] = p[0].y1
    for c in leaves:
        for f in c.frags:
            if f.page in firsts and f.y0 < firsts[f.page] - 0.5 * h:
                firsts[f.page] = min(firsts[f.page], f.y1)
    split = {k for k, c in enumerate(leaves)
             if (k + 1 == nrows or leaves[k + 1].frags[0].page > c.frags[-1].page) and max(pages) > c.frags[-1].page
             or c.frags[0].page != c.frags[-1].page}
    runs = _wrapped_runs(placed, n, h)
    # Cells are printed either centred or at the top of their row, the same way
    # throughout a table: the way that fits its numbers better.
    plans = [_plan(runs, leaves, h, top, split, firsts) for top in (False, True)]
    for cuts in min(plans, key=lambda pl: pl[0])[1]:
        for lines, r in cuts:
            for ln in lines:
                for p in ln:
                    p[1] = r
                    done.add(id(p))
    return done


def _plan(runs: list, leaves: list[LabelCell], h: float, top: bool, split: set[int], firsts: dict[int, float]) -> tuple[float, list]:
    """The best cut of every run with cells printed at the top of their row (or centred): (cost, [[(lines, row)]])."""
    nrows = len(leaves)
    mids = [c.y0 if top else (c.y0 + c.y1) / 2 for c in leaves]
    centres = [(c.y0 + c.y1) / 2 for c in leaves]
    total, plans = 0.0, []
    for run in runs:
        m = len(run)
        tops = [min(p[0].y0 for p in ln) for ln in run]
        bottoms = [max(p[0].y1 for p in ln) for ln in run]
        allowed: list[set[int]] = []
        lean: list[dict[int, float]] = []
        for i, ln in enumerate(run):
            lh = max(bottoms[i] - tops[i], 0.1)
            beside = [k for k, c in enumerate(leaves) if min(c.y1, bottoms[i]) - max(c.y0, tops[i]) >= 0.6 * lh]
            # A line partly beside a label leans to its row.
            lean.append({k: o / lh for k, c in enumerate(leaves) if (o := min(c.y1, bottoms[i]) - max(c.y0, tops[i])) > 0.2 * lh})
            if beside:
                allowed.append({beside[0]})
            else:
                cy, o = (tops[i] + bottoms[i]) / 2, ln[0][1]
                near = {k for k in range(nrows) if abs(mids[k] - cy) <= 6 * h} | {k for k in (o - 1, o, o + 1) if 0 <= k < nrows}
                allowed.append(near | {k for k in split if leaves[k].frags[-1].page < ln[0][0].page and k + 1 < nrows
                                       and leaves[k + 1].y0 > tops[i]})
        texts = ["".join(p[0].text for p in ln) for ln in run]
        original = [ln[0][1] for ln in run]
        inf = float("inf")
        # best[j][r]: lines 0..j-1 cut into numbers, the last one in row r; back[j][r]: (start, previous row)
        best = [[inf] * nrows for _ in range(m + 1)]
        back: list[list[tuple[int, int] | None]] = [[None] * nrows for _ in range(m + 1)]
        for j in range(1, m + 1):
            for i in range(j):
                whole = _one_number("".join(texts[i:j]))
                # A row cut by a page break prints part of its number on each page.
                rows = {r for r in set.intersection(*allowed[i:j]) if whole or (r in split and _part("".join(texts[i:j])))}
                # Rows are bands one under the other, each holding its label: a number
                # printed across the middle of another row's label is not one number.
                rows = {r for r in rows if not any(k != r and tops[i] + 0.25 * h < centres[k] < bottoms[j - 1] - 0.25 * h
                                                   for k in range(nrows))}
                y = tops[i] if top else (tops[i] + bottoms[j - 1]) / 2
                for r in rows:
                    c = _split_cost(leaves[r], run[i][0][0].page, tops[i], bottoms[j - 1], firsts) if r in split else abs(y - mids[r])
                    c += 0.01 * h * sum(o != r for o in original[i:j])
                    c += 2 * h * sum(f for lk in lean[i:j] for k, f in lk.items() if k != r)
                    if i == 0:
                        prev, q = 0.0, -1
                    else:
                        q = min(range(r), key=lambda k: best[i][k], default=-1)
                        prev = best[i][q] if q >= 0 else inf
                    if prev + c < best[j][r]:
                        best[j][r] = prev + c
                        back[j][r] = (i, q)
        r = min(range(nrows), key=lambda k: best[m][k], default=-1)
        if r < 0 or best[m][r] == inf:
            continue
        total += best[m][r]
        cuts = []
        j = m
        while j > 0:
            step = back[j][r]
            assert step is not None
            i, q = step
            cuts.append((run[i:j], r))
            j, r = i, q
        plans.append(cuts)
    return total, plans


def _distance(y: float, c: LabelCell) -> float:
    return 0.0 if c.y0 <= y <= c.y1 else min(abs(y - c.y0), abs(y - c.y1))


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
            label_frags += _rejoin(fragments(Line(label_chars, 0, 0, 0, 0), page, GAP * h), h, hd.kind)
        if value_chars:
            values += [piece for f in fragments(Line(value_chars, 0, 0, 0, 0), page, GAP * h) for piece in _by_band(f, hd, h)]
    cells = _label_cells(label_frags, h, hd.kind)
    leaves = sorted((c for c in cells if c.leaf), key=lambda c: c.y0)
    if not leaves:
        # Table 四: numbers and no label. Lines of numbers that touch (numbers wrapped
        # in narrow cells) are one row; a header with nothing under it, one blank row.
        leaves = []
        for ln in group_lines([c for v in values for c in v.chars]):
            if leaves and ln.y0 - leaves[-1].y1 <= 0.9 * h:
                leaves[-1].frags.append(_frag(ln.chars, values[0].page))
            else:
                leaves.append(LabelCell([_frag(ln.chars, values[0].page)]))
        if not leaves:
            leaves = [LabelCell([Frag([], 0.0, hd.bottom, 0.0, hd.bottom, t.page)])]
    spans = [c for c in cells if not c.leaf]
    slots: list[list[list[Frag]]] = [[[] for _ in range(n)] for _ in leaves]
    # A number beside a leaf label is in its row; one outside every label is the
    # wrapped rest of the number right above it in its column, else in the nearest row.
    placed: list[list] = []  # [token, row, band, beside its row's label]
    for v in sorted(values, key=lambda v: v.y0):
        r, beside = _row_of(v, leaves, h, placed)
        if r is None:
            break
        placed.append([v, r, hd.band(v.x0, v.x1), beside])
    cut = _cut_runs(placed, leaves, n, h) if any(leaf is c for c in cells for leaf in leaves[:1]) else set()
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
        for j, k in enumerate(_span_rows(s, leaves, h, hd.kind)):
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
            out.append(_frag(cs[start:i], f.page))
            start = i
    out.append(_frag(cs[start:], f.page) if start else f)
    return out


def _column_text(t: Unruled, k: int) -> str:
    return t.header.columns[k][4]
