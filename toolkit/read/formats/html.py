"""HTML as government CMS pages publish it.

Tables are expanded row by row: a cell with ``rowspan`` is repeated (``merged``,
text copied) in the rows it covers, a ``colspan`` cell appears once with its
span. Labels split across ``<span>``s are joined; ``<br>`` and ``<p>`` become
line breaks. Only *leaf* tables (tables holding no other table) are report
tables; layout tables of the page chrome are walked through as text.
"""

from __future__ import annotations

import lxml.etree as etree
import lxml.html

from toolkit.errors import CorruptFileError, LimitExceededError
from toolkit.read.document import Cell, Document, Table, location
from toolkit.read.encoding import decode
from toolkit.read.normalise import BLANKS

_SKIP = {"script", "style", "noscript", "head", "title", "template", "iframe", "object"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
    "blockquote", "pre", "center", "ul", "ol", "dl", "dt", "dd", "header", "footer", "form",
}
MAX_SPAN = 1000  # a hostile colspan must not allocate a huge grid


def read(data: bytes, path: str) -> Document:
    text, encoding = decode(data, path)
    # Decoded by us (strict UTF-8, declared, GB18030); lxml must not guess again.
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
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
    """Iterative document-order walk (deep nesting must not overflow the stack)."""
    buf: list[str] = []

    def flush() -> None:
        text = "".join(buf)
        buf.clear()
        for line in text.split("\n"):
            line = line.strip(BLANKS)
            if line:
                doc.blocks.append(line)

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
    if len(td) == 0:  # fast paths: most cells are bare text or one plain <p>
        return (td.text or "").strip(BLANKS)
    if len(td) == 1 and len(td[0]) == 0 and td[0].tag == "p" and not (td.text or "").strip() and not (td[0].tail or "").strip():
        return (td[0].text or "").strip(BLANKS)
    parts = [td.text or ""]
    for node in td.iterdescendants():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        if node.text and tag not in _SKIP:
            parts.append(node.text)
        if node.tail:
            parts.append(node.tail)
    return "".join(parts).strip(BLANKS)


def _span(td, attr: str) -> int:
    value = td.get(attr)
    if value is None:
        return 1
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

        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while col in pending:
                emit_pending_until(col + 1)
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            text = cell_text(td)
            loc = location(index, r, col)
            out.append(Cell(text, loc, span=colspan))
            if rowspan > 1:
                pending[col] = [rowspan - 1, text, colspan, loc]
            col += colspan
        emit_pending_until(float("inf"))
        if out:
            rows.append(out)
    return rows
