"""Writing a chart for publication: PNG, SVG and PDF with text kept as text, a source caption, and the
chart's data beside it; and what an exported file holds.

SVG keeps text as ``<text>`` (``svg.fonttype none``), PDF embeds TrueType (Type 42) fonts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse import fonts
from toolkit.analyse.charts.caption import add_caption
from toolkit.analyse.charts.style import style


def figures_dir() -> Path:
    """Where :func:`save` writes when given no ``out_dir``: ``$TOOLKIT_FIGURES_DIR``, else ``outputs/figures``
    under the current working directory (an installed package has no repository root to look for)."""
    env = os.environ.get("TOOLKIT_FIGURES_DIR")
    if env:
        return Path(env)
    return Path.cwd() / "outputs" / "figures"


DEFAULT_FORMATS = ("png", "svg", "pdf")


def _with_lang(name: str, lang: str) -> str:
    """``name-<lang>`` unless the name already ends with a language.

    Examples:
        >>> _with_lang("10_trend", "en"), _with_lang("outcomes-all-zh", "zh")
        ('10_trend-en', 'outcomes-all-zh')
    """
    return name if re.search(r"[-_](zh|en)$", name) else f"{name}-{lang}"


def save(fig: Figure, name: str, formats: Sequence[str] | None = None, *, out_dir: str | os.PathLike | None = None,
         source: str | None = None, lang: str | None = None, data: bool = True) -> list[Path]:
    """Write ``fig`` as ``<out_dir>/<name>-<lang>.<fmt>`` with editable text and a source caption, and its data.

    SVG keeps text as ``<text>`` (``svg.fonttype = none``); PDF embeds TrueType
    (Type 42) fonts; PNG is drawn at 200 dpi. ``source`` (if given) replaces
    the figure's caption. The file name ends with the figure's language (``…-zh.png``,
    ``…-en.png``), so the two sets of a notebook run side by side. The frame the chart was drawn
    from is written beside it as ``<name>-<lang>.csv`` (:func:`toolkit.analyse.chartdata.chart_data`:
    the numbers, the reports and the cells behind them, gaps included).

    Args:
        formats: default ``png, svg, pdf`` (or ``$TOOLKIT_FIGURE_FORMATS``,
            comma-separated: the test suite writes PNG and SVG only, as
            subsetting a CJK font into a PDF costs seconds).
        lang: the language of the name (default: the figure's).
        data: also write the CSV (when the figure was drawn from a frame).

    Returns:
        The paths written.
    """
    from toolkit.analyse.chartdata import chart_data

    if formats is None:
        env = os.environ.get("TOOLKIT_FIGURE_FORMATS")
        formats = tuple(f.strip() for f in env.split(",") if f.strip()) if env else DEFAULT_FORMATS
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '-', '_' or '.' only")
    drawn = getattr(fig, "toolkit_lang", None)
    lang = lang or drawn or "zh"
    name = _with_lang(name, lang)
    out = Path(out_dir) if out_dir is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    meta = {"png": {"Software": "ogi-toolkit"}, "svg": {"Creator": "ogi-toolkit"}, "pdf": {"Creator": "ogi-toolkit"}}
    # Written in the style the figure was drawn in (a figure of another origin: the style of its name's
    # language), whatever the global rcParams; they are left as they were.
    rc = {**style(drawn or fonts.resolve_lang(lang)), "svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42, "svg.hashsalt": "ogi-toolkit"}
    with matplotlib.rc_context(rc):
        if source:
            add_caption(fig, source, lang)
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, metadata=meta.get(fmt), bbox_inches="tight", dpi=200 if fmt == "png" else None)
            paths.append(path)
    frame = getattr(fig, "toolkit_data", None)
    if data and isinstance(frame, pd.DataFrame):
        paths.append(save_table(chart_data(frame), name, out_dir=out))
    return paths


def save_table(table: pd.DataFrame, name: str, *, out_dir: str | os.PathLike | None = None) -> Path:
    """Write the table behind a figure as ``<out_dir>/<name>.csv`` (utf-8-sig) for spreadsheets.

    Agency names and labels come from the web: text a spreadsheet would run as a
    formula gets a leading ``'`` (:mod:`toolkit.spreadsheet`), printed blanks and
    signed numbers stay as they are.
    """
    from toolkit.spreadsheet import write_csv

    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"table name {name!r}: use letters, digits, '-', '_' or '.' only")
    out = Path(out_dir) if out_dir is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    write_csv(table, path)
    return path


def describe_export(paths: Sequence[str | os.PathLike]) -> pd.DataFrame:
    """What an exported file holds: text kept as text (SVG ``<text>``), fonts embedded (PDF), size.

    Examples:
        >>> describe_export([]).columns.tolist()
        ['file', 'format', 'bytes', 'text_elements', 'fonts']
    """
    rows = []
    for p in map(Path, paths):
        data = p.read_bytes()
        fmt = p.suffix.lstrip(".").lower()
        text, fonts_ = None, None
        if fmt == "svg":
            text = data.count(b"<text")
        elif fmt == "pdf":
            names = sorted(set(re.findall(rb"/BaseFont\s*/([\w+-]+)", data)))
            kinds = sorted(set(re.findall(rb"/Subtype\s*/(CIDFontType2|TrueType|Type3|Type1|CIDFontType0)", data)))
            embedded = "FontFile2" if b"/FontFile2" in data else ("FontFile3" if b"/FontFile3" in data else "none")
            fonts_ = f"{', '.join(n.decode() for n in names)} [{', '.join(k.decode() for k in kinds)}; {embedded}]"
        rows.append({"file": p.name, "format": fmt, "bytes": len(data), "text_elements": text, "fonts": fonts_})
    return pd.DataFrame(rows, columns=["file", "format", "bytes", "text_elements", "fonts"])
