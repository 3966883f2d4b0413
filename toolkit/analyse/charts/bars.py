"""Bar charts of one selection: outcome shares, refusal reasons, review and litigation cases, applicants.

Each sums or stacks the rows it is given; a bar of a report that lacks a cell is hatched and
labelled, never drawn as whole, and a value that was not read is said in words, never drawn as 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse import measures as an
from toolkit.analyse.charts.canvas import finish, new_figure
from toolkit.analyse.charts.caption import caption_of
from toolkit.analyse.charts.empty import all_zero_panel, no_data, nothing_to_draw, why_empty
from toolkit.analyse.charts.style import CASE_COLOURS, GROUP_COLOURS, INCOMPLETE_HATCH, NOT_READ_COLOUR, OKABE_ITO, OUTCOME_COLOURS, chart
from toolkit.analyse.charts.text import by_of, chart_title, count_ticks, names, number, short_label, sum_mode, title_with_years, wrap
from toolkit.labels import label


def _incomplete(frame: pd.DataFrame, by: Sequence[str]) -> set:
    """The ``by`` keys of rows that lack a cell (``complete`` False): drawn hatched and labelled, never as whole."""
    if "complete" not in frame.columns or not len(frame):
        return set()
    rows = frame[frame["complete"].astype("boolean").eq(False).fillna(False)]
    keys = rows[list(by)].drop_duplicates()
    return {tuple(k) if len(by) > 1 else k[0] for k in keys.itertuples(index=False)}


def _strict_sum(frame: pd.DataFrame, keys: Sequence[str], value: str) -> pd.DataFrame:
    """Sum ``value`` over the frame's rows per ``keys``: missing when a row that counts is missing (no partial sums).

    Rows of groups without any counted report (``n_reports`` 0) are nothing, not missing, and are left out."""
    if "n_reports" in frame.columns:
        frame = frame[frame["n_reports"].fillna(0) > 0]
    g = frame.groupby(list(keys), observed=True, sort=False)[value]
    return g.agg(lambda s: s.sum() if s.notna().all() and len(s) else np.nan).reset_index()


def _mark_not_read(ax, y, values, lang: str) -> None:
    """Say "not read" where a bar's value is missing because a cell was not read."""
    for yi, v in zip(y, values):
        if pd.isna(v):
            ax.text(0, yi, " " + label("chart.not_read", lang), va="center", ha="left", fontsize=7.5, color="#777777",
                    bbox={"boxstyle": "square,pad=0.2", "facecolor": NOT_READ_COLOUR, "edgecolor": "#AAAAAA",
                          "hatch": INCOMPLETE_HATCH, "linewidth": 0.5})


@chart
def outcome_bars(shares: pd.DataFrame, by: Sequence[str] | str | None = None, *, lang: str = "zh",
                 title: str | None = None, source: str | None = None) -> Figure:
    """Stacked horizontal bars: each outcome's share of the requests handled, one bar per row of ``by``.

    Each segment of 6 % or more prints its share; the bar's total (requests handled) is printed at
    its end. Levels are drawn top down (province … township).

    Args:
        shares: :func:`toolkit.analyse.measures.outcome_shares`.
        by: the columns naming one bar (default: the frame's own ``by`` columns).
    """
    by = by_of(shares, by, value_cols=("n_reports", "outcome", "count", "total_processed", "share_of_total_processed"))
    full = shares  # the caption and the reason for an empty chart read every row, the bars only rows with reports
    shares = shares[shares["n_reports"].fillna(0) > 0] if "n_reports" in shares else shares
    fig, ax = new_figure(lang, (8.5, max(2.8, 0.46 * shares[by].drop_duplicates().shape[0] + 1.9)))
    wide = shares.pivot_table(index=by, columns="outcome", values="share_of_total_processed", observed=False, dropna=False, sort=True)
    totals = shares.drop_duplicates(by).set_index(by)["total_processed"] if len(shares) else pd.Series(dtype=float)
    # a bar whose reports handled nothing stays, empty, with its total of 0: never silently dropped
    keep = wide.notna().any(axis=1) | pd.Series([totals.get(k, np.nan) == 0 for k in wide.index], index=wide.index)
    wide = wide[keep]
    if not wide.notna().any(axis=1).any():
        wide = wide.iloc[0:0]  # no share anywhere: the all-zero or no-data panel below says why
    if "level" in by and len(by) == 1:
        wide = wide.reindex(an.level_order(wide.index))
    base = title or title_with_years(chart_title("outcomes", lang), full, lang)
    if wide.empty and len(totals) and (totals.fillna(-1) == 0).all():
        all_zero_panel(ax, base, lang)  # reports that handled no request: a fact, not missing data
        return finish(fig, base, source or caption_of(full, lang), lang, full)
    if wide.empty:
        no_data(fig, ax, base, why_empty(full, lang), lang)
        return finish(fig, base, source or caption_of(full, lang), lang, full)
    labels_ = names(list(wide.index), lang)
    left = np.zeros(len(wide))
    y = np.arange(len(wide))
    partial = _incomplete(shares, by)
    hatch = ["" if k not in partial else INCOMPLETE_HATCH for k in wide.index]
    for outcome in an.OUTCOMES:
        if outcome not in wide.columns:
            continue
        vals = wide[outcome].fillna(0).to_numpy()
        bars = ax.barh(y, vals, left=left, color=OUTCOME_COLOURS[outcome], label=short_label(outcome, lang), edgecolor="white", linewidth=0.5)
        for bar, h in zip(bars, hatch):
            bar.set_hatch(h)
        for yi, (l0, v) in enumerate(zip(left, vals)):
            if v >= 0.06:
                dark = outcome in ("partly_disclosed", "unable", "other")
                box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85} if hatch[yi] else None
                ax.text(l0 + v / 2, yi, f"{v:.0%}", ha="center", va="center", fontsize=7.5,
                        color="black" if dark or hatch[yi] else "white", bbox=box)  # readable over the hatching
        left += vals
    if partial:  # what was not read fills the rest of an incomplete bar, hatched: the bar is never drawn as whole
        mask = np.array([k in partial for k in wide.index])
        ax.barh(y[mask], np.clip(1 - left[mask], 0, 1), left=left[mask], color=NOT_READ_COLOUR, hatch=INCOMPLETE_HATCH, edgecolor="#999999", linewidth=0.5,
                label=label("chart.not_read", lang))
    # A report whose outcome rows add up to more than its printed total (a source error kept as
    # printed) draws its bar past 100 %, beyond a line at 100 %, and says so beside the total.
    right = max(1.0, float(np.nanmax(left)) if len(left) else 1.0)
    for yi, (key, sum_) in enumerate(zip(wide.index, left)):
        note = label("chart.total_n", lang, n=number(totals.get(key, np.nan)))
        if sum_ > 1.005:
            note = label("chart.total_over", lang, total=note, share=f"{sum_:.0%}")
        if key in partial:
            note += "\n" + label("chart.incomplete", lang)
        ax.text(1.01, yi, note, va="center", fontsize=8, color="#B00000" if key in partial else "black",
                transform=ax.get_yaxis_transform(), clip_on=False)
    ax.set_yticks(y, [wrap(t, 20) for t in labels_])
    ax.invert_yaxis()
    ax.set_xlim(0, right)
    if right > 1:
        ax.axvline(1.0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(label("chart.share_note", lang, measure=an.derived_label("share_of_total_processed", lang)))
    ax.legend(ncols=7 if partial else 6, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return finish(fig, base, source or caption_of(full, lang), lang, full)


@chart
def refusal_bars(breakdown: pd.DataFrame, *, lang: str = "zh", value: str = "count", title: str | None = None,
                 source: str | None = None, top: int | None = None) -> Figure:
    """Horizontal bars of the sub-reasons (summed over the frame's rows), coloured by group.

    Args:
        breakdown: :func:`toolkit.analyse.measures.refusal_breakdown` (filter it first to one agency or year).
        value: ``count`` (default) or ``share_of_total_processed`` (recomputed over the frame).
    """
    fig, ax = new_figure(lang, (8.5, 6))
    base = title or title_with_years(chart_title("refusals", lang), breakdown, lang, sum_mode(breakdown))
    cap = source or caption_of(breakdown, lang, mode=sum_mode(breakdown))
    agg = _strict_sum(breakdown, ["group", "reason"], "count")
    if (done := nothing_to_draw(fig, ax, base, cap, breakdown, agg["count"], lang)) is not None:
        return done
    counted = breakdown[breakdown["n_reports"].fillna(0) > 0] if "n_reports" in breakdown else breakdown
    processed = counted.drop_duplicates([c for c in counted.columns if c not in
                                         ("group", "reason", "count", "group_total", "share_of_group_total", "share_of_total_processed")])["total_processed"].sum()
    if value == "share_of_total_processed":
        agg["value"] = an.rate(agg["count"], pd.Series(processed, index=agg.index))
        xlabel = an.derived_label("share_of_total_processed", lang)
    else:
        agg["value"] = agg["count"]
        xlabel = an.derived_label("requests", lang)
    if top:
        agg = agg.nlargest(top, "value")
    y = np.arange(len(agg))
    ax.barh(y, agg["value"].fillna(0), color=[GROUP_COLOURS[str(g)] for g in agg["group"]])
    for yi, v in enumerate(agg["value"]):
        if pd.notna(v) and v > 0:
            ax.text(v, yi, f" {v:.0%}" if value != "count" else f" {number(v)}", va="center", fontsize=7.5)
    _mark_not_read(ax, y, agg["value"], lang)
    ax.set_yticks(y, [wrap(short_label(r, lang), 26 if lang == "zh" else 48) for r in agg["reason"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.margins(x=0.12)
    if value != "count":
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    else:
        count_ticks(ax.xaxis)
    handles = [matplotlib.patches.Patch(color=GROUP_COLOURS[g], label=short_label(g, lang)) for g in an.REFUSAL_GROUPS]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8)
    return finish(fig, base, cap, lang, breakdown)


@chart
def review_bars(review: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Stacked bars of upheld / corrected / other / pending per case type (summed over the frame), with the correction rate."""
    counted = review[review["n_reports"].fillna(0) > 0] if "n_reports" in review else review
    agg = counted.groupby("case_type", observed=True)[list(an.CASE_COLUMNS)].agg(
        lambda s: s.sum() if s.notna().all() and len(s) else np.nan)
    fig, ax = new_figure(lang, (8.5, 3.8))
    base = title or title_with_years(chart_title("review", lang), review, lang, sum_mode(review))
    cap = source or caption_of(review, lang, mode=sum_mode(review))
    if (done := nothing_to_draw(fig, ax, base, cap, review, agg["total"], lang)) is not None:
        return done
    agg["concluded"] = agg["total"] - agg["pending"]
    agg["correction_rate"] = an.rate(agg["corrected"], agg["concluded"])
    y = np.arange(len(agg))
    left = np.zeros(len(agg))
    for col in ("upheld", "corrected", "other", "pending"):
        vals = agg[col].fillna(0).to_numpy()
        ax.barh(y, vals, left=left, color=CASE_COLOURS[col], label=short_label(col, lang, "review_litigation", "column"), edgecolor="white")
        left += vals
    rows = [short_label(str(c), lang, "review_litigation", "row") if str(c) != "litigation_total" else an.derived_label("litigation_total", lang)
            for c in agg.index]
    ax.set_yticks(y, rows)
    ax.invert_yaxis()
    _mark_not_read(ax, y, agg["total"], lang)
    for yi, (tot, r) in enumerate(zip(left, agg["correction_rate"])):
        note = "—" if pd.isna(r) else f"{r:.0%}"
        ax.text(tot, yi, f"  {label('chart.total_n', lang, n=number(tot))} · {label('correction_rate_short', lang)} {note}",
                va="center", fontsize=8)
    ax.margins(x=0.35)
    count_ticks(ax.xaxis)
    ax.set_xlabel(label("chart.cases_axis", lang, cases=an.derived_label("cases", lang), rate=an.derived_label("correction_rate", lang)))
    ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return finish(fig, base, cap, lang, review)


@chart
def applicant_bars(mix: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Bars of the applicant columns (summed over the frame) with their share of the total."""
    agg = _strict_sum(mix, ["applicant"], "count").set_index("applicant")["count"]
    fig, ax = new_figure(lang, (8, 3.6))
    base = title or title_with_years(chart_title("applicants", lang), mix, lang, sum_mode(mix))
    cap = source or caption_of(mix, lang, mode=sum_mode(mix))
    if agg.empty or agg.isna().all():
        no_data(fig, ax, base, why_empty(mix, lang), lang)
        return finish(fig, base, cap, lang, mix)
    if (agg.fillna(0) == 0).all():
        all_zero_panel(ax, base, lang)
        return finish(fig, base, cap, lang, mix)
    counted = mix[mix["n_reports"].fillna(0) > 0] if "n_reports" in mix else mix
    total = counted.drop_duplicates([c for c in counted.columns if c not in ("applicant", "count", "share_of_total")])["total"].sum(min_count=1)
    y = np.arange(len(agg))
    ax.barh(y, agg.fillna(0), color=[OKABE_ITO[4]] + [OKABE_ITO[1]] * (len(agg) - 1))
    ax.set_yticks(y, [short_label(str(a), lang, "requests", "column") for a in agg.index])
    ax.invert_yaxis()
    for yi, v in enumerate(agg):
        share = an.rate(v, total)
        if pd.notna(v):
            ax.text(v, yi, f"  {number(v)}" + ("" if pd.isna(share) else f" · {share:.0%}"), va="center", fontsize=8)
    _mark_not_read(ax, y, agg.to_numpy(), lang)
    count_ticks(ax.xaxis)
    ax.set_xlabel(label("chart.applicants_axis", lang, requests=an.derived_label("requests", lang),
                        share=an.derived_label("share_of_total", lang)))
    ax.margins(x=0.2)
    return finish(fig, base, cap, lang, mix)
