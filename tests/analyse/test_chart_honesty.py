"""Honest charts: one test per rule.

Lines never join agencies or missing years; pooled lines only over years with the same agencies;
an empty selection draws a visible "no data" panel, says why and warns; captions state what is
shown and never a local path; stacked bars carry shares and totals; heatmaps use a log scale and mark
all-zero rows; levels in hierarchy order; integer count ticks with thousands separators; small
multiples share a y-scale; Chinese charts carry no codebook key or English label.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings

import matplotlib
import pandas as pd
import pytest
from support import RAW

from toolkit import codebook as cb
from toolkit import labels
from toolkit.analyse import charts, widgets
from toolkit.analyse import measures as an
from toolkit.corpus.loaders import load_demo, load_reports

SPARSE = ("ninghe-kejiju-2023.txt", "shanghai-gov-office-2019.html", "huaian-city-2024.pdf")


@pytest.fixture(scope="module")
def sparse(tmp_path_factory):
    """A sparse folder: three agencies, the latest year an aggregate (the case honest charts must survive)."""
    folder = tmp_path_factory.mktemp("sparse")
    for f in SPARSE:
        shutil.copy(RAW / f, folder / f)
    return load_reports(folder)


@pytest.fixture(scope="module")
def raw():
    return load_reports(RAW)


def _lines(fig):
    return [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 1]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _caption(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == charts.CAPTION_GID)


def test_no_line_across_agencies(sparse):
    per_agency = an.request_volumes(sparse, scope="members")
    fig = charts.trend_lines(per_agency, "new_received", lang="en")
    assert _lines(fig) == [], "two agencies, one year each: points, never a line from one to the other"
    assert {ln.get_label() for ln in fig.axes[0].get_lines()} >= {"上海市人民政府办公厅", "宁河区科学技术局"}


def test_no_line_across_missing_years(raw):
    # the real series with its 2020 and 2021 reports left out
    pingtan = an.request_volumes(raw[(raw["agency"] == "平潭综合实验区") & ~raw["year"].isin([2020, 2021])])
    fig = charts.trend_lines(pingtan, "new_received", lang="zh")
    xs = [list(ln.get_xdata()) for ln in _lines(fig)]
    assert xs == [[2022, 2023, 2024, 2025]], "2019 stands alone: 2020 and 2021 are missing"
    assert "无报告" in _texts(fig)


def _sources(agencies, year):
    return json.dumps([{"report_id": f"{a}{year}", "agency": a, "year": year, "included": True, "left_out": "",
                        "missing": [], "cells": []} for a in agencies])


def test_the_bundled_series_is_one_line_2019_to_2025(raw):
    pingtan = an.request_volumes(raw[raw["agency"] == "平潭综合实验区"])
    fig = charts.trend_lines(pingtan, list(an.VOLUME_ROWS), lang="zh")
    assert {tuple(ln.get_xdata()) for ln in _lines(fig)} == {tuple(range(2019, 2026))}
    assert len(_lines(fig)) == len(an.VOLUME_ROWS) and "无报告" not in _texts(fig)


def test_pooled_line_only_over_years_with_the_same_agencies():
    members = {2019: ("A",), 2020: ("A", "B"), 2021: ("A", "B"), 2022: ("A", "B")}
    f = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "new_received": [5.0, 9.0, 12.0, 14.0], "pooled": True,
                      "by": "year", "scope_rule": "members", "synthetic": True,
                      "sources": [_sources(a, y) for y, a in members.items()]})
    fig = charts.trend_lines(f, "new_received", lang="en")
    assert [list(ln.get_xdata()) for ln in _lines(fig)] == [[2020, 2021, 2022]]
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "2019\n1 agency" and ticks[1] == "2020\n2 agencies"


def test_empty_selection_draws_a_no_data_panel_says_why_and_warns(sparse):
    latest = sparse[sparse["year"] == 2024]  # only 淮安市人民政府, a regional aggregate
    with pytest.warns(charts.NoDataWarning, match="aggregate"):
        fig = charts.refusal_bars(an.refusal_breakdown(latest, by=("year",)), lang="zh")
    texts = _texts(fig)
    assert any(t.startswith("无数据") for t in texts)
    assert any("scope='aggregates'" in t for t in texts)
    with pytest.warns(charts.NoDataWarning):
        fig = widgets.figure_for(sparse, "outcomes", agency="不存在的机关", lang="en")
    assert any(t.startswith("No data for") for t in _texts(fig))


def test_all_zero_is_said_in_words(sparse):
    ninghe = sparse[sparse["year"] == 2023]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.refusal_bars(an.refusal_breakdown(ninghe, by=("year",)), lang="en")
    assert any("every value in the reports shown is 0" in t.lower() for t in _texts(fig))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing handled: shares are undefined, said in words, no warning
        fig = charts.outcome_bars(an.outcome_shares(ninghe), by=["year"], lang="en")
    assert any("every value in the reports shown is 0" in t.lower() for t in _texts(fig))


def test_caption_states_what_is_shown_and_no_local_path(raw):
    fig = charts.trend_lines(an.request_volumes(raw[raw["agency"] == "平潭综合实验区"]), "new_received", lang="en")
    cap = _caption(fig)
    assert "平潭综合实验区" in cap and "www.pingtan.gov.cn" in cap and "real data" in cap
    assert "2019–2025" in cap and "7 reports of 1 agency;" in cap and "aggregates included" in cap
    assert str(RAW) not in cap and "/" not in cap.replace("www.pingtan.gov.cn", "")
    pooled = charts.caption_of(an.request_volumes(raw, by=("year",)), "zh")
    assert "各年汇总" in pooled and "仅所属机关报告" in pooled
    demo = charts.caption_of(an.request_volumes(load_demo(), by=("year",)), "en")
    assert demo.startswith("SYNTHETIC") and "38 agencies" in demo


def test_outcomes_adding_up_past_the_printed_total_are_drawn_past_100_and_said(raw):
    """平潭 2020 prints outcome rows summing to 27 against a （七）总计 of 21: its bar runs to 129 %,
    past a line at 100 %, never clipped into a bar that looks whole."""
    pingtan = raw[raw["agency"] == "平潭综合实验区"]
    fig = charts.outcome_bars(an.outcome_shares(pingtan), by=["year"], lang="en")
    assert fig.axes[0].get_xlim()[1] >= 1.28
    said = [t for t in _texts(fig) if "add up to" in t]
    assert said == ["total 21; outcomes add up to 129% of it (as printed)"]


def test_stacked_bars_carry_shares_and_totals(raw):
    shares = an.outcome_shares(raw[raw["agency"] == "平潭综合实验区"])
    fig = charts.outcome_bars(shares, by=["year"], lang="zh")
    texts = _texts(fig)
    assert "共218件" in texts and "共23件" in texts
    assert any(re.fullmatch(r"\d+%", t) for t in texts)


def test_levels_in_hierarchy_order():
    shares = an.outcome_shares(load_demo(), by=("level",))
    fig = charts.outcome_bars(shares, lang="zh")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["省级", "市级", "县级", "乡镇级"]


def test_heatmap_log_scale_and_all_zero_rows(sparse):
    v = an.request_volumes(sparse, scope="members")
    fig = charts.heatmap(v, "new_received", lang="zh")
    im = [i for i in fig.axes[0].get_images() if isinstance(i.norm, matplotlib.colors.LogNorm)]
    assert im, "counts on a log colour scale"
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "宁河区科学技术局（均为0）" in rows and "上海市人民政府办公厅" in rows


def test_count_axes_have_integer_ticks_with_thousands_separators():
    review = an.review_litigation(load_demo(), by=("year",))
    fig = charts.review_bars(review, lang="en")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"\d{1,3}(,\d{3})*", t) for t in ticks), ticks
    few = an.review_litigation(load_demo()[lambda d: d["agency"] == "示例市公安局"], by=("agency", "year"))
    fig = charts.review_bars(few[few["year"] == 2019], lang="en")  # a handful of cases: no 2.5 cases
    fig.canvas.draw()
    assert all(re.fullmatch(r"\d+", t.get_text()) for t in fig.axes[0].get_xticklabels() if t.get_text())
    fig = charts.trend_lines(an.request_volumes(load_demo(), by=("year",)), "new_received", lang="en")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and all(re.fullmatch(r"\d{1,3}(,\d{3})*", t) for t in ticks), ticks


def test_small_multiples_share_one_y_scale_or_say_so():
    v = an.request_volumes(load_demo(), scope="members")
    top = v.groupby("agency")["new_received"].sum().nlargest(4).index
    fig = charts.small_multiples(v[v["agency"].isin(top)], "new_received", lang="en")
    lims = {ax.get_ylim() for ax in fig.axes if ax.get_visible()}
    assert len(lims) == 1 and "share one y-scale" in _caption(fig)
    fig = charts.small_multiples(v[v["agency"].isin(top)], "new_received", lang="en", sharey=False)
    assert "different y-scales" in _caption(fig)


def test_long_names_wrap_evenly():
    assert all(len(line) > 1 for line in charts.wrap("示例市人力资源和社会保障局", 22).split("\n"))


@pytest.mark.parametrize("view", widgets.VIEWS)
def test_chinese_charts_are_in_chinese_only(view, tmp_path, raw):
    """The SVG text of a Chinese chart holds no codebook key and no English label."""
    fig = widgets.figure_for(raw, view, agency="平潭综合实验区", lang="zh")
    svg, *_ = charts.save(fig, f"zh-{view}", ("svg",), out_dir=tmp_path)  # then the chart data (CSV)
    text = " ".join(re.sub(r"<[^>]+>", " ", m) for m in re.findall(r"<text[^>]*>.*?</text>", svg.read_text(encoding="utf-8"), re.S))
    text = text.replace("www.pingtan.gov.cn", "")
    keys = set(cb.codebook("zh")["key"]) | set(labels.table()["key"])
    english = {e for e in labels.table()["en"] if re.search(r"[A-Za-z]{3}", e)} | \
        {e for e in cb.codebook("en")["label"] if re.search(r"[A-Za-z]{3}", e)}
    words = set(re.findall(r"[A-Za-z_]{3,}", text))
    assert not words & keys, words & keys
    assert not [e for e in english if e in text]
    assert not words, f"Latin words in a Chinese chart: {words}"


def test_export_table_is_the_chart_data_in_the_chosen_language(raw):
    for view in widgets.VIEWS:
        zh = widgets.table_for(raw, view, agency="平潭综合实验区", lang="zh")
        en = widgets.table_for(raw, view, agency="平潭综合实验区", lang="en")
        assert len(zh) == len(en) == len(widgets.frame_for(raw, view, agency="平潭综合实验区"))
        assert not any(re.search(r"[A-Za-z]", c) for c in zh.columns), (view, list(zh.columns))
    review = widgets.table_for(raw, "review", agency="平潭综合实验区", lang="zh")
    assert "行政复议" in set(review["案件类型"])
    assert widgets.agencies(raw)["agency"].tolist() == sorted(raw["agency"].astype(str).unique())


def test_a_year_that_handled_nothing_keeps_its_bar_and_summed_years_are_named(sparse):
    members = sparse[sparse["scope"].astype(str) != "region_aggregate"]
    fig = charts.outcome_bars(an.outcome_shares(members, by=("year",)), lang="zh")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["2019", "2023"]
    assert "共0件" in _texts(fig) and "共805件" in _texts(fig)
    by_level = an.outcome_shares(members, by=("level",))
    assert "年合计" in charts.caption_of(by_level, "zh") and "summed" in charts.caption_of(by_level, "en")
