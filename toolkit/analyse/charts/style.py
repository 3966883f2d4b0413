"""How every chart looks: the colour-blind-safe palette, the status colours, and the rcParams of a figure.

A chart is styled while it is drawn (:func:`drawing`, :func:`chart`): matplotlib's global
rcParams are the same after a chart as before it, so drawing a chart never changes how a
notebook's own plots look. :func:`use_style` sets them globally when a notebook asks for it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from toolkit.analyse import fonts
from toolkit.analyse import measures as an

#: Okabe & Ito (2008) colour-blind-safe palette, plus a neutral grey.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
# Lighter than Okabe-Ito grey: #999999 sits too close to reddish purple for deuteranopes
# (tests/analyse/test_charts.py measures it).
GREY = "#BBBBBB"
OUTCOME_COLOURS = {
    "disclosed": "#009E73",
    "partly_disclosed": "#56B4E9",
    "withheld": "#D55E00",
    "unable": "#E69F00",
    "not_processed": "#CC79A7",
    "other": GREY,
}
GROUP_COLOURS = {g: OUTCOME_COLOURS[g] for g in an.REFUSAL_GROUPS}
CASE_COLOURS = {"upheld": "#0072B2", "corrected": "#D55E00", "other": GREY, "pending": "#F0E442"}
HEATMAP_CMAP = "cividis"
ZERO_COLOUR = "#DDDDDD"
COVERAGE_COLOURS = {"parsed": "#009E73", "flagged": "#E69F00", "failed": "#D55E00", "missing": "#CC79A7", "none": "#FFFFFF"}
#: A bar or cell of a report that lacks a cell is hatched, never drawn as whole.
INCOMPLETE_HATCH = "////"
NOT_READ_COLOUR = "#F2F2F2"

#: ``gid`` of the source caption and of a "no data" panel's text (tests and exports find them by it).
CAPTION_GID = "toolkit-source-caption"
NO_DATA_GID = "toolkit-no-data"


def style(lang: str = "zh") -> dict:
    """rcParams of a chart labelled in ``lang``: fonts, editable text in SVG/PDF, palette, light axes.

    ``zh`` labels need the CJK font (DejaVu Sans stands in only for a glyph it lacks): without one
    this raises, as :func:`drawing` would have drawn the chart in English. ``en`` charts use the
    CJK font too when there is one, because agency names stay Chinese in English charts; else DejaVu Sans.

    Examples:
        >>> style("en")["font.family"][-1], style("en")["svg.fonttype"]
        ('DejaVu Sans', 'none')
        >>> style("fr")
        Traceback (most recent call last):
        ...
        ValueError: lang must be 'zh' or 'en', not 'fr'
    """
    from cycler import cycler

    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    families = fonts.font_families()
    if lang == "zh" and fonts.cjk_font() is None:
        raise ValueError("no CJK font for Chinese labels: draw in English (fonts.resolve_lang) or install Debian fonts-wqy-microhei")
    return {
        "font.family": families,
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.titleweight": "normal",  # the embedded CJK font (WenQuanYi Micro Hei) has no bold face
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": "tight",
    }


def use_style(lang: str = "zh") -> str:
    """Apply :func:`style` to matplotlib's global rcParams (a notebook's own plots then match the charts);
    return the language charts will use. Charts do not need it: each styles itself while it is drawn."""
    lang = fonts.resolve_lang(lang)
    plt.rcParams.update(style(lang))
    return lang


@contextmanager
def drawing(lang: str) -> Iterator[str]:
    """Draw figures in the language charts can draw (``lang``, or ``en`` without a CJK font, with a
    :class:`toolkit.analyse.fonts.FontWarning`) and in :func:`style`, without touching the global rcParams.

    Yields the language drawn. The one place a chart's language is resolved: every chart function
    runs inside it (:func:`chart`). A chart is built inside it, as matplotlib fixes a text's
    font when the text is made (tick labels too: an axis makes its first tick with its axes, and copies
    its font to the ticks it adds when drawn).
    """
    lang = fonts.resolve_lang(lang)
    with matplotlib.rc_context(style(lang)):
        yield lang


def chart(draw):
    """Decorate a function that draws one figure (keyword ``lang``): it runs inside :func:`drawing`
    and is handed the language drawn."""

    @functools.wraps(draw)
    def drawn(*args, lang: str = "zh", **kwargs) -> Figure:
        with drawing(lang) as lang_drawn:
            return draw(*args, lang=lang_drawn, **kwargs)

    return drawn

