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

from toolkit import labels
from toolkit.analyse import captions, charts
from toolkit.analyse import measures as an
from toolkit.analyse.captions import years_text
from toolkit.labels import label

VIEWS = ("outcomes", "refusals", "volumes", "applicants", "review", "heatmap")
ALL = "(all)"


def _pick(value):
    return None if value in (None, "", ALL) else value


def _where(agency, level, year, lang: str) -> str:
    parts = [agency, charts.value_name(level, lang) if level else None, year]
    return " · ".join(str(x) for x in parts if x)


SCOPE_CHOICES = ("members", "aggregates")


def _scope_for(agency, scope: str | None) -> str:
    """What is summed: one agency's own reports whatever their scope; else ``scope`` (members by default)."""
    if agency:
        return "all"
    scope = scope or "members"
    if scope not in SCOPE_CHOICES:
        raise ValueError(f"scope must be one of {SCOPE_CHOICES}, not {scope!r}")
    return scope


def frame_for(panel: pd.DataFrame, view: str = "outcomes", *, agency: str | None = None, level: str | None = None,
              year: int | None = None, scope: str | None = None) -> pd.DataFrame:
    """The analysis frame :func:`figure_for` draws for one view and selection (the data of the chart).

    Without an agency, reports are summed by year over ``scope``: ``members`` (the member
    agencies, the default) or ``aggregates`` (the regional aggregate reports only); the two are
    never added together. With an agency, its own reports are shown year by year, whatever their scope.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    agency, level, year = _pick(agency), _pick(level), _pick(year)
    rule = _scope_for(agency, _pick(scope))
    df = an.filter_panel(panel, agency=agency, level=level, year=int(year) if year is not None else None)
    by = ("agency", "year") if agency else ("year",)
    if view == "outcomes":
        return an.outcome_shares(df, by=by, scope=rule)
    if view == "refusals":
        return an.refusal_breakdown(df, by=by, scope=rule)
    if view == "volumes":
        return an.request_volumes(df, by=by, scope=rule)
    if view == "applicants":
        return an.applicant_mix(df, by=by, scope=rule)
    if view == "review":
        return an.review_litigation(df, by=by, scope=rule)
    # the heatmap is per agency: one agency's own reports, or the agencies of the chosen scope
    return an.request_volumes(df, by=("agency", "year"), scope=rule)


@charts.chart
def figure_for(panel: pd.DataFrame, view: str = "outcomes", *, agency: str | None = None, level: str | None = None,
               year: int | None = None, lang: str = "zh", source: str | None = None, scope: str | None = None):
    """The chart of one ``view`` of the panel for the selected agency, level, year and scope.

    Draws :func:`frame_for`; a selection with no report draws a "no data" panel (and warns) that
    says why, and which scope would show the reports it left out.

    Args:
        panel: tidy cells (a report, a corpus or :func:`toolkit.load_demo`).
        view: one of :data:`VIEWS`.
        agency, level, year: selectors (None or ``"(all)"`` = all).
        lang: ``"zh"`` or ``"en"`` (English, with a warning, when no font draws Chinese).
        source: caption (default: what the chart shows, :func:`toolkit.analyse.charts.caption_of`).
        scope: ``members`` (default) or ``aggregates``: what is summed when no agency is chosen.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    agency, level, year = _pick(agency), _pick(level), _pick(year)
    rule = _scope_for(agency, _pick(scope))
    where = _where(agency, level, year, lang)
    if not agency:
        where = " · ".join(x for x in (where, label(f"scope_rule.{rule}", lang)) if x)
    base = label(f"title.{view}", lang) if view != "heatmap" else None
    title = label("title.where", lang, title=base, where=where) if (where and base) else None
    if an.filter_panel(panel, agency=agency, level=level, year=int(year) if year is not None else None).empty:
        fig, ax = charts.new_figure(lang)
        what = where or label(f"view.{view}", lang)
        charts.no_data(fig, ax, what, label("chart.why_empty", lang), lang)
        return charts.finish(fig, base or label(f"view.{view}", lang), source, lang)
    frame = frame_for(panel, view, agency=agency, level=level, year=year, scope=rule if not agency else None)
    if title and year is None:  # the years drawn, after the selection: "…: Regional aggregates only · 2019, 2022–2025"
        counted = frame[frame["n_reports"].fillna(0) > 0] if "n_reports" in frame else frame
        years = sorted({int(y) for y in counted["year"].dropna()}) if "year" in counted else []
        if years:
            if view in ("refusals", "applicants", "review"):  # these charts add up the rows they are given
                mode = "all" if len(years) > 1 else ("each" if agency else "pooled")
            else:
                mode = captions.default_mode(frame)
            when = label(captions.years_key(mode, years), lang, years=captions.years_text(years, lang))
            title = label("title.where", lang, title=base, where=f"{where} · {when}")
    if view == "outcomes":
        return charts.outcome_bars(frame, by=["year"], lang=lang, source=source, title=title)
    if view == "refusals":
        return charts.refusal_bars(frame, lang=lang, source=source, title=title)
    if view == "volumes":
        return charts.trend_lines(frame, list(an.VOLUME_ROWS), lang=lang, source=source, title=title)
    if view == "applicants":
        return charts.applicant_bars(frame, lang=lang, source=source, title=title)
    if view == "review":
        return charts.review_bars(frame, lang=lang, source=source, title=title)
    heat_title = label("title.heatmap", lang, measure=charts.short_label("new_received", lang))
    return charts.heatmap(frame, "new_received", lang=lang, source=source,
                          title=label("title.where", lang, title=heat_title, where=where) if where else None)


#: Key-valued columns of the exported tables, translated with the chart's labels.
_KEY_COLUMNS = ("outcome", "group", "reason", "applicant", "case_type", "level", "scope")


def table_for(panel: pd.DataFrame, view: str = "outcomes", *, agency: str | None = None, level: str | None = None,
              year: int | None = None, lang: str = "zh", scope: str | None = None) -> pd.DataFrame:
    """The data of the chart :func:`figure_for` draws, with headers and key values in ``lang``.

    Examples:
        >>> from toolkit.synthetic.panel import load_demo
        >>> t = table_for(load_demo(), "review", level="county", lang="zh")
        >>> list(t.columns[:3])
        ['年度', '报告数', '案件类型']
    """
    from toolkit.analyse.chartdata import tidy_numbers

    frame = tidy_numbers(frame_for(panel, view, agency=agency, level=level, year=year, scope=scope).drop(columns="sources"))
    for col in _KEY_COLUMNS:
        if col in frame.columns:
            table = "review_litigation" if col == "case_type" else "requests"
            axis = "column" if col == "applicant" else None
            frame[col] = [charts.value_name(v, lang) if col in ("level", "scope")
                          else charts.short_label(str(v), lang, table, axis) for v in frame[col].astype(str)]
    return frame.rename(columns={c: _header(c, lang) for c in frame.columns})


def _header(column: str, lang: str) -> str:
    if labels.has(column):
        return label(column, lang)
    return charts.short_label(column, lang)


def agencies(panel: pd.DataFrame) -> pd.DataFrame:
    """The agencies a notebook can draw (for ``AGENCY``): name, scope, years and number of reports.

    Examples:
        >>> from toolkit.synthetic.panel import load_demo
        >>> agencies(load_demo()).columns.tolist()
        ['agency', 'scope', 'years', 'n_reports']
    """
    cols = [c for c in ("agency", "scope", "year", "source_file") if c in panel.columns]
    per = panel[cols].drop_duplicates().astype({"agency": str})
    rows = []
    for a, g in per.groupby("agency", sort=True):
        rows.append({"agency": a, "scope": ", ".join(sorted(g["scope"].astype(str).unique())) if "scope" in g else "",
                     "years": years_text(g["year"].dropna().astype(int).tolist(), "en"),
                     "n_reports": g["source_file"].nunique() if "source_file" in g else len(g)})
    return pd.DataFrame(rows, columns=["agency", "scope", "years", "n_reports"])


def export_name(view: str, agency=None, level=None, year=None, lang: str = "zh", scope: str | None = None) -> str:
    """A file name for an exported figure from its selectors (the scope summed when no agency is chosen).

    Examples:
        >>> export_name("outcomes", "示例市公安局", None, 2024, "en")
        'outcomes-示例市公安局-all-2024-en'
        >>> export_name("outcomes", None, None, None, "zh", scope="aggregates")
        'outcomes-all-all-all-aggregates-zh'
    """
    parts = [view, *(str(_pick(x)) if _pick(x) is not None else "all" for x in (agency, level, year))]
    if scope and scope != "members" and _pick(agency) is None:  # a sum of aggregates never overwrites a sum of members
        parts.append(scope)
    return re.sub(r"[^\w.-]+", "_", "-".join([*parts, lang]))


def explorer(panel: pd.DataFrame, *, view: str = "outcomes", views: Sequence[str] = VIEWS, lang: str = "zh",
             agency: str | None = None, level: str | None = None, year: int | None = None,
             source: str | None = None, out_dir=None, scope: str = "members"):
    """An explorer: view / agency / level / year / scope selectors, a language toggle and an export button.

    ``scope`` (``members`` or ``aggregates``) is what is summed when no agency is chosen; level
    and scope options are worded in the chosen language.

    Returns:
        An ``ipywidgets.VBox`` (CSS class ``toolkit-explorer``); its ``.figure``
        attribute holds the figure on show, ``.refresh()`` redraws it and
        ``.export()`` saves it with :func:`toolkit.analyse.charts.save`.
    """
    import ipywidgets as w
    from IPython.display import display

    def options(col, lang_=lang):
        """(text, value) pairs: levels in the chosen language, top down; "(all)" in words."""
        every = (label("widget.all", lang_), ALL)
        if col not in panel.columns:
            return [every]
        vals = panel[col].dropna().unique().tolist()
        vals = an.level_order(vals) if col == "level" else sorted(vals)
        return [every, *((charts.value_name(v, lang_) if col == "level" else str(v), v) for v in vals)]

    layout = w.Layout(width="auto")
    style = {"description_width": "initial"}
    view_dd = w.Dropdown(options=[(f"{label('view.' + v, 'zh')} / {label('view.' + v, 'en')}", v) for v in views], value=view,
                         description=label("widget.chart"), style=style, layout=layout)
    agency_dd = w.Dropdown(options=options("agency"), value=agency or ALL, description=label("widget.agency"), style=style, layout=layout)
    level_dd = w.Dropdown(options=options("level"), value=level or ALL, description=label("widget.level"), style=style, layout=layout)
    year_dd = w.Dropdown(options=options("year"), value=year or ALL, description=label("widget.year"), style=style, layout=layout)
    scope_dd = w.Dropdown(options=[(label(f"scope_rule.{v}", lang), v) for v in SCOPE_CHOICES], value=scope,
                          description=label("widget.scope"), style=style, layout=layout,
                          tooltip=label("widget.scope_help", lang))
    lang_tb = w.ToggleButtons(options=[(label("site.lang_zh"), "zh"), (label("site.lang_en"), "en")], value=lang, style={"button_width": "70px"})
    export_btn = w.Button(description=label("widget.export"), icon="download", tooltip=label("widget.export_help", lang))
    status = w.HTML()
    out = w.Output()
    for widget, cls in ((view_dd, "toolkit-view"), (agency_dd, "toolkit-agency"), (level_dd, "toolkit-level"),
                        (year_dd, "toolkit-year"), (scope_dd, "toolkit-scope"), (lang_tb, "toolkit-lang"), (export_btn, "toolkit-export"),
                        (status, "toolkit-status"), (out, "toolkit-output")):
        widget.add_class(cls)

    box = w.VBox([w.HBox([view_dd, agency_dd, scope_dd]), w.HBox([level_dd, year_dd, lang_tb, export_btn]), status, out])
    box.add_class("toolkit-explorer")
    box.figure = None

    def selection():
        return dict(agency=agency_dd.value, level=level_dd.value, year=year_dd.value, lang=lang_tb.value, scope=scope_dd.value)

    def relabel(change):
        """Selector texts in the chosen language; the selected values stay."""
        new = change["new"]
        for dd, col in ((agency_dd, "agency"), (level_dd, "level"), (year_dd, "year")):
            keep = dd.value
            dd.unobserve(refresh, names="value")
            dd.options = options(col, new)
            dd.value = keep
            dd.observe(refresh, names="value")
        keep = scope_dd.value
        scope_dd.unobserve(refresh, names="value")
        scope_dd.options = [(label(f"scope_rule.{v}", new), v) for v in SCOPE_CHOICES]
        scope_dd.value = keep
        scope_dd.observe(refresh, names="value")

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
        paths = charts.save(box.figure, export_name(view_dd.value, sel["agency"], sel["level"], sel["year"], sel["lang"], sel["scope"]),
                            out_dir=out_dir)
        status.value = label("widget.exported", "zh", files=", ".join(p.name for p in paths))
        return paths

    lang_tb.observe(relabel, names="value")
    for widget in (view_dd, agency_dd, level_dd, year_dd, scope_dd, lang_tb):
        widget.observe(refresh, names="value")
    export_btn.on_click(export)
    box.refresh, box.export = refresh, export
    box.controls = {"view": view_dd, "agency": agency_dd, "level": level_dd, "year": year_dd, "scope": scope_dd, "lang": lang_tb, "export": export_btn}
    refresh()
    return box
