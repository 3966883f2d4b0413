"""A gap is never a number, and every chart tells the facts its rows carry.

Real files only: the 洪泽区 2023 PDF (whole, and without the three rows an earlier reader lost), data/raw, and copies of
real reports with one printed row cut out. One test per rule: a missing cell makes the figures
that need it missing (never 0) while a printed blank stays 0; sums skip incomplete reports and
count them; charts hatch and name an incomplete report; the chart's data file shows the gap and
traces every number to its file and cell; captions name one publisher only when all reports
share it and fail closed without facts; scope is a choice that an empty chart names; figure names
and labels follow the language; no ``DataFrame.attrs`` side channel.
"""

from __future__ import annotations

import ast
import re
import shutil
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from support import FIXTURES, RAW, ROOT

from toolkit.analyse import captions, charts, widgets
from toolkit.analyse import measures as an
from toolkit.analyse.notebooks import scope_summary
from toolkit.corpus.loaders import load_demo, load_reports
from toolkit.read.report import read_report
from toolkit.spreadsheet import read_csv

HONGZE = FIXTURES / "hongze-district-2023.pdf"
HONGZE_LOST = {"requests/partly_disclosed/total", "requests/withheld_law_prohibited/total", "requests/unable_needs_creation/total"}


def _cut_html(src: Path, dst: Path, label: str) -> None:
    """A copy of a real HTML report without the table row printing ``label``."""
    parts = src.read_text(encoding="utf-8").split("<tr")
    kept = [p for p in parts if label not in p]
    assert len(kept) == len(parts) - 1
    dst.write_text("<tr".join(kept), encoding="utf-8")


def _cut_text(src: Path, dst: Path, label: str) -> None:
    """A copy of a real Tika-text report without the row (blank-line block) printing ``label``."""
    blocks = re.split(r"(\n\s*\n)", src.read_text(encoding="utf-8"))
    kept = [b for b in blocks if label not in b]
    assert len(kept) == len(blocks) - 1
    dst.write_text("".join(kept), encoding="utf-8")


@pytest.fixture(scope="module")
def cut_folder(tmp_path_factory) -> Path:
    """data/raw (with its SOURCES.csv) where the 2023 平潭 report lost its row （二）部分公开."""
    folder = tmp_path_factory.mktemp("cut")
    for f in RAW.iterdir():
        shutil.copy(f, folder / f.name)
    _cut_html(RAW / "pingtan-zone-2023.html", folder / "pingtan-zone-2023.html", "（二）部分公开")
    return folder


@pytest.fixture(scope="module")
def cut(cut_folder) -> pd.DataFrame:
    return load_reports(cut_folder)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _caption(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == charts.CAPTION_GID)


# --------------------------------------------------------------------------- unknown stays unknown


def test_rows_the_reader_lost_make_the_rate_missing_not_zero():
    data = read_report(HONGZE).data
    whole = an.disclosure_rate(data, by=("agency", "year"), scope="all").iloc[0]
    assert whole["complete"] and whole["disclosure_rate"] == pytest.approx(4 / 21), "read whole, the PDF's own 4/21"
    # The three rows an earlier reader lost on this PDF: a frame without them is what such a reader gives.
    key = data["table"].astype(str) + "/" + data["row"].astype(str) + "/" + data["column"].astype(str)
    lost = data[~key.isin(HONGZE_LOST)]
    rate = an.disclosure_rate(lost, by=("agency", "year"), scope="all").iloc[0]
    assert pd.isna(rate["disclosure_rate"]), "the PDF says 4/21; 0.0 would be a confident wrong number"
    assert rate["total_processed"] == 21 and pd.isna(rate["partly_disclosed"])
    assert not rate["complete"] and rate["n_missing_cells"] == 3
    assert set(rate["missing_cells"].split("; ")) == HONGZE_LOST
    groups = an.outcome_counts(lost).iloc[0]
    assert pd.isna(groups["withheld"]) and pd.isna(groups["unable"]), "a group with an unread row is unknown, not a partial sum"
    assert groups["not_processed"] == 1 and groups["disclosed"] == 0, "what was read stays"


def test_a_removed_row_is_missing_for_that_report_and_the_others_stay_complete(cut):
    rates = an.disclosure_rate(cut, by=("agency", "year"), scope="all").set_index(["agency", "year"])
    gap = rates.loc[("平潭综合实验区", 2023)]
    assert pd.isna(gap["disclosure_rate"]) and not gap["complete"]
    assert gap["missing_cells"] == "requests/partly_disclosed/total"
    others = rates.drop(index=("平潭综合实验区", 2023))
    assert others["complete"].all() and (others["n_missing_cells"] == 0).all()
    handled = others[others["total_processed"] > 0]
    assert handled["disclosure_rate"].notna().all()
    assert rates.loc[("平潭综合实验区", 2024), "disclosure_rate"] == pytest.approx(
        an.disclosure_rate(read_report(RAW / "pingtan-zone-2024.html").data).iloc[0]["disclosure_rate"])


def test_a_printed_blank_is_not_a_missing_cell():
    # 135 of 198 Shanghai cells print nothing: the blank-cell rule counts them, so the report is complete.
    rate = an.disclosure_rate(read_report(RAW / "shanghai-gov-office-2019.html").data).iloc[0]
    assert rate["complete"] and rate["disclosure_rate"] == pytest.approx(275 / 805)


def test_a_row_marked_missing_in_the_frame_is_missing():
    data = read_report(RAW / "huaian-city-2024.pdf").data.copy()
    lost = (data["table"].astype(str) == "requests") & (data["row"].astype(str) == "partly_disclosed")
    data.loc[lost, "value"] = pd.NA
    data.loc[lost, "status"] = "missing"
    rate = an.disclosure_rate(data).iloc[0]
    assert pd.isna(rate["disclosure_rate"]) and not rate["complete"]
    assert rate["missing_cells"] == "requests/partly_disclosed/total"


def test_sums_skip_incomplete_reports_and_say_how_many(tmp_path):
    shutil.copy(RAW / "ninghe-kejiju-2023.txt", tmp_path / "ninghe-kejiju-2023.txt")
    shutil.copy(RAW / "shanghai-gov-office-2019.html", tmp_path / "shanghai-gov-office-2019.html")
    _cut_text(RAW / "ninghe-kejiju-2023.txt", tmp_path / "ninghe-copy-2023.txt", "（二）部分公开")
    panel = load_reports(tmp_path)
    by_year = an.disclosure_rate(panel, by=("year",)).set_index("year")
    assert by_year.loc[2023, "n_reports"] == 1 and by_year.loc[2023, "n_skipped"] == 1
    assert not by_year.loc[2023, "complete"] and "宁河区科学技术局 2023: requests/partly_disclosed/total" in by_year.loc[2023, "missing_cells"]
    assert by_year.loc[2019, "complete"] and by_year.loc[2019, "n_skipped"] == 0
    volumes = an.request_volumes(panel, by=("year",)).set_index("year")
    assert volumes.loc[2023, "n_skipped"] == 0, "volumes need no 部分公开 cell: nothing skipped"
    strict = an.disclosure_rate(panel, by=("year",), incomplete="propagate").set_index("year")
    assert pd.isna(strict.loc[2023, "disclosed_or_partly"]) and strict.loc[2023, "n_reports"] == 2
    cap = charts.caption_of(an.disclosure_rate(panel, by=("year",)), "en")
    assert "lacks Partly disclosed, left out of the sums" in cap


# --------------------------------------------------------------------------- charts mark and name the gap


def test_chart_hatches_names_and_exports_the_incomplete_report(cut, tmp_path):
    shares = an.outcome_shares(cut[cut["agency"] == "平潭综合实验区"])
    fig = charts.outcome_bars(shares, lang="zh")
    cap = _caption(fig)
    assert "不完整" in cap and "平潭综合实验区 2023" in cap and "部分公开" in cap
    assert "不完整" in " ".join(_texts(fig))
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert hatched, "the incomplete bar is drawn hatched, never as a complete bar"
    years = sorted(shares["year"].unique().tolist())  # one bar a year, from the bottom
    assert all(abs(p.get_y() + p.get_height() / 2 - years.index(2023)) < 0.5 for p in hatched), "only the 2023 bar is hatched"
    en = charts.outcome_bars(shares, lang="en")
    assert "平潭综合实验区 2023 lacks Partly disclosed" in _caption(en)
    paths = charts.save(fig, "cut", ("png",), out_dir=tmp_path)
    assert [p.name for p in paths] == ["cut-zh.png", "cut-zh.csv"]
    data = read_csv(paths[1])
    gap = data[(data["cell_status"] == "missing")]
    assert set(gap["row"]) == {"partly_disclosed"} and set(gap["year"].astype(int)) == {2023}
    assert gap["cell_value"].isna().all() and (gap["counted"].astype(str) == "True").all()
    row = data[(data["year"].astype(int) == 2024) & (data["row"] == "disclosed")].iloc[0]
    assert row["source_file"] == "pingtan-zone-2024.html" and len(row["source_sha256"]) == 64  # a name, no local folder
    assert row["source_url"].startswith("https://www.pingtan.gov.cn/") and row["location"]
    assert "agency_id" in data.columns


def test_chart_data_counts_are_integers_and_shares_have_four_places(tmp_path):
    fig = charts.outcome_bars(an.outcome_shares(load_demo(), by=("level",)), lang="en")
    (png, csv) = charts.save(fig, "levels", ("png",), out_dir=tmp_path)
    text = csv.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert not re.search(r",\d+\.0,", text), "a count printed as 272.0"
    shares = read_csv(csv)["share_of_total_processed"].dropna().astype(str)
    assert shares.map(lambda s: len(s.split(".")[-1]) <= 4).all()
    for col in ("agency_id", "agency", "year", "source_file", "source_sha256", "source_url", "table", "row", "column", "location"):
        assert col in header, col


def test_refusal_bars_say_not_read_where_a_reason_was_lost():
    data = read_report(HONGZE).data
    key = data["table"].astype(str) + "/" + data["row"].astype(str) + "/" + data["column"].astype(str)
    fig = charts.refusal_bars(an.refusal_breakdown(data[~key.isin(HONGZE_LOST)]), lang="zh")
    assert "未读出" in _texts(fig) or any("未读出" in t for t in _texts(fig))
    assert "洪泽区人民政府 2023" in _caption(fig)


# --------------------------------------------------------------------------- captions


def test_one_publisher_is_named_only_when_every_report_shares_it():
    raw = load_reports(RAW)
    pingtan = charts.caption_of(an.request_volumes(raw[raw["agency"] == "平潭综合实验区"]), "en")
    assert "published on www.pingtan.gov.cn" in pingtan
    everyone = an.request_volumes(raw)
    n = raw["agency_id"].nunique()
    for lang, many in (("en", f"{n} agencies (real data); sources in the data file"), ("zh", f"{n}个机关的政府信息公开工作年度报告（真实数据），各报告来源见数据文件")):
        cap = charts.caption_of(everyone, lang)
        assert many in cap and "pingtan" not in cap, cap


def test_a_caption_without_facts_fails_closed():
    raw = load_reports(RAW)
    stripped = an.request_volumes(raw.drop(columns="synthetic"))
    for lang, unknown, real in (("en", "Source unknown", "real data"), ("zh", "来源不详", "真实数据")):
        cap = charts.caption_of(stripped, lang)
        assert cap.startswith(unknown) and real not in cap
    bare = pd.DataFrame({"agency": ["A"], "year": [2024], "new_received": [5.0]})
    assert charts.caption_of(bare, "en").startswith("Source unknown")
    # a merge keeps the facts as columns (pandas 2.2 drops attrs on merge)
    yoy = an.year_over_year(an.request_volumes(load_demo()), "new_received")
    assert charts.caption_of(yoy, "en").startswith("SYNTHETIC")
    assert charts.caption_of(an.year_over_year(an.request_volumes(raw), "new_received"), "en").startswith("Source:")


def test_a_chart_of_synthetic_rows_stripped_of_their_facts_is_never_captioned_real(tmp_path):
    """The demo's volumes with every fact column dropped (what a hand-made pivot or an old merge leaves):
    the chart, and the SVG written from it, say "source unknown", never "real data" nor "Source: Source unknown"."""
    volumes = an.request_volumes(load_demo(), by=("year",), scope="members")
    bare = volumes[["year", *an.VOLUME_ROWS]]
    for lang, unknown, real in (("en", "Source unknown:", "real data"), ("zh", "来源不详：", "真实数据")):
        fig = charts.trend_lines(bare, list(an.VOLUME_ROWS), lang=lang)
        cap = _caption(fig)
        assert cap.startswith(unknown) and real not in cap, cap
        assert not re.search(r"\b0 reports|0份报告", cap), "a frame that names no report is not said to hold 0 reports"
        svg = charts.save(fig, "bare", ("svg",), out_dir=tmp_path, data=False)[0].read_text(encoding="utf-8")
        assert unknown in svg and real not in svg and charts.label("caption.prefix", lang) + unknown not in svg
    assert _caption(charts.trend_lines(volumes, list(an.VOLUME_ROWS), lang="en")).startswith("SYNTHETIC")  # with its facts


def test_no_dataframe_attrs_in_toolkit():
    """Facts travel as columns or typed fields: no ``.attrs`` read or written anywhere in ``toolkit/``."""
    found = []
    for path in (ROOT / "toolkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "attrs":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


# --------------------------------------------------------------------------- scope is a choice


def test_an_empty_scope_says_why_and_offers_the_other(cut):
    latest = cut[cut["year"] == 2024]  # 淮安 and 平潭 2024: both regional aggregates
    with pytest.warns(charts.NoDataWarning, match="aggregates"):
        fig = charts.outcome_bars(an.outcome_shares(latest, by=("year",), scope="members"), lang="zh")
    assert any('SCOPE = "aggregates"' in t.replace("\n", "") for t in _texts(fig))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = widgets.figure_for(latest, "outcomes", scope="aggregates", lang="en")
    assert "Regional aggregates only" in fig._suptitle.get_text()
    assert "2 reports" in _caption(fig) and "regional aggregate reports only" in _caption(fig)
    assert 'SCOPE = "members"' in scope_summary(latest, "aggregates", "en") + scope_summary(latest, "members", "en")
    assert "no report falls in this scope" in scope_summary(latest, "members", "en")


def test_explorer_levels_and_scope_in_the_chosen_language():
    box = widgets.explorer(load_reports(RAW), view="outcomes", lang="zh")
    level = [text for text, _ in box.controls["level"].options]
    assert level[0] == "（全部）" and "市级" in level and not any(re.search(r"[A-Za-z]", t) for t in level)
    assert [t for t, _ in box.controls["scope"].options] == ["所属机关合计", "仅本级汇总报告"]
    box.controls["lang"].value = "en"
    assert "City" in [text for text, _ in box.controls["level"].options]


# --------------------------------------------------------------------------- language


def test_figures_are_named_with_their_language(tmp_path):
    panel = load_demo()
    for lang in ("zh", "en"):
        charts.save(charts.trend_lines(an.request_volumes(panel, by=("year",)), "new_received", lang=lang), "trend",
                    ("png",), out_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trend-en.csv", "trend-en.png", "trend-zh.csv", "trend-zh.png"]


def test_english_labels_are_english_and_plurals_agree():
    one = an.request_volumes(read_report(RAW / "huaian-city-2024.pdf").data.assign(synthetic=False))
    assert "1 report of 1 agency;" in charts.caption_of(one, "en")
    assert captions.plural("count.reports", "en", 2) == "2 reports"
    heat = charts.heatmap(an.request_volumes(load_demo()), "new_received", lang="en")
    assert heat._suptitle.get_text() == "New requests, by agency and year"
    mix = charts.applicant_bars(an.applicant_mix(load_demo(), by=("year",)).query("year == 2024"), lang="en")
    assert "percentages" not in mix.axes[0].get_xlabel() and "Share of the total" not in mix.axes[0].get_xlabel()
