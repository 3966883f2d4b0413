"""Panels for a chart with nothing to draw: "no data for …" and why, or "every value is 0" in words.

An empty selection is never an empty axis: it is a visible panel that says why (the scope rule
left the reports out, the reports lack the cells, or no report matches) and a :class:`NoDataWarning`.
"""

from __future__ import annotations

import warnings

import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse.captions import facts_of
from toolkit.analyse.charts.canvas import finish
from toolkit.analyse.charts.style import GREY, NO_DATA_GID
from toolkit.analyse.charts.text import wrap_words
from toolkit.labels import label


class NoDataWarning(UserWarning):
    """A chart was asked to draw a selection with no data: it drew a "no data" panel instead."""


def no_data(fig: Figure, ax, what: str, why: str, lang: str = "zh") -> None:
    """Draw a visible "no data for …" panel on ``ax`` saying why, and warn (:class:`NoDataWarning`)."""
    ax.cla()
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_color(GREY)
        side.set_linestyle("--")
    ax.set_facecolor("#F4F4F4")
    ax.text(0.5, 0.58, label("chart.no_data", lang, what=what), ha="center", va="center", fontsize=13,
            fontweight="normal", color="#333333", transform=ax.transAxes, gid=NO_DATA_GID)
    ax.text(0.5, 0.40, wrap_words(why, 90), ha="center", va="center", fontsize=9, color="#555555", transform=ax.transAxes)
    _text_only_height(ax)
    warnings.warn(label("no_data.warning", "en", what=label("chart.no_data", "en", what=what), why=why),
                  NoDataWarning, stacklevel=3)


def _text_only_height(ax) -> None:
    # A panel that only says something needs no room sized for twenty bars.
    fig = ax.figure
    if sum(a.get_visible() for a in fig.axes) == 1:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w, min(h, 3.2))


def all_zero_panel(ax, what: str, lang: str) -> None:
    """Every value is 0: say so in words (a fact, not missing data), never an empty axis."""
    ax.cla()
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.text(0.5, 0.5, label("chart.all_zero", lang, what=what), ha="center", va="center", fontsize=12,
            color="#333333", transform=ax.transAxes, gid=NO_DATA_GID)
    _text_only_height(ax)


def nothing_to_draw(fig: Figure, ax, base: str, cap: str, frame: pd.DataFrame, values, lang: str) -> Figure | None:
    """The finished figure when ``values`` are all missing (a no-data panel) or all 0 (said in words), else None."""
    values = pd.DataFrame(values)
    if values.empty or values.isna().all().all():
        no_data(fig, ax, base, why_empty(frame, lang), lang)
        return finish(fig, base, cap, lang, frame)
    if (values.fillna(0) == 0).all().all():
        all_zero_panel(ax, base, lang)
        return finish(fig, base, cap, lang, frame)
    return None


def why_empty(frame: pd.DataFrame, lang: str) -> str:
    """Why a chart has nothing to draw: the scope rule left the reports out (and which scope shows them),
    the reports lack the cells it needs, or no report matches."""
    f = facts_of(frame)
    if not f["reports"] and f["n_excluded"] and f["scope_rule"] in ("members", "aggregates"):
        return label(f"chart.why_scope_{f['scope_rule']}", lang, n=f["n_excluded"])
    if f["incomplete"] and not [r for r in f["reports"] if not r.get("missing")]:
        return label("chart.why_incomplete", lang, n=len(f["incomplete"]))
    return label("chart.why_empty", lang)
