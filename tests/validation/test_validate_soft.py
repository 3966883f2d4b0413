"""Soft checks W1–W5 and the narrative number extraction behind W3."""

from __future__ import annotations

import pandas as pd
import pytest
from support import RAW

from toolkit.read.report import read_report
from toolkit.synthetic.values import consistent_values
from toolkit.validation.api import run_checks, validate
from toolkit.validation.frames import tidy_frame
from toolkit.validation.narrative import extract_numbers
from toolkit.validation.soft import can_make_rules

R = "requests"


def year_report(seed: int, year: int, agency: str = "示例市示例局", templates="2021", **meta) -> pd.DataFrame:
    return tidy_frame(consistent_values(seed, templates, activity=6), agency=agency, year=year,
                      template=str(templates), **meta)


def set_cells(df, table, row, values: dict) -> pd.DataFrame:
    df = df.copy()
    for column, v in values.items():
        i = (df.table == table) & (df.row == row) & (df.column == column)
        df.loc[i, ["value", "raw", "status"]] = [float(v), f"{v:g}", "number"]
    return df


def rule(issues, name):
    return issues[issues.rule == name]


# ------------------------------------------------------------------ W1
def cells_of(df, table, row) -> pd.Series:
    sub = df[(df.table == table) & (df.row == row)]
    return pd.Series(sub["value"].to_numpy(float), index=sub["column"].astype(str).to_numpy())


def chain(y1: pd.DataFrame, y2: pd.DataFrame) -> pd.DataFrame:
    """Make y2's 上年结转 equal y1's 结转下年度, moving the difference to y2's 新收 (H1/H2 keep holding)."""
    fwd = cells_of(y1, R, "carried_forward")
    inflow = cells_of(y2, R, "carried_in") + cells_of(y2, R, "new_received")
    carried = fwd.where(fwd <= inflow, inflow)
    y2 = set_cells(y2, R, "carried_in", carried.to_dict())
    return set_cells(y2, R, "new_received", (inflow - carried).to_dict())


def test_w1_two_year_series():
    y1 = year_report(1, 2022)
    y2 = chain(y1, year_report(2, 2023)).assign(report_id="y2")
    res = run_checks(pd.concat([y1, y2], ignore_index=True))
    assert not (res.issues.severity == "error").any()
    w1 = res.checks[res.checks.rule == "W1"]
    assert len(w1) == 7 + 2  # table 三's seven columns, and the in-force chain of 规章 and 规范性文件
    passed = set(w1.loc[w1.outcome == "passed", "instance"])
    # the series breaks: 2023 carries in one natural-person request more than 2022 carried forward
    ci, new = cells_of(y2, R, "carried_in"), cells_of(y2, R, "new_received")
    assert new["natural_person"] > 0 and "natural_person" in passed
    broken = set_cells(y2, R, "carried_in", {"natural_person": ci["natural_person"] + 1, "total": ci["total"] + 1})
    broken = set_cells(broken, R, "new_received", {"natural_person": new["natural_person"] - 1, "total": new["total"] - 1})
    issues = validate(pd.concat([y1, broken], ignore_index=True))
    w1 = rule(issues, "W1")
    w1 = w1[w1.table == R]  # the two synthetic years' table 二 are not chained (the in-force chain is tested below)
    assert set(zip(w1.row.astype(str), w1.column.astype(str))) == {("carried_in", "natural_person"), ("carried_in", "total")}
    assert set(w1.report_id) == {"y2"} and (w1.severity == "warning").all()
    assert not (issues.severity == "error").any()


def test_w1_needs_consecutive_years_of_one_agency():
    a, b = year_report(1, 2021), year_report(2, 2023).assign(report_id="b")
    c = year_report(3, 2022, agency="别的局").assign(report_id="c")
    res = run_checks(pd.concat([a, b, c], ignore_index=True))
    assert (res.checks.rule == "W1").sum() == 0


def test_w1_2019_item_count_chain():
    y1 = year_report(1, 2019, templates="2019")
    y2 = year_report(2, 2020, templates="2019").assign(report_id="y2")
    prev = y1.set_index(["row", "column"])["value"]
    ok = {r: prev[(r, "prev_year_items")] + prev[(r, "change")] for r in ("licensing", "penalty")}
    y2 = set_cells(y2, "proactive", "licensing", {"prev_year_items": ok["licensing"]})
    y2 = set_cells(y2, "proactive", "penalty", {"prev_year_items": ok["penalty"] + 5})
    w1 = rule(validate(pd.concat([y1, y2], ignore_index=True)), "W1")
    w1 = w1[w1.table == "proactive"]
    assert "licensing" not in set(w1.row.astype(str))
    assert ("penalty", ok["penalty"], ok["penalty"] + 5) in set(zip(w1.row.astype(str), w1.expected, w1.observed))


def test_w1_in_force_chain_of_the_real_pingtan_series():
    """平潭 2022 → 2023: 698 in force + 77 issued − 132 repealed = 643, but 470 printed (and so on to 2025).

    A warning, never an error: documents also lapse when their validity period ends. 2019 and 2020 (T2019,
    no 现行有效 column) give no pair; 2021 → 2022 holds (665 + 88 − 55 = 698).
    """
    reports = [read_report(RAW / f"pingtan-zone-{y}.html") for y in range(2019, 2026)]
    issues = validate(reports)
    w1 = rule(issues, "W1")
    got = set(zip(w1.year, w1.row.astype(str), w1.column.astype(str), w1.expected, w1.observed))
    assert got == {(2023, "normative_docs", "in_force", 643.0, 470.0), (2024, "normative_docs", "in_force", 499.0, 440.0),
                   (2025, "normative_docs", "in_force", 453.0, 546.0)}
    assert (w1.severity == "warning").all()
    assert "698 + 本年制发 77 − 本年废止 132 = 643" in w1[w1.year == 2023].message_zh.item()
    assert "validity period" in w1[w1.year == 2023].message_en.item()
    # 规章 (0 + 0 − 0 = 0) holds every year
    checks = run_checks(reports).checks
    rules = checks[(checks.rule == "W1") & (checks.instance == "rules:in_force")]
    assert len(rules) == 4 and (rules.outcome == "passed").all()
    docs = checks[(checks.rule == "W1") & (checks.instance == "normative_docs:in_force")]
    assert len(docs) == 4 and (docs.outcome == "passed").sum() == 1


def test_w1_in_force_chain_holds_when_the_stock_adds_up():
    y1 = year_report(1, 2022)
    y2 = year_report(2, 2023).assign(report_id="y2")
    prev = cells_of(y1, "proactive", "normative_docs")
    cur = cells_of(y2, "proactive", "normative_docs")
    ok = prev["in_force"] + cur["issued"] - cur["repealed"]
    chained = set_cells(y2, "proactive", "normative_docs", {"in_force": ok})
    w1 = rule(validate(pd.concat([y1, chained], ignore_index=True)), "W1")
    assert "normative_docs" not in set(w1.row.astype(str))
    broken = set_cells(y2, "proactive", "normative_docs", {"in_force": ok + 3})
    w1 = rule(validate(pd.concat([y1, broken], ignore_index=True)), "W1")
    assert [(r, e, o) for r, e, o in zip(w1.row.astype(str), w1.expected, w1.observed) if r == "normative_docs"] == \
        [("normative_docs", ok, ok + 3)]


# ------------------------------------------------------------------ W2
@pytest.mark.parametrize("agency, level, allowed", [
    ("淮安市人民政府", None, True),
    ("上海市人民政府办公厅", None, True),
    ("江苏省人民政府", None, True),
    ("海关总署", None, True),
    ("天津市宁河区科学技术局", None, False),
    ("某县某镇人民政府", None, False),
    ("宁河区人民政府", None, False),
    ("宁河区科学技术局", "county", False),
    ("某局", "county_department", False),
    ("某厅", "province_office", True),
])
def test_can_make_rules(agency, level, allowed):
    assert can_make_rules(agency, level) is allowed


def test_w2_rules_from_a_township():
    """docs/format.md §7 #27: a township 2023 report prints 规章 现行有效 6 (values here synthetic)."""
    df = set_cells(year_report(1, 2023, agency="某县某镇人民政府"), "proactive", "rules",
                   {"issued": 0, "repealed": 0, "in_force": 6})
    w2 = rule(validate(df), "W2")
    assert list(zip(w2.column.astype(str), w2.observed)) == [("in_force", 6.0)]
    city = set_cells(year_report(1, 2023, agency="某某市人民政府"), "proactive", "rules", {"in_force": 6})
    assert rule(validate(city), "W2").empty


# ------------------------------------------------------------------ W3
NARRATIVES = [
    # id, text, measure → value
    ("Shanghai GO 2019 (real)",
     "市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；答复政府信息公开申请805件"
     "（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复），均在法定期限内予以答复。"
     "予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；"
     "不予处理158件，占19.6%；其他处理0件。信息公开类行政复议7件，诉讼9件，均获维持。",
     {"received": 859, "processed": 805, "carried_in": 18, "carried_forward": 72, "disclosed_or_partly": 258,
      "group:withheld": 35, "group:unable": 265, "group:not_processed": 158, "group:other": 0,
      "reconsideration": 7, "litigation": 9}),
    ("Huaian 2024 (real, PDF text layer with its spaces and line breaks)",
     "2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度\n"
     "答复），均在法定期限内予以答复。政府信息公开行政复议 351\n件，其中结果维持 72 件",
     {"received": 3119, "processed": 3050, "carried_in": 34, "carried_forward": 103, "reconsideration": 351}),
    ("Shuyang 2025 (docs/format.md §5 W3 example)",
     "全年共受理政府信息公开申请749件，共办理718件，结转下一年31件。行政复议、行政诉讼共74件。",
     {"received": 749, "processed": 718, "carried_forward": 31, "review_and_litigation": 74}),
]


@pytest.mark.parametrize("text, expected", [n[1:] for n in NARRATIVES], ids=[n[0] for n in NARRATIVES])
def test_extract_numbers(text, expected):
    got = extract_numbers(text)
    assert dict(zip(got.measure, got.value)) == expected


def test_w3_against_real_reports():
    shanghai = rule(validate(read_report(RAW / "shanghai-gov-office-2019.html")), "W3")
    assert sorted(shanghai.observed) == [258.0, 265.0]
    huaian = run_checks(read_report(RAW / "huaian-city-2024.pdf"))
    w3 = huaian.checks[huaian.checks.rule == "W3"]
    assert len(w3) == 6 and (w3.outcome == "passed").all()  # 3119 / 3050 / 34 / 103 / 351 / 46


def shuyang_2025() -> pd.DataFrame:
    """The table numbers docs/format.md §7 #30 gives for Shuyang 2025 (other cells 0: not all are listed there)."""
    df = year_report(0, 2025, agency="沭阳县人民政府")
    df["value"], df["raw"] = 0.0, "0"
    df = set_cells(df, R, "new_received", {"natural_person": 705, "org_business": 3, "org_legal_service": 5, "total": 713})
    df = set_cells(df, R, "carried_in", {"natural_person": 36, "total": 36})
    df = set_cells(df, R, "carried_forward", {"natural_person": 31, "total": 31})
    df = set_cells(df, R, "total_processed", {"natural_person": 710, "org_business": 3, "org_legal_service": 5, "total": 718})
    t4 = "review_litigation"
    for row, vals in [("reconsideration", (27, 10, 9, 15, 61)), ("litigation_direct", (3, 0, 0, 0, 3)),
                      ("litigation_after_reconsideration", (8, 0, 1, 1, 10))]:
        df = set_cells(df, t4, row, dict(zip(["upheld", "corrected", "other", "pending", "total"], vals)))
    return df


@pytest.mark.parametrize("text, n_failed", [
    ("全年共受理政府信息公开申请749件，共办理718件，结转下一年31件。行政复议、行政诉讼共74件。", 0),  # 受理 = new + carried_in
    ("全年共收到政府信息公开申请713件，共办理718件，结转下一年31件。", 0),  # 收到 = new
    ("全年共受理政府信息公开申请750件，共办理718件，结转下一年13件。行政复议、行政诉讼共47件。", 3),
])
def test_w3_received_is_new_or_new_plus_carried_in(text, n_failed):
    df = shuyang_2025()
    rid = df.report_id.iloc[0]
    res = run_checks(df, narratives={rid: {"overview": text}})
    w3 = res.checks[res.checks.rule == "W3"]
    assert (w3.outcome == "failed").sum() == n_failed
    assert len(rule(res.issues, "W3")) == n_failed


# ------------------------------------------------------------------ W4
def test_w4_2019_newly_disclosed_at_most_total():
    df = year_report(1, 2019, templates="2019")
    df = set_cells(df, "proactive", "normative_docs", {"new_published": 60, "total_public": 36})
    w4 = rule(validate(df), "W4")
    assert list(zip(w4.row.astype(str), w4.column.astype(str), w4.expected, w4.observed)) == [
        ("normative_docs", "new_published", 36.0, 60.0)]


def test_w4_2021_repealed_bounded_by_last_years_stock():
    y1 = set_cells(year_report(1, 2022), "proactive", "normative_docs", {"in_force": 10})
    y1 = set_cells(y1, "proactive", "rules", {"in_force": 5})
    y2 = set_cells(year_report(2, 2023), "proactive", "normative_docs", {"issued": 2, "repealed": 15}).assign(report_id="y2")
    y2 = set_cells(y2, "proactive", "rules", {"issued": 0, "repealed": 5})  # 5 ≤ 5 + 0 holds
    w4 = rule(validate(pd.concat([y1, y2], ignore_index=True)), "W4")
    assert list(zip(w4.report_id, w4.row.astype(str), w4.expected, w4.observed)) == [("y2", "normative_docs", 12.0, 15.0)]


# ------------------------------------------------------------------ W5
def test_w5_aggregate_with_its_members():
    city = year_report(1, 2024, agency="淮安市人民政府", scope="region_aggregate")
    member = year_report(2, 2024, agency="淮安市教育局").assign(report_id="m")
    w5 = rule(validate(pd.concat([city, member], ignore_index=True)), "W5")
    assert list(w5.report_id) == [city.report_id.iloc[0]] and w5.row.isna().all()
    assert "never sum" in w5.message_en.item()
    assert rule(validate(city), "W5").empty


def test_w5_unknown_scope():
    w5 = rule(validate(year_report(1, 2024, scope=None)), "W5")
    assert len(w5) == 1 and "scope" in w5.message_en.item()


# ------------------------------------------------------------------ W3 on the real 平潭 series
def test_w3_normative_documents_in_force_against_table_two():
    """平潭 2023's text says 现行有效行政规范性文件393件; table 二 prints 470."""
    issues = validate(read_report(RAW / "pingtan-zone-2023.html"))
    w3 = rule(issues, "W3")
    assert list(zip(w3.row.astype(str), w3.column.astype(str), w3.expected, w3.observed)) == \
        [("normative_docs", "in_force", 470.0, 393.0)]
    assert "393" in w3.message_zh.item() and "470" in w3.message_zh.item()


def test_w3_received_as_new_plus_carried_in_is_not_flagged():
    """平潭 2022: "收到申请75件" = new 74 + carried in 1; the 88 documents issued and 698 in force agree."""
    report = read_report(RAW / "pingtan-zone-2022.html")
    assert rule(validate(report), "W3").empty
    checks = run_checks(report).checks
    w3 = checks[checks.rule == "W3"].set_index("instance")["outcome"].astype(str)
    assert w3["received"] == "passed" and w3["docs_in_force"] == "passed" and w3["docs_issued"] == "passed"
