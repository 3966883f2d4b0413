"""A chart's figure from start to finish: made in the chart's style, then titled, captioned and closed.

Both run inside :func:`toolkit.analyse.charts.style.drawing` (every chart function does, through
:func:`toolkit.analyse.charts.style.chart`), so the figure takes the chart's fonts and matplotlib's
global rcParams stay as they were.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse.charts.caption import add_caption


def new_figure(lang: str, size=(8, 4.5), nrows: int = 1, ncols: int = 1, **subplots):
    """A figure and its axes (``plt.subplots``, constrained layout) for a chart in ``lang``.

    Call it inside :func:`toolkit.analyse.charts.style.drawing`, which resolved ``lang``.
    """
    if nrows == 1 and ncols == 1 and not subplots:
        return plt.subplots(figsize=size, layout="constrained")
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", **subplots)


def finish(fig: Figure, title: str | None, source: str | None, lang: str, data: pd.DataFrame | None = None) -> Figure:
    """Title and caption; the figure keeps its language and the frame it was drawn from, which
    :func:`toolkit.analyse.charts.save` writes beside it (``<name>-<lang>.csv``)."""
    fig.toolkit_lang = lang
    fig.toolkit_data = data
    if title:
        fig.suptitle(title, fontweight="normal", fontsize=12)
    add_caption(fig, source, lang)
    plt.close(fig)  # returned, not shown twice in notebooks
    return fig
