"""Pages of lines and table parts → Document blocks: paragraphs, and tables joined across page breaks.

A table part that is the first thing on a page continues the table that was
the last thing on the previous page when both have the same left and right
edges. Joining then
- drops the continuation's leading rows that repeat a header row of the table,
- re-joins a row that the page break cut in two (its label on one page, its
  numbers on the other) into one row,
- re-joins a group label cut in two ("（四）无" | "法提供") into one merged cell,
  so every row of the group carries the whole label,
and keeps row order. Each cell's location names the page it is printed on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.read import vocabulary as vocab
from toolkit.read.document import Cell, Table, location
from toolkit.read.formats.page import Grid, GridCell, Line
from toolkit.read.normalise import squash, starts_with_item

EDGE_TOLERANCE = 3.0  # points: same table edge on two pages
_NUMERIC = re.compile(r"^[+-]?[\d.,]+$")
# A label that starts a new item: 一、 (一) 1. 1、 — continuation text never starts like this.


@dataclass(slots=True)
class Part:
    """The piece of a table printed on one page."""

    page: int
    grid: Grid


Row = list[tuple[GridCell, bool]]  # (cell, is this the cell's first row)


def assemble(pages: list[tuple[int, list]]) -> list[str | Table]:
    """Join lines into paragraphs and table parts into tables, in reading order."""
    blocks: list[str | list[Part]] = []
    lines: list[Line] = []
    open_table: list[Part] | None = None  # the table that ended the previous page
    for _, items in pages:
        left = min((it.x0 for it in items if isinstance(it, Line)), default=0.0)
        right = max((it.x1 for it in items if isinstance(it, Line)), default=0.0)
        for k, item in enumerate(items):
            if not isinstance(item, (Part, Line)):  # an unruled table (.unruled), rows built later
                _flush(lines, blocks)
                blocks.append(item)
                open_table = None
                continue
            if isinstance(item, Part):
                _flush(lines, blocks)
                if k == 0 and open_table is not None and _continues(open_table, item):
                    open_table.append(item)
                else:
                    open_table = [item]
                    blocks.append(open_table)
                continue
            open_table = None
            if lines and _starts_paragraph(lines[-1], item, left, right, same_page=k > 0):
                _flush(lines, blocks)
            lines.append(item)
        if items and isinstance(items[-1], Line):
            open_table = None
    _flush(lines, blocks)
    out: list[str | Table] = []
    for block in blocks:
        index = sum(isinstance(b, Table) for b in out) + 1
        if isinstance(block, (str, list)):
            out.append(block if isinstance(block, str) else _table(block, index=index))
        else:
            out.append(block.to_table(index))
    return out


def _flush(lines: list[Line], blocks: list) -> None:
    if lines:
        blocks.append(join_wrapped([ln.text.strip() for ln in lines]))
        lines.clear()


def join_wrapped(parts: list[str]) -> str:
    """Soft-wrapped lines of Chinese text join without a space; Latin words keep one.

    Examples:
        >>> join_wrapped(["本报告由淮安市人民政府办公室根据《中华人民共和国政府", "信息公开条例》"])
        '本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》'
        >>> join_wrapped(["open government", "information"])
        'open government information'
    """
    text = ""
    for part in parts:
        if text and part and text[-1].isascii() and text[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            text += " "
        text += part
    return text


def _starts_paragraph(prev: Line, line: Line, left: float, right: float, same_page: bool) -> bool:
    """A new paragraph starts at a first-line indent, after a short line, or after a gap."""
    h = max(line.y1 - line.y0, 1.0)
    return (
        line.x0 > left + 0.9 * h
        or prev.x1 < right - 1.5 * h
        or (same_page and line.y0 - prev.y1 > 1.2 * h)
    )


def _continues(table: list[Part], nxt: Part) -> bool:
    """Is ``nxt`` (first on its page) the rest of ``table`` (last on the previous page)?

    Same left and right edges, unless the table ended with a row of numbers and
    ``nxt`` opens like a table of its own: a caption across its whole width or a
    full row of labels that is not the table's header repeated (table 四
    printed as three tables of five columns).
    """
    prev = table[-1]
    (px0, _, px1, _), (nx0, _, nx1, _) = prev.grid.bbox, nxt.grid.bbox
    if nxt.page != prev.page + 1 or abs(px0 - nx0) > EDGE_TOLERANCE or abs(px1 - nx1) > EDGE_TOLERANCE:
        return False
    last, first = grid_rows(prev.grid)[-1], grid_rows(nxt.grid)[0]
    if not any(_numeric(cell.text) for cell, _ in last) or any(_numeric(cell.text) for cell, _ in first):
        return True
    if _key(first) in _header_keys(grid_rows(table[0].grid)):
        return True
    caption = len(first) == 1
    header = all(cell.text for cell, _ in first)
    return not (caption or header)


def grid_rows(grid: Grid) -> list[Row]:
    """Each grid row's cells left to right; a merged cell appears in every row it covers."""
    rows: list[Row] = [[] for _ in range(len(grid.ys) - 1)]
    for cell in grid.cells:
        for r in range(cell.r0, cell.r1 + 1):
            rows[r].append((cell, r == cell.r0))
    for row in rows:
        row.sort(key=lambda pair: pair[0].c0)
    return rows


def _key(row: Row) -> str:
    return "|".join(squash(cell.root().text) for cell, _ in row)


def _header_keys(rows: list[Row]) -> set[str]:
    """The rows above the first row with a number: the header a continuation page may repeat."""
    keys: set[str] = set()
    for row in rows:
        if any(_numeric(cell.text) for cell, _ in row):
            break
        keys.add(_key(row))
    return keys


def _numeric(text: str) -> bool:
    s = squash(text)
    # "4." alone is an item number whose label went on over the page break, not a value.
    return bool(_NUMERIC.match(s)) and not (s[-1:] in ".．、" and s[:-1].isdigit())


def _table(parts: list[Part], index: int) -> Table:
    rows: list[tuple[int, Row]] = []
    headers: set[str] = set()
    for p, part in enumerate(parts):
        part_rows = grid_rows(part.grid)
        if p == 0:
            headers = _header_keys(part_rows)
        else:
            while part_rows and _key(part_rows[0]) in headers:
                part_rows.pop(0)  # header repeated on the new page
            if part_rows and rows and _join_boundary(rows[-1][1], part_rows[0]):
                part_rows.pop(0)  # its contents went into the previous page's row
        rows.extend((part.page, row) for row in part_rows)
    out = []
    for r, (page, row) in enumerate(rows, start=1):
        out.append(
            [
                Cell(
                    cell.root().text,
                    location(index, r, cell.c0 + 1, page),
                    merged=not first or cell.continues is not None,
                    span=cell.c1 - cell.c0 + 1,
                    confidence=_confidence(cell.root()),
                    box=(cell.x0, cell.y0, cell.x1, cell.y1),
                )
                for cell, first in row
            ]
        )
    return Table(rows=out, index=index, page=parts[0].page)


def _confidence(cell: GridCell) -> float | None:
    """The lowest confidence of an OCR'd cell's characters (:mod:`.ocr`); None for a text layer or an empty cell."""
    confs = [ch.conf for ch in cell.chars if hasattr(ch, "conf")]
    return min(confs) if confs else None


def _pairs(last: Row, first: Row) -> list[tuple[GridCell | None, GridCell]]:
    """Each cell of ``first`` with the cell of ``last`` in the same columns (None if the columns differ)."""
    pairs: list[tuple[GridCell | None, GridCell]] = []
    for nxt, _ in first:
        match = [p for p, _ in last if abs(p.x0 - nxt.x0) <= EDGE_TOLERANCE and abs(p.x1 - nxt.x1) <= EDGE_TOLERANCE]
        pairs.append((match[0] if match else None, nxt))
    return pairs


def _join_boundary(last: Row, first: Row) -> bool:
    """Re-join what the page break cut; True when ``first`` was the rest of ``last``."""
    pairs = _pairs(last, first)
    full = [(p, n) for p, n in pairs if p is not None]
    if len(full) == len(pairs) and _is_split_row(full):
        for prev, nxt in full:
            _attach(prev, nxt)
        return True
    # A row of values under a header row (table 四's values alone on the new page):
    # its empty cells are blank values, not the rest of the header labels above them.
    header_over_values = not any(_numeric(p.text) for p, _ in last) and any(_numeric(n.text) for n, _ in first)
    for i, (prev, nxt) in enumerate(pairs):
        if prev is None or (header_over_values and not nxt.text):
            continue
        root_text = prev.root().text
        if not root_text or _numeric(root_text) or _numeric(nxt.text):
            continue
        # A merged cell cut by the break: its lower part is empty, or its text goes
        # on: a group label (another label follows it in the row, "（四）无" | "法提供")
        # or a fragment that names nothing by itself ("总" | "计", "自" | "然人").
        right = pairs[i + 1][1].text if i + 1 < len(pairs) else ""
        is_group = bool(right) and not _numeric(right)
        goes_on = not starts_with_item(nxt.text) and (is_group or not vocab.names_label(nxt.text))
        if not nxt.text or goes_on:
            _attach(prev, nxt)
    return False


def _attach(prev: GridCell, nxt: GridCell) -> None:
    root = prev.root()
    root.text += nxt.text
    nxt.continues = root


def _is_split_row(pairs: list[tuple[GridCell, GridCell]]) -> bool:
    """Is the continuation's first row the rest of a row cut by the page break?

    Evidence, in order: a label below starts a new item (1. / （三） / 四、) → no;
    label text above or below a number (a header over data) → no; numbers on
    one side only, the other side's value cells empty → yes; numbers on both
    sides (a wrapped number) and no label below → yes; a numbered label above
    continued by an unnumbered one below ("6.属于四类" | "过程性信息") → yes;
    label text below that names nothing in the codebook ("形，不计其他情形）",
    "织") → yes. Two blank rows are never glued together.
    """
    values = [(p, n) for p, n in pairs if _numeric(p.text) or _numeric(n.text)]
    labels = [(p, n) for p, n in pairs if not (_numeric(p.text) or _numeric(n.text))]
    below = [n.text for _, n in labels if n.text]
    if any(starts_with_item(text) for text in below):
        return False
    if any((p.text and not _numeric(p.text)) or (n.text and not _numeric(n.text)) for p, n in values):
        return False
    if values and any(p.text for p, _ in values) != any(n.text for _, n in values):
        return True
    if not below:
        return bool(values)
    if any(p.text and n.text and starts_with_item(p.text) for p, n in labels):
        return True
    return not any(vocab.names_label(text) for text in below)
