"""An unruled table's lines taken out of a page's, and a table carried over page breaks.

A table that runs to the bottom of a page continues at the top of the next one
(a repeated header there is dropped): its lines are joined below the previous
page's before rows are rebuilt, so a label cut by the page break is one label.
A header begun at the foot of a page is carried to the next one too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.read import vocabulary as vocab
from toolkit.read.formats.page import Char, Line
from toolkit.read.formats.pdf.unruled.frags import FINE_GAPS, GAP, VALUE, fragments, joined_text, text_height
from toolkit.read.formats.pdf.unruled.header import Header, caption_lines, find_header, grid_header, split_stack, stack_frags
from toolkit.read.formats.pdf.unruled.table import Unruled
from toolkit.read.normalise import squash, starts_with_item

_HAN = re.compile(r"[\u4e00-\u9fff]")


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
        if _is_body(ln, left, h) or (gap and not _opens_row(ln, table.header)) or caption_lines(lines, i) or _heading(ln):
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
    hd = grid_header(lines[i : i + 8], page, h)
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
        frags = [f for ln in rest[k:end] for f in fragments(ln, 0, gap * h) if not VALUE.match(squash(f.text))]
        stacks = stack_frags(frags, h)
        for kind in ("requests", "review_litigation"):
            keys = {vocab.key_of(kind, "column", joined_text(part)) for st in stacks for part in split_stack(st, kind)}
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
    h = text_height(lines)
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


def _heading(line: Line) -> bool:
    """A report section heading (四、政府信息公开行政复议、行政诉讼情况): no table row."""
    return bool(starts_with_item(line.text)) and vocab.key_of("report", "section", line.text) is not None
