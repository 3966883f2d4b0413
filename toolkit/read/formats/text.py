"""Tika-style plain text: paragraphs as lines, table cells as tab-prefixed lines.

The layout Apache Tika writes when it extracts a DOCX (the seed report):
- each table cell starts a line with ``\\t``; a cell that spans rows is repeated
  as an empty ``\\t`` line in the rows below it (so values keep their position);
- a wrapped cell continues on the next line without a tab;
- a blank line ends a table row; a paragraph line (or a run of blank lines) ends
  the table.
"""

from __future__ import annotations

from toolkit.read.document import Cell, Document, Table, location
from toolkit.read.encoding import decode


def read(data: bytes, path: str) -> Document:
    text, encoding = decode(data, path)
    return parse(text, encoding=encoding)


def parse(text: str, encoding: str | None = None) -> Document:
    blocks: list[str | Table] = []
    table: Table | None = None
    row: list[Cell] = []
    blank_run = 0
    prev_was_cell = False

    def end_row() -> None:
        nonlocal row
        if row and table is not None:
            table.rows.append(row)
        row = []

    def end_table() -> None:
        nonlocal table
        end_row()
        if table is not None and table.rows:
            blocks.append(table)
        table = None

    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            if table is None:
                table = Table(rows=[], index=sum(isinstance(b, Table) for b in blocks) + 1)
            r, c = len(table.rows) + 1, len(row) + 1
            # Tika writes merged continuation cells as bare tabs: text unknown.
            row.append(Cell(line[1:], location(table.index, r, c, line=lineno)))
            prev_was_cell, blank_run = True, 0
        elif not line.strip():
            blank_run += 1
            prev_was_cell = False
            if table is not None:
                end_row() if blank_run == 1 else end_table()
        elif prev_was_cell and row:
            row[-1].text += "\n" + line  # wrapped cell text
        else:
            end_table()
            blocks.append(line.strip())
            prev_was_cell, blank_run = False, 0
    end_table()
    return Document(blocks=blocks, format="text", encoding=encoding)
