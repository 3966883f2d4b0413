"""``tidy_frame`` builds each column the cheapest way its values allow; the frame must be
the one ``pd.array(values, dtype)`` per column gives, whatever the values."""

from __future__ import annotations

import pandas as pd
import pytest
from support import ROOT

from toolkit import codebook as cb
from toolkit.read.report import read_cells
from toolkit.read.tidy import AXES, TIDY_COLUMNS, TIDY_DTYPES, tidy_frame


def plain_frame(columns: dict[str, list]) -> pd.DataFrame:
    """The straightforward construction, column by column, through pandas' own inference."""
    return pd.DataFrame({
        name: pd.Categorical(columns[name], dtype=cb.category_dtype(name)) if name in AXES
        else pd.array(columns[name], dtype=TIDY_DTYPES[name])
        for name in TIDY_COLUMNS
    })


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "data/raw").iterdir() if p.suffix in (".txt", ".html", ".pdf")))
def test_real_reports(name):
    columns, _, _ = read_cells(ROOT / "data/raw" / name)
    pd.testing.assert_frame_equal(tidy_frame(columns), plain_frame(columns))


def test_missing_metadata_mixed_values_and_ocr_confidence():
    columns, _, _ = read_cells(ROOT / "data/raw/ninghe-kejiju-2023.txt")
    n = len(columns["table"])
    columns = dict(columns)
    columns["agency"] = [None] * n  # no title found
    columns["year"] = [None] * n
    columns["value"] = [None if i % 3 else float(i) for i in range(n)]  # blanks among numbers, a 0.0 first
    columns["unit"] = ["元" if i == 5 else None for i in range(n)]  # one non-missing among missing
    columns["confidence"] = [0.5 + i / (4 * n) if i % 2 else None for i in range(n)]  # OCR'd pages among text
    columns["method"] = ["ocr" if i % 2 else "text" for i in range(n)]
    got = tidy_frame(columns)
    pd.testing.assert_frame_equal(got, plain_frame(columns))
    assert got["year"].isna().all() and got["agency"].isna().all()
    assert got["value"].isna().sum() == sum(v is None for v in columns["value"])
    assert got["value"].iloc[0] == 0.0  # a printed zero is a value, not missing


def test_the_plain_constructor_gives_the_same_frame(monkeypatch):
    """pandas 2 has no frame-from-blocks: tidy_frame then uses the DataFrame constructor."""
    from toolkit.read import tidy

    columns, _, _ = read_cells(ROOT / "data/raw/shanghai-gov-office-2019.html")
    fast = tidy_frame(columns)
    monkeypatch.setattr(tidy, "_from_blocks", None)
    pd.testing.assert_frame_equal(tidy_frame(columns), fast)
    pd.testing.assert_frame_equal(tidy_frame(columns), plain_frame(columns))


def test_frames_are_independent():
    """Each frame owns its arrays: changing one report's frame leaves another's alone."""
    columns, _, _ = read_cells(ROOT / "data/raw/ninghe-kejiju-2023.txt")
    a, b = tidy_frame(columns), tidy_frame(columns)
    a.loc[0, "value"] = 99.0
    a.loc[0, "agency"] = "changed"
    assert b.loc[0, "value"] != 99.0 and b.loc[0, "agency"] != "changed"
    assert a.loc[0, "value"] == 99.0 and a.loc[0, "agency"] == "changed"


def test_one_year_for_every_cell_and_no_cells():
    columns, _, _ = read_cells(ROOT / "data/raw/pingtan-zone-2019.html")
    assert tidy_frame(columns)["year"].tolist() == [2019] * len(columns["table"])
    empty = {name: [] for name in TIDY_COLUMNS}
    got = tidy_frame(empty)
    assert got.empty and list(got.columns) == list(TIDY_COLUMNS)
    assert got.dtypes.astype(str).tolist() == plain_frame(empty).dtypes.astype(str).tolist()
