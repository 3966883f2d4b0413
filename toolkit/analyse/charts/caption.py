"""The source caption under a chart: what it shows and who published it (:mod:`toolkit.analyse.captions`),
wrapped to the figure's width.

A frame whose rows do not say whether the data is real is captioned "source unknown", never as real.
"""

from __future__ import annotations

import functools
import string

import pandas as pd
from matplotlib.figure import Figure

from toolkit import labels
from toolkit.analyse import captions, fonts
from toolkit.analyse.charts.style import CAPTION_GID
from toolkit.analyse.charts.text import drawable, wrap_words
from toolkit.labels import label


def add_caption(fig: Figure, source: str | None, lang: str = "zh") -> None:
    """Write ``source`` under the figure (once; a second call replaces the first), wrapped to the figure's width.

    The caption names its font itself, so it is drawn in the chart's font even when added after the chart
    (by :func:`toolkit.analyse.charts.save`, outside the chart's style).
    """
    if not source:
        return
    for t in list(fig.texts):
        if t.get_gid() == CAPTION_GID:
            t.remove()
    text = source if source.startswith(_caption_leads()) else label("caption.prefix", lang) + source
    width_in = fig.get_figwidth()
    per_line = int(width_in * 13.5) if lang == "en" else int(width_in * 7.2)  # characters at 7.5 pt
    text = "\n".join(wrap_words(part, per_line * (1 if lang == "en" else 2)) for part in text.split("\n"))
    n_lines = text.count("\n") + 1
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#444444", gid=CAPTION_GID, linespacing=1.3,
             fontfamily=fonts.font_families())
    room = 0.15 * n_lines + 0.1
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        height = fig.get_figheight()
        engine.set(rect=(0, room / height, 1, 1 - room / height))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, room / fig.get_figheight() + 0.08))


#: The captions :func:`caption_of` words, and the bare prefix.
_OPENING = ("caption.prefix", "caption.real", "caption.real_many", "caption.synthetic", "caption.unknown", "caption.unknown_many",
            "caption.unknown_rows")


@functools.cache
def _caption_leads() -> tuple[str, ...]:
    """How a worded caption opens ("Source:", "SYNTHETIC demo data:", "Source unknown:", in both languages):
    a source that opens so is not prefixed with "Source:" again.

    Examples:
        >>> sorted(lead for lead in _caption_leads() if lead.isascii())
        ['SYNTHETIC demo data:', 'Source unknown:', 'Source:']
    """
    rows = labels.table()
    rows = rows[rows["key"].isin(_OPENING)]
    leads = set()
    for template in [*rows["zh"], *rows["en"]]:
        first = next(iter(string.Formatter().parse(template)), ("",))[0] or ""
        cut = min((i for i in (first.find("："), first.find(":")) if i >= 0), default=-1)
        if cut >= 0:
            leads.add(first[: cut + 1])
    return tuple(sorted(leads))


def caption_of(frame: pd.DataFrame, lang: str = "zh", *, mode: str | None = None) -> str:
    """What a chart shows, from its rows (:func:`toolkit.analyse.captions.caption_of`).

    Never a local path; one publisher only when every report shown shares it; "source unknown"
    when the rows do not say whether the data is real; reports that lack cells are named.
    """
    return captions.caption_of(frame, lang, mode=mode, names=drawable)


def source_of(df: pd.DataFrame, lang: str = "zh") -> str:
    """A caption for a whole panel (:func:`caption_of`); kept for callers that caption by hand."""
    return caption_of(df, lang)
