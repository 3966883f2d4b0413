"""Grids of agency × year: a heatmap of one value, and what was found and read (coverage).

A count heatmap uses a log colour scale (one outlier does not flatten the rest); 0 is drawn in
grey, a year with no report stays white, and a report that lacks a cell is hatched.
"""

from __future__ import annotations

import matplotlib.colors
import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse.charts.canvas import finish, new_figure
from toolkit.analyse.charts.caption import caption_of
from toolkit.analyse.charts.empty import no_data, why_empty
from toolkit.analyse.charts.style import COVERAGE_COLOURS, HEATMAP_CMAP, INCOMPLETE_HATCH, ZERO_COLOUR, chart
from toolkit.analyse.charts.text import chart_title, names, short_label
from toolkit.labels import label


@chart
def heatmap(frame: pd.DataFrame, value: str, *, index: str = "agency", columns: str = "year", lang: str = "zh",
            title: str | None = None, source: str | None = None, percent: bool = False, annotate: bool = True) -> Figure:
    """An ``index`` × ``columns`` (agency × year) heatmap of ``value``.

    Counts use a log colour scale (one outlier does not flatten the rest); 0 is drawn in grey and
    rows that are 0 every year are marked; a year with no report is left white.
    """
    wide = frame.pivot_table(index=index, columns=columns, values=value, aggfunc="first", observed=True, dropna=False)
    fig, ax = new_figure(lang, (1.0 * len(wide.columns) + 5.0, 0.34 * len(wide) + 2.2))
    base = title or label("title.heatmap", lang, measure=short_label(value, lang))
    cap = source or caption_of(frame, lang)
    data = wide.to_numpy(dtype=float)
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        no_data(fig, ax, base, why_empty(frame, lang), lang)
        return finish(fig, base, cap, lang, frame)
    positive = finite[finite > 0]
    if percent or positive.size == 0:
        norm = matplotlib.colors.Normalize(vmin=float(finite.min()), vmax=float(max(finite.max(), finite.min() + 1e-9)))
        cbar_label = short_label(value, lang)
    else:
        norm = matplotlib.colors.LogNorm(vmin=1.0, vmax=max(float(positive.max()), 10.0))
        cbar_label = label("chart.log_scale", lang, measure=short_label(value, lang))
    shown = np.ma.masked_where(~np.isfinite(data) | ((data <= 0) & (not percent)), data)
    zero = np.ma.masked_where(~(np.isfinite(data) & (data == 0)), np.zeros_like(data))
    ax.imshow(zero, aspect="auto", cmap=matplotlib.colors.ListedColormap([ZERO_COLOUR]), vmin=0, vmax=1)
    im = ax.imshow(shown, aspect="auto", cmap=HEATMAP_CMAP, norm=norm)
    ax.set_xticks(range(len(wide.columns)), [str(c) for c in wide.columns])
    rows = names(list(wide.index), lang)
    zero_rows = [bool(np.isfinite(r).any() and (r[np.isfinite(r)] == 0).all()) for r in data]
    rows = [label("chart.all_zero_row", lang, name=nm) if z else nm for nm, z in zip(rows, zero_rows)]
    ax.set_yticks(range(len(wide)), rows, fontsize=8)
    for tick, z in zip(ax.get_yticklabels(), zero_rows):
        if z:
            tick.set_color("#777777")
    ax.spines[:].set_visible(False)
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label(cbar_label)
    if percent:
        cbar.formatter = matplotlib.ticker.PercentFormatter(1.0)
    elif isinstance(norm, matplotlib.colors.LogNorm):
        cbar.ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10))
        cbar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        cbar.ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if percent:
        cbar.update_ticks()
    partial = frame[frame["complete"].astype("boolean").eq(False).fillna(False)] if "complete" in frame else frame.iloc[0:0]
    rows_i, cols_j = {k: i for i, k in enumerate(wide.index)}, {k: j for j, k in enumerate(wide.columns)}
    for a, y_ in zip(partial[index], partial[columns]):
        if a in rows_i and y_ in cols_j:  # a report that lacks a cell: hatched, and said in words when its value is unknown
            i, j = rows_i[a], cols_j[y_]
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch=INCOMPLETE_HATCH,
                                                      edgecolor="#B00000", linewidth=0.5))
            if not np.isfinite(data[i, j]):
                ax.text(j, i, label("chart.not_read", lang), ha="center", va="center", fontsize=6.5, color="#B00000")
    if annotate and data.size <= 600:
        for (i, j), v in np.ndenumerate(data):
            if np.isfinite(v):
                text = f"{v:.0%}" if percent else f"{v:,.0f}"
                dark = v <= 0 or (norm(v) > 0.55 if not isinstance(norm, matplotlib.colors.LogNorm) else norm(v) > 0.55)
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color="black" if dark else "white")
    return finish(fig, base, cap, lang, frame)


@chart
def coverage_chart(status: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Agency × year grid of what was found, as categories with counts.

    Args:
        status: :func:`toolkit.corpus.coverage.coverage` (``agency, year, found, parsed, flagged,
            failed, missing``). Each cell is coloured by its worst status (failed > flagged >
            parsed; missing where expected and not found; white where no report) and prints the
            counts, e.g. "2 找到 · 1 已解析 · 1 读取失败".
    """
    agencies = sorted(status["agency"].astype(str).unique())
    years = sorted(int(y) for y in status["year"].dropna().unique())
    fig, ax = new_figure(lang, (1.25 * max(len(years), 1) + 4.6, 0.42 * max(len(agencies), 1) + 2.4))
    base = title or chart_title("coverage", lang)
    if status.empty:
        no_data(fig, ax, base, label("chart.why_empty", lang), lang)
        return finish(fig, base, source, lang, status)
    idx = {(str(a), int(y)): r for a, y, r in zip(status["agency"], status["year"], status.to_dict("records")) if pd.notna(y)}
    counts = {k: 0 for k in COVERAGE_COLOURS}
    for i, a in enumerate(agencies):
        for j, y in enumerate(years):
            r = idx.get((a, y))
            if r is None:
                cat = "none"
            elif r.get("failed", 0) > 0:
                cat = "failed"
            elif r.get("flagged", 0) > 0:
                cat = "flagged"
            elif r.get("found", 0) > 0:
                cat = "parsed"
            else:
                cat = "missing"
            counts[cat] += 1
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=COVERAGE_COLOURS[cat],
                                                      edgecolor="#BBBBBB", linewidth=0.5))
            # One report, read cleanly, is the common case: its colour says it. Text only where there is more to say.
            plain = r is not None and cat == "parsed" and int(r.get("found", 0)) == 1
            if r is not None and not plain:
                parts = [f"{int(r.get(k, 0))} {label('coverage.' + k, lang)}" for k in ("found", "parsed", "flagged", "failed", "missing")
                         if r.get(k, 0)]
                ax.text(j, i, "\n".join(parts), ha="center", va="center", fontsize=6,
                        color="white" if cat in ("parsed", "failed") else "black")
    ax.set_xlim(-0.5, len(years) - 0.5)
    ax.set_ylim(len(agencies) - 0.5, -0.5)
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_yticks(range(len(agencies)), names(agencies, lang), fontsize=8)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    handles = [matplotlib.patches.Patch(facecolor=COVERAGE_COLOURS[k], edgecolor="#BBBBBB",
                                        label=f"{label('coverage.' + k, lang)} ({counts[k]:,})")
               for k in ("parsed", "flagged", "failed", "missing", "none") if counts[k]]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return finish(fig, base, source, lang, status)

