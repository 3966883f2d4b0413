"""Identities broken in a rendered report file: render, change printed cells, read back, validate.

A consistent random report (toolkit.synthetic.values) is printed by the text and HTML
renderers after changing the chosen cells; read_report reads it back and
validate must name exactly the expected rule at exactly the expected cell.
Why a table 三 case changes a cell *and* its row total, see tests/validation/test_validate.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support import FIXTURES, expected_cells

from toolkit.read.report import read_report
from toolkit.read.values import parse_value
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.render.perturb import Perturbation, perturb_cells
from toolkit.synthetic.render.text import render_text
from toolkit.synthetic.values import ReportSpec, narrative_of, report_spec
from toolkit.validation.api import validate

R, T4 = "requests", "review_litigation"
RENDERERS = {"txt": render_text, "html": render_html}


def findings(issues: pd.DataFrame) -> set[tuple]:
    df = issues[issues["severity"].isin(["error", "warning"])]
    return {(r, str(t), None if pd.isna(w) else str(w), None if pd.isna(c) else str(c))
            for r, t, w, c in df[["rule", "table", "row", "column"]].itertuples(index=False)}


def edit(spec: ReportSpec, table: str, row: str, column: str, how) -> None:
    c = spec.cells
    i = c.index[(c.table == table) & (c.row == row) & (c.column == column)]
    raw = how if isinstance(how, str) else f"{c.loc[i[0], 'value'] + how:g}"
    value = parse_value(raw).value
    c.loc[i, ["raw", "value"]] = [raw, np.nan if value is None else value]


def read_back(tmp_path, spec: ReportSpec, fmt: str, p: Perturbation | None = None):
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(RENDERERS[fmt](spec, p))
    return read_report(path)


CASES = [
    ("H2", [(R, "notproc_repeat", "total", 2)], {("H2", R, "notproc_repeat", "total")}),
    ("H1", [(R, "carried_forward", "natural_person", 3), (R, "carried_forward", "total", 3)],
     {("H1", R, "carried_forward", "natural_person")}),
    ("H3", [(R, "partly_disclosed", "org_business", 1), (R, "partly_disclosed", "total", 1)],
     {("H3", R, "total_processed", "org_business")}),
    ("H4", [(T4, "litigation_after_reconsideration", "total", 4)],
     {("H4", T4, "litigation_after_reconsideration", "total")}),
    ("H5", [("proactive", "compulsion", "decisions", "-1")], {("H5", "proactive", "compulsion", "decisions")}),
    ("H2+H3 one cell", [(R, "withheld_third_party", "natural_person", 2)],
     {("H2", R, "withheld_third_party", "natural_person"), ("H3", R, "withheld_third_party", "natural_person")}),
]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("changes, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_break_in_rendered_report(tmp_path, fmt, changes, expected):
    spec = report_spec(5, agency="示例市人民政府", year=2023, templates="2021", activity=8)
    assert findings(validate(read_back(tmp_path, spec, fmt))) == set()
    for change in changes:
        edit(spec, *change)
    spec.narrative = narrative_of(spec)  # the text restates the table as printed
    report = read_back(tmp_path, spec, fmt)
    issues = validate(report)
    assert findings(issues) == expected
    # values are kept as printed
    for table, row, column, _ in changes:
        printed = spec.value(table, row, column)
        got = report.data.query(f"table == '{table}' and row == '{row}' and column == '{column}'")["value"].item()
        assert got == printed


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("templates", ["2021", "2019"])
def test_blank_and_na_zeros_pass_under_the_blank_rule(tmp_path, fmt, templates):
    spec = report_spec(9, agency="示例市人民政府", year=2020, templates=templates, activity=3)
    p = Perturbation(blank_zeros=0.5, na_zeros=0.2)
    spec.cells = perturb_cells(spec.cells, p, np.random.default_rng(0))
    report = read_back(tmp_path, spec, fmt, p)
    issues = validate(report)
    assert not (issues.severity == "error").any(), issues[issues.severity == "error"].message.tolist()
    assert (issues.rule == "blank_as_zero").any()


def test_real_table_four_with_contradicting_totals(tmp_path):
    """Table 四 whose printed totals contradict their parts is flagged with H4 at those totals.

    REAL: every cell value and the narrative sentences below are those published in 淮安市人民政府
    2024年政府信息公开工作年度报告 (data/raw/huaian-city-2024.pdf, cells from its
    .expected.csv). ALTERED, to make the totals contradict their parts: 行政复议 总计 printed 315
    instead of the published 351 (a digit transposition), 复议后起诉 总计 printed 2 instead of 20
    (a dropped digit). docs/format.md §7 lists no real report with broken 表四 totals and the fixtures hold
    none, so the contradiction is made, the numbers around it are real. The file is rendered by the
    project's HTML renderer, not the original PDF layout.
    """
    cells = expected_cells("huaian-city-2024")
    cells["value"] = pd.to_numeric(cells["value"], errors="coerce")
    templates = {t: "2021" for t in ("proactive", "requests", "review_litigation")}
    spec = ReportSpec(agency="淮安市人民政府", year=2024, templates=templates, cells=cells)
    assert (spec.value(T4, "reconsideration", "total"), spec.value(T4, "litigation_after_reconsideration", "total")) == (351, 20)
    edit(spec, T4, "reconsideration", "total", "315")
    edit(spec, T4, "litigation_after_reconsideration", "total", "2")
    spec.narrative = {  # published wording (whitespace of the PDF text layer removed)
        "overview": "2024年，全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复），"
                    "均在法定期限内予以答复。政府信息公开行政复议351件，其中结果维持72件，结果纠正64件，其他结果178件，"
                    "尚未审结37件；政府信息公开行政诉讼46件，其中结果维持25件，结果纠正5件，其他结果9件，尚未审结7件。",
    }
    report = read_back(tmp_path, spec, "html")
    issues = validate(report)
    h4 = issues[issues.rule == "H4"].sort_values("row")
    assert list(zip(h4.row.astype(str), h4.column.astype(str), h4.expected, h4.observed)) == [
        ("reconsideration", "total", 351.0, 315.0),
        ("litigation_after_reconsideration", "total", 20.0, 2.0),
    ]
    assert set(issues.loc[issues.severity == "error", "rule"]) == {"H4"}
    # the text (real: 复议351件, 诉讼46件) disagrees with the altered totals too
    w3 = issues[issues.rule == "W3"]
    assert sorted(w3.observed) == [46.0, 351.0] and sorted(w3.expected) == [28.0, 315.0]
    # kept as printed
    got = report.data.set_index(["table", "row", "column"])["value"].astype(float)
    assert got[(T4, "reconsideration", "total")] == 315 and got[(T4, "litigation_after_reconsideration", "total")] == 2
    assert (FIXTURES / "huaian-city-2024.expected.csv").exists()
