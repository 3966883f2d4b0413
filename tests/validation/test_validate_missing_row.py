"""Rows the reader lost are missing, never 0, and a split cell (拆格) is suggested only when the numbers really fit.

The case behind the rule: in a real 2024 report the reader did not read the 部分公开 row (9), so （七）总计·自然人
was 9 more than the outcome rows it read, and a hint said 危及"三安全一稳定"·自然人 1 and 保护第三方合法权益·自然人 0
were one number 10. Merging them fits that one column, but breaks the row total of 危及…, which prints 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from support import RAW
from support.gaps import row_removed

from toolkit import read_report, validate
from toolkit.synthetic.values import consistent_values
from toolkit.validation.api import run_checks
from toolkit.validation.frames import tidy_frame

R = "requests"


def cells_with(values: dict[tuple[str, str], int]) -> pd.DataFrame:
    """An all-zero table 三 (and 二, 四) with the given (row, column) values of table 三."""
    cells = consistent_values(0, "2021", activity=0)
    for (r, c), v in values.items():
        cells.loc[(cells.table == R) & (cells.row == r) & (cells.column == c), ["value", "raw"]] = [float(v), str(v)]
    return cells


def the_2024_case() -> pd.DataFrame:
    """10 processed: 9 部分公开 + 1 危及三安全一稳定 (all natural persons)."""
    return cells_with({
        ("new_received", "natural_person"): 10, ("new_received", "total"): 10,
        ("total_processed", "natural_person"): 10, ("total_processed", "total"): 10,
        ("partly_disclosed", "natural_person"): 9, ("partly_disclosed", "total"): 9,
        ("withheld_security_stability", "natural_person"): 1, ("withheld_security_stability", "total"): 1,
    })


def test_no_split_hint_when_another_identity_through_the_cells_would_break():
    """The 部分公开 row simply absent from a frame: H3 fails by 9; 1|0 → 10 would fit H3 but break H2 of its row."""
    cells = the_2024_case()
    frame = tidy_frame(cells[~((cells.table == R) & (cells.row == "partly_disclosed"))], agency="某区人民政府", year=2024)
    found = validate(frame)
    h3 = found[found["rule"] == "H3"]
    assert len(h3) == 1 and h3["column"].item() == "natural_person" and h3["observed"].item() == 10
    assert found["hint"].isna().all()


def test_no_split_hint_where_a_row_is_missing():
    """The same report as the reader gives it when it could not read the row: status missing, H3 not assessable."""
    frame = tidy_frame(the_2024_case(), agency="某区人民政府", year=2024)
    lost = (frame["row"] == "partly_disclosed").to_numpy()
    frame.loc[lost, ["value", "raw", "status"]] = [np.nan, None, "missing"]
    frame["note"] = frame["note"].astype(object)
    frame.loc[lost, "note"] = "「、本年（计二其）他部」（table 2, row 7, col 2, page 3）"
    found = validate(frame)
    assert found.loc[found["severity"] == "error", "rule"].tolist() == ["missing_row"]
    assert found["hint"].isna().all()
    checks = run_checks(frame).checks
    h3 = checks[(checks["rule"] == "H3") & (checks["instance"] == "natural_person")]
    assert h3["outcome"].tolist() == ["not_assessable"]
    assert h3["reason"].item() == "missing cells: requests/partly_disclosed/natural_person"


def test_a_split_cell_that_fits_every_identity_gets_its_hint():
    """10 printed as 1 over 0 in two adjacent rows: the row total still says 10, so 10|0 fits H2, H3 and the next H2."""
    cells = cells_with({
        ("new_received", "natural_person"): 10, ("new_received", "total"): 10,
        ("total_processed", "natural_person"): 10, ("total_processed", "total"): 10,
        ("withheld_security_stability", "natural_person"): 1, ("withheld_security_stability", "total"): 10,
    })
    found = validate(tidy_frame(cells, agency="某区人民政府", year=2024))
    errors = found[found["severity"] == "error"]
    assert set(errors["rule"]) == {"H2", "H3"}
    assert errors["hint"].str.contains("拆格").all() and errors["hint"].str.contains("10").all()
    # in each language from the labels table
    assert errors["hint_zh"].str.startswith("拆格").all() and not errors["hint_zh"].str.contains("[A-Za-z]{3}").any()
    assert errors["hint_en"].str.startswith("split cell?").all() and not errors["hint_en"].str.contains("拆格").any()


def test_lost_row_of_a_real_report_is_missing_not_split(tmp_path):
    """A real page whose 部分公开 label cannot be read: the row is missing (named with its label and place), the
    identities through it are not assessable, nothing is hinted, and no measure can take its cells as 0."""
    report = read_report(row_removed(tmp_path))
    found = validate(report)
    missing = found[found["rule"] == "missing_row"]
    assert missing["row"].tolist() == ["partly_disclosed"] and (missing["severity"] == "error").all()
    assert "、本年（计二其）他部情分形公）开" in missing["message_zh"].item()
    assert "、本年（计二其）他部情分形公）开" in missing["message_en"].item()
    assert found["hint"].isna().all()
    lost = report.data[report.data["row"] == "partly_disclosed"]
    assert (lost["status"] == "missing").all() and lost["value"].isna().all()
    # the other rows are read as printed
    printed = read_report(RAW / "pingtan-zone-2024.html").data
    keep = report.data[report.data["status"] != "missing"].drop(columns=["report_id", "source_file", "source_sha256", "stated"])
    ref = printed[printed["row"] != "partly_disclosed"].drop(columns=["report_id", "source_file", "source_sha256", "stated"])
    assert keep.reset_index(drop=True)[["table", "row", "column", "value", "raw"]].equals(
        ref.reset_index(drop=True)[["table", "row", "column", "value", "raw"]])
