"""HTML as government CMS pages publish it.

Tables are expanded row by row: a cell with ``rowspan`` is repeated (``merged``,
text copied) in the rows it covers, a ``colspan`` cell appears once with its
span. Labels split across ``<span>``s are joined; ``<br>`` and ``<p>`` become
line breaks. Only *leaf* tables (tables holding no other table) are report
tables; layout tables of the page chrome are walked through as text.
"""

from __future__ import annotations

import codecs

import lxml.etree as etree

from toolkit.errors import CorruptFileError, LimitExceededError
from toolkit.read.document import Cell, Document, Table
from toolkit.read.encoding import decode
from toolkit.read.normalise import BLANKS

_SKIP = {"script", "style", "noscript", "head", "title", "template", "iframe", "object"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
    "blockquote", "pre", "center", "ul", "ol", "dl", "dt", "dd", "header", "footer", "form",
}
_BREAKS = _BLOCK | {"br", "td", "th"}  # elements whose start is a line break (and whose end, but for br)
_CELL_BREAKS = _BLOCK | {"br"}  # line breaks inside a cell
MAX_SPAN = 1000  # a hostile colspan must not allocate a huge grid


def read(data: bytes, path: str) -> Document:
    text, encoding = decode(data, path)
    # Decoded by us (strict UTF-8, declared, GB18030); lxml must not guess again.
    # lxml.etree's HTML parser, not lxml.html's: the same tree, without lxml.html's element-class
    # lookup, which costs a Python call for every element the walk touches.
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, huge_tree=False)
    try:
        # Bytes that decoded as strict UTF-8 are their own re-encoding (less a BOM): not encoded again.
        raw = data.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8" else text.encode("utf-8")
        root = etree.fromstring(raw, parser)
        if root is None:  # as lxml.html.document_fromstring says it
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise CorruptFileError(path, f"HTML could not be parsed ({exc})") from None
    # libxml2 stops building the tree past 256 nested elements; say so rather than
    # report the (truncated) tables as missing.
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise LimitExceededError(path, "HTML nested deeper than 256 elements: not parsed (hostile or broken page)")
    title = (root.findtext(".//title") or "").strip()
    doc = Document(blocks=[], format="html", encoding=encoding, title=title or None)
    _walk(root, doc)
    return doc


def _is_leaf_table(el) -> bool:
    return el.tag == "table" and el.find(".//table") is None


def _walk(root, doc: Document) -> None:
    """Document-order walk (iterative: deep nesting must not overflow the stack).

    lxml's C walker (``iterwalk``) yields elements only; a page that still holds
    other nodes (comments, processing instructions: their tails are text) takes
    the node-by-node walk instead.
    """
    if next(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity), None) is not None:
        _walk_nodes(root, doc)
        return
    buf: list[str] = []
    add = buf.append
    walker = etree.iterwalk(root, events=("start", "end"))
    skip = walker.skip_subtree
    skipped = None  # the element whose subtree was skipped: its next event is its own end
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if tag in _SKIP:
                skip()
                skipped = el
                continue
            if tag == "table" and el.find(".//table") is None:  # a leaf table
                _flush(buf, doc)
                index = len(doc.tables) + 1
                doc.blocks.append(Table(rows=_grid(el, index), index=index))
                skip()
                skipped = el
                continue
            if tag in _BREAKS:
                add("\n")
            if el.text:
                add(el.text)
        else:
            if el is skipped:
                skipped = None
            elif tag in _BREAKS and tag != "br":
                add("\n")
            if el.tail:
                add(el.tail)
    _flush(buf, doc)


def _flush(buf: list[str], doc: Document) -> None:
    text = "".join(buf)
    buf.clear()
    for line in text.split("\n"):
        line = line.strip(BLANKS)
        if line:
            doc.blocks.append(line)


def _walk_nodes(root, doc: Document) -> None:
    """Iterative document-order walk (deep nesting must not overflow the stack)."""
    buf: list[str] = []

    def flush() -> None:
        _flush(buf, doc)

    # Stack of (element, entering?) pairs; tails are emitted on exit.
    stack = [(root, True)]
    while stack:
        el, entering = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if entering:
            if tag in _SKIP:
                if el.tail:
                    buf.append(el.tail)
                continue
            if tag == "table" and _is_leaf_table(el):
                flush()
                index = len(doc.tables) + 1
                doc.blocks.append(Table(rows=_grid(el, index), index=index))
                if el.tail:
                    buf.append(el.tail)
                continue
            if tag == "br":
                buf.append("\n")
            elif tag in _BLOCK or tag in ("td", "th"):
                buf.append("\n")
            if el.text and tag:
                buf.append(el.text)
            stack.append((el, False))
            stack.extend((child, True) for child in reversed(el))
        else:
            if tag in _BLOCK or tag in ("td", "th"):
                buf.append("\n")
            if el.tail:
                buf.append(el.tail)
    flush()


def cell_text(td) -> str:
    """Text of a cell: spans joined, ``<br>``/``<p>`` as line breaks, outer blanks stripped."""
    n = len(td)
    if n == 0:  # fast paths: most cells are bare text or one plain <p>
        return (td.text or "").strip(BLANKS)
    if n == 1:
        p = td[0]  # one proxy, asked once
        if p.tag == "p" and len(p) == 0 and not (td.text or "").strip() and not (p.tail or "").strip():
            return (p.text or "").strip(BLANKS)
    parts = [td.text or ""]
    add = parts.append
    for node in td.iterdescendants():
        tag = node.tag
        if tag.__class__ is not str:  # a comment or processing instruction: its tail only
            tag = ""
        elif tag in _CELL_BREAKS:
            add("\n")
        text = node.text
        if text and tag not in _SKIP:
            add(text)
        text = node.tail
        if text:
            add(text)
    return "".join(parts).strip(BLANKS)


def _span_value(value: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(value.strip() or 1)))
    except ValueError:
        return 1


def _rows(table):
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if tr.tag == "tr")


def _grid(table, index: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    pending: dict[int, list] = {}  # grid col -> [rows left, text, colspan, location]
    prefix = f"table {index}, row "  # document.location's format, built once per table
    for r, tr in enumerate(_rows(table), start=1):
        out: list[Cell] = []
        col = 1

        def emit_pending_until(limit: float) -> None:
            nonlocal col
            while True:
                starts = sorted(c for c in pending if col <= c < limit)
                if not starts:
                    return
                c = starts[0]
                left, text, span, loc = pending[c]
                out.append(Cell(text, loc, merged=True, span=span))  # noqa: B023 - called only within this row's iteration
                col = c + span
                if left == 1:
                    del pending[c]
                else:
                    pending[c][0] = left - 1

        row_prefix = f"{prefix}{r}, col "
        for td in tr:
            tag = td.tag
            if tag != "td" and tag != "th":
                continue
            if pending:
                while col in pending:
                    emit_pending_until(col + 1)
            cs, rs = td.get("colspan"), td.get("rowspan")
            colspan = 1 if cs is None else _span_value(cs)
            text = cell_text(td)
            loc = f"{row_prefix}{col}"
            out.append(Cell(text, loc, False, colspan))
            if rs is not None:
                rowspan = _span_value(rs)
                if rowspan > 1:
                    pending[col] = [rowspan - 1, text, colspan, loc]
            col += colspan
        if pending:
            emit_pending_until(float("inf"))
        if out:
            rows.append(out)
    return rows
