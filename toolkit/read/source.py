"""Where a value was printed: the cell of the source file, and (for paged files) a picture of it.

A tidy cell names its source by ``source_file`` and ``location`` ("table 2, row 4,
col 10, page 3"). :func:`find_source` reads the file again (the same reader as
:func:`toolkit.read.report.read_report`, after checking its sha256 against the
cell's ``source_sha256``) and returns the printed row: every cell of it, the chosen
one, and for PDFs (text layer or scanned pages) the boxes the reader kept
(:attr:`toolkit.read.document.Cell.box`). :func:`page_image` renders the page region
around the cell (its header rows and its row, the cell boxed): a PDF page rendered
with pypdfium2, the library the reader uses, at :data:`DPI`; a picture (scan or
photograph) straightened by OCR again, exactly as it was read.

Keys are codebook keys: ``requests/new_received/total`` (:func:`parse_key`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit import codebook as cb
from toolkit.errors import ToolkitError
from toolkit.read.document import Cell, Document, Table
from toolkit.read.formats import read_document
from toolkit.read.script import to_simplified

#: Resolution of a page picture: digits of 10–12 pt body text come out 28–33 px high.
DPI = 200
_MARGIN = 8.0  # points of page kept around the region
_GAP = 120.0  # points: header and row further apart than this are shown as two strips
_LOCATION = re.compile(r"table (\d+), row (\d+), col (\d+)(?:, page (\d+))?")
_NUMBER = re.compile(r"^\s*[-+]?[\d,，.．]+\s*$")


class CellNotFoundError(ToolkitError):
    """An unknown key, a cell the report does not have, or a source that cannot show it."""

    reason = "cell"


@dataclass
class SourceCell:
    """One printed cell found again in its file: its row, and where it sits on the page."""

    source_file: str
    key: str  # table/row/column
    location: str
    raw: str | None
    format: str
    row: list[Cell]  # the printed row, every cell (label cells first)
    chosen: int  # index of the cell in ``row``
    page: int | None = None
    header: list[list[Cell]] = field(default_factory=list)  # the table's header rows
    marked: tuple[int, ...] = ()  # other cells of the row to box with it (the members of an identity)

    @property
    def cell(self) -> Cell:
        return self.row[self.chosen]

    def text(self) -> str:
        """The row as printed, the chosen cell marked ▶…◀, and its location (one line each)."""
        cells = [c.text.strip() or "·" for c in self.row]
        cells[self.chosen] = f"▶{cells[self.chosen]}◀"
        return f"{self.source_file}  {self.key}  ({self.location})\n" + " | ".join(cells)


def parse_key(key: str) -> tuple[str, str, str]:
    """``table/row/column`` → its three codebook keys; an unknown key raises :class:`CellNotFoundError`.

    Examples:
        >>> parse_key("requests/new_received/total")
        ('requests', 'new_received', 'total')
    """
    parts = [p.strip() for p in str(key).split("/")]
    if len(parts) != 3:
        raise CellNotFoundError(key, "a cell key is TABLE/ROW/COLUMN, e.g. requests/new_received/total")
    table, row, column = parts
    if table not in cb.TABLES:
        raise CellNotFoundError(key, f"unknown table {table!r} (one of {', '.join(cb.TABLES)})")
    if row not in cb.keys(table, "row"):
        raise CellNotFoundError(key, f"unknown row {row!r} of table {table} (see toolkit codebook)")
    if column not in cb.keys(table, "column"):
        raise CellNotFoundError(key, f"unknown column {column!r} of table {table} (see toolkit codebook)")
    return table, row, column


def source_path(source_file: str, root: str | Path | None = None) -> Path:
    """The file a cell was read from: ``source_file`` as it is when it exists, else under ``root``.

    A panel read from a folder names its files as they were given; the demo
    panel names them relative to its folder (``reports/2021/…``).
    """
    path = Path(str(source_file))
    if root is None or path.exists() or path.is_absolute():
        return path
    return Path(root) / path


def cell_row(data: pd.DataFrame, table: str, row: str, column: str, name: str = "report") -> pd.Series:
    """The tidy row of one cell, or :class:`CellNotFoundError` when the report does not have it."""
    parse_key(f"{table}/{row}/{column}")
    hit = data[(data["table"] == table) & (data["row"] == row) & (data["column"] == column)]
    key = f"{table}/{row}/{column}"
    if hit.empty:
        raise CellNotFoundError(name, f"the report has no cell {key}")
    cell = hit.iloc[0]
    if cell.get("status") == "missing" or pd.isna(cell.get("location")):
        raise CellNotFoundError(name, f"cell {key} was not read (status missing): there is nothing printed to show")
    return cell


def find_source(cell: pd.Series, path: str | Path | None = None) -> SourceCell:
    """Read the cell's file again and find the printed row of ``cell`` (a row of a tidy frame).

    ``path`` defaults to the cell's ``source_file``. The file must be the one
    the cell was read from (same sha256), else :class:`CellNotFoundError`.
    """
    path = Path(path if path is not None else cell["source_file"])
    key = f"{cell['table']}/{cell['row']}/{cell['column']}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CellNotFoundError(path, f"cannot read the source file ({exc.strerror or exc})") from None
    sha = cell.get("source_sha256")
    if isinstance(sha, str) and sha and hashlib.sha256(data).hexdigest() != sha:
        raise CellNotFoundError(path, "the file has changed since the cell was read (sha256 differs)")
    doc = _document(str(path), data)
    loc = str(cell["location"])
    m = _LOCATION.match(loc)
    table = next((t for t in doc.tables if m and t.index == int(m.group(1))), None)
    for row in table.rows if table is not None else []:
        for i, c in enumerate(row):
            if c.location == loc:
                return SourceCell(
                    source_file=str(path), key=key, location=loc, raw=None if pd.isna(cell.get("raw")) else cell.get("raw"),
                    format=doc.format, row=row, chosen=i, page=int(m.group(4)) if m.group(4) else None,
                    header=_header_rows(table) or _carried_header(doc.tables, table),
                )
    raise CellNotFoundError(path, f"cell {key} ({loc}) not found in the file as read now")


def _document(name: str, data: bytes) -> Document:
    """The file as read (cached for the last few files: a review shows many cells of one report)."""
    key = (name, hashlib.sha256(data).hexdigest())
    if key not in _DOCUMENTS:
        if len(_DOCUMENTS) >= 4:
            _DOCUMENTS.pop(next(iter(_DOCUMENTS)))
        _DOCUMENTS[key] = to_simplified(read_document(data, name))
    return _DOCUMENTS[key]


_DOCUMENTS: dict[tuple[str, str], Document] = {}


def with_row_cells(src: SourceCell, others: list[SourceCell]) -> SourceCell:
    """``src`` with the cells of ``others`` that sit in its printed row marked too."""
    at = {c.location: i for i, c in enumerate(src.row)}
    marked = tuple(sorted({at[o.location] for o in others if o.location in at} - {src.chosen}))
    return SourceCell(**{**src.__dict__, "marked": marked})


def _header_rows(table: Table) -> list[list[Cell]]:
    """The rows above the first row that prints a number: the column headers."""
    out = []
    for row in table.rows:
        if any(_NUMBER.match(c.text) for c in row if not c.merged):
            break
        out.append(row)
    return out


def _carried_header(tables: list[Table], table: Table) -> list[list[Cell]]:
    """A table starting with numbers continues an earlier one (cut by a page break): the nearest header before it."""
    for earlier in reversed([t for t in tables if t.index < table.index]):
        header = _header_rows(earlier)
        if header:
            return header
    return []


def _union(cells: list[Cell], page: int | None) -> tuple[float, float, float, float] | None:
    boxes = [c.box for c in cells if c.box is not None and _page(c) == page]
    if not boxes:
        return None
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _page(cell: Cell) -> int | None:
    m = _LOCATION.match(cell.location)
    return int(m.group(4)) if m and m.group(4) else None


def page_image(src: SourceCell, dpi: int = DPI):
    """The page region around the cell as a PIL image: header rows, the cell's row, the cell boxed in red.

    Header and row are one strip of the page when they are close, else two strips
    (the header from the table's first page). A PDF page is rendered at ``dpi``; a
    picture (scan or photograph) is OCR'd again and shown straightened, as it was
    read (a few seconds a page). Raises :class:`CellNotFoundError` for a file
    without pages or a cell without a box.
    """
    from PIL import Image, ImageDraw

    box = src.cell.box
    if src.format not in ("pdf", "image") or src.page is None or box is None:
        raise CellNotFoundError(src.source_file, f"cell {src.key} ({src.location}) has no place on a page to show "
                                                 f"({src.format}); its printed row is: {src.text().splitlines()[1]}")
    row_box = _union(src.row, src.page) or box
    header_cells = [c for r in src.header for c in r]
    header_page = next((_page(c) for c in header_cells if c.box is not None), None)
    header_box = _union(header_cells, header_page) if header_page is not None else None
    x0 = min(row_box[0], header_box[0] if header_box else row_box[0]) - _MARGIN
    x1 = max(row_box[2], header_box[2] if header_box else row_box[2]) + _MARGIN
    with _PageSource(src, dpi) as pages:
        def strip(page: int, y0: float, y1: float, mark=None, below: float = _MARGIN):
            img, k = pages.render(page)
            crop = img.crop((max(0, int(x0 * k)), max(0, int((y0 - _MARGIN) * k)),
                             min(img.width, int(x1 * k)), min(img.height, int((y1 + below) * k))))
            ox, oy = max(0, int(x0 * k)), max(0, int((y0 - _MARGIN) * k))
            draw = ImageDraw.Draw(crop)
            for m in mark or ():
                draw.rectangle((m[0] * k - ox - 2, m[1] * k - oy - 2, m[2] * k - ox + 2, m[3] * k - oy + 2),
                               outline=(213, 94, 0), width=max(2, int(k)))
            return crop

        marks = [box] + [src.row[i].box for i in src.marked if src.row[i].box is not None and _page(src.row[i]) == src.page]
        if header_box is None:
            return strip(src.page, row_box[1], row_box[3], marks)
        if header_page == src.page and 0 <= row_box[1] - header_box[3] <= _GAP:
            return strip(src.page, header_box[1], row_box[3], marks)
        top = strip(header_page, header_box[1], header_box[3], below=1.0)
        bottom = strip(src.page, row_box[1], row_box[3], marks)
    out = Image.new("RGB", (max(top.width, bottom.width), top.height + bottom.height + 6), (160, 160, 160))
    out.paste(top, (0, 0))
    out.paste(bottom, (0, top.height + 6))
    return out


class _PageSource:
    """Pages of the source as RGB pictures with their pixels per point: a PDF page rendered by pypdfium2 (the
    reader's library), a picture's page straightened by OCR exactly as the reader straightened it."""

    def __init__(self, src: SourceCell, dpi: int):
        self.src, self.dpi, self.pdf, self.done = src, dpi, None, {}

    def __enter__(self):
        if self.src.format == "pdf":
            import pypdfium2 as pdfium

            self.pdf = pdfium.PdfDocument(self.src.source_file)
        return self

    def __exit__(self, *exc):
        if self.pdf is not None:
            self.pdf.close()

    def render(self, page: int):
        if page not in self.done:
            self.done[page] = self._render(page)
        return self.done[page]

    def _render(self, page: int):
        from PIL import Image

        if self.pdf is not None:
            k = self.dpi / 72
            pg = self.pdf[page - 1]
            try:
                return pg.render(scale=k).to_pil().convert("RGB"), k
            finally:
                pg.close()
        from toolkit.read.formats.image import page_picture

        got = page_picture(Path(self.src.source_file).read_bytes(), self.src.source_file, page)
        return Image.fromarray(got.picture).convert("RGB"), got.picture.shape[1] / got.width

