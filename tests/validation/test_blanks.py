"""The blank-cell rule (toolkit.validation.blanks, docs/format.md §6.4), table-driven."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support import RAW, TEMPLATE

from toolkit.read.report import read_report
from toolkit.validation.blanks import apply_blank_rule
from toolkit.validation.frames import tidy_frame

COLS = ["upheld", "corrected", "other", "pending", "total"]


def _t4(*rows: list[str]) -> pd.DataFrame:
    blocks = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    cells = [(b, c, raw) for b, raws in zip(blocks, rows) for c, raw in zip(COLS, raws)]
    df = pd.DataFrame(cells, columns=["row", "column", "raw"]).assign(table="review_litigation")
    return tidy_frame(df, agency="测试局", year=2023)


CASES = [
    # id, table 四 as printed (3 blocks × 5 cells), expected values, expected flags
    ("all printed", [["1", "0", "0", "1", "2"], ["0"] * 5, ["0"] * 5], [1, 0, 0, 1, 2] + [0] * 10, [None] * 15),
    ("blank part → 0", [["1", "", "0", "1", "2"], ["0"] * 5, ["0"] * 5], [1, 0, 0, 1, 2] + [0] * 10,
     [None, "blank_as_zero"] + [None] * 13),
    ("NA token → 0", [["1", "/", "—", "1", "2"], ["0"] * 5, ["0"] * 5], [1, 0, 0, 1, 2] + [0] * 10,
     [None, "blank_as_zero", "blank_as_zero"] + [None] * 12),
    ("blank total beside parts → row sum", [["5", "", "", "2", ""], ["8", "", "", "1", "9"], [""] * 5],
     [5, 0, 0, 2, 7, 8, 0, 0, 1, 9] + [0] * 5,
     [None, "blank_as_zero", "blank_as_zero", None, "imputed_total", None, "blank_as_zero", "blank_as_zero", None, None]
     + ["blank_as_zero"] * 5),
    ("wholly blank table stays missing", [[""] * 5, ["/"] * 5, [""] * 5], [np.nan] * 15, ["table_empty"] * 15),
    ("text that is not a number is never filled", [["1", "见附件", "0", "0", ""], ["0"] * 5, ["0"] * 5],
     [1, np.nan, 0, 0, 0] + [0] * 10, [None, None, None, None, "blank_as_zero"] + [None] * 10),
]


@pytest.mark.parametrize("printed, values, flags", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_blank_rule(printed, values, flags):
    data = _t4(*printed)
    before = data.copy()
    out = apply_blank_rule(data)
    np.testing.assert_array_equal(out["value"].to_numpy(float), np.array(values, float))
    assert [None if pd.isna(f) else f for f in out["fill"]] == flags
    pd.testing.assert_frame_equal(data, before)  # the input is never modified
    np.testing.assert_array_equal(out["value_printed"].to_numpy(float), before["value"].to_numpy(float))


def test_rule_is_per_report_and_per_table():
    a = _t4(["1", "", "0", "1", "2"], ["0"] * 5, ["0"] * 5)
    b = _t4([""] * 5, [""] * 5, [""] * 5).assign(report_id="other")
    out = apply_blank_rule(pd.concat([a, b], ignore_index=True))
    assert out.loc[out.report_id == "other", "fill"].eq("table_empty").all()
    assert out.loc[out.report_id != "other", "fill"].dropna().eq("blank_as_zero").all()


def test_impute_totals_can_be_switched_off():
    data = _t4(["5", "", "", "2", ""], ["0"] * 5, ["0"] * 5)
    out = apply_blank_rule(data, impute_totals=False)
    assert out.loc[4, "value"] == 0 and out.loc[4, "fill"] == "blank_as_zero"


def test_shanghai_2019_blanks():
    """The real T2019 report that leaves 135 of 198 cells blank, 总计 of every result row among them."""
    out = apply_blank_rule(read_report(RAW / "shanghai-gov-office-2019.html").data)
    counts = out["fill"].value_counts().to_dict()
    assert counts == {"blank_as_zero": 124, "imputed_total": 11}
    disclosed_total = out.query("table == 'requests' and row == 'disclosed' and column == 'total'")
    assert disclosed_total["value"].item() == 258 + 12 + 1 + 1
    assert disclosed_total["raw"].item() == ""  # printed text kept


def test_blank_template_is_empty_not_zero():
    out = apply_blank_rule(read_report(TEMPLATE, partial=True).data)
    assert len(out) == 200
    assert out["fill"].eq("table_empty").all()
    assert out["value"].isna().all()
