"""Analysis functions against values computed by hand from the real fixtures (tests/fixtures/*.expected.csv).

Huaian 2024 (淮安市人民政府, T2021, PDF): every cell printed.
Shanghai GO 2019 (上海市人民政府办公厅, T2019, HTML): the 总计 of every result row and
most organisation cells are blank, so these numbers hold only with the blank-cell
rule (blank → 0 in a table that prints numbers; blank total → sum of its row).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from support import RAW

from toolkit.analyse import measures as an
from toolkit.corpus.loaders import load_demo
from toolkit.read.report import read_report
from toolkit.synthetic.panel import agencies_table


@pytest.fixture(scope="module")
def huaian() -> pd.DataFrame:
    return read_report(RAW / "huaian-city-2024.pdf").data


@pytest.fixture(scope="module")
def shanghai() -> pd.DataFrame:
    return read_report(RAW / "shanghai-gov-office-2019.html").data


@pytest.fixture(scope="module")
def ninghe() -> pd.DataFrame:
    return read_report(RAW / "ninghe-kejiju-2023.txt").data


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_demo()


# --------------------------------------------------------------------------- Huaian 2024


def test_huaian_volumes(huaian):
    v = an.request_volumes(huaian).iloc[0]
    assert (v.new_received, v.carried_in, v.total_processed, v.carried_forward) == (3119, 34, 3050, 103)
    assert v.received_total == 3119 + 34


def test_huaian_disclosure_rate(huaian):
    d = an.disclosure_rate(huaian).iloc[0]
    assert d.disclosed_or_partly == 1362 + 454
    assert d.total_processed == 3050
    assert d.disclosure_rate == pytest.approx((1362 + 454) / 3050)


@pytest.mark.parametrize(
    "outcome, count",
    [
        ("disclosed", 1362),
        ("partly_disclosed", 454),
        ("withheld", 2 + 31 + 5 + 6 + 8 + 12 + 9 + 105),  # 178
        ("unable", 769 + 11 + 1),  # 781
        ("not_processed", 62 + 25 + 0 + 0 + 1),  # 88
        ("other", 71 + 6 + 110),  # 187: the three 2021 sub-rows
    ],
    ids=lambda x: str(x),
)
def test_huaian_outcome_shares(huaian, outcome, count):
    s = an.outcome_shares(huaian).set_index("outcome")
    assert s.loc[outcome, "count"] == count
    assert s.loc[outcome, "total_processed"] == 3050
    assert s.loc[outcome, "share_of_total_processed"] == pytest.approx(count / 3050)


def test_huaian_outcomes_add_up_to_total_processed(huaian):
    s = an.outcome_shares(huaian)
    assert s["count"].sum() == 3050
    assert s["share_of_total_processed"].sum() == pytest.approx(1.0)


def test_huaian_refusal_breakdown(huaian):
    r = an.refusal_breakdown(huaian).set_index("reason")
    assert r.loc["withheld_admin_query", "count"] == 105
    assert r.loc["withheld_admin_query", "group_total"] == 178
    assert r.loc["withheld_admin_query", "share_of_group_total"] == pytest.approx(105 / 178)
    assert r.loc["unable_not_held", "share_of_total_processed"] == pytest.approx(769 / 3050)
    assert r.loc["other_other", "share_of_group_total"] == pytest.approx(110 / 187)
    assert "other_total" not in r.index  # a 2021 report prints the three sub-rows instead
    assert set(r["group"].astype(str)) == {"withheld", "unable", "not_processed", "other"}


def test_huaian_applicant_mix(huaian):
    a = an.applicant_mix(huaian).set_index("applicant")
    assert a.loc["natural_person", "count"] == 3001
    assert a.loc["natural_person", "total"] == 3119
    assert a.loc["natural_person", "share_of_total"] == pytest.approx(3001 / 3119)
    o = an.organisation_subtotal(huaian).iloc[0]
    assert o.org_subtotal == 53 + 0 + 0 + 61 + 4


def test_huaian_review_litigation(huaian):
    r = an.review_litigation(huaian).set_index("case_type")
    rec = r.loc["reconsideration"]
    assert (rec.upheld, rec.corrected, rec.other, rec.pending, rec.total) == (72, 64, 178, 37, 351)
    assert rec.concluded == 351 - 37
    assert rec.correction_rate == pytest.approx(64 / 314)
    lit = r.loc["litigation_total"]
    assert (lit.upheld, lit.corrected, lit.other, lit.pending, lit.total) == (13 + 12, 4 + 1, 8 + 1, 1 + 6, 26 + 20)
    assert lit.correction_rate == pytest.approx(5 / (46 - 7))


# --------------------------------------------------------------------------- Shanghai GO 2019 (blanks)


def test_shanghai_outcomes_need_the_blank_rule(shanghai):
    o = an.outcome_counts(shanghai).iloc[0]
    assert o.disclosed == 258 + 12 + 1 + 1  # 总计 printed blank: imputed as the sum of its row
    assert o.partly_disclosed == 3
    assert o.withheld == 14 + 5 + (3 + 1) + (10 + 2)
    assert o.unable == (252 + 12 + 1) + (44 + 3) + 25
    assert o.not_processed == (148 + 1) + (5 + 4)
    assert o.other == 0  # （六）其他处理 printed blank in a table that prints numbers
    assert o.total_processed == 805
    assert o[list(an.OUTCOMES)].sum() == 805


def test_shanghai_disclosure_rate(shanghai):
    d = an.disclosure_rate(shanghai).iloc[0]
    assert d.disclosure_rate == pytest.approx((272 + 3) / 805)


def test_shanghai_other_group_is_the_2019_single_row(shanghai):
    r = an.refusal_breakdown(shanghai)
    assert r.loc[r["group"] == "other", "reason"].tolist() == ["other_total"]
    assert r.set_index("reason").loc["unable_not_held", "share_of_group_total"] == pytest.approx(265 / 337)


def test_shanghai_applicants_blank_org_cells_are_zero(shanghai):
    a = an.applicant_mix(shanghai).set_index("applicant")["count"].to_dict()
    assert a == {"natural_person": 821, "org_business": 35, "org_research": 0, "org_public_welfare": 0,
                 "org_legal_service": 2, "org_other": 1}


def test_shanghai_review_correction_rate_names_concluded(shanghai):
    r = an.review_litigation(shanghai).set_index("case_type")
    assert r.loc["reconsideration", ["upheld", "pending", "total", "concluded"]].tolist() == [5, 2, 7, 5]
    assert r.loc["reconsideration", "correction_rate"] == 0
    assert r.loc["litigation_direct", "total"] == 9
    after = r.loc["litigation_after_reconsideration"]
    assert after.total == 0 and math.isnan(after.correction_rate)  # nothing concluded: no rate, not 0 %


# --------------------------------------------------------------------------- zeros, empty tables, rules


def test_all_zero_report_has_no_rate(ninghe):
    d = an.disclosure_rate(ninghe).iloc[0]
    assert d.total_processed == 0 and math.isnan(d.disclosure_rate)


def test_table_printed_blank_stays_missing(ninghe):
    blank = ninghe.copy()
    req = blank["table"] == "requests"
    blank.loc[req, "value"] = np.nan
    blank.loc[req, "status"] = "blank"
    v = an.request_volumes(blank).iloc[0]
    assert v[list(an.VOLUME_ROWS)].isna().all()  # "no data", never zeros
    assert math.isnan(an.disclosure_rate(blank).iloc[0].disclosure_rate)


def test_rate_never_divides_by_zero():
    assert an.rate(pd.Series([1.0, 0.0]), pd.Series([0.0, 0.0])).isna().all()


def test_three_real_reports_per_report_rows():
    raw = pd.concat([read_report(RAW / f).data for f in ("huaian-city-2024.pdf", "shanghai-gov-office-2019.html",
                                                         "ninghe-kejiju-2023.txt")])
    d = an.disclosure_rate(raw).set_index("agency")["disclosure_rate"]
    assert d["淮安市人民政府"] == pytest.approx(1816 / 3050)
    assert d["上海市人民政府办公厅"] == pytest.approx(275 / 805)
    # Summed by year: the region_aggregate report (淮安市人民政府) is left out by default, and its year
    # says so (no member report, one aggregate left out) instead of vanishing.
    by_year = an.request_volumes(raw, by=("year",)).set_index("year")
    assert by_year.loc[2024, "n_reports"] == 0 and by_year.loc[2024, "n_excluded"] == 1
    assert pd.isna(by_year.loc[2024, "new_received"])
    assert by_year.loc[2019, "new_received"] == 859


# --------------------------------------------------------------------------- the demo panel: scope, change, ranks


def test_summing_aggregates_with_members_is_refused(panel):
    with pytest.raises(ValueError, match="region_aggregate"):
        an.request_volumes(panel, by=("year",), scope="all")


def test_members_sum_equals_the_province_aggregate(panel):
    members = an.request_volumes(panel, by=("year",)).set_index("year")
    aggregates = an.request_volumes(panel, scope="aggregates").set_index(["agency", "year"])
    province = aggregates.loc["示例省人民政府"]
    pd.testing.assert_frame_equal(members[list(an.VOLUME_ROWS)], province[list(an.VOLUME_ROWS)], check_names=False)


def test_year_over_year_names_previous_year_as_denominator(panel):
    v = an.request_volumes(panel)
    one = v[v["agency"] == "示例市公安局"].sort_values("year")
    yoy = an.year_over_year(one, "new_received").set_index("year")
    a, b = one.set_index("year").loc[2023, "new_received"], one.set_index("year").loc[2024, "new_received"]
    assert yoy.loc[2024, "previous"] == a
    assert yoy.loc[2024, "pct_change"] == pytest.approx((b - a) / a)
    assert math.isnan(yoy.loc[2019, "pct_change"])


def test_rankings_leave_out_aggregates(panel):
    v = an.request_volumes(panel)
    ranked = an.rank_agencies(v, "new_received", year=2024)
    kinds = agencies_table().set_index("agency_name")["kind"]
    assert not ranked["agency"].map(kinds).eq("aggregate").any()
    assert ranked["rank"].iloc[0] == 1
    assert ranked["new_received"].is_monotonic_decreasing


def test_filter_panel(panel):
    sub = an.filter_panel(panel, level="township", year=[2023, 2024])
    assert set(sub["level"]) == {"township"} and set(sub["year"]) == {2023, 2024}
