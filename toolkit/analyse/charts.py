"""Publication charts from the frames of :mod:`toolkit.analyse.measures`, labelled in Chinese or English.

Every chart function takes an analysis frame, draws one figure and returns it
(``matplotlib.figure.Figure``), so the same figure renders in a script, a
notebook without widgets, or behind a widget. Labels come from the codebook
(:func:`toolkit.codebook.label`) and :data:`toolkit.analyse.measures.DERIVED_LABELS`;
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
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.analyse import measures as an
from toolkit import codebook as cb
from toolkit.analyse import fonts

#: Okabe & Ito (2008) colour-blind-safe palette, plus a neutral grey.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
GREY = "#999999"
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

TITLES = {
    "outcomes": ("申请办理结果构成", "Outcomes of the requests handled"),
    "refusals": ("未予公开的原因", "Why information was not provided"),
    "volumes": ("政府信息公开申请数量", "Requests for government information"),
    "review": ("行政复议和行政诉讼结果", "Reconsideration and litigation outcomes"),
    "applicants": ("申请人构成", "Who made the requests"),
}
#: Labels of data values that are keys (level, scope).
VALUE_LABELS = {
    "province": ("省级", "Province"), "city": ("市级", "City"), "county": ("县级", "County"),
    "township": ("乡镇级", "Township"), "unknown": ("未知", "Unknown"),
    "agency": ("部门", "Agency"), "government_office": ("政府办公厅（室）", "Government office"),
    "region_aggregate": ("本级政府汇总", "Regional aggregate"),
}
SOURCE_PREFIX = {"zh": "数据来源：", "en": "Source: "}
CAPTION_GID = "toolkit-source-caption"


def _t(key: str, lang: str) -> str:
    zh, en = TITLES[key]
    return zh if lang == "zh" else en


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
        "axes.titleweight": "bold",
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

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七]）|\([一二三四五六七]\)|\d+[.．、])")
_PAREN = re.compile(r"（[^）]*）$")


def short_label(key: str, lang: str = "zh", table: str = "requests", axis: str | None = None) -> str:
    """A chart label for a codebook key or a derived figure, without numbering or long notes.

    Examples:
        >>> short_label("partly_disclosed"), short_label("withheld"), short_label("unable_not_held", "en")
        ('部分公开', '不予公开', 'Not held')
        >>> short_label("corrected", table="review_litigation", axis="column")
        '结果纠正'
    """
    if key in an.DERIVED_LABELS and axis is None:
        return an.derived_label(key, lang)
    axes = [axis] if axis else ["row", "group", "column"]
    for ax in axes:
        if key in cb.keys(table, ax):
            text = cb.label(table, ax, key, lang, short=True)
            if lang == "zh":
                text = _PAREN.sub("", _NUMBERING.sub("", text.strip()))
            return text
    if key == "litigation_total":
        return an.derived_label(key, lang)
    return key


def _names(values: Sequence, lang: str) -> list[str]:
    """Display names of data values (agency names): as they are, or ``#n`` when they cannot be drawn."""
    out = []
    for v in values:
        parts = v if isinstance(v, tuple) else (v,)
        s = " ".join(VALUE_LABELS[str(p)][0 if lang == "zh" else 1] if str(p) in VALUE_LABELS else str(p) for p in parts)
        out.append(s if fonts.can_draw(s) else f"#{len(out) + 1}")
    if any(o.startswith("#") and not str(v).startswith("#") for o, v in zip(out, values)):
        warnings.warn("no font covers some agency names: shown as #n (see the data for the names)", fonts.FontWarning, stacklevel=3)
    return out


def _wrap(s: str, width: int) -> str:
    if not s:
        return s
    if all(ord(c) < 0x2E80 for c in s):
        return textwrap.fill(s, width)
    return "\n".join(s[i : i + width // 2] for i in range(0, len(s), width // 2))


def add_caption(fig: Figure, source: str | None, lang: str = "zh") -> None:
    """Write ``source`` under the figure (once; a second call replaces the first)."""
    if not source:
        return
    for t in list(fig.texts):
        if t.get_gid() == CAPTION_GID:
            t.remove()
    prefix = SOURCE_PREFIX.get(lang, SOURCE_PREFIX["en"])
    text = source if source.startswith(tuple(SOURCE_PREFIX.values())) else prefix + source
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#444444", gid=CAPTION_GID)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        height = fig.get_figheight()
        engine.set(rect=(0, 0.25 / height, 1, 1 - 0.25 / height))  # keep 0.25 in for the caption
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, 0.12))


def source_of(df: pd.DataFrame, lang: str = "zh") -> str:
    """A source caption from a panel's ``attrs`` (set by :func:`toolkit.load_demo` / ``load_reports``)."""
    if df.attrs.get("synthetic"):
        return ("合成演示数据（虚构机关，随机数值），toolkit.load_demo" if lang == "zh"
                else "SYNTHETIC demo data (fictional agencies, random numbers), toolkit.load_demo")
    src = df.attrs.get("source")
    if src:
        return (f"政府信息公开工作年度报告，{src}" if lang == "zh" else f"OGI annual reports, {src}")
    return "政府信息公开工作年度报告" if lang == "zh" else "OGI annual reports (政府信息公开工作年度报告)"


def _fig(lang: str, size=(8, 4.5)):
    lang = use_style(lang)
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return lang, fig, ax


def _finish(fig: Figure, title: str | None, source: str | None, lang: str) -> Figure:
    if title:
        fig.suptitle(title, fontweight="bold", fontsize=12)
    add_caption(fig, source, lang)
    plt.close(fig)  # returned, not shown twice in notebooks
    return fig


def _label_of(row: pd.Series, by: Sequence[str], lang: str) -> str:
    return " ".join(str(row[b]) for b in by)


# --------------------------------------------------------------------------- charts


def outcome_bars(shares: pd.DataFrame, by: Sequence[str] | str | None = None, *, lang: str = "zh",
                 title: str | None = None, source: str | None = None) -> Figure:
    """Stacked horizontal bars: each outcome's share of the requests handled, one bar per row of ``by``.

    Args:
        shares: :func:`toolkit.analyse.measures.outcome_shares`.
        by: the columns naming one bar (default: the frame's own ``by`` columns).
    """
    by = _by_of(shares, by, value_cols=("n_reports", "outcome", "count", "total_processed", "share_of_total_processed"))
    lang, fig, ax = _fig(lang, (8.5, max(2.6, 0.42 * shares[by].drop_duplicates().shape[0] + 1.6)))
    wide = shares.pivot_table(index=by, columns="outcome", values="share_of_total_processed", observed=False, dropna=False, sort=True)
    wide = wide.dropna(how="all")
    labels = _names(list(wide.index), lang)
    left = np.zeros(len(wide))
    y = np.arange(len(wide))
    for outcome in an.OUTCOMES:
        if outcome not in wide.columns:
            continue
        vals = wide[outcome].fillna(0).to_numpy()
        ax.barh(y, vals, left=left, color=OUTCOME_COLOURS[outcome], label=short_label(outcome, lang), edgecolor="white", linewidth=0.5)
        left += vals
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(an.derived_label("share_of_total_processed", lang))
    ax.legend(ncols=6, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    if wide.empty:
        ax.text(0.5, 0.5, "无数据" if lang == "zh" else "No data", ha="center", transform=ax.transAxes)
    return _finish(fig, title or _t("outcomes", lang), source, lang)


def refusal_bars(breakdown: pd.DataFrame, *, lang: str = "zh", value: str = "count", title: str | None = None,
                 source: str | None = None, top: int | None = None) -> Figure:
    """Horizontal bars of the sub-reasons (summed over the frame's rows), coloured by group.

    Args:
        breakdown: :func:`toolkit.analyse.measures.refusal_breakdown` (filter it first to one agency or year).
        value: ``count`` (default) or ``share_of_total_processed`` (recomputed over the frame).
    """
    lang, fig, ax = _fig(lang, (8.5, 6))
    agg = breakdown.groupby(["group", "reason"], observed=True, sort=False)["count"].sum(min_count=1).reset_index()
    processed = breakdown.drop_duplicates([c for c in breakdown.columns if c not in
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
    ax.set_yticks(y, [_wrap(short_label(r, lang), 26 if lang == "zh" else 48) for r in agg["reason"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    if value != "count":
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    handles = [matplotlib.patches.Patch(color=GROUP_COLOURS[g], label=short_label(g, lang)) for g in an.REFUSAL_GROUPS]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8)
    return _finish(fig, title or _t("refusals", lang), source, lang)


def trend_lines(frame: pd.DataFrame, values: Sequence[str] | str, *, hue: str | None = None, lang: str = "zh",
                title: str | None = None, source: str | None = None, ylabel: str | None = None, percent: bool = False) -> Figure:
    """Lines by year: several value columns (e.g. the four request volumes), or one value split by ``hue``."""
    values = [values] if isinstance(values, str) else list(values)
    lang, fig, ax = _fig(lang)
    if hue:
        names = _names(sorted(frame[hue].dropna().unique()), lang)
        for (key, g), name, colour in zip(frame.groupby(hue, sort=True), names, _cycle()):
            g = g.sort_values("year")
            ax.plot(g["year"], g[values[0]], marker="o", label=name, color=colour)
        ylabel = ylabel or short_label(values[0], lang)
    else:
        g = frame.sort_values("year")
        for v, colour in zip(values, _cycle()):
            ax.plot(g["year"], g[v], marker="o", label=short_label(v, lang), color=colour)
    ax.set_xlabel(an.derived_label("year", lang))
    ax.set_ylabel(ylabel or an.derived_label("requests", lang))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _finish(fig, title or _t("volumes", lang), source, lang)


def small_multiples(frame: pd.DataFrame, value: str, *, facet: str = "agency", lang: str = "zh", ncols: int = 4,
                    title: str | None = None, source: str | None = None, percent: bool = False, sharey: bool = False) -> Figure:
    """One small bar chart per ``facet`` value (e.g. agency), ``value`` by year."""
    keys = list(pd.unique(frame[facet].dropna()))
    n = max(1, len(keys))
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    lang = use_style(lang)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 0.5, 2.0 * nrows + 1.0), sharex=True, sharey=sharey,
                             squeeze=False, layout="constrained")
    names = _names(keys, lang)
    for ax, key, name in zip(axes.flat, keys, names):
        g = frame[frame[facet] == key].sort_values("year")
        ax.bar(g["year"], g[value].fillna(0), color=OKABE_ITO[4])
        ax.set_title(_wrap(name, 24), fontsize=8.5, fontweight="normal")
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=4))
        if percent:
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.supylabel(short_label(value, lang), fontsize=9)
    return _finish(fig, title or short_label(value, lang), source, lang)


def heatmap(frame: pd.DataFrame, value: str, *, index: str = "agency", columns: str = "year", lang: str = "zh",
            title: str | None = None, source: str | None = None, percent: bool = False, annotate: bool = True) -> Figure:
    """An ``index`` × ``columns`` (agency × year) heatmap of ``value`` (missing cells left blank)."""
    wide = frame.pivot_table(index=index, columns=columns, values=value, aggfunc="first", observed=True, dropna=False)
    lang, fig, ax = _fig(lang, (1.0 * len(wide.columns) + 4.5, 0.32 * len(wide) + 1.8))
    data = wide.to_numpy(dtype=float)
    im = ax.imshow(np.ma.masked_invalid(data), aspect="auto", cmap=HEATMAP_CMAP)
    ax.set_xticks(range(len(wide.columns)), [str(c) for c in wide.columns])
    ax.set_yticks(range(len(wide)), _names(list(wide.index), lang), fontsize=8)
    ax.spines[:].set_visible(False)
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label(short_label(value, lang))
    if percent:
        cbar.formatter = matplotlib.ticker.PercentFormatter(1.0)
        cbar.update_ticks()
    if annotate and data.size <= 400:
        finite = data[np.isfinite(data)]
        mid = (np.nanmin(finite) + np.nanmax(finite)) / 2 if finite.size else 0
        for (i, j), v in np.ndenumerate(data):
            if np.isfinite(v):
                text = f"{v:.0%}" if percent else (f"{v:,.0f}" if abs(v) >= 1 or v == 0 else f"{v:.2f}")
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color="white" if v < mid else "black")
    return _finish(fig, title or short_label(value, lang), source, lang)


def review_bars(review: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Stacked bars of upheld / corrected / other / pending per case type (summed over the frame), with the correction rate."""
    agg = review.groupby("case_type", observed=True)[list(an.CASE_COLUMNS)].sum(min_count=1)
    agg["concluded"] = agg["total"] - agg["pending"]
    agg["correction_rate"] = an.rate(agg["corrected"], agg["concluded"])
    lang, fig, ax = _fig(lang, (8.5, 3.8))
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
    for yi, (tot, r) in enumerate(zip(left, agg["correction_rate"])):
        note = "—" if pd.isna(r) else f"{r:.0%}"
        ax.text(tot, yi, f"  {an.derived_label('correction_rate', lang).split('（')[0].split(' (')[0]} {note}", va="center", fontsize=8)
    ax.margins(x=0.25)
    note = an.derived_label("correction_rate", lang)
    ax.set_xlabel(f"{an.derived_label('cases', lang)}（{note}）" if lang == "zh" else f"{an.derived_label('cases', lang)} ({note})")
    ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return _finish(fig, title or _t("review", lang), source, lang)


def applicant_bars(mix: pd.DataFrame, *, lang: str = "zh", title: str | None = None, source: str | None = None) -> Figure:
    """Bars of the applicant columns (summed over the frame) with their share of the total."""
    agg = mix.groupby("applicant", observed=True)["count"].sum(min_count=1)
    total = mix.drop_duplicates([c for c in mix.columns if c not in ("applicant", "count", "share_of_total")])["total"].sum()
    lang, fig, ax = _fig(lang, (8, 3.6))
    y = np.arange(len(agg))
    ax.barh(y, agg.fillna(0), color=[OKABE_ITO[4]] + [OKABE_ITO[1]] * (len(agg) - 1))
    ax.set_yticks(y, [short_label(str(a), lang, "requests", "column") for a in agg.index])
    ax.invert_yaxis()
    for yi, v in enumerate(agg):
        share = an.rate(v, total)
        ax.text(v if pd.notna(v) else 0, yi, "" if pd.isna(share) else f"  {share:.0%}", va="center", fontsize=8)
    ax.set_xlabel(an.derived_label("requests", lang) + (f"（百分比：{an.derived_label('share_of_total', lang)}）" if lang == "zh"
                                                         else f" (percentages: {an.derived_label('share_of_total', lang).lower()})"))
    ax.margins(x=0.15)
    return _finish(fig, title or _t("applicants", lang), source, lang)


def _cycle():
    while True:
        yield from OKABE_ITO


def _by_of(frame: pd.DataFrame, by, value_cols: Sequence[str]) -> list[str]:
    if by is None:
        if frame.attrs.get("by"):
            return list(frame.attrs["by"])
        return [c for c in frame.columns if c not in value_cols and c not in an.EXTRA_COLUMNS]
    return [by] if isinstance(by, str) else list(by)


# --------------------------------------------------------------------------- saving


def figures_dir() -> Path:
    """Where :func:`save` writes: ``$TOOLKIT_FIGURES_DIR``, else ``outputs/figures`` at the project root
    (the folder holding ``pyproject.toml`` above the working directory), else under the working directory."""
    env = os.environ.get("TOOLKIT_FIGURES_DIR")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "pyproject.toml").exists() and (d / "toolkit").is_dir():
            return d / "outputs" / "figures"
    return here / "outputs" / "figures"


DEFAULT_FORMATS = ("png", "svg", "pdf")


def save(fig: Figure, name: str, formats: Sequence[str] | None = None, *, out_dir: str | os.PathLike | None = None,
         source: str | None = None, lang: str = "zh") -> list[Path]:
    """Write ``fig`` as ``<out_dir>/<name>.<fmt>`` with editable text and a source caption.

    SVG keeps text as ``<text>`` (``svg.fonttype = none``); PDF embeds TrueType
    (Type 42) fonts; PNG is drawn at 200 dpi. ``source`` (if given) replaces
    the figure's caption.

    Args:
        formats: default ``png, svg, pdf`` (or ``$TOOLKIT_FIGURE_FORMATS``,
            comma-separated: the test suite writes PNG and SVG only, as
            subsetting a CJK font into a PDF costs seconds).

    Returns:
        The paths written.
    """
    if formats is None:
        env = os.environ.get("TOOLKIT_FIGURE_FORMATS")
        formats = tuple(f.strip() for f in env.split(",") if f.strip()) if env else DEFAULT_FORMATS
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '-', '_' or '.' only")
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
