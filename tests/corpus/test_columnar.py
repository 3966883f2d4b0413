"""The batch path (plain columns per report, one Arrow table per chunk) gives the frames read_report gives."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from support import ROOT

import toolkit
from toolkit.corpus import conform_tidy, read_reports
from toolkit.corpus.agencies import annotate_report, facts_for
from toolkit.corpus.worker import _Cells
from toolkit.read.report import read_cells
from toolkit.read.tidy import TIDY_ARROW, frame_of_table, tidy_frame, tidy_table

RAW = sorted(p for p in (ROOT / "data/raw").iterdir() if p.suffix in (".txt", ".html"))


def test_read_cells_is_read_report_without_the_frame():
    for path in RAW:
        columns, meta, _ = read_cells(path)
        report = toolkit.read_report(path)
        pd.testing.assert_frame_equal(tidy_frame(columns), report.data)
        assert meta == report.meta


def test_chunk_table_gives_the_concatenated_report_frames(tmp_path):
    # with what data/raw's agencies.csv and SOURCES.csv state applied, as `toolkit validate` applies it to a report
    facts = facts_for([str(p) for p in RAW])
    expected = conform_tidy(pd.concat([annotate_report(toolkit.read_report(p), *facts[str(p)]).data for p in RAW],
                                      ignore_index=True))
    assert expected["agency_id"].notna().all()
    got = read_reports(RAW, engine="serial", progress=False).data
    pd.testing.assert_frame_equal(got, expected)
    cached = tmp_path / "cache"
    read_reports(RAW, engine="serial", cache_dir=cached, progress=False)  # fills the cache
    again = read_reports(RAW, engine="serial", cache_dir=cached, progress=False)
    assert again.stats["cached"] == len(RAW)
    pd.testing.assert_frame_equal(again.data, expected)


def test_chunk_cells_keep_file_order_across_cached_tables_and_varying_report_columns():
    a, _, _ = read_cells(RAW[0])
    b, _, _ = read_cells(RAW[1])
    c, _, _ = read_cells(RAW[2])
    c = {k: list(v) for k, v in c.items()}
    c["agency"][-1] = "another agency"  # a column assumed constant per report that is not: kept as printed
    cells = _Cells()
    cells.add(a)
    cells.add(tidy_table(b))  # a cache hit between two parsed files
    cells.add(c)
    table = cells.table()
    assert table.schema == TIDY_ARROW
    expected = pd.concat([tidy_frame(x) for x in (a, b, c)], ignore_index=True)
    pd.testing.assert_frame_equal(frame_of_table(table), expected)
    assert pa.concat_tables([tidy_table(x) for x in (a, b, c)]).equals(table)
