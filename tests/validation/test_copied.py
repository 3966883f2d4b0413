"""W6: a report whose tables 三 and 四 repeat the same agency's previous year value for value."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import read_report
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.values import report_spec
from toolkit.validation.api import run_checks
from toolkit.validation.copied import MIN_NONZERO

AGENCY = "甲市人民政府"


@pytest.fixture(scope="module")
def year_2022(tmp_path_factory):
    path = tmp_path_factory.mktemp("copied") / "2022.html"
    path.write_bytes(render_html(report_spec(5, agency=AGENCY, year=2022, activity=8)))
    return read_report(path).data


def _next_year(data: pd.DataFrame, **change) -> pd.DataFrame:
    """The 2023 report of the same frame: same tables 三 and 四, another file; table 二 changed."""
    out = data.assign(year=pd.array([2023] * len(data), dtype="Int64"), report_id="copy2023",
                      source_file="2023.html", source_sha256="f" * 64)
    pro = out["table"] == "proactive"
    out.loc[pro, "value"] = out.loc[pro, "value"] + 1
    for col, v in change.items():
        out[col] = v
    return out


def _w6(data: pd.DataFrame):
    res = run_checks(data)
    return res.checks[res.checks["rule"] == "W6"], res.issues[res.issues["rule"] == "W6"]


def test_a_copied_report_is_a_warning_on_the_later_year(year_2022):
    checks, issues = _w6(pd.concat([year_2022, _next_year(year_2022)], ignore_index=True))
    assert checks[["report_id", "outcome"]].values.tolist() == [["copy2023", "failed"]]
    assert issues["severity"].tolist() == ["warning"] and issues["report_id"].tolist() == ["copy2023"]
    assert "2022" in issues["message_zh"].item() and "copied from last year" in issues["message_en"].item()
    assert issues["observed"].item() >= MIN_NONZERO


def test_one_changed_cell_passes(year_2022):
    later = _next_year(year_2022)
    i = later.index[(later["table"] == "requests") & (later["row"] == "new_received") & (later["column"] == "total")]
    later.loc[i, "value"] = later.loc[i, "value"] + 1
    checks, issues = _w6(pd.concat([year_2022, later], ignore_index=True))
    assert checks["outcome"].tolist() == ["passed"] and issues.empty


def test_zeros_two_years_running_pass(year_2022):
    quiet = year_2022.copy()
    quiet.loc[quiet["table"].isin(["requests", "review_litigation"]), "value"] = 0.0
    checks, issues = _w6(pd.concat([quiet, _next_year(quiet)], ignore_index=True))
    assert checks["outcome"].tolist() == ["passed"] and issues.empty


def test_agency_id_decides_the_same_agency_when_present(year_2022):
    renamed = _next_year(year_2022, agency="甲市人民政府办公室")  # another printed name
    checks, _ = _w6(pd.concat([year_2022, renamed], ignore_index=True))
    assert checks.empty  # by name: another agency
    with_id = pd.concat([year_2022.assign(agency_id="A1"), renamed.assign(agency_id="A1")], ignore_index=True)
    checks, _ = _w6(with_id)
    assert checks["outcome"].tolist() == ["failed"]
    other_id = pd.concat([year_2022.assign(agency_id="A1"), _next_year(year_2022).assign(agency_id="B2")],
                         ignore_index=True)
    checks, _ = _w6(other_id)
    assert checks.empty  # same name, but the registry says two agencies
