"""DOCX → :class:`toolkit.document.Document`, straight from ``word/document.xml``.

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
    >>> path = Path(__file__).parents[2] / "tests/fixtures/template-2021-blank.docx"
    >>> doc = read(path.read_bytes(), str(path))
    >>> [len(t.rows) for t in doc.tables]
    [14, 28, 4]
    >>> [c.text for c in doc.tables[2].rows[0]]
    ['行政复议', '行政诉讼']
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..document import Cell, Document, Table, location
from ..errors import CorruptFileError, LimitExceededError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# document.xml of a real report is well under 5 MB; far beyond that is a zip bomb.
MAX_XML_BYTES = 200 * 1024 * 1024

_TEXT_TAGS = {W + "t": None, W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}


def document_xml(data: bytes, path: str) -> bytes:
    """The raw ``word/document.xml`` of a DOCX (the benchmark's floor reads just this)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        info = zf.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise CorruptFileError(path, f"not a readable DOCX (zip without word/document.xml: {exc})") from exc
    if info.file_size > MAX_XML_BYTES:
        raise LimitExceededError(path, f"word/document.xml unpacks to {info.file_size} bytes (limit {MAX_XML_BYTES})")
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # truncated archive
        raise CorruptFileError(path, f"DOCX archive is truncated or damaged: {exc}") from exc


def read(data: bytes, path: str) -> Document:
    """Read a DOCX file's body into paragraphs and tables in reading order."""
    xml = document_xml(data, path)
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(path, f"word/document.xml is not well-formed XML: {exc}") from exc
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

    Paragraphs inside the element are joined with newlines; mc:Fallback copies of
    text boxes are skipped so their text is not doubled.
    """
    paragraphs: list[str] = []
    parts: list[str] = []
    stack = [iter((el,))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        tag = node.tag
        if not isinstance(tag, str) or tag == MC_FALLBACK or tag == W + "delText":
            continue
        if tag == W + "p" and parts:
            paragraphs.append("".join(parts))
            parts = []
        if tag in _TEXT_TAGS:
            parts.append(node.text or "" if _TEXT_TAGS[tag] is None else _TEXT_TAGS[tag])
            continue
        stack.append(iter(node))
    paragraphs.append("".join(parts))
    return "\n".join(p for p in paragraphs if p) if len(paragraphs) > 1 else paragraphs[0]


def _int(el, tag: str, default: int) -> int:
    child = el.find(tag) if el is not None else None
    try:
        return int(child.get(W + "val")) if child is not None else default
    except (TypeError, ValueError):
        return default


def _table(tbl, index: int) -> Table:
    rows: list[list[Cell]] = []
    open_merges: dict[int, Cell] = {}  # grid column → cell that opened a vertical merge there
    for r, tr in enumerate(tbl.findall(W + "tr"), start=1):
        trpr = tr.find(W + "trPr")
        row: list[Cell] = []
        col = 1

        def blank(n: int) -> None:
            nonlocal col
            if n > 0:
                row.append(Cell("", location(index, r, col), span=n))
                col += n

        blank(_int(trpr, W + "gridBefore", 0))
        for tc in _cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int(tcpr, W + "gridSpan", 1))
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            loc = location(index, r, col)
            if vmerge is not None and vmerge.get(W + "val", "continue") != "restart" and col in open_merges:
                cell = Cell(open_merges[col].text, loc, merged=True, span=span)
            else:
                cell = Cell(_text(tc), loc, span=span)
                if vmerge is not None:
                    open_merges[col] = cell
                else:
                    open_merges.pop(col, None)
            row.append(cell)
            col += span
        blank(_int(trpr, W + "gridAfter", 0))
        rows.append(row)
    return Table(rows=rows, index=index)


def _cells(tr):
    """The row's w:tc elements, including those wrapped in content controls."""
    for el in tr:
        if el.tag == W + "tc":
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _cells(el)
