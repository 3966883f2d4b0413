"""The bundled SYNTHETIC demo panel: labelled, small, and exactly what the toolkit reads from its files."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.corpus import loaders
from toolkit.synthetic import panel as demo
from toolkit.validation.blanks import apply_blank_rule


@pytest.fixture(scope="module")
def panel():
    return demo.load_demo(with_agencies=True)


def test_labelled_synthetic_and_small():
    d = demo.demo_dir()
    assert "synthetic" in d.as_posix()
    card = (d / "DATA_CARD.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in card and str(demo.SEED) in card and "fictional" in card
    size = sum(p.stat().st_size for p in d.rglob("*") if p.is_file())
    assert size < 15_000_000


def test_panel_shape(panel):
    files = panel.drop_duplicates("source_file")
    assert panel["agency"].nunique() >= 40
    assert sorted(panel["year"].unique()) == list(demo.YEARS)
    assert set(files["format"]) == {"text", "html", "docx", "pdf"}
    assert set(panel["level"]) == {"province", "city", "county", "township"}
    assert set(panel["scope"]) == {"agency", "government_office", "region_aggregate"}
    assert set(files.loc[files["year"] <= 2020, "template"]) == {"2019"}
    assert set(files.loc[files["year"] >= 2021, "template"]) == {"2021"}
    assert panel["synthetic"].all()  # a column every row carries into every measure and caption
    # Realistic skew: many all-zero townships, a few busy offices.
    req = panel[(panel["table"] == "requests") & (panel["row"] == "new_received") & (panel["column"] == "total")]
    assert (req.loc[req["level"] == "township", "value"].fillna(0) == 0).mean() > 0.5
    assert req["value"].max() > 1000


def test_levels_from_report_metadata_match_the_agency_table(panel):
    assert (panel["kind"].notna()).all()
    ag = demo.agencies_table().set_index("agency_name")
    got = panel.drop_duplicates("agency").set_index("agency")["level"]
    assert got.to_dict() == ag["level"].to_dict()
    # the panel's level comes from the registry now; the reader's own reading of each name agrees with it
    from toolkit.read.meta import level_of, scope_of

    assert {a: level_of(a) for a in ag.index} == ag["level"].to_dict()
    assert {a: scope_of(a, level_of(a)) for a in ag.index} == ag["scope"].to_dict()


def test_aggregates_are_the_sum_of_their_members(panel):
    cells = apply_blank_rule(panel)
    cells = cells.assign(table=cells["table"].astype(str), row=cells["row"].astype(str), column=cells["column"].astype(str))
    ag = demo.agencies_table()
    members = cells[cells["kind"] != "aggregate"]
    for a in ag[ag["kind"] == "aggregate"].itertuples():
        covered = demo.covered_regions(a.region)
        summed = members[members["region"].isin(covered)].groupby(["year", "table", "row", "column"])["value"].sum()
        own = cells[cells["agency"] == a.agency_name].set_index(["year", "table", "row", "column"])["value"]
        pd.testing.assert_series_equal(own.sort_index(), summed.reindex(own.index).sort_index(), check_names=False,
                                       rtol=1e-9, obj=a.agency_name)


def test_committed_files_read_back_to_the_committed_panel_and_truth():
    """Re-read every report file: exactly panel.parquet, and the values of ground_truth.parquet."""
    assert demo.check() == []


def test_load_reports_reads_a_folder_of_real_reports():
    panel, files = loaders.load_reports(loaders.raw_dir(), with_files=True)
    assert panel["agency_id"].nunique() == 5 and len(files) >= 11  # the registry's five agencies, eleven reports
    assert not panel["synthetic"].any()


def test_load_reports_names_a_wrong_folder():
    with pytest.raises(FileNotFoundError, match="no such"):
        loaders.load_reports("/nonexistent/reports")
