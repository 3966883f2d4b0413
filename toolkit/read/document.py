"""What every format reader returns: paragraphs and tables in reading order.

Readers (``toolkit.read.formats.*``) only turn bytes into this structure; mapping
labels to codebook keys happens once, in :mod:`toolkit.read.tables`, for every
format alike. A reader that must recover a table's structure from its words
(PDF tables without ruling lines, tables cut by page breaks) asks
:mod:`toolkit.read.vocabulary` what a label names, and uses the answer only to
place lines and columns (an import-linter contract in pyproject.toml keeps
readers away from the codebook itself).

Contract for readers:
- ``Table.rows`` is a list of rows, each a list of :class:`Cell` in visual order.
- A cell spanning several grid columns appears **once** (``span`` = columns it covers).
- A cell spanning several rows appears in each row it covers: in the first with its
  text, in the following rows as a continuation with ``merged=True`` (its text copied
  where the format knows it, else empty). Thus the k-th cell from the right of a data
  row sits under the k-th leaf header cell from the right.
- Empty cells are kept as cells with ``text == ""``; they are never dropped.
- ``location`` names the cell in the source ("table 2, row 5, col 3[, page 4]").
- Paged readers (PDF) give ``box``: where the cell sits on the page named in ``location``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cell:
    text: str
    location: str
    merged: bool = False
    span: int = 1
    confidence: float | None = None  # OCR'd cells: the lowest confidence of its characters (0–1)
    # Paged formats: the cell's box on its page (x0, y0, x1, y1 in points, y from the top of the
    # page as shown), so a value can be shown on its page (toolkit.read.source); None elsewhere.
    box: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]]
    index: int  # 1-based position among the document's tables
    page: int | None = None  # first page, where the format has pages


@dataclass(slots=True)
class Document:
    """A report file turned into paragraphs (str) and tables, in reading order."""

    blocks: list[str | Table]
    format: str  # text | html | docx | pdf
    encoding: str | None = None
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # reader-level warnings
    title: str | None = None  # the page title of an HTML report (often names agency and year)
    ocr_pages: tuple[int, ...] = ()  # pages read from a picture by OCR (toolkit.read.formats.ocr)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]


def location(table: int, row: int, col: int, page: int | None = None, line: int | None = None) -> str:
    """Format a cell location: table index, grid row and column, page or text line.

    Examples:
        >>> location(2, 5, 3, page=4)
        'table 2, row 5, col 3, page 4'
        >>> location(1, 2, 1, line=40)
        'table 1, row 2, col 1, line 40'
    """
    loc = f"table {table}, row {row}, col {col}"
    if page is not None:
        loc += f", page {page}"
    if line is not None:
        loc += f", line {line}"
    return loc
