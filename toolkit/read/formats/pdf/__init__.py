"""PDF (with a text layer) → :class:`toolkit.read.document.Document`, using pypdfium2.

Why pypdfium2: it reads positioned characters about as fast as PyMuPDF
(benchmarks/readers_pdf_docx.py) under Apache-2.0/BSD, where PyMuPDF is AGPL
and pdfplumber is ~15× slower. Library table finders are not used: on the
Huaian report PyMuPDF's ``find_tables`` read the fee 96171.6 as "961716/.",
while the characters themselves are right. We rebuild tables ourselves from the
page's drawn rules (:mod:`toolkit.read.formats.page`, :mod:`.tiles`) and join
tables cut by page breaks (:mod:`.stitch`). Tables printed without rules are
rebuilt from the text and the header labels (:mod:`.unruled`).

OCR: a page without characters that shows a picture is a scan, and a page whose
characters are garbage (:func:`garbled_pages`: CID fonts without a ToUnicode map
give control and Latin-1 codes instead of Chinese) is printed vector text that
cannot be read from its codes; both are rendered (:mod:`.scan`) and read by OCR
(:mod:`toolkit.read.formats.ocr`) into the same characters and rules, and the
garbled codes are never used. A PDF in which not even OCR finds text, and a
password-protected one ("encrypted"), raise :class:`~toolkit.errors.UnreadablePDFError`
rather than yield empty or nonsense tables.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections.abc import Iterable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from toolkit import limits
from toolkit.errors import CorruptFileError, LimitExceededError, UnreadablePDFError
from toolkit.read.document import Document
from toolkit.read.formats.page import Char, Line, Seg, fill, find_grids, fold_compat, group_lines
from toolkit.read.formats.pdf.stitch import Part, assemble
from toolkit.read.formats.pdf.tiles import tile_rules
from toolkit.read.formats.pdf.unruled import Unruled, extract

# Page furniture that would otherwise split a paragraph or a table: "-4-", "- 4 -", "第4页 共6页", "4 / 6".
_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*(?:/|共)\s*\d{1,4}\s*页?)?[-—–_\s]*$")


# Below these shares a text layer is garbage, not a report: a Chinese report is
# mostly Han characters (the Huaian report: 75 %), and a real text layer has
# almost no control, private-use or unassigned code points (garbled CID text: most).
MIN_HAN_SHARE = 0.10
MAX_JUNK_SHARE = 0.20
_JUNK_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")
_HAN_OR_ASCII = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\x20-\x7e]+")


def text_layer_usable(chars: Iterable[Char]) -> bool:
    """Can the characters of a page or file be read as a Chinese report, or do they need OCR?

    The one place that decides it. A font without a ToUnicode map (CID fonts,
    Identity-H) yields glyph ids as text: control characters, private-use and
    Latin-1 letters, and no Chinese. Such a text layer is unusable: the file
    goes the way of a scan rather than be read as nonsense.

    Examples:
        >>> text_layer_usable([Char(c, 0, 0, 1, 1) for c in "一、本年新收政府信息公开申请数量 12 0"])
        True
        >>> text_layer_usable([Char(c, 0, 0, 1, 1) for c in "(\x1e\x92qr£¤¥A\x08\t&'"])
        False
    """
    text = "".join([c.text for c in chars])
    n = len(text)
    han = n - len(_HAN.sub("", text))
    # Han and printable ASCII are never junk: only the rest is looked up one by one.
    junk = sum(1 for ch in _HAN_OR_ASCII.sub("", text) if ch == "\ufffd" or unicodedata.category(ch) in _JUNK_CATEGORIES)
    return n > 0 and han >= MIN_HAN_SHARE * n and junk <= MAX_JUNK_SHARE * n


def open_pdf(data: bytes, path: str) -> pdfium.PdfDocument:
    """Open a PDF, turning pdfium's error codes into the toolkit's one-line errors."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadablePDFError(path, "encrypted: the PDF needs a password to open") from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise UnreadablePDFError(path, "encrypted with an unsupported security handler") from exc
        raise CorruptFileError(path, f"not a readable PDF ({exc})") from exc


def _turn(page: pdfium.PdfPage):
    """Map (x, y-from-top) in the page's unrotated space to the page as shown (``/Rotate``), or None.

    WPS stores landscape pages as portrait pages with ``/Rotate 90`` and the
    content drawn a quarter turn round; pdfium's character boxes and paths are
    in the unrotated space, where the table would lie on its side.
    """
    rotation = page.get_rotation() % 360
    if not rotation:
        return None
    x0, y0, x1, y1 = page.get_mediabox()
    w, h = x1 - x0, y1 - y0
    if rotation == 90:
        return lambda x, y: (h - y, x)
    if rotation == 180:
        return lambda x, y: (w - x, h - y)
    return lambda x, y: (y, w - x)  # 270


def _unrotated_height(page: pdfium.PdfPage) -> float:
    if not page.get_rotation() % 180:
        return page.get_height()
    _, y0, _, y1 = page.get_mediabox()
    return y1 - y0


def page_chars(page: pdfium.PdfPage) -> list[Char]:
    """Every printed (non-space) character with its box, y measured from the top of the page as shown.

    The whole page text is fetched in one call and only the boxes one by one;
    this is the part the benchmark's floor measures.
    """
    textpage = page.get_textpage()
    try:
        n = pdfium_c.FPDFText_CountChars(textpage.raw)
        if n <= 0:
            return []
        buf = ctypes.create_string_buffer((n + 1) * 2)
        pdfium_c.FPDFText_GetText(textpage.raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[: n * 2].decode("utf-16-le", errors="replace")
        if len(text) != n:  # cannot happen for UTF-16 of n units, but never mis-align boxes
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(n))
        text = fold_compat(text)
        height = _unrotated_height(page)
        # Loose boxes span the glyph's advance and the font's ascent..descent: every
        # character of a line gets the same height and touching glyphs touch, which
        # makes line grouping and spacing simple (tight boxes of "1" and "." are slivers).
        rect = pdfium_c.FS_RECTF()
        ref = ctypes.byref(rect)
        chars = []
        index = []
        for i, ch in enumerate(text):
            if ch.isspace() or ch == "\ufffe" or ch == "\x00":
                continue  # pdfium's generated spaces/line breaks; layout decides spacing itself
            pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, i, ref)
            chars.append(Char(ch, rect.left, height - rect.top, rect.right, height - rect.bottom))
            index.append(i)
        _mend_loose_boxes(textpage, chars, index, height)
        turn = _turn(page)
        if turn is not None:
            for c in chars:
                (ax, ay), (bx, by) = turn(c.x0, c.y0), turn(c.x1, c.y1)
                c.x0, c.y0, c.x1, c.y1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
        return chars
    finally:
        textpage.close()


def _mend_loose_boxes(textpage, chars: list[Char], index: list[int], height: float) -> None:
    """Replace loose boxes pdfium blew up by the glyph's ink box.

    A glyph drawn with a tiny text matrix and a huge font size (WPS prints
    vertical block labels so: size 199 scaled by 0.05) gets a loose box of the
    unscaled size, 199 pt square, whose centre lies far from the glyph; the
    tight box is right. Only boxes far taller than the page's usual line are
    checked, so an ordinary page costs no extra call.
    """
    if not chars:
        return
    heights = sorted(c.y1 - c.y0 for c in chars)
    usual = heights[len(heights) // 2]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for c, i in zip(chars, index):
        if c.y1 - c.y0 <= 2.5 * usual:
            continue
        if not pdfium_c.FPDFText_GetCharBox(textpage.raw, i, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)):
            continue
        tw, th = right.value - left.value, top.value - bottom.value
        if c.x1 - c.x0 > 4 * tw + 2 and c.y1 - c.y0 > 4 * th + 2:
            c.x0, c.y0, c.x1, c.y1 = left.value, height - top.value, right.value, height - bottom.value


def page_rules(page: pdfium.PdfPage) -> tuple[list[Seg], list[Seg]]:
    """Horizontal and vertical rules drawn on the page (table borders), y from the top.

    A stroked line or a thin filled rectangle gives one rule from its bounds;
    other stroked paths (rectangles, whole grids drawn as one path) are walked
    segment by segment. Curves and diagonals are ignored: tables are not drawn
    with them. Raw pdfium calls: wrapping every text object in a Python helper
    object would cost more than the rest of the page. On a turned page
    (``/Rotate``) the rules are turned with it.
    """
    height = _unrotated_height(page)
    hs: list[Seg] = []
    vs: list[Seg] = []
    boxes: list[tuple[float, float, float, float]] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    # Bound once: a page of cell backgrounds has thousands of objects.
    raw, get_object, get_type, get_bounds = page.raw, pdfium_c.FPDFPage_GetObject, pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDFPageObj_GetBounds
    path = pdfium_c.FPDF_PAGEOBJ_PATH
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = get_object(raw, i)
        if get_type(obj) != path:
            continue
        get_bounds(obj, *bounds)
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if y1 - y0 <= 3 and x1 - x0 > 3:
            hs.append(Seg(height - (y0 + y1) / 2, x0, x1))
        elif x1 - x0 <= 3 and y1 - y0 > 3:
            vs.append(Seg((x0 + x1) / 2, height - y1, height - y0))
        elif x1 - x0 > 3 and y1 - y0 > 3:
            # Stroked outlines are rules; a filled box is a cell's background or a
            # text line's (WPS puts a white box behind every body line): only boxes
            # that tile a table give rules (.tiles), where no rule is drawn.
            pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
            if stroke.value:
                _path_rules(obj, height, hs, vs)
            elif fill.value and pdfium_c.FPDFPath_CountSegments(obj) <= 6:
                boxes.append((x0, height - y1, x1, height - y0))
    for ths, tvs in tile_rules(boxes, hs, vs):
        hs += ths
        vs += tvs
    turn = _turn(page)
    if turn is None:
        return hs, vs
    turned_h: list[Seg] = []
    turned_v: list[Seg] = []
    for seg in hs:
        _add_rule(turn(seg.lo, seg.pos), turn(seg.hi, seg.pos), turned_h, turned_v)
    for seg in vs:
        _add_rule(turn(seg.pos, seg.lo), turn(seg.pos, seg.hi), turned_h, turned_v)
    return turned_h, turned_v


def _path_rules(obj, height: float, hs: list[Seg], vs: list[Seg]) -> None:
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
    x, y = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = (m.a * x.value + m.c * y.value + m.e, height - (m.b * x.value + m.d * y.value + m.f))
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = prev = point
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
            _add_rule(prev, point, hs, vs)
        prev = point
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_rule(prev, start, hs, vs)
            prev = start


def _add_rule(a: tuple[float, float], b: tuple[float, float], hs: list[Seg], vs: list[Seg]) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= 1 and abs(ax - bx) > 3:
        hs.append(Seg((ay + by) / 2, min(ax, bx), max(ax, bx)))
    elif abs(ax - bx) <= 1 and abs(ay - by) > 3:
        vs.append(Seg((ax + bx) / 2, min(ay, by), max(ay, by)))


def read(data: bytes, path: str) -> Document:
    """Read a PDF's paragraphs and tables in reading order (tables cut by page breaks joined).

    Pages are read in two passes: first every page's characters, so that the
    text layer can be judged on the whole file (:func:`garbled_pages`), then
    each page is laid out from its characters, or from OCR of its picture when
    it has no characters (a scan) or only garbled ones.
    """
    pdf = open_pdf(data, path)
    try:
        n_pages = len(pdf)
        max_pages = limits.current().max_pdf_pages  # a yearly report has 5–40 pages
        if n_pages > max_pages:
            raise LimitExceededError(path, f"{n_pages} pages (limit {max_pages}, toolkit.limits)")
        layers: list[tuple[list[Char], list[Seg], list[Seg]]] = []
        for number in range(1, n_pages + 1):
            page = pdf[number - 1]
            try:
                layers.append((page_chars(page), *page_rules(page)))
            finally:
                page.close()
        garbled = garbled_pages([chars for chars, _, _ in layers])
        items: list[tuple[int, list[Line | Part | Unruled]]] = []
        n_chars = 0
        carry: Unruled | None = None  # an unruled table running to the bottom of the last page
        ocr_pages: list[int] = []
        for number, (chars, hs, vs) in enumerate(layers, start=1):
            if not chars or number in garbled:
                # Rendering and OCR load numpy and OpenCV: only for a file that needs them.
                from toolkit.read.formats.pdf.scan import GARBLED_DPI, read_pdf_page

                page = pdf[number - 1]
                try:
                    # A scan is read at its picture's resolution; a garbled page has
                    # none, and its characters are never used, even when OCR finds nothing.
                    chars, hs, vs = read_pdf_page(page, path, GARBLED_DPI if number in garbled else None)
                finally:
                    page.close()
                if chars:
                    ocr_pages.append(number)
            n_chars += len(chars)
            page_items, carry = layout_page(number, chars, hs, vs, carry)
            items.append((number, page_items))
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(path, f"PDF page could not be read ({exc})") from exc
    finally:
        pdf.close()
    if n_chars == 0 and garbled:
        raise UnreadablePDFError(path, f"no text: the text layer is garbled (fonts without a Unicode map) on {len(garbled)} "
                                       f"of its {n_pages} pages, and OCR found no characters on them")
    if n_chars == 0:
        raise UnreadablePDFError(path, f"no text: no text layer, and OCR found no characters on its {n_pages} pages")
    return Document(blocks=assemble(items), format="pdf", pages=n_pages, ocr_pages=tuple(ocr_pages))


# Characters a report's text layer prints even on a page without Chinese (a page
# of figures, a page number): ASCII, general and CJK punctuation, the signs
# °±·×÷, symbols and enclosed numbers (①), full-width forms, Han.
_PLAIN = re.compile(r"[\x20-\x7e\xb0\xb1\xb7\xd7\xf7\u2000-\u24ff\u3000-\u303f\uff00-\uffef\u3400-\u4dbf\u4e00-\u9fff]")


def garbled_pages(pages: list[list[Char]]) -> set[int]:
    """Page numbers (1-based) whose text layer is garbled and must be read by OCR instead.

    A page fails when its own characters fail :func:`text_layer_usable`. A page
    of figures or one holding just its page number fails that too, so failing
    alone is not enough: the file's text layer as a whole (its first 4000
    characters) must fail as well, or the page must hold characters no report
    prints (control, private-use, Latin-1 signs: glyph ids of a font without a
    Unicode map, in a file whose other fonts have one).

    Examples:
        >>> ok = [Char(c, 0, 0, 1, 1) for c in "一、本年新收政府信息公开申请数量"]
        >>> sorted(garbled_pages([ok, [Char(c, 0, 0, 1, 1) for c in "- 2 -"], [Char(c, 0, 0, 1, 1) for c in "(\x1e\x92qr£¤"]]))
        [3]
    """
    sample: list[Char] = []
    for chars in pages:
        sample += chars[: 4000 - len(sample)]
    whole_garbled = bool(sample) and not text_layer_usable(sample)
    out = set()
    for number, chars in enumerate(pages, start=1):
        if chars and not text_layer_usable(chars):
            if whole_garbled or any(not _PLAIN.match(ch) for c in chars for ch in c.text):
                out.add(number)
    return out


def layout_page(
    number: int, chars: list[Char], hs: list[Seg], vs: list[Seg], carry: Unruled | None = None
) -> tuple[list[Line | Part | Unruled], Unruled | None]:
    """One page as text lines and table parts, top to bottom, page numbers dropped.

    Text outside the ruled tables is searched for unruled ones (:mod:`.unruled`);
    ``carry`` is such a table left open at the bottom of the previous page, and the
    one left open at the bottom of this page is returned with the items.
    """
    parts: list[Part] = []
    for grid in find_grids(hs, vs):
        chars = fill(grid, chars)
        parts.append(Part(page=number, grid=grid))
    # Unruled tables first: a lone number in one of their cells looks like a page number.
    lines, unruled, carry = extract(number, group_lines(chars), carry, _PAGE_NUMBER)
    lines = [ln for ln in lines if not _PAGE_NUMBER.match(ln.text)]
    items: list[Line | Part | Unruled] = [*lines, *parts, *unruled]
    items.sort(key=lambda it: it.grid.ys[0] if isinstance(it, Part) else it.y0)
    return items, carry
