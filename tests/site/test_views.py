"""The explorer's data: real reports through the measures, a cell not read stays null, every row traceable."""

from __future__ import annotations

import numpy as np
import pandas as pd
from support import RAW

from toolkit import read_report
from toolkit.site.views import REPORT_COLUMNS, ROW_COLUMNS, site_data


def _panel(*files: str) -> pd.DataFrame:
    return pd.concat([read_report(RAW / f).data for f in files], ignore_index=True)


def _rows(data: dict, measure: str, file: str) -> dict:
    i = [r[REPORT_COLUMNS.index("file")] for r in data["reports"]].index(file)
    names = data["series"][measure]
    return {names[r[ROW_COLUMNS.index("series")]]: dict(zip(ROW_COLUMNS, r)) for r in data["rows"][measure] if r[0] == i}


def test_counts_are_integers_and_shares_rounded():
    data = site_data(_panel("huaian-city-2024.pdf"))
    out = _rows(data, "outcomes", "huaian-city-2024.pdf")
    assert out["disclosed"]["count"] == 1362 and isinstance(out["disclosed"]["count"], int)
    assert out["disclosed"]["denominator"] == 3050 and out["disclosed"]["share"] == 0.4466
    report = dict(zip(REPORT_COLUMNS, data["reports"][0]))
    # read_report alone applies no registry: the printed name stands in for the agency_id
    assert report["agency_id"] == report["agency_name"] == "淮安市人民政府"
    assert len(report["sha256"]) == 64 and report["year"] == 2024
    assert data["years"] == [2024]


def test_a_cell_not_read_is_null_never_zero():
    panel = _panel("pingtan-zone-2023.html", "pingtan-zone-2024.html")
    lost = (panel["source_file"].astype(str).str.endswith("2024.html") & (panel["table"].astype(str) == "requests")
            & (panel["row"].astype(str) == "total_processed") & (panel["column"].astype(str) == "total"))
    assert lost.sum() == 1
    panel.loc[lost, "value"] = np.nan
    panel.loc[lost, "status"] = "missing"
    data = site_data(panel)
    bad = _rows(data, "volumes", "pingtan-zone-2024.html")
    assert bad["total_processed"]["count"] is None and bad["total_processed"]["complete"] == 0
    assert "requests/total_processed/total" in bad["total_processed"]["missing_cells"]
    shares = _rows(data, "outcomes", "pingtan-zone-2024.html")
    assert all(r["share"] is None for r in shares.values())  # no denominator: no share, never 0
    good = _rows(data, "volumes", "pingtan-zone-2023.html")
    assert good["total_processed"]["count"] == 81 and good["total_processed"]["complete"] == 1


def test_years_span_the_gaps():
    data = site_data(_panel("pingtan-zone-2019.html", "pingtan-zone-2022.html"))
    assert data["years"] == [2019, 2020, 2021, 2022]  # the page shows 2020 and 2021 as "no report"
    assert {k for k in data["texts"]} >= {"site.no_report", "volumes.new_received", "outcomes.withheld", "group.unable"}
