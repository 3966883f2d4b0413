"""Charts by year: lines of one or several values, and small multiples (one bar panel per agency).

Honest lines: a line never joins two agencies nor years with no report between them; a pooled
line joins only years with the same agencies behind them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse import captions
from toolkit.analyse import measures as an
from toolkit.analyse.captions import facts_of
from toolkit.analyse.charts.canvas import finish, new_figure
from toolkit.analyse.charts.caption import caption_of
from toolkit.analyse.charts.empty import no_data, nothing_to_draw, why_empty
from toolkit.analyse.charts.style import CASE_COLOURS, INCOMPLETE_HATCH, NOT_READ_COLOUR, OKABE_ITO, OUTCOME_COLOURS, chart
from toolkit.analyse.charts.text import chart_title, count_ticks, names, short_label, title_with_years, wrap
from toolkit.labels import label


def _cycle():
    while True:
        yield from OKABE_ITO


def _segments(years: Sequence[int], members: dict | None) -> list[list[int]]:
    """Runs of years a line may join: consecutive years with the same agencies behind them.

    Examples:
        >>> _segments([2019, 2022, 2023, 2024], None)
        [[2019], [2022, 2023, 2024]]
        >>> _segments([2019, 2020, 2021], {2019: ("A",), 2020: ("A", "B"), 2021: ("A", "B")})
        [[2019], [2020, 2021]]
    """
    runs: list[list[int]] = []
    for y in sorted(int(v) for v in years):
        if runs and y == runs[-1][-1] + 1 and (not members or members.get(y) == members.get(runs[-1][-1])):
            runs[-1].append(y)
        else:
            runs.append([y])
    return runs


@chart
def trend_lines(frame: pd.DataFrame, values: Sequence[str] | str, *, hue: str | None = None, lang: str = "zh",
                title: str | None = None, source: str | None = None, ylabel: str | None = None, percent: bool = False,
                members: dict | None = None) -> Figure:
    """Lines by year: several value columns (e.g. the four request volumes), or one value split by ``hue``.

    Honest lines: a line never joins different agencies (a frame with several agencies is split by
    agency) nor years with no report between them (gaps stay visible, shaded "no report"). A
    pooled line (agencies summed per year) joins only adjacent years with the same agencies
    behind them (``members``, default from the rows' ``sources``); when they differ, each
    year is labelled with its number of agencies.
    """
    values = [values] if isinstance(values, str) else list(values)
    fig, ax = new_figure(lang)
    f = facts_of(frame)
    members = members if members is not None else (f["members"] if f["pooled"] else None)
    # a year whose reports all lie outside the scope summed is a gap, said in words, not a point at 0 agencies
    counted = frame[frame["n_reports"].fillna(0) > 0] if "n_reports" in frame else frame
    outside = sorted({int(y) for y in frame["year"].dropna()} - {int(y) for y in counted["year"].dropna()}) if "year" in frame else []
    base = title or title_with_years(chart_title("volumes", lang), counted if len(counted) else frame, lang)
    cap = source or caption_of(frame, lang)
    if hue is None and "agency" in frame.columns and frame["agency"].nunique() > 1:
        hue = "agency"  # one line per agency: never draw a line from one agency to another
    data = counted.dropna(subset=["year"]).copy() if "year" in counted else counted.iloc[0:0]
    if hue:
        values = values[:1]
    # lines along the axis at 0 say nothing a sentence does not say better
    if (done := nothing_to_draw(fig, ax, base, cap, frame, data[values], lang)) is not None:
        return done
    data["year"] = data["year"].astype(int)
    series = []
    if hue:
        keys = sorted(data[hue].dropna().unique())
        for key, name in zip(keys, names(keys, lang)):
            g = data[data[hue] == key].sort_values("year")
            series.append((name, g["year"].tolist(), g[values[0]].tolist()))
        ylabel = ylabel or short_label(values[0], lang)
    else:
        g = data.sort_values("year")
        for v in values:
            series.append((short_label(v, lang), g["year"].tolist(), g[v].tolist()))
    all_years = sorted({y for _, ys, _ in series for y in ys})
    # An outcome or case category keeps the colour it has in every other chart.
    fixed = {**OUTCOME_COLOURS, **CASE_COLOURS}
    cycle = _cycle()
    colours = [fixed.get(v) or next(cycle) for v in values] if not hue else [next(cycle) for _ in series]
    for (name, ys, vs), colour in zip(series, colours):
        pts = {y: v for y, v in zip(ys, vs) if pd.notna(v)}
        for i, run in enumerate(_segments(list(pts), members if not hue else None)):
            ax.plot(run, [pts[y] for y in run], marker="o", color=colour, label=name if i == 0 else None)
    partial_years = sorted({int(y) for y in data.loc[data["complete"].astype("boolean").eq(False).fillna(False), "year"]}) \
        if "complete" in data else []
    for y in partial_years:  # a year with a report that lacks cells: said on the chart, named in the caption
        ax.text(y, 0.02, label("chart.incomplete", lang), transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                fontsize=7.5, color="#B00000")
    all_years = sorted(set(all_years) | set(outside))
    gaps = [y for y in range(all_years[0], all_years[-1] + 1) if y not in all_years or y in outside]
    for y in gaps:
        ax.axvspan(y - 0.5, y + 0.5, color="#EEEEEE", zorder=0, lw=0)
        ax.text(y, 0.97, wrap(label("chart.outside_scope" if y in outside else "chart.no_report", lang), 10),
                transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=7.5, color="#666666")
    ax.set_xlabel(an.derived_label("year", lang))
    ax.set_ylabel(ylabel or an.derived_label("requests", lang))
    ax.set_xticks(range(all_years[0], all_years[-1] + 1))
    if members and len({members.get(y) for y in all_years if y not in outside}) > 1:
        ax.set_xticks(all_years, [f"{y}\n{captions.plural('count.agencies', lang, len(members.get(y, ())))}" if y not in outside
                                  else str(y) for y in all_years])
        ax.set_title(label("chart.membership_note", lang), fontsize=8, fontweight="normal", loc="left", color="#444444")
    ax.set_xlim(all_years[0] - 0.6, all_years[-1] + 0.6)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    else:
        count_ticks(ax.yaxis)
    top = max([v for _, _, vs in series for v in vs if pd.notna(v)] + [0])
    ax.set_ylim(0, top * 1.1 if top > 0 else 1)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return finish(fig, base, cap, lang, frame)


@chart
def small_multiples(frame: pd.DataFrame, value: str, *, facet: str = "agency", lang: str = "zh", ncols: int = 4,
                    title: str | None = None, source: str | None = None, percent: bool = False, sharey: bool = True) -> Figure:
    """One small bar chart per ``facet`` value (e.g. agency), ``value`` by year.

    The panels share one y-scale (``sharey=True``); with ``sharey=False`` the caption says they differ.
    """
    keys = list(pd.unique(frame[facet].dropna()))
    n = max(1, len(keys))
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(lang, (2.7 * ncols + 0.6, 2.2 * nrows + 1.4), nrows, ncols, sharex=True, sharey=sharey, squeeze=False)
    base = title or title_with_years(short_label(value, lang), frame, lang)
    note = label("caption.sharey_same" if sharey else "caption.sharey_differs", lang)
    cap = (source or caption_of(frame, lang)) + "\n" + note
    if not keys or frame[value].isna().all():
        no_data(fig, axes[0, 0], base, why_empty(frame, lang), lang)
        return finish(fig, base, cap, lang, frame)
    for ax, key, name in zip(axes.flat, keys, names(keys, lang)):
        g = frame[frame[facet] == key].sort_values("year")
        shown = g[g[value].notna()]
        partial = g["complete"].astype("boolean").eq(False).fillna(False) if "complete" in g else pd.Series(False, index=g.index)
        bars = ax.bar(shown["year"], shown[value], color=OKABE_ITO[4])
        for bar, p in zip(bars, partial[g[value].notna()]):
            if p:  # a sum that left out incomplete reports is not drawn as whole
                bar.set_hatch(INCOMPLETE_HATCH)
                bar.set_facecolor(NOT_READ_COLOUR)
                bar.set_edgecolor(OKABE_ITO[4])
        # A bar of 0 is invisible and a value not printed is not 0: both are said in words.
        for x, v, p in zip(g["year"], g[value], partial):
            if pd.isna(v) or v == 0 or p:
                text = label("chart.not_read", lang) if pd.isna(v) and p else ("—" if pd.isna(v) else
                                                                               (label("chart.incomplete", lang) if p else "0"))
                ax.text(x, 0, text, ha="center", va="bottom", fontsize=7, color="#B00000" if p else "#555555")
        ax.set_title(wrap(name, 22), fontsize=8.5, fontweight="normal")
        ax.tick_params(labelsize=7)
        years = sorted(int(y) for y in frame["year"].dropna().unique())
        ax.set_xticks(years if len(years) <= 4 else years[:: -(-len(years) // 4)])
        if percent:
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        else:
            count_ticks(ax.yaxis)
    top = frame[value].max()
    if not percent and not (pd.notna(top) and top > 0):
        axes[0, 0].set_ylim(0, 1)  # every bar is 0: show a 0–1 axis, not ±0.04
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.supylabel(short_label(value, lang), fontsize=9)
    return finish(fig, base, cap, lang, frame)
