"""A picture of where a value was printed, for every format.

PDFs (text layer or scanned pages): the page region around the cell
(:func:`toolkit.read.source.page_image`). HTML, DOCX and text have no page: their
printed row (label and every cell, the chosen one marked) is drawn as a small
table with matplotlib in the charts' CJK font (:mod:`toolkit.analyse.fonts`).
"""

from __future__ import annotations

import io

import pandas as pd

from toolkit.analyse.fonts import font_families
from toolkit.read.source import DPI, SourceCell, cell_row, find_source, page_image, source_path

_MARK = "#D55E00"  # Okabe–Ito vermillion, as the page pictures' box
_LABEL_WIDTH = 18  # characters of a label cell before it is wrapped


def source_image(data: pd.DataFrame, table: str, row: str, column: str, dpi: int = DPI, root=None):
    """A PIL image of one cell of a tidy frame (one report's cells) in its source.

    ``root``: the folder ``source_file`` is relative to (a panel read from a
    folder, the demo's :func:`toolkit.corpus.loaders.demo_dir`). Raises
    :class:`toolkit.read.source.CellNotFoundError` (one line) for an unknown key,
    a cell the report does not have, or a file that changed.
    """
    if data["report_id"].nunique() > 1:
        raise ValueError("source_image takes the cells of one report: select one report_id first")
    cell = cell_row(data, table, row, column, _name(data))
    src = find_source(cell, source_path(cell["source_file"], root))
    return image_of(src, dpi)


def image_of(src: SourceCell, dpi: int = DPI):
    """The page region of a paged source, else the printed row drawn as a table."""
    if src.format in ("pdf", "image") and src.page is not None and src.cell.box is not None:
        return page_image(src, dpi)
    return row_image(src, dpi)


def row_image(src: SourceCell, dpi: int = DPI):
    """The printed row as a one-line table, the chosen cell framed, with the file and location below."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from PIL import Image

    texts = [_wrap(c.text.strip()) for c in src.row]
    widths = [max(len(line) for line in t.split("\n")) + 2 for t in texts]
    fig = Figure(figsize=(max(3.0, 0.16 * sum(widths)), 0.9))
    with matplotlib.rc_context({"font.family": font_families()}):
        ax = fig.add_axes((0.01, 0.35, 0.98, 0.6))
        ax.axis("off")
        tab = ax.table(cellText=[texts], colWidths=[w / sum(widths) for w in widths], cellLoc="center", loc="center")
        tab.auto_set_font_size(False)
        tab.set_fontsize(11)
        tab.scale(1, 2.2)
        for i in (src.chosen, *src.marked):
            tab[0, i].set_edgecolor(_MARK)
            tab[0, i].set_linewidth(2.5)
        fig.text(0.01, 0.08, f"{src.source_file} · {src.key} · {src.location}", fontsize=8, color="#555555")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.05)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _wrap(text: str) -> str:
    return "\n".join(text[i : i + _LABEL_WIDTH] for i in range(0, len(text), _LABEL_WIDTH)) or " "


def _name(data: pd.DataFrame) -> str:
    files = data["source_file"].dropna().unique() if "source_file" in data else []
    return str(files[0]) if len(files) else "report"
