"""Real reports with a row the reader cannot read, and a rendered report with two printed numbers changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from support import FIXTURES, RAW
from toolkit.labels import label
from toolkit.read.values import parse_value
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.values import narrative_of, report_spec
from toolkit.validation.narrative import measure_targets
from toolkit.validation.structure import identity_members

HONGZE_2023 = FIXTURES / "hongze-district-2023.pdf"
# The printed label of 部分公开 in the real Pingtan 2024 page, and the garbled text the 洪泽 2023 PDF yields for it.
PARTLY = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
GARBLED = "、本年（计二其）他部情分形公）开"
BLANKS = label("reason.blank_as_zero", "en")


def row_removed(folder: Path) -> Path:
    """The real Pingtan 2024 page (部分公开 = 29) with the 部分公开 label garbled as a PDF extraction garbles it:
    the reader cannot place the row, so its cells are lost."""
    text = (RAW / "pingtan-zone-2024.html").read_text(encoding="utf-8")
    assert text.count(PARTLY) == 1
    path = folder / "pingtan-zone-2024-row-lost.html"
    path.write_text(text.replace(PARTLY, GARBLED), encoding="utf-8")
    return path


def two_numbers_changed(folder: Path) -> Path:
    """A SYNTHETIC report rendered as HTML whose text restates the consistent table, then two printed cells changed
    (a row total of table 三 and table 四's reconsideration total)."""
    spec = report_spec(11, agency="示例市人民政府", year=2023, templates="2021", activity=8)
    spec.narrative = narrative_of(spec)
    c = spec.cells
    for table, row, column in (("requests", "new_received", "total"), ("review_litigation", "reconsideration", "total")):
        i = c.index[(c.table == table) & (c.row == row) & (c.column == column)]
        raw = f"{c.loc[i[0], 'value'] + 3:g}"
        value = parse_value(raw).value
        c.loc[i, ["raw", "value"]] = [raw, np.nan if value is None else value]
    path = folder / "synthetic-two-changed.html"
    path.write_bytes(render_html(spec))
    return path


def cells_of_check(check) -> set[tuple[str, str, str]]:
    """The (table, row, column) cells an identity or W3 instance uses."""
    if check["rule"] in ("H1", "H2", "H3", "H4"):
        m = identity_members()
        m = m[(m["rule"] == check["rule"]) & (m["instance"] == check["instance"])]
        return set(zip(m["table"], m["row"], m["column"]))
    if check["rule"] == "W3":
        return {c for alt in measure_targets(check["instance"]) for c in alt}
    return set()


def blank_total_checks(checks: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """The checks that use a total printed blank."""
    blank = data[(data["status"] == "blank") & (data["column"] == "total")]
    totals = set(zip(blank["table"].astype(str), blank["row"].astype(str), blank["column"].astype(str)))
    return checks[[bool(cells_of_check(c) & totals) for c in checks.to_dict("records")]]


def assert_blank_totals_said(checks: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """Every check through a blank total is not assessable, or says the blanks were counted."""
    involved = blank_total_checks(checks, data)
    said = involved["outcome"].astype(str).eq("not_assessable") | involved["reason"].fillna("").str.split("; ").map(
        lambda parts: BLANKS in parts)
    assert said.all(), involved[~said].to_string()
    return involved
