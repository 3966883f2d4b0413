"""The notebook kit (toolkit.analyse.notebooks): the set-up cell in one call, what REPORTS names,
and the titles, tables and charts several notebooks share; on the bundled real reports and the demo panel."""

from __future__ import annotations

import math

import pytest
from support import RAW

import toolkit.analyse
from toolkit.analyse import by_year, cases_by_year, fonts, languages, report_file, reports_folder, setup, title
from toolkit.analyse import measures as an
from toolkit.corpus import discover
from toolkit.corpus.loaders import demo_dir, load_reports
from toolkit.labels import label

PINGTAN = "平潭综合实验区"


@pytest.fixture(scope="module")
def raw():
    return load_reports(RAW)


def test_setup_on_the_demo_prints_versions_the_synthetic_source_and_the_scope(capsys):
    panel, lang = setup(None, "en", "aggregates")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("toolkit ") and "pandas" in out[0]
    assert "SYNTHETIC" in out[1].upper()
    assert out[2].startswith("Scope ") and 'SCOPE = "members"' in out[2]
    assert lang == "en" and bool(panel["synthetic"].all())


def test_setup_on_the_bundled_real_reports_with_their_files(capsys):
    panel, files, lang = setup(None, "zh", scope=None, bundled="raw", with_files=True)
    out = capsys.readouterr().out
    names = [p.name for p in discover(RAW)]
    assert sorted(panel["source_file"].map(lambda f: f.rsplit("/", 1)[-1]).unique()) == names
    assert len(files) == len(names) and not panel["synthetic"].any()
    assert "SYNTHETIC" not in out.upper() and "合计口径" not in out  # no scope: nothing is summed across agencies
    assert label("notebook.files", lang, n_files=len(names), n_reports=len(names)) in out
    assert lang == fonts.resolve_lang("zh")


def test_setup_on_a_folder_reads_that_folder_whatever_bundled_says(tmp_path, capsys):
    (tmp_path / "one.txt").write_bytes((RAW / "ninghe-kejiju-2023.txt").read_bytes())
    panel, _ = setup(tmp_path, "en", bundled="raw")
    out = capsys.readouterr().out
    assert [f.rsplit("/", 1)[-1] for f in panel["source_file"].unique()] == ["one.txt"] and not panel["synthetic"].any()
    assert "Scope 'Member agencies summed'" in out and "SYNTHETIC" not in out.upper()


@pytest.mark.parametrize("kwargs, message", [({"scope": "all"}, "SCOPE must be"), ({"bundled": "real"}, "bundled must be")])
def test_setup_names_a_bad_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        setup(None, "en", **kwargs)


def test_report_file_is_the_file_the_first_report_of_a_folder_or_the_bundled_one(tmp_path):
    assert report_file() == RAW / "huaian-city-2024.pdf"
    assert report_file(None, "ninghe-kejiju-2023.txt") == RAW / "ninghe-kejiju-2023.txt"
    assert report_file(RAW / "pingtan-zone-2020.html") == RAW / "pingtan-zone-2020.html"
    assert report_file(RAW) == discover(RAW)[0]
    with pytest.raises(FileNotFoundError, match="no report files"):
        report_file(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"nowhere\.pdf: no such file"):
        report_file(tmp_path / "nowhere.pdf")


def test_reports_folder_is_where_the_panels_files_are_found():
    assert reports_folder(None, "raw") == RAW
    assert reports_folder(RAW / "huaian-city-2024.pdf") == RAW == reports_folder(RAW)
    demo = load_reports(None)  # the demo panel names its files relative to its folder
    assert reports_folder(None) == demo_dir()
    assert all((reports_folder(None) / f).is_file() for f in demo["source_file"].unique()[:20])


def test_title_comes_from_the_labels_table():
    for lang in ("zh", "en"):
        assert title("cases", lang) == label("title.cases", lang)
        assert title("volumes", lang, where=PINGTAN) == label("title.where", lang, title=label("title.volumes", lang), where=PINGTAN)
    assert title("volumes", "zh", where=PINGTAN).endswith("：" + PINGTAN)


def test_by_year_keeps_the_codebook_order_and_leaves_unprinted_rows_empty(raw):
    refusals = an.refusal_breakdown(raw[raw["agency"] == PINGTAN])
    table = by_year(refusals, "reason")
    assert table.index.tolist() == list(dict.fromkeys(refusals["reason"].astype(str)))  # the measure's order
    assert table.columns.tolist() == sorted(int(y) for y in refusals["year"].unique())
    for rec in refusals.sample(12, random_state=1).to_dict("records"):
        got = table.loc[rec["reason"], int(rec["year"])]
        assert (math.isnan(got) and math.isnan(rec["count"])) or got == rec["count"]
    # the 2019 template prints one （六）其他处理 row; the 2021 template splits it: neither is a 0 where it is not printed
    assert math.isnan(table.loc["other_no_correction", 2019]) and math.isnan(table.loc["other_total", 2021])
    assert not math.isnan(table.loc["other_total", 2019])
    named = by_year(refusals, "reason", lang="zh")
    assert named.index[0] != table.index[0] and named.shape == table.shape


def test_by_year_refuses_rows_it_would_have_to_pick_from(raw):
    with pytest.raises(ValueError, match="one row per reason and year"):
        by_year(an.refusal_breakdown(raw), "reason")  # several agencies per year


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cases_by_year_draws_each_case_type_with_its_title(raw, lang):
    review = an.review_litigation(raw[raw["agency"] == PINGTAN])
    fig = cases_by_year(review, lang, where=PINGTAN)
    assert fig._suptitle.get_text() == title("cases", lang, where=PINGTAN)
    drawn = fig.toolkit_data.set_index("year")
    lines = review[review["case_type"].isin(["reconsideration", "litigation_total"])]
    assert len(lines) == 2 * review["year"].nunique()
    for rec in lines.to_dict("records"):
        value = drawn.loc[rec["year"], rec["case_type"]]
        assert value == rec["total"] or (math.isnan(value) and math.isnan(rec["total"]))


def test_languages_are_those_a_chart_can_be_drawn_in():
    expected = ["en", "zh"] if fonts.cjk_font() else ["en"]
    assert languages(("en", "zh", "en")) == expected


def test_toolkit_analyse_exports_the_kit_and_keeps_its_submodules():
    for name in toolkit.analyse.__all__:
        assert callable(getattr(toolkit.analyse, name)), name
    from toolkit.analyse import charts, widgets

    assert charts.__name__ == "toolkit.analyse.charts" and widgets.__name__ == "toolkit.analyse.widgets"
    with pytest.raises(AttributeError, match="nothing"):
        toolkit.analyse.nothing  # noqa: B018
