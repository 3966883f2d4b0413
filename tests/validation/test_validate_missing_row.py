"""A row the reader lost is reported as a missing row naming the unrecognised label and its page,
and the identities through it are not explained by a split cell."""

from __future__ import annotations

import pandas as pd
from support import RAW

from toolkit import read_report, validate


def test_lost_rows_reported_as_missing_not_split():
    report = read_report(RAW / "huaian-city-2024.pdf")
    lost = ["partly_disclosed", "withheld_law_prohibited", "unable_needs_creation"]
    report.data = report.data[~((report.data["table"] == "requests") & report.data["row"].isin(lost))].reset_index(drop=True)
    report.issues = pd.concat([report.issues, pd.DataFrame([{
        "source_file": "huaian-city-2024.pdf", "code": "unknown_row", "table": "requests",
        "location": "table 2, row 10, col 3, page 4",
        "message": "unrecognised row label in table 三: '、本年（计二其）他部'"}])], ignore_index=True)
    issues = validate(report)
    missing = issues[issues["rule"] == "missing_row"]
    assert set(missing["row"]) == set(lost)
    assert missing["message_zh"].str.contains("、本年（计二其）他部").all()
    assert missing["message_en"].str.contains("page 4").all()
    assert (missing["severity"] == "error").all()
    # Identities through the lost rows fail; a split cell is never offered as the reason.
    assert (issues["rule"] == "H3").any()
    assert issues.loc[issues["table"] == "requests", "hint"].isna().all()
