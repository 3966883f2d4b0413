"""Every published cell of the real fixtures, as the toolkit reads them."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from support import RAW, expected_cells

from toolkit import read_report

CASES = [
    ("ninghe-kejiju-2023", "ninghe-kejiju-2023.txt", "宁河区科学技术局", 2023, {"proactive": "2021", "requests": "2021"}),
    ("shanghai-gov-office-2019", "shanghai-gov-office-2019.html", "上海市人民政府办公厅", 2019, {"proactive": "2019", "requests": "2019"}),
    # The real 平潭综合实验区 series 2019–2025 (data/raw/SOURCES.csv).
    *[(f"pingtan-zone-{y}", f"pingtan-zone-{y}.html", "平潭综合实验区", y, {"proactive": "2019", "requests": "2019"})
      for y in (2019, 2020)],
    *[(f"pingtan-zone-{y}", f"pingtan-zone-{y}.html", "平潭综合实验区", y, {"proactive": "2021", "requests": "2021"})
      for y in (2021, 2022, 2023, 2024, 2025)],
]


def _cells(stem, file):
    report = read_report(RAW / file)
    got = report.data.assign(table=lambda d: d.table.astype(str), row=lambda d: d.row.astype(str), column=lambda d: d.column.astype(str))
    want = expected_cells(stem)
    merged = want.merge(got, on=["table", "row", "column"], how="outer", suffixes=("_want", "_got"), indicator=True)
    return report, merged


@pytest.mark.parametrize("stem,file,agency,year,templates", CASES, ids=[c[0] for c in CASES])
def test_every_expected_cell(stem, file, agency, year, templates):
    report, merged = _cells(stem, file)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", ["table", "row", "column", "_merge"]]
    for cell in merged.itertuples():
        want = float(cell.value_want) if str(cell.value_want) != "" else math.nan
        got = cell.value_got
        if math.isnan(want):
            assert pd.isna(got), cell
        else:
            assert got == want, cell
        assert cell.raw_want == cell.raw_got, cell
    assert report.meta["agency"] == agency
    assert report.meta["year"] == year
    for table, template in templates.items():
        assert report.meta["templates"][table] == template


@pytest.mark.parametrize("stem,file", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_one_row_per_published_cell_with_location(stem, file):
    report, _ = _cells(stem, file)
    data = report.data
    assert not data.duplicated(["table", "row", "column"]).any()
    assert len(data) == len(expected_cells(stem))
    assert data["location"].str.match(r"^table \d+, row \d+, col \d+").all()
    assert data["report_id"].nunique() == 1
    assert set(report.sections) == {"overview", "proactive", "requests", "review_litigation", "problems", "other"}


def test_a_stray_blank_row_below_a_table_is_noted_not_fatal():
    # 平潭 2020 prints a fifth, borderless row of 15 blank cells under table 四.
    report = read_report(RAW / "pingtan-zone-2020.html")
    stray = report.issues[report.issues.code == "stray_row"]
    assert list(stray.table) == ["review_litigation"] and list(stray.location) == ["table 3, row 5, col 1"]
    assert (report.data.table == "review_litigation").sum() == 15


@pytest.mark.parametrize("table", [0, 1, 2], ids=["二", "三", "四"])
def test_a_stray_blank_row_under_any_table_costs_nothing(tmp_path, table):
    """The same as a class: a borderless row of 15 blank cells added under each table of 平潭 2021
    leaves every cell as it was; under table 四 it is noted."""
    import re

    html = (RAW / "pingtan-zone-2021.html").read_text(encoding="utf-8")
    parts = re.split(r"(?i)(</table>)", html)
    parts[2 * table] += "<tr>" + "<td>&nbsp;</td>" * 15 + "</tr>"
    path = tmp_path / "stray.html"
    path.write_text("".join(parts), encoding="utf-8")
    report, clean = read_report(path), read_report(RAW / "pingtan-zone-2021.html")
    key = ["table", "row", "column", "raw"]
    pd.testing.assert_frame_equal(report.data[key].reset_index(drop=True), clean.data[key].reset_index(drop=True))
    assert list(report.issues.code) == (["stray_row"] if table == 2 else [])


def test_report_id_is_stable():
    a = read_report(RAW / "ninghe-kejiju-2023.txt")
    b = read_report(RAW / "ninghe-kejiju-2023.txt")
    assert a.meta["report_id"] == b.meta["report_id"] == a.meta["source_sha256"][:16]


def test_unit_and_blank_status_are_kept():
    data = read_report(RAW / "shanghai-gov-office-2019.html").data
    amount = data[(data.row == "central_procurement") & (data.column == "proc_amount")].iloc[0]
    assert (amount.value, amount.unit, amount.raw) == (251000, "元", "251000元")
    blanks = data[data.status == "blank"]
    assert len(blanks) == 135 and blanks["value"].isna().all() and (blanks["raw"] == "").all()


def test_categoricals_follow_the_codebook():
    data = read_report(RAW / "ninghe-kejiju-2023.txt").data
    for col in ("table", "row", "column"):
        assert isinstance(data[col].dtype, pd.CategoricalDtype) and data[col].cat.ordered
    assert list(data.sort_values(["table", "row", "column"])["row"].unique()[:2]) == ["rules", "normative_docs"]
