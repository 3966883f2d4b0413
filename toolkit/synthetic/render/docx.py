"""Render a report as DOCX: the official blank template filled in, or a generated layout.

Two ways, because both occur in the wild and test different things:

- **official**: the blank T2021 template (``toolkit/data/template-2021-blank.docx``,
  with its own gridSpan/vMerge cells, U+3000 padding and fonts) with the
  values, title and narrative written into it. Only for all-2021 reports
  without layout perturbations.
- **generated**: the tables from :mod:`toolkit.synthetic.render.layout` (any template
  mix: T2019, T2021, mixed; 二 as one table or four; 四 as one or three) written
  as WordprocessingML, with Word-export habits from the perturbation: labels
  split into one run per character, labels wrapped into several paragraphs.

``push`` inserts filler paragraphs before section 三 so that table 三 starts
lower on the page and, once converted to PDF, breaks across pages at
different rows; ``repeat_header`` marks table 三's three header rows as
repeating on every page (``w:tblHeader``).

``vertical`` prints table 三's row-spanning labels (三、本年度办理结果 and the
group labels such as （三）不予公开) as vertical text, the way some WPS
exports do: ``"narrow"`` makes their columns one character wide, so the label
wraps one character per line; ``"rotated"`` sets ``w:textDirection`` (tbRl),
so the label is drawn with a rotated text matrix. Rows are printed without
top/bottom cell margins, so each label character shares its baseline with
the row label beside it.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources
from xml.sax.saxutils import escape

import numpy as np
from lxml import etree

from toolkit import codebook as cb
from toolkit.synthetic.render import layout
from toolkit.synthetic.render.layout import RCell
from toolkit.synthetic.render.perturb import Perturbation, vary_label, wrap
from toolkit.synthetic.render.reproducible import zip_info
from toolkit.synthetic.values import ReportSpec

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
TEXT_WIDTH = 8306  # twips: A4 (11906) minus the template's 1800 + 1800 margins
FILLER = "（本段为版式填充文字，用来把后面的表格推到分页处。）"


def template_bytes() -> bytes:
    return resources.files("toolkit").joinpath("data/template-2021-blank.docx").read_bytes()


def render_docx(
    spec: ReportSpec,
    p: Perturbation | None = None,
    seed: int = 0,
    *,
    official: bool | None = None,
    push: int = 0,
    repeat_header: bool = False,
    borders: bool = True,
    vertical: str | None = None,
) -> bytes:
    """A DOCX report printing ``spec.cells['raw']``.

    Args:
        spec: the report to print.
        p: perturbations (labels, runs, wraps, split tables, nbsp before values).
        seed: seed of the perturbation choices.
        official: fill the official template (default: when every table is 2021
            and no layout perturbation asks for something the template lacks).
        push: filler paragraphs before section 三.
        repeat_header: repeat table 三's header rows on each page.
        borders: draw the tables' rules; ``False`` prints every table
            borderless (``w:val="nil"`` on table and cell borders).
        vertical: ``"narrow"`` or ``"rotated"``: table 三's row-spanning labels
            as vertical text (generated layouts only).

    Examples:
        >>> from toolkit.synthetic.values import report_spec
        >>> from toolkit.read.formats.docx import read
        >>> doc = read(render_docx(report_spec(1)), "r.docx")
        >>> [len(t.rows) for t in doc.tables]
        [14, 28, 4]
    """
    p = p or Perturbation()
    rng = np.random.default_rng(seed)
    layout_changes = p.label_variants or p.split_spans or p.wrap_labels or p.split_proactive or p.split_review
    if vertical not in (None, "narrow", "rotated"):
        raise ValueError(f"vertical must be None, 'narrow' or 'rotated', not {vertical!r}")
    if official is None:
        official = set(spec.templates.values()) == {"2021"} and not layout_changes and vertical is None
    if official and vertical:
        raise ValueError("vertical labels are printed in generated layouts only")
    if official:
        if set(spec.templates.values()) != {"2021"}:
            raise ValueError("the official template prints the 2021 layout only")
        data = _fill_template(spec, p, push, repeat_header)
    else:
        data = _generate(spec, p, rng, push, repeat_header, vertical)
    return data if borders else remove_borders(data)


# --- the official template, filled in ---------------------------------------------------------


def _fill_template(spec: ReportSpec, p: Perturbation, push: int, repeat_header: bool) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(template_bytes()))
    root = etree.fromstring(src.read("word/document.xml"))
    body = root.find(W + "body")
    raw = spec.cells.set_index(["table", "row", "column"])["raw"]

    def value(key: tuple[str, str, str]) -> str:
        text = raw[key]
        return "\u00a0" + text if p.nbsp_values and text else text

    paragraphs = body.findall(W + "p")
    placeholders = [q for q in paragraphs if _ptext(q).startswith("（文字描述")]
    title = next(q for q in paragraphs if "年度报告格式模板" in _ptext(q))
    _set_paragraph(title, layout.title(spec))
    for q, key in zip(placeholders, ("overview", "problems", "other")):
        _set_paragraph(q, spec.narrative.get(key, ""))
    for key in ("requests", "review_litigation"):
        heading = next(q for q in paragraphs if _ptext(q) == cb.label("report", "section", key))
        _insert_after(heading, placeholders[0], [spec.narrative.get(key, "")])
    heading3 = next(q for q in paragraphs if _ptext(q) == cb.label("report", "section", "requests"))
    for _ in range(push):
        heading3.addprevious(_copy_paragraph(placeholders[0], FILLER))

    t2, t3, t4 = body.findall(W + "tbl")
    rows2 = t2.findall(W + "tr")
    for _block, row_keys, col_keys in cb.layout("proactive", "2021"):
        for r in row_keys:
            tr = next(tr for tr in rows2 if _label_key(tr, "proactive") == r)
            for tc, c in zip(tr.findall(W + "tc")[1:], col_keys):
                _set_cell(tc, value(("proactive", r, c)))
    _, req_rows, req_cols = cb.layout("requests", "2021")[0]
    data_rows = t3.findall(W + "tr")[3:]
    assert len(data_rows) == len(req_rows), "the template's table 三 changed"
    for tr, r in zip(data_rows, req_rows):
        for tc, c in zip(tr.findall(W + "tc")[-len(req_cols):], req_cols):
            _set_cell(tc, value(("requests", r, c)))
    if repeat_header:
        for tr in t3.findall(W + "tr")[:3]:
            _tr_pr(tr).append(etree.Element(W + "tblHeader"))
    _, rev_rows, rev_cols = cb.layout("review_litigation", "2021")[0]
    last = t4.findall(W + "tr")[-1].findall(W + "tc")
    for tc, key in zip(last, [(r, c) for r in rev_rows for c in rev_cols]):
        _set_cell(tc, value(("review_litigation", *key)))

    return _repack(src, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _ptext(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def _label_key(tr, table: str) -> str | None:
    from toolkit.read.normalise import label_key

    first = tr.find(W + "tc")
    return cb.match(table, "row", label_key(_ptext(first))) if first is not None else None


def _tr_pr(tr):
    pr = tr.find(W + "trPr")
    if pr is None:
        pr = etree.Element(W + "trPr")
        tr.insert(0, pr)
    return pr


def _set_paragraph(par, text: str) -> None:
    """Replace a paragraph's runs by one run of ``text``, keeping paragraph and first-run formatting."""
    runs = par.findall(W + "r")
    rpr = runs[0].find(W + "rPr") if runs else None
    for child in list(par):
        if child.tag != W + "pPr":
            par.remove(child)
    run = etree.SubElement(par, W + "r")
    if rpr is not None:
        run.append(_clone(rpr))
    t = etree.SubElement(run, W + "t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text


def _set_cell(tc, text: str) -> None:
    """Write ``text`` into a table cell: its first paragraph keeps its format, the others go."""
    pars = tc.findall(W + "p")
    for extra in pars[1:]:
        tc.remove(extra)
    _set_paragraph(pars[0], text)


def _clone(el):
    return etree.fromstring(etree.tostring(el))


def _copy_paragraph(model, text: str):
    par = _clone(model)
    _set_paragraph(par, text)
    return par


def _insert_after(anchor, model, texts: list[str]) -> None:
    for text in reversed(texts):
        if text:
            anchor.addnext(_copy_paragraph(model, text))


def _repack(src: zipfile.ZipFile, document_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = document_xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(zip_info(info.filename), data)  # fixed time: the same document gives the same bytes
    return out.getvalue()


_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def remove_borders(docx: bytes) -> bytes:
    """The same document with every table printed without rules (borderless tables)."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(src.read("word/document.xml"))
    for tag, parent in (("tblBorders", "tblPr"), ("tcBorders", "tcPr")):
        for pr in root.iter(W + parent):
            for old in pr.findall(W + tag):
                pr.remove(old)
            nil = etree.SubElement(pr, W + tag)
            for side in _SIDES:
                etree.SubElement(nil, W + side).set(W + "val", "nil")
            if parent == "tblPr":  # schema order: tblBorders before shd/tblLayout/tblCellMar/tblLook
                follow = [c for c in pr if c.tag in {W + t for t in ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")}]
                if follow:
                    follow[0].addprevious(nil)
            else:  # before shd/noWrap/tcMar/textDirection/tcFitText/vAlign/hideMark
                follow = [c for c in pr if c.tag in {W + t for t in ("shd", "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")}]
                if follow:
                    follow[0].addprevious(nil)
    return _repack(src, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


# --- generated layouts --------------------------------------------------------------------------


def _generate(spec: ReportSpec, p: Perturbation, rng: np.random.Generator, push: int, repeat_header: bool,
              vertical: str | None = None) -> bytes:
    def vary(label: str) -> str:
        if p.label_variants and rng.random() < 0.5:
            label = vary_label(label, rng)
        if p.wrap_labels and rng.random() < 0.3:
            label = wrap(label, rng)
        return label

    tables = {
        "proactive": layout.proactive(spec, vary, split=p.split_proactive),
        "requests": [layout.requests(spec, vary)],
        "review_litigation": layout.review(spec, vary, split=p.split_review),
    }
    body = [_par(layout.title(spec), center=True)]
    for key, (heading, text) in zip(["overview", *tables, "problems", "other"], layout.sections(spec)):
        if key == "requests":
            body += [_par(FILLER) for _ in range(push)]
        body.append(_par(heading))
        if text:
            body.append(_par(text))
        for t in tables.get(key, []):
            header_rows = 3 if (key == "requests" and repeat_header) else 0
            # Tables 二 and 四 are kept on one page: LibreOffice draws the text of a
            # row-spanning header cell cut by a page break over the next row's
            # border, a rendering defect, not a layout we need to read. Table 三
            # may break anywhere, rows included: that is what the tests are after.
            body.append(_table(t, p, rng, header_rows, keep_together=key != "requests",
                               vertical=vertical if key == "requests" else None))
            body.append(_par(""))
    body += [_par(spec.agency, right=True), _par(spec.sign_off_date or "", right=True)]
    src = zipfile.ZipFile(io.BytesIO(template_bytes()))
    sect = etree.tostring(etree.fromstring(src.read("word/document.xml")).find(f"{W}body/{W}sectPr")).decode()
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'
        + "".join(body)
        + sect
        + "</w:body></w:document>"
    )
    return _repack(src, xml.encode("utf-8"))


def _run(text: str, font: str | None = None) -> str:
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/></w:rPr>' if font else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _par(text: str, center: bool = False, right: bool = False, runs: str | None = None, keep_next: bool = False) -> str:
    ppr = ("<w:keepNext/>" if keep_next else "") + (
        '<w:jc w:val="center"/>' if center else '<w:jc w:val="right"/>' if right else ""
    )
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{runs if runs is not None else (_run(text) if text else '')}</w:p>"


def _cell_paragraphs(cell: RCell, p: Perturbation, keep_next: bool = False) -> str:
    lines = cell.text.split("\n") if cell.text else [""]
    out = []
    for line in lines:
        if cell.is_value:
            text = "\u00a0" + line if p.nbsp_values and line else line
            out.append(_par(text, center=True, keep_next=keep_next))
        elif p.split_spans:
            # Word exports: one run per character, quotes in a Latin font.
            runs = "".join(_run(ch, "Times New Roman" if not ch.isalnum() else "宋体") for ch in line)
            out.append(_par("", center=True, runs=runs, keep_next=keep_next))
        else:
            out.append(_par(line, center=True, keep_next=keep_next))
    return "".join(out)


def _grid(table: list[list[RCell]]) -> tuple[int, list[list[tuple[RCell, int, bool]]]]:
    """Place cells on the grid: (cell, grid column, is a vMerge continuation) per row."""
    pending: dict[int, tuple[RCell, int]] = {}  # grid column → (cell, rows still covered)
    placed: list[list[tuple[RCell, int, bool]]] = []
    width = 0
    for row in table:
        out: list[tuple[RCell, int, bool]] = []
        cells = iter(row)
        col = 0
        nxt = next(cells, None)
        while nxt is not None or any(c >= col for c in pending):
            if col in pending:
                cell, left = pending[col]
                out.append((cell, col, True))
                pending[col] = (cell, left - 1)
                if left - 1 == 0:
                    del pending[col]
                col += cell.colspan
                continue
            if nxt is None:
                col = min(c for c in pending if c >= col)
                continue
            out.append((nxt, col, False))
            if nxt.rowspan > 1:
                pending[col] = (nxt, nxt.rowspan - 1)
            col += nxt.colspan
            nxt = next(cells, None)
        width = max(width, col)
        placed.append(out)
    return width, placed


# A column that holds one CJK character per line: 10.5 pt glyph + LibreOffice's default cell margins.
NARROW = 480


def _vertical_columns(placed) -> set[int]:
    """Grid columns of the row-spanning labels left of the row labels (block and group labels)."""
    return {col for row in placed for cell, col, cont in row
            if not cont and cell.rowspan > 1 and cell.colspan == 1 and not cell.is_value and col < 2}


def _widths(width: int, placed, narrow: set[int] = frozenset()) -> list[int]:
    """Column widths from the longest single-column label in each column; value columns narrow.

    Columns in ``narrow`` are one character wide (vertical labels).
    """
    weight = [3.0] * width
    for row in placed:
        for cell, col, cont in row:
            if not cont and cell.colspan == 1 and not cell.is_value:
                longest = max((len(x) for x in cell.text.split("\n")), default=0)
                weight[col] = max(weight[col], min(float(longest), 16.0) / 1.5)
    total = sum(w for c, w in enumerate(weight) if c not in narrow)
    rest = TEXT_WIDTH - NARROW * len(narrow)
    return [NARROW if c in narrow else int(rest * w / total) for c, w in enumerate(weight)]


def _table(table: list[list[RCell]], p: Perturbation, rng, header_rows: int, keep_together: bool = False,
           vertical: str | None = None) -> str:
    width, placed = _grid(table)
    spans = _vertical_columns(placed) if vertical else set()
    widths = _widths(width, placed, spans if vertical == "narrow" else set())
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           # No top/bottom cell margins: a row's pitch is its line pitch, so a vertical
           # label's characters sit on the baselines of the row labels beside it.
           + ('<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/></w:tblCellMar>' if vertical else "")
           + '</w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for i, row in enumerate(placed):
        trpr = ("<w:cantSplit/>" if keep_together else "") + ("<w:tblHeader/>" if i < header_rows else "")
        out.append("<w:tr>" + (f"<w:trPr>{trpr}</w:trPr>" if trpr else ""))
        for cell, col, cont in row:
            span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
            merge = '<w:vMerge/>' if cont else '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
            cw = sum(widths[col : col + cell.colspan])
            keep_next = keep_together and i < len(placed) - 1
            content = _par("", keep_next=keep_next) if cont else _cell_paragraphs(cell, p, keep_next)
            upright = vertical and col in spans and cell.rowspan > 1 and not cell.is_value
            direction = '<w:textDirection w:val="tbRl"/>' if upright and vertical == "rotated" else ""
            align = "top" if upright else "center"  # top: the label's first character on the first row's baseline
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{cw}" w:type="dxa"/>{span}{merge}{direction}'
                       f'<w:vAlign w:val="{align}"/></w:tcPr>{content}</w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
