"""Publication charts from the frames of :mod:`toolkit.analyse.measures`, labelled in Chinese or English.

Every chart function takes an analysis frame, draws one figure and returns it
(``matplotlib.figure.Figure``), so the same figure renders in a script, a
notebook without widgets, or behind a widget. Labels come from the codebook
(:func:`toolkit.codebook.label`) and the labels table (:func:`toolkit.labels.label`);
``lang="zh"`` needs a CJK font (:mod:`toolkit.analyse.fonts`), else the chart is drawn
in English with a warning, never with boxes. Colours: the Okabe–Ito
colour-blind-safe palette; heatmaps use ``cividis``.

:func:`save` writes PNG, SVG and PDF with text kept as text (SVG
``fonttype none``, PDF Type 42 fonts) and a source caption.

Examples:
    >>> from toolkit import read_report, analysis
    >>> fig = outcome_bars(analysis.outcome_shares(read_report("data/raw/huaian-city-2024.pdf").data), lang="en")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2]
    ['Disclosed', 'Partly disclosed']
"""

from __future__ import annotations

import os
import re
import textwrap
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import matplotlib.colors
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit import codebook as cb
from toolkit import labels
from toolkit.analyse import captions, fonts
from toolkit.analyse import measures as an
from toolkit.analyse.captions import facts_of, years_text
from toolkit.labels import label
from toolkit.read.normalise import strip_numbering

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

CAPTION_GID = "toolkit-source-caption"
NO_DATA_GID = "toolkit-no-data"
ZERO_COLOUR = "#DDDDDD"
COVERAGE_COLOURS = {"parsed": "#009E73", "flagged": "#E69F00", "failed": "#D55E00", "missing": "#CC79A7", "none": "#FFFFFF"}


class NoDataWarning(UserWarning):
    """A chart was asked to draw a selection with no data: it drew a "no data" panel instead."""


def _t(key: str, lang: str) -> str:
    return label(f"title.{key}", lang)


def style(lang: str = "zh") -> dict:
    """rcParams of every chart: fonts, editable text in SVG/PDF, palette, light axes."""
    from cycler import cycler

    return {
        "font.family": fonts.font_families(),
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
    """Apply :func:`style` to matplotlib's rcParams; return the language charts will use."""
    lang = fonts.resolve_lang(lang)
    plt.rcParams.update(style(lang))
    return lang


# --------------------------------------------------------------------------- labels

_PAREN = re.compile(r"[（(][^）)]*[）)]$")  # a trailing parenthetical, after NFKC or not


def short_label(key: str, lang: str = "zh", table: str = "requests", axis: str | None = None) -> str:
    """A chart label for a codebook key or a derived figure, without numbering or long notes.

    Derived figures come from :mod:`toolkit.labels`; printed keys from the codebook, looked up in
    ``table`` first and then in the other tables (a chart never shows a bare key).

    Examples:
        >>> short_label("partly_disclosed"), short_label("withheld"), short_label("unable_not_held", "en")
        ('部分公开', '不予公开', 'Not held')
        >>> short_label("corrected", table="review_litigation", axis="column")
        '结果纠正'
        >>> short_label("reconsideration"), short_label("litigation_total")
        ('行政复议', '行政诉讼合计')
    """
    if axis is None and labels.has(key):
        return label(key, lang)
    axes = [axis] if axis else ["row", "group", "column"]
    for tab in (table, *(t for t in cb.TABLES if t != table)):
        for ax in axes:
            if key in cb.keys(tab, ax):
                text = cb.label(tab, ax, key, lang, short=True)
                if lang == "zh":
                    text = _PAREN.sub("", strip_numbering(text))
                return text
    if labels.has(key):
        return label(key, lang)
    raise KeyError(f"no label for {key!r}: add it to toolkit/data/labels.csv")


def _value_name(v, lang: str) -> str:
    for column in ("level", "scope"):
        if labels.has(f"{column}.{v}"):
            return label(f"{column}.{v}", lang)
    return str(v)


def _names(values: Sequence, lang: str) -> list[str]:
    """Display names of data values (agency names, levels): as they are, or ``#n`` when they cannot be drawn."""
    out = []
    for v in values:
        parts = v if isinstance(v, tuple) else (v,)
        s = " ".join(_value_name(p, lang) for p in parts)
        out.append(s if fonts.can_draw(s) else f"#{len(out) + 1}")
    if any(o.startswith("#") and not str(v).startswith("#") for o, v in zip(out, values)):
        warnings.warn("no font covers some agency names: shown as #n (see the data for the names)", fonts.FontWarning, stacklevel=3)
    return out


def _wrap(s: str, width: int) -> str:
    """Wrap a label into lines of at most ``width`` columns (a CJK character is two), evenly.

    Lines are balanced, so no line holds a single stray character.

    Examples:
        >>> _wrap("平潭综合实验区管理委员会", 16)
        '平潭综合实验\\n区管理委员会'
        >>> _wrap("淮安市人民政府 2024", 16)
        '淮安市人民政府\\n2024'
    """
    if not s:
        return s
    if all(ord(c) < 0x2E80 for c in s):
        return textwrap.fill(s, width)
    if " " in s.strip():  # "淮安市人民政府 2024": break between the name and the year, not inside the name
        return "\n".join(_wrap(part, width) for part in s.split())
    per = max(1, width // 2)
    n = -(-len(s) // per)
    size = -(-len(s) // n)
    return "\n".join(s[i : i + size] for i in range(0, len(s), size))


_TOKEN = re.compile(r"[\x21-\x7e\u00c0-\u024f]+\s*|\s+|.")


def _wrap_words(text: str, width: int) -> str:
    """Wrap mixed Chinese/Latin text at ``width`` columns (a CJK character is two), never inside a Latin word."""
    lines, cur, used = [], "", 0
    for tok in _TOKEN.findall(text):
        w = sum(2 if ord(c) >= 0x2E80 else 1 for c in tok.rstrip())
        if used + w > width and cur.strip() and tok[:1] not in "，。；、）：,.;:)":  # no line opens with punctuation
            lines.append(cur.rstrip())
            cur, used = "", 0
            tok = tok.lstrip()
        cur += tok
        used += sum(2 if ord(c) >= 0x2E80 else 1 for c in tok)
    if cur.strip():
        lines.append(cur.rstrip())
    return "\n".join(lines)


def add_caption(fig: Figure, source: str | None, lang: str = "zh") -> None:
    """Write ``source`` under the figure (once; a second call replaces the first), wrapped to the figure's width."""
    if not source:
        return
    for t in list(fig.texts):
        if t.get_gid() == CAPTION_GID:
            t.remove()
    prefix = label("caption.prefix", lang)
    text = source if source.startswith((label("caption.prefix", "zh"), label("caption.prefix", "en"))) or \
        source.startswith((label("caption.synthetic", "zh", what="")[:6], label("caption.synthetic", "en", what="")[:9])) \
        else prefix + source
    width_in = fig.get_figwidth()
    per_line = int(width_in * 13.5) if lang == "en" else int(width_in * 7.2)  # characters at 7.5 pt
    text = "\n".join(_wrap_words(part, per_line * (1 if lang == "en" else 2)) for part in text.split("\n"))
    n_lines = text.count("\n") + 1
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#444444", gid=CAPTION_GID, linespacing=1.3)
    room = 0.15 * n_lines + 0.1
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        height = fig.get_figheight()
        engine.set(rect=(0, room / height, 1, 1 - room / height))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, room / fig.get_figheight() + 0.08))


def _years_text(years: Sequence[int], lang: str) -> str:
    return years_text(years, lang)


def _drawable(name) -> str:
    return str(name) if fonts.can_draw(str(name)) else "#"


def caption_of(frame: pd.DataFrame, lang: str = "zh", *, mode: str | None = None) -> str:
    """What a chart shows, from its rows (:func:`toolkit.analyse.captions.caption_of`).

    Never a local path; one publisher only when every report shown shares it; "source unknown"
    when the rows do not say whether the data is real; reports that lack cells are named.
    """
    return captions.caption_of(frame, lang, mode=mode, names=_drawable)


def source_of(df: pd.DataFrame, lang: str = "zh") -> str:
    """A caption for a whole panel (:func:`caption_of`); kept for callers that caption by hand."""
    return caption_of(df, lang)


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
    ax.text(0.5, 0.40, _wrap_words(why, 90), ha="center", va="center", fontsize=9, color="#555555", transform=ax.transAxes)
    _text_only_height(ax)
    warnings.warn(label("no_data.warning", "en", what=label("chart.no_data", "en", what=what), why=why),
                  NoDataWarning, stacklevel=3)


def _text_only_height(ax) -> None:
    # A panel that only says something needs no room sized for twenty bars.
    fig = ax.figure
    if sum(a.get_visible() for a in fig.axes) == 1:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w, min(h, 3.2))


def _all_zero_panel(ax, what: str, lang: str) -> None:
    """Every value is 0: say so in words (a fact, not missing data), never an empty axis."""
    ax.cla()
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.text(0.5, 0.5, label("chart.all_zero", lang, what=what), ha="center", va="center", fontsize=12,
            color="#333333", transform=ax.transAxes, gid=NO_DATA_GID)
    _text_only_height(ax)


def _nothing_to_draw(fig: Figure, ax, base: str, cap: str, frame: pd.DataFrame, values, lang: str) -> Figure | None:
    """The finished figure when ``values`` are all missing (a no-data panel) or all 0 (said in words), else None."""
    values = pd.DataFrame(values)
    if values.empty or values.isna().all().all():
        no_data(fig, ax, base, _why_empty(frame, lang), lang)
        return _finish(fig, base, cap, lang, frame)
    if (values.fillna(0) == 0).all().all():
        _all_zero_panel(ax, base, lang)
        return _finish(fig, base, cap, lang, frame)
    return None


def _why_empty(frame: pd.DataFrame, lang: str) -> str:
    """Why a chart has nothing to draw: the scope rule left the reports out (and which scope shows them),
    the reports lack the cells it needs, or no report matches."""
    f = facts_of(frame)
    if not f["reports"] and f["n_excluded"] and f["scope_rule"] in ("members", "aggregates"):
        return label(f"chart.why_scope_{f['scope_rule']}", lang, n=f["n_excluded"])
    if f["incomplete"] and not [r for r in f["reports"] if not r.get("missing")]:
        return label("chart.why_incomplete", lang, n=len(f["incomplete"]))
    return label("chart.why_empty", lang)


def _counts(axis) -> None:
    """Integer ticks with thousands separators on a count axis."""
    axis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, min_n_ticks=2))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _n(v) -> str:
    return "—" if pd.isna(v) else f"{float(v):,.0f}"


INCOMPLETE_HATCH = "////"
NOT_READ_COLOUR = "#F2F2F2"


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


def _mark_not_read(ax, y, values, lang: str, horizontal: bool = True) -> None:
    """Say "not read" where a bar's value is missing because a cell was not read."""
    for yi, v in zip(y, values):
        if pd.isna(v):
            ax.text(0, yi, " " + label("chart.not_read", lang), va="center", ha="left", fontsize=7.5, color="#777777",
                    bbox={"boxstyle": "square,pad=0.2", "facecolor": NOT_READ_COLOUR, "edgecolor": "#AAAAAA",
                          "hatch": INCOMPLETE_HATCH, "linewidth": 0.5})


def _default_mode(frame: pd.DataFrame) -> str:
    return captions.default_mode(frame)


def _title_with_years(base: str, frame: pd.DataFrame, lang: str, mode: str | None = None) -> str:
    # The years drawn: the rows' own years (a selection of a frame says only what it holds).
    years = [int(y) for y in sorted(frame["year"].dropna().unique())] if "year" in frame and len(frame) else facts_of(frame)["years"]
    if not years:
        return base
    mode = mode or _default_mode(frame)
    where = label(captions.years_key(mode, years), lang, years=years_text(years, lang))
    return label("title.where", lang, title=base, where=where)


def _fig(lang: str, size=(8, 4.5)):
    lang = use_style(lang)
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return lang, fig, ax


def _finish(fig: Figure, title: str | None, source: str | None, lang: str, data: pd.DataFrame | None = None) -> Figure:
    """Title and caption; the figure keeps its language and the frame it was drawn from, which
    :func:`save` writes beside it (``<name>-<lang>.csv``)."""
    fig.toolkit_lang = lang
    fig.toolkit_data = data
    if title:
        fig.suptitle(title, fontweight="normal", fontsize=12)
    add_caption(fig, source, lang)
    plt.close(fig)  # returned, not shown twice in notebooks
    return fig


# --------------------------------------------------------------------------- charts


def outcome_bars(shares: pd.DataFrame, by: Sequence[str] | str | None = None, *, lang: str = "zh",
                 title: str | None = None, source: str | None = None) -> Figure:
    """Stacked horizontal bars: each outcome's share of the requests handled, one bar per row of ``by``.

    Each segment of 6 % or more prints its share; the bar's total (requests handled) is printed at
    its end. Levels are drawn top down (province … township).

    Args:
        shares: :func:`toolkit.analyse.measures.outcome_shares`.
        by: the columns naming one bar (default: the frame's own ``by`` columns).
    """
    by = _by_of(shares, by, value_cols=("n_reports", "outcome", "count", "total_processed", "share_of_total_processed"))
    full = shares  # the caption and the reason for an empty chart read every row, the bars only rows with reports
    shares = shares[shares["n_reports"].fillna(0) > 0] if "n_reports" in shares else shares
    lang, fig, ax = _fig(lang, (8.5, max(2.8, 0.46 * shares[by].drop_duplicates().shape[0] + 1.9)))
    wide = shares.pivot_table(index=by, columns="outcome", values="share_of_total_processed", observed=False, dropna=False, sort=True)
    totals = shares.drop_duplicates(by).set_index(by)["total_processed"] if len(shares) else pd.Series(dtype=float)
    # a bar whose reports handled nothing stays, empty, with its total of 0: never silently dropped
    keep = wide.notna().any(axis=1) | pd.Series([totals.get(k, np.nan) == 0 for k in wide.index], index=wide.index)
    wide = wide[keep]
    if not wide.notna().any(axis=1).any():
        wide = wide.iloc[0:0]  # no share anywhere: the all-zero or no-data panel below says why
    if "level" in by and len(by) == 1:
        wide = wide.reindex(an.level_order(wide.index))
    base = title or _title_with_years(_t("outcomes", lang), full, lang)
    if wide.empty and len(totals) and (totals.fillna(-1) == 0).all():
        _all_zero_panel(ax, base, lang)  # reports that handled no request: a fact, not missing data
        return _finish(fig, base, source or caption_of(full, lang), lang, full)
    if wide.empty:
        no_data(fig, ax, base, _why_empty(full, lang), lang)
        return _finish(fig, base, source or caption_of(full, lang), lang, full)
    labels_ = _names(list(wide.index), lang)
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
        note = label("chart.total_n", lang, n=_n(totals.get(key, np.nan)))
        if sum_ > 1.005:
            note = label("chart.total_over", lang, total=note, share=f"{sum_:.0%}")
        if key in partial:
            note += "\n" + label("chart.incomplete", lang)
        ax.text(1.01, yi, note, va="center", fontsize=8, color="#B00000" if key in partial else "black",
                transform=ax.get_yaxis_transform(), clip_on=False)
    ax.set_yticks(y, [_wrap(t, 20) for t in labels_])
    ax.invert_yaxis()
    ax.set_xlim(0, right)
    if right > 1:
        ax.axvline(1.0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(label("chart.share_note", lang, measure=an.derived_label("share_of_total_processed", lang)))
    ax.legend(ncols=7 if partial else 6, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return _finish(fig, base, source or caption_of(full, lang), lang, full)


def refusal_bars(breakdown: pd.DataFrame, *, lang: str = "zh", value: str = "count", title: str | None = None,
                 source: str | None = None, top: int | None = None) -> Figure:
    """Horizontal bars of the sub-reasons (summed over the frame's rows), coloured by group.

    Args:
        breakdown: :func:`toolkit.analyse.measures.refusal_breakdown` (filter it first to one agency or year).
        value: ``count`` (default) or ``share_of_total_processed`` (recomputed over the frame).
    """
    lang, fig, ax = _fig(lang, (8.5, 6))
    base = title or _title_with_years(_t("refusals", lang), breakdown, lang, _sum_mode(breakdown))
    cap = source or caption_of(breakdown, lang, mode=_sum_mode(breakdown))
    agg = _strict_sum(breakdown, ["group", "reason"], "count")
    if (done := _nothing_to_draw(fig, ax, base, cap, breakdown, agg["count"], lang)) is not None:
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
            ax.text(v, yi, f" {v:.0%}" if value != "count" else f" {_n(v)}", va="center", fontsize=7.5)
    _mark_not_read(ax, y, agg["value"], lang)
    ax.set_yticks(y, [_wrap(short_label(r, lang), 26 if lang == "zh" else 48) for r in agg["reason"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.margins(x=0.12)
    if value != "count":
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    else:
        _counts(ax.xaxis)
    handles = [matplotlib.patches.Patch(color=GROUP_COLOURS[g], label=short_label(g, lang)) for g in an.REFUSAL_GROUPS]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8)
    return _finish(fig, base, cap, lang, breakdown)


def _sum_mode(frame: pd.DataFrame) -> str:
    """How a chart that sums the frame's rows treats years: one year ('each'/'pooled') or several summed ('all')."""
    f = facts_of(frame)
    years = list(frame["year"].dropna().unique()) if "year" in frame else f["years"]
    if len(years) > 1:
        return "all"
    return "pooled" if f["pooled"] and len(f["agencies"]) > 1 else "each"


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
    lang, fig, ax = _fig(lang)
    f = facts_of(frame)
    members = members if members is not None else (f["members"] if f["pooled"] else None)
    # a year whose reports all lie outside the scope summed is a gap, said in words, not a point at 0 agencies
    counted = frame[frame["n_reports"].fillna(0) > 0] if "n_reports" in frame else frame
    outside = sorted({int(y) for y in frame["year"].dropna()} - {int(y) for y in counted["year"].dropna()}) if "year" in frame else []
    base = title or _title_with_years(_t("volumes", lang), counted if len(counted) else frame, lang)
    cap = source or caption_of(frame, lang)
    if hue is None and "agency" in frame.columns and frame["agency"].nunique() > 1:
        hue = "agency"  # one line per agency: never draw a line from one agency to another
    data = counted.dropna(subset=["year"]).copy() if "year" in counted else counted.iloc[0:0]
    if hue:
        values = values[:1]
    # lines along the axis at 0 say nothing a sentence does not say better
    if (done := _nothing_to_draw(fig, ax, base, cap, frame, data[values], lang)) is not None:
        return done
    data["year"] = data["year"].astype(int)
    series = []
    if hue:
        keys = sorted(data[hue].dropna().unique())
        for key, name in zip(keys, _names(keys, lang)):
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
        ax.text(y, 0.97, _wrap(label("chart.outside_scope" if y in outside else "chart.no_report", lang), 10),
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
        _counts(ax.yaxis)
    top = max([v for _, _, vs in series for v in vs if pd.notna(v)] + [0])
    ax.set_ylim(0, top * 1.1 if top > 0 else 1)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _finish(fig, base, cap, lang, frame)


def small_multiples(frame: pd.DataFrame, value: str, *, facet: str = "agency", lang: str = "zh", ncols: int = 4,
                    title: str | None = None, source: str | None = None, percent: bool = False, sharey: bool = True) -> Figure:
    """One small bar chart per ``facet`` value (e.g. agency), ``value`` by year.

    The panels share one y-scale (``sharey=True``); with ``sharey=False`` the caption says they differ.
    """
    keys = list(pd.unique(frame[facet].dropna()))
    n = max(1, len(keys))
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    lang = use_style(lang)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.7 * ncols + 0.6, 2.2 * nrows + 1.4), sharex=True, sharey=sharey,
                             squeeze=False, layout="constrained")
    base = title or _title_with_years(short_label(value, lang), frame, lang)
    note = label("caption.sharey_same" if sharey else "caption.sharey_differs", lang)
    cap = (source or caption_of(frame, lang)) + "\n" + note
    if not keys or frame[value].isna().all():
        no_data(fig, axes[0, 0], base, _why_empty(frame, lang), lang)
        return _finish(fig, base, cap, lang, frame)
    names = _names(keys, lang)
    for ax, key, name in zip(axes.flat, keys, names):
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
        ax.set_title(_wrap(name, 22), fontsize=8.5, fontweight="normal")
        ax.tick_params(labelsize=7)
        years = sorted(int(y) for y in frame["year"].dropna().unique())
        ax.set_xticks(years if len(years) <= 4 else years[:: -(-len(years) // 4)])
        if percent:
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        else:
            _counts(ax.yaxis)
    top = frame[value].max()
    if not percent and not (pd.notna(top) and top > 0):
        axes[0, 0].set_ylim(0, 1)  # every bar is 0: show a 0–1 axis, not ±0.04
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.supylabel(short_label(value, lang), fontsize=9)
    return _finish(fig, base, cap, lang, frame)


def heatmap(frame: pd.DataFrame, value: str, *, index: str = "agency", columns: str = "year", lang: str = "zh",
            title: str | None = None, source: str | None = None, percent: bool = False, annotate: bool = True) -> Figure:
    """An ``index`` × ``columns`` (agency × year) heatmap of ``value``.

    Counts use a log colour scale (one outlier does not flatten the rest); 0 is drawn in grey and
    rows that are 0 every year are marked; a year with no report is left white.
    """
    wide = frame.pivot_table(index=index, columns=columns, values=value, aggfunc="first", observed=True, dropna=False)
    lang, fig, ax = _fig(lang, (1.0 * len(wide.columns) + 5.0, 0.34 * len(wide) + 2.2))
    base = title or label("title.heatmap", lang, measure=short_label(value, lang))
    cap = source or caption_of(frame, lang)
    data = wide.to_numpy(dtype=float)
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        no_data(fig, ax, base, _why_empty(frame, lang), lang)
        return _finish(fig, base, cap, lang, frame)
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
    names = _names(list(wide.index), lang)
    zero_rows = [bool(np.isfinite(r).any() and (r[np.isfinite(r)] == 0).all()) for r in data]
    names = [label("chart.all_zero_row", lang, name=nm) if z else nm for nm, z in zip(names, zero_rows)]
    ax.set_yticks(range(len(wide)), names, fontsize=8)
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
    return _finish(fig, base, cap, lang, frame)


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
    lang, fig, ax = _fig(lang, (1.25 * max(len(years), 1) + 4.6, 0.42 * max(len(agencies), 1) + 2.4))
    base = title or _t("coverage", lang)
    if status.empty:
        no_data(fig, ax, base, label("chart.why_empty", lang), lang)
        return _finish(fig, base, source, lang, status)
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
    ax.set_yticks(range(len(agencies)), _names(agencies, lang), fontsize=8)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    handles = [matplotlib.patches.Patch(facecolor=COVERAGE_COLOURS[k], edgecolor="#BBBBBB",
                                        label=f"{label('coverage.' + k, lang)} ({counts[k]:,})")
               for k in ("parsed", "flagged", "failed", "missing", "none") if counts[k]]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return _finish(fig, base, source, lang, status)


def review_bars(review: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Stacked bars of upheld / corrected / other / pending per case type (summed over the frame), with the correction rate."""
    counted = review[review["n_reports"].fillna(0) > 0] if "n_reports" in review else review
    agg = counted.groupby("case_type", observed=True)[list(an.CASE_COLUMNS)].agg(
        lambda s: s.sum() if s.notna().all() and len(s) else np.nan)
    lang, fig, ax = _fig(lang, (8.5, 3.8))
    base = title or _title_with_years(_t("review", lang), review, lang, _sum_mode(review))
    cap = source or caption_of(review, lang, mode=_sum_mode(review))
    if (done := _nothing_to_draw(fig, ax, base, cap, review, agg["total"], lang)) is not None:
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
        ax.text(tot, yi, f"  {label('chart.total_n', lang, n=_n(tot))} · {label('correction_rate_short', lang)} {note}",
                va="center", fontsize=8)
    ax.margins(x=0.35)
    _counts(ax.xaxis)
    ax.set_xlabel(label("chart.cases_axis", lang, cases=an.derived_label("cases", lang), rate=an.derived_label("correction_rate", lang)))
    ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return _finish(fig, base, cap, lang, review)


def applicant_bars(mix: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Bars of the applicant columns (summed over the frame) with their share of the total."""
    agg = _strict_sum(mix, ["applicant"], "count").set_index("applicant")["count"]
    lang, fig, ax = _fig(lang, (8, 3.6))
    base = title or _title_with_years(_t("applicants", lang), mix, lang, _sum_mode(mix))
    cap = source or caption_of(mix, lang, mode=_sum_mode(mix))
    if agg.empty or agg.isna().all():
        no_data(fig, ax, base, _why_empty(mix, lang), lang)
        return _finish(fig, base, cap, lang, mix)
    if (agg.fillna(0) == 0).all():
        _all_zero_panel(ax, base, lang)
        return _finish(fig, base, cap, lang, mix)
    counted = mix[mix["n_reports"].fillna(0) > 0] if "n_reports" in mix else mix
    total = counted.drop_duplicates([c for c in counted.columns if c not in ("applicant", "count", "share_of_total")])["total"].sum(min_count=1)
    y = np.arange(len(agg))
    ax.barh(y, agg.fillna(0), color=[OKABE_ITO[4]] + [OKABE_ITO[1]] * (len(agg) - 1))
    ax.set_yticks(y, [short_label(str(a), lang, "requests", "column") for a in agg.index])
    ax.invert_yaxis()
    for yi, v in enumerate(agg):
        share = an.rate(v, total)
        if pd.notna(v):
            ax.text(v, yi, f"  {_n(v)}" + ("" if pd.isna(share) else f" · {share:.0%}"), va="center", fontsize=8)
    _mark_not_read(ax, y, agg.to_numpy(), lang)
    _counts(ax.xaxis)
    ax.set_xlabel(label("chart.applicants_axis", lang, requests=an.derived_label("requests", lang),
                        share=an.derived_label("share_of_total", lang)))
    ax.margins(x=0.2)
    return _finish(fig, base, cap, lang, mix)


def _cycle():
    while True:
        yield from OKABE_ITO


def _by_of(frame: pd.DataFrame, by, value_cols: Sequence[str]) -> list[str]:
    if by is None:
        if "by" in frame.columns and frame["by"].notna().any():
            return str(frame["by"].dropna().iloc[0]).split("|")
        return [c for c in frame.columns if c not in value_cols and c not in an.EXTRA_COLUMNS]
    return [by] if isinstance(by, str) else list(by)


# --------------------------------------------------------------------------- saving


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
    lang = lang or getattr(fig, "toolkit_lang", None) or "zh"
    name = _with_lang(name, lang)
    out = Path(out_dir) if out_dir is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    if source:
        add_caption(fig, source, lang)
    paths = []
    meta = {"png": {"Software": "ogi-toolkit"}, "svg": {"Creator": "ogi-toolkit"}, "pdf": {"Creator": "ogi-toolkit"}}
    with plt.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42, "svg.hashsalt": "ogi-toolkit"}):
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
