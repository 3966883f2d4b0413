"""Check states: every evaluated rule instance has an outcome and, when the printed numbers alone do not say why,
a reason: the cells missing or unreadable, or that it held only because blanks were counted (docs/format.md §6.4)."""

from __future__ import annotations

import numpy as np
from support import RAW
from support.gaps import BLANKS, assert_blank_totals_said

from toolkit import read_report
from toolkit.labels import label
from toolkit.synthetic.values import consistent_values
from toolkit.validation.api import run_checks
from toolkit.validation.frames import tidy_frame


def test_shanghai_2019_blank_totals_are_never_a_plain_pass():
    report = read_report(RAW / "shanghai-gov-office-2019.html")
    checks = run_checks(report).checks
    assert "reason" in checks.columns
    involved = assert_blank_totals_said(checks, report.data)
    assert len(involved) >= 13  # 11 result rows with a blank 总计, the blank 复议后起诉 block, W3 on totals
    assert set(involved["outcome"].astype(str)) <= {"imputed", "passed", "failed", "not_assessable"}
    imputed = checks[checks["outcome"] == "imputed"]
    assert len(imputed) == 11 and imputed["reason"].str.contains(label("reason.imputed_total", "en")).all()


def test_a_check_on_printed_numbers_needs_no_reason():
    report = read_report(RAW / "pingtan-zone-2024.html")
    checks = run_checks(report).checks
    hard = checks[checks["rule"].isin(["H1", "H2", "H3", "H4"])]
    assert (hard["outcome"] == "passed").all() and hard["reason"].isna().all()


def test_not_assessable_names_the_unreadable_cell():
    cells = consistent_values(3, "2021", activity=5)
    frame = tidy_frame(cells, agency="示例市人民政府", year=2023)
    i = ((frame["table"] == "review_litigation") & (frame["row"] == "reconsideration") & (frame["column"] == "upheld")).to_numpy()
    frame.loc[i, ["raw", "value", "status"]] = ["见附件", np.nan, "invalid"]
    checks = run_checks(frame).checks
    h4 = checks[(checks["rule"] == "H4") & (checks["instance"] == "reconsideration")]
    assert h4["outcome"].tolist() == ["not_assessable"]
    assert h4["reason"].tolist() == ["unreadable cells: review_litigation/reconsideration/upheld"]


def test_a_blank_counted_as_zero_is_said():
    cells = consistent_values(3, "2021", activity=5)
    frame = tidy_frame(cells, agency="示例市人民政府", year=2023)
    zero = frame[(frame["table"] == "review_litigation") & (frame["value"] == 0) & (frame["column"] != "total")].index[:1]
    assert len(zero)
    frame.loc[zero, ["raw", "value", "status"]] = ["", np.nan, "blank"]
    checks = run_checks(frame).checks
    row = frame.loc[zero[0], "row"]
    h4 = checks[(checks["rule"] == "H4") & (checks["instance"] == row)]
    assert h4["outcome"].tolist() == ["passed"] and h4["reason"].tolist() == [BLANKS]
