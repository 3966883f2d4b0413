"""DOCX → :class:`toolkit.read.document.Document`, straight from ``word/document.xml``.

We walk the WordprocessingML with lxml instead of going through python-docx's
object model: it is several times faster, and python-docx's ``row.cells``
repeats a gridSpan cell once per grid column, which is exactly what the
Document contract forbids.

Grid rules (ECMA-376 §17.4): ``w:gridSpan`` makes one ``w:tc`` cover several
grid columns (kept once, with ``span``); ``w:vMerge val="restart"`` opens a
vertical merge and a bare ``w:vMerge`` continues the one above in the same
grid column (kept as a ``merged=True`` cell carrying the opening cell's text);
``w:gridBefore``/``w:gridAfter`` leave grid columns without a ``w:tc``, which
we fill with empty cells so that right-aligned value cells keep their place.

Examples:
    >>> from pathlib import Path
    >>> path = Path(__file__).parents[2] / "data/template-2021-blank.docx"
    >>> doc = read(path.read_bytes(), str(path))
    >>> [len(t.rows) for t in doc.tables]
    [14, 28, 4]
    >>> [c.text for c in doc.tables[2].rows[0]]
    ['行政复议', '行政诉讼']
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from toolkit import limits
from toolkit.errors import CorruptFileError, LimitExceededError, UnsafeInputError
from toolkit.read.document import Cell, Document, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Small members may compress extremely well (runs of spaces); only large ones are judged by ratio.
BOMB_MIN_BYTES = 1024 * 1024

P, T = W + "p", W + "t"
_TEXT_TAGS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_ITER_TAGS = (P, T, *_TEXT_TAGS)
VAL = W + "val"
TR, TC, TRPR, TCPR = W + "tr", W + "tc", W + "trPr", W + "tcPr"
GRID_BEFORE, GRID_AFTER, GRID_SPAN, VMERGE = W + "gridBefore", W + "gridAfter", W + "gridSpan", W + "vMerge"


def document_xml(data: bytes, path: str) -> bytes:
    """The raw ``word/document.xml`` of a DOCX (the benchmark's floor reads just this).

    The archive is checked against :mod:`toolkit.limits` before anything is
    unpacked: member count, total unpacked size and compression ratio (a zip
    bomb fails here, in one line). ``ZipFile.read`` never yields more than a
    member's declared size, so a lying header cannot unpack more either.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        info = zf.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise CorruptFileError(path, f"not a readable DOCX (zip without word/document.xml: {exc})") from exc
    _check_archive(zf.infolist(), path)
    try:
        xml = zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:  # truncated archive
        raise CorruptFileError(path, f"DOCX archive is truncated or damaged: {exc}") from exc
    # Word never writes a DTD; one here can only define entities (billion laughs,
    # external files), so it is refused before the XML parser sees it.
    head = xml[:4096]
    if b"<!DOCTYPE" in head or b"<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E" in head:
        raise UnsafeInputError(path, "word/document.xml declares a DOCTYPE (XML entities are refused: entity-expansion or external-entity attack?)")
    return xml


def _check_archive(infos: list[zipfile.ZipInfo], path: str) -> None:
    lim = limits.current()
    if len(infos) > lim.max_members:
        raise LimitExceededError(path, f"DOCX archive has {len(infos)} members (limit {lim.max_members})")
    total = sum(i.file_size for i in infos)
    if total > lim.max_unpacked_bytes:
        raise LimitExceededError(path, f"DOCX archive unpacks to {total} bytes (limit {lim.max_unpacked_bytes}): zip bomb?")
    for i in infos:
        if i.file_size > BOMB_MIN_BYTES and i.file_size > lim.max_compression_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise LimitExceededError(path, f"DOCX member {i.filename} expands {ratio:.0f}:1 (limit {lim.max_compression_ratio:.0f}:1): zip bomb?")


def parse_xml(xml: bytes, path: str):
    """Parse WordprocessingML safely: no entity substitution, no DTD loading, no network."""
    try:
        return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(path, f"word/document.xml is not well-formed XML: {exc}") from exc


def read(data: bytes, path: str) -> Document:
    """Read a DOCX file's body into paragraphs and tables in reading order."""
    root = parse_xml(document_xml(data, path), path)
    # Text boxes are stored twice (mc:Choice and the mc:Fallback copy for old Word): drop the copy.
    for fallback in list(root.iter(MC_FALLBACK)):
        fallback.getparent().remove(fallback)
    body = root.find(W + "body")
    if body is None:
        raise CorruptFileError(path, "word/document.xml has no w:body")
    blocks: list[str | Table] = []
    _walk(body, blocks)
    return Document(blocks=blocks, format="docx")


def _walk(container, blocks: list) -> None:
    """Body-level paragraphs and tables, descending into content controls (w:sdt)."""
    for el in container:
        if el.tag == W + "p":
            text = _text(el)
            if text.strip():  # empty paragraphs are only vertical spacing
                blocks.append(text)
        elif el.tag == W + "tbl":
            blocks.append(_table(el, index=sum(isinstance(b, Table) for b in blocks) + 1))
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
            _walk(el, blocks)


def _text(el) -> str:
    """Text of a paragraph (or a cell): runs joined, so labels split across runs come back whole.

    Paragraphs inside the element are joined with newlines. One C-level
    ``iter`` over the text-bearing tags (w:delText is another tag, so deleted
    text of tracked changes is skipped).
    """
    paragraphs: list[str] = []
    parts: list[str] = []
    for node in el.iter(*_ITER_TAGS):
        tag = node.tag
        if tag == P:
            if parts:
                paragraphs.append("".join(parts))
                parts = []
        elif tag == T:
            parts.append(node.text or "")
        else:
            parts.append(_TEXT_TAGS[tag])
    paragraphs.append("".join(parts))
    return "\n".join(p for p in paragraphs if p) if len(paragraphs) > 1 else paragraphs[0]


def _props(pr, tags: tuple[str, ...]) -> dict[str, str | None]:
    """``w:val`` of the wanted children of a property element (``None`` when present without w:val)."""
    out: dict[str, str | None] = {}
    if pr is not None:
        for child in pr:
            if child.tag in tags:
                out[child.tag] = child.get(VAL)
    return out


def _count(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def _table(tbl, index: int) -> Table:
    rows: list[list[Cell]] = []
    open_merges: dict[int, Cell] = {}  # grid column → cell that opened a vertical merge there
    prefix = f"table {index}, row "
    for r, tr in enumerate(tbl.iterchildren(TR), start=1):
        trpr = _props(tr.find(TRPR), (GRID_BEFORE, GRID_AFTER))
        row: list[Cell] = []
        col = 1
        before = _count(trpr.get(GRID_BEFORE), 0)
        if before:
            row.append(Cell("", f"{prefix}{r}, col {col}", span=before))
            col += before
        for tc in _cells(tr):
            pr = _props(tc.find(TCPR), (GRID_SPAN, VMERGE))
            span = max(1, _count(pr.get(GRID_SPAN), 1))
            loc = f"{prefix}{r}, col {col}"
            if VMERGE in pr and pr[VMERGE] != "restart" and col in open_merges:
                cell = Cell(open_merges[col].text, loc, merged=True, span=span)
            else:
                cell = Cell(_text(tc), loc, span=span)
                if VMERGE in pr:
                    open_merges[col] = cell
                elif open_merges:
                    open_merges.pop(col, None)
            row.append(cell)
            col += span
        after = _count(trpr.get(GRID_AFTER), 0)
        if after:
            row.append(Cell("", f"{prefix}{r}, col {col}", span=after))
        rows.append(row)
    return Table(rows=rows, index=index)


def _cells(tr):
    """The row's w:tc elements, including those wrapped in content controls."""
    for el in tr:
        if el.tag == TC:
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _cells(el)
