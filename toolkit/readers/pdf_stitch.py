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

from ..document import Cell, Table, location
from ..normalise import squash
from .pdf_layout import Grid, GridCell, Line

EDGE_TOLERANCE = 3.0  # points: same table edge on two pages
_NUMERIC = re.compile(r"^[+-]?[\d.,]+$")
# A label that starts a new item: 一、 (一) 1. 1、 — continuation text never starts like this.
_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、)])")


@dataclass(slots=True)
class Part:
    """The piece of a table printed on one page."""

    page: int
    grid: Grid


Row = list[tuple[GridCell, bool]]  # (cell, is this the cell's first row)


def assemble(pages: list[tuple[int, list[Line | Part]]]) -> list[str | Table]:
    """Join lines into paragraphs and table parts into tables, in reading order."""
    blocks: list[str | list[Part]] = []
    lines: list[Line] = []
    open_table: list[Part] | None = None  # the table that ended the previous page
    for _, items in pages:
        left = min((it.x0 for it in items if isinstance(it, Line)), default=0.0)
        right = max((it.x1 for it in items if isinstance(it, Line)), default=0.0)
        for k, item in enumerate(items):
            if isinstance(item, Part):
                _flush(lines, blocks)
                if k == 0 and open_table is not None and _continues(open_table[-1], item):
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
        out.append(block if isinstance(block, str) else _table(block, index=sum(isinstance(b, Table) for b in out) + 1))
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


def _continues(prev: Part, nxt: Part) -> bool:
    """Is ``nxt`` (first on its page) the rest of ``prev`` (last on the previous page)?"""
    (px0, _, px1, _), (nx0, _, nx1, _) = prev.grid.bbox, nxt.grid.bbox
    return nxt.page == prev.page + 1 and abs(px0 - nx0) <= EDGE_TOLERANCE and abs(px1 - nx1) <= EDGE_TOLERANCE


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


def _numeric(text: str) -> bool:
    return bool(_NUMERIC.match(squash(text)))


def _table(parts: list[Part], index: int) -> Table:
    rows: list[tuple[int, Row]] = []
    headers: set[str] = set()
    for p, part in enumerate(parts):
        part_rows = grid_rows(part.grid)
        if p == 0:
            for row in part_rows:
                if any(_numeric(cell.text) for cell, _ in row):
                    break
                headers.add(_key(row))
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
                )
                for cell, first in row
            ]
        )
    return Table(rows=out, index=index, page=parts[0].page)


def _pairs(last: Row, first: Row) -> list[tuple[GridCell, GridCell]] | None:
    """Cells of the two rows that sit in the same columns; None if the columns differ."""
    pairs = []
    for nxt, _ in first:
        match = [p for p, _ in last if abs(p.x0 - nxt.x0) <= EDGE_TOLERANCE and abs(p.x1 - nxt.x1) <= EDGE_TOLERANCE]
        if not match:
            return None
        pairs.append((match[0], nxt))
    return pairs


def _join_boundary(last: Row, first: Row) -> bool:
    """Re-join what the page break cut; True when ``first`` was the rest of ``last``."""
    pairs = _pairs(last, first)
    if pairs is None:
        return False
    if _is_split_row(pairs):
        for prev, nxt in pairs:
            _attach(prev, nxt)
        return True
    for i, (prev, nxt) in enumerate(pairs):
        # A group label (another label cell follows it in the row) cut by the break.
        right = pairs[i + 1][1].text if i + 1 < len(pairs) else ""
        is_group = right and not _numeric(right)
        root_text = prev.root().text
        if is_group and root_text and not _numeric(root_text) and not (nxt.text and _ITEM_START.match(squash(nxt.text))):
            _attach(prev, nxt)
    return False


def _attach(prev: GridCell, nxt: GridCell) -> None:
    root = prev.root()
    root.text += nxt.text
    nxt.continues = root


def _is_split_row(pairs: list[tuple[GridCell, GridCell]]) -> bool:
    """One row cut by the page break: its numbers all on one side, the other side's value cells empty.

    Both sides blank is ambiguous and treated as two rows (a blank row is never
    glued to its neighbour's label).
    """
    value_pairs = [(p, n) for p, n in pairs if _numeric(p.text) or _numeric(n.text)]
    value_ids = {id(n) for _, n in value_pairs}
    if not value_pairs:
        return False
    above = any(p.text for p, _ in value_pairs)
    below = any(n.text for _, n in value_pairs)
    if above == below:
        return False
    for prev, nxt in pairs:
        if id(nxt) in value_ids:
            continue
        if prev.text and nxt.text and _ITEM_START.match(squash(nxt.text)):
            return False
    return True
