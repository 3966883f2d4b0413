"""Interactive explorers (ipywidgets): thin wrappers over :func:`figure_for`.

Every explorer only reads its selectors and calls :func:`figure_for`, a plain
function that returns a matplotlib figure; the same figure renders without a
kernel (``figure_for(panel, "outcomes", agency=…)`` in a script or a static
notebook) and is exported by :func:`toolkit.analyse.charts.save`.

Examples:
    >>> from toolkit.corpus.loaders import load_demo
    >>> fig = figure_for(load_demo(), "volumes", level="county", lang="en")
    >>> fig.axes[0].get_xlabel()
    'Year'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from toolkit.analyse import measures as an
from toolkit.analyse import charts

VIEWS = ("outcomes", "refusals", "volumes", "applicants", "review", "heatmap")
VIEW_LABELS = {
    "outcomes": ("办理结果", "Outcomes"),
    "refusals": ("未予公开原因", "Refusal reasons"),
    "volumes": ("申请数量趋势", "Request volumes"),
    "applicants": ("申请人构成", "Applicants"),
    "review": ("复议和诉讼", "Reconsideration & litigation"),
    "heatmap": ("机关×年度热图", "Agency × year heatmap"),
}
ALL = "(all)"


def _pick(value):
    return None if value in (None, "", ALL) else value


def figure_for(panel: pd.DataFrame, view: str = "outcomes", *, agency: str | None = None, level: str | None = None,
               year: int | None = None, lang: str = "zh", source: str | None = None):
    """The chart of one ``view`` of the panel for the selected agency, level and year.

    Without an agency, reports are summed by year over member agencies only
    (aggregate reports are never added to their members); with an agency, its
    own reports are shown year by year.

    Args:
        panel: tidy cells (a report, a corpus or :func:`toolkit.load_demo`).
        view: one of :data:`VIEWS`.
        agency, level, year: selectors (None or ``"(all)"`` = all).
        lang: ``"zh"`` or ``"en"``.
        source: caption (default: from the panel, :func:`toolkit.analyse.charts.source_of`).
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    agency, level, year = _pick(agency), _pick(level), _pick(year)
    lang_drawn = charts.fonts.resolve_lang(lang)
    source = source if source is not None else charts.source_of(panel, lang_drawn)
    df = an.filter_panel(panel, agency=agency, level=level, year=int(year) if year is not None else None)
    by = ("agency", "year") if agency else ("year",)
    where = " · ".join(str(x) for x in (agency, charts.VALUE_LABELS.get(level, (level, level))[0 if lang_drawn == "zh" else 1] if level else None, year) if x)
    title_suffix = f"：{where}" if (where and lang_drawn == "zh") else (f": {where}" if where else "")
    if df.empty:
        raise ValueError(f"no reports match agency={agency!r}, level={level!r}, year={year!r}")
    if view == "outcomes":
        shares = an.outcome_shares(df, by=by)
        return charts.outcome_bars(shares, by=list(by[-1:]) if agency else ["year"], lang=lang_drawn, source=source,
                                   title=charts._t("outcomes", lang_drawn) + title_suffix)
    if view == "refusals":
        return charts.refusal_bars(an.refusal_breakdown(df, by=by), lang=lang_drawn, source=source,
                                   title=charts._t("refusals", lang_drawn) + title_suffix)
    if view == "volumes":
        return charts.trend_lines(an.request_volumes(df, by=by), list(an.VOLUME_ROWS), lang=lang_drawn, source=source,
                                  title=charts._t("volumes", lang_drawn) + title_suffix)
    if view == "applicants":
        return charts.applicant_bars(an.applicant_mix(df, by=by), lang=lang_drawn, source=source,
                                     title=charts._t("applicants", lang_drawn) + title_suffix)
    if view == "review":
        return charts.review_bars(an.review_litigation(df, by=by), lang=lang_drawn, source=source,
                                  title=charts._t("review", lang_drawn) + title_suffix)
    vols = an.request_volumes(df, by=("agency", "year"), scope="members")
    return charts.heatmap(vols, "new_received", lang=lang_drawn, source=source,
                          title=an.derived_label("requests", lang_drawn) + " · " + charts.short_label("new_received", lang_drawn) + title_suffix)


def export_name(view: str, agency=None, level=None, year=None, lang: str = "zh") -> str:
    """A file name for an exported figure from its selectors.

    Examples:
        >>> export_name("outcomes", "示例市公安局", None, 2024, "en")
        'outcomes-示例市公安局-all-2024-en'
    """
    parts = [view, *(str(_pick(x)) if _pick(x) is not None else "all" for x in (agency, level, year)), lang]
    return re.sub(r"[^\w.-]+", "_", "-".join(parts))


def explorer(panel: pd.DataFrame, *, view: str = "outcomes", views: Sequence[str] = VIEWS, lang: str = "zh",
             agency: str | None = None, level: str | None = None, year: int | None = None,
             source: str | None = None, out_dir=None):
    """An explorer: view / agency / level / year selectors, a language toggle and an export button.

    Returns:
        An ``ipywidgets.VBox`` (CSS class ``toolkit-explorer``); its ``.figure``
        attribute holds the figure on show, ``.refresh()`` redraws it and
        ``.export()`` saves it with :func:`toolkit.analyse.charts.save`.
    """
    import ipywidgets as w
    from IPython.display import display

    def options(col):
        if col not in panel.columns:
            return [ALL]
        vals = sorted(panel[col].dropna().unique().tolist())
        return [ALL, *vals]

    layout = w.Layout(width="auto")
    style = {"description_width": "initial"}
    view_dd = w.Dropdown(options=[(f"{VIEW_LABELS[v][0]} / {VIEW_LABELS[v][1]}", v) for v in views], value=view,
                         description="图表 Chart", style=style, layout=layout)
    agency_dd = w.Dropdown(options=options("agency"), value=agency or ALL, description="机关 Agency", style=style, layout=layout)
    level_dd = w.Dropdown(options=options("level"), value=level or ALL, description="层级 Level", style=style, layout=layout)
    year_dd = w.Dropdown(options=options("year"), value=year or ALL, description="年度 Year", style=style, layout=layout)
    lang_tb = w.ToggleButtons(options=[("中文", "zh"), ("English", "en")], value=lang, style={"button_width": "70px"})
    export_btn = w.Button(description="导出 Export", icon="download", tooltip="PNG, SVG, PDF → outputs/figures")
    status = w.HTML()
    out = w.Output()
    for widget, cls in ((view_dd, "toolkit-view"), (agency_dd, "toolkit-agency"), (level_dd, "toolkit-level"),
                        (year_dd, "toolkit-year"), (lang_tb, "toolkit-lang"), (export_btn, "toolkit-export"),
                        (status, "toolkit-status"), (out, "toolkit-output")):
        widget.add_class(cls)

    box = w.VBox([w.HBox([view_dd, agency_dd]), w.HBox([level_dd, year_dd, lang_tb, export_btn]), status, out])
    box.add_class("toolkit-explorer")
    box.figure = None

    def selection():
        return dict(agency=agency_dd.value, level=level_dd.value, year=year_dd.value, lang=lang_tb.value)

    def refresh(*_):
        sel = selection()
        try:
            fig = figure_for(panel, view_dd.value, source=source, **sel)
        except Exception as exc:  # noqa: BLE001 - shown in the widget, not as a traceback
            status.value = f"<span style='color:#D55E00'>{type(exc).__name__}: {exc}</span>"
            return
        box.figure = fig
        status.value = ""
        with out:
            out.clear_output(wait=True)
            display(fig)

    def export(*_):
        if box.figure is None:
            return []
        sel = selection()
        paths = charts.save(box.figure, export_name(view_dd.value, sel["agency"], sel["level"], sel["year"], sel["lang"]), out_dir=out_dir)
        status.value = "已导出 Exported: " + ", ".join(p.name for p in paths)
        return paths

    for widget in (view_dd, agency_dd, level_dd, year_dd, lang_tb):
        widget.observe(refresh, names="value")
    export_btn.on_click(export)
    box.refresh, box.export = refresh, export
    box.controls = {"view": view_dd, "agency": agency_dd, "level": level_dd, "year": year_dd, "lang": lang_tb, "export": export_btn}
    refresh()
    return box
