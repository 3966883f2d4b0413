"""Tika-style plain text: paragraphs as lines, table cells as tab-prefixed lines.

The layout Apache Tika writes when it extracts a DOCX (the seed report):
- each table cell starts a line with ``\\t``; a cell that spans rows is repeated
  as an empty ``\\t`` line in the rows below it (so values keep their position);
- a wrapped cell continues on the next line without a tab;
- a blank line ends a table row; a paragraph line (or a run of blank lines) ends
  the table.
"""

from __future__ import annotations

from toolkit.read.document import Cell, Document, Table
from toolkit.read.encoding import decode


def read(data: bytes, path: str) -> Document:
    text, encoding = decode(data, path)
    return parse(text, encoding=encoding)


def parse(text: str, encoding: str | None = None) -> Document:
    # One pass over the lines with the state in locals (no closures): this loop is the reader.
    blocks: list[str | Table] = []
    n_tables = 0  # tables kept so far (a table without rows is dropped): the next one's index - 1
    table: Table | None = None
    row: list[Cell] = []
    blank_run = 0
    prev_was_cell = False
    prefix = ""  # "table N, row R, col " of the current row: document.location's format
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line[:1] == "\t":
            if table is None:
                table = Table(rows=[], index=n_tables + 1)
            if not row:
                prefix = f"table {table.index}, row {len(table.rows) + 1}, col "
            # Tika writes merged continuation cells as bare tabs: text unknown.
            row.append(Cell(line[1:], f"{prefix}{len(row) + 1}, line {lineno}"))
            prev_was_cell, blank_run = True, 0
        elif not line.strip():
            blank_run += 1
            prev_was_cell = False
            if table is not None:
                if row:  # a blank line ends the row
                    table.rows.append(row)
                    row = []
                if blank_run > 1:  # a run of blank lines ends the table
                    if table.rows:
                        blocks.append(table)
                        n_tables += 1
                    table = None
        elif prev_was_cell and row:
            row[-1].text += "\n" + line  # wrapped cell text
        else:
            if table is not None:  # a paragraph ends the table
                if row:
                    table.rows.append(row)
                if table.rows:
                    blocks.append(table)
                    n_tables += 1
                table = None
            row = []
            blocks.append(line.strip())
            prev_was_cell, blank_run = False, 0
    if table is not None:
        if row:
            table.rows.append(row)
        if table.rows:
            blocks.append(table)
    return Document(blocks=blocks, format="text", encoding=encoding)
