"""DuckDB queries over the shards, exports (CSV utf-8-sig, XLSX, Parquet), wide views and coverage."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from support import ROOT

import toolkit
from toolkit.corpus import load_cells, parse_to_parquet
from toolkit.synthetic.corpus import generate_corpus


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    base = tmp_path_factory.mktemp("q")
    src = base / "synthetic"
    sc = generate_corpus(src, n_reports=10, agencies=4, years=[2020, 2022, 2023], formats=("text", "html"), seed=11)
    (src / "2022" / "broken.html").write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    out = base / "out"
    parse_to_parquet(src, out, engine="serial", progress=False)
    return sc, out


def test_query_matches_pandas(parsed):
    sc, out = parsed
    got = toolkit.query(
        """SELECT agency, year, value FROM cells
           WHERE "table" = 'requests' AND "row" = 'new_received' AND "column" = 'total'
           ORDER BY agency, year""", out)
    cells = load_cells(out)
    want = (cells.query("table == 'requests' and row == 'new_received' and column == 'total'")
            [["agency", "year", "value"]].sort_values(["agency", "year"], ignore_index=True))
    assert got["value"].tolist() == want["value"].astype(float).tolist()
    assert got["year"].tolist() == want["year"].tolist()
    errors = toolkit.query("SELECT source_file, error_class FROM errors", out)
    assert errors["source_file"].str.endswith("broken.html").tolist() == [True]
    keys = toolkit.query("SELECT DISTINCT \"table\", \"row\" FROM cells", out)
    assert keys["row"].dtype == toolkit.codebook.category_dtype("row")  # categoricals restored


def test_query_needs_a_parsed_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="toolkit parse"):
        toolkit.query("SELECT 1", tmp_path)


@pytest.mark.parametrize("table", ["requests", "proactive", "review_litigation"])
def test_wide_views_one_row_per_report_and_same_values(parsed, table):
    sc, out = parsed
    cells = load_cells(out)
    fn = {"requests": toolkit.requests_table, "proactive": toolkit.proactive_table,
          "review_litigation": toolkit.review_table}[table]
    wide = fn(cells)
    assert len(wide) == cells["report_id"].nunique() == len(sc.reports)
    long = wide.melt(id_vars=["report_id", "source_file"], value_vars=[c for c in wide.columns if "__" in c])
    long[["row", "column"]] = long["variable"].str.split("__", expand=True)
    m = long.dropna(subset=["value"]).merge(cells[cells.table == table].astype({"row": str, "column": str}),
                                           on=["source_file", "row", "column"], suffixes=("_wide", ""))
    assert len(m) == long["value"].notna().sum()
    assert (m["value_wide"].astype(float) == m["value"].astype(float)).all()


def test_exports_round_trip(parsed, tmp_path):
    _, out = parsed
    wide = toolkit.requests_table(load_cells(out))
    csv = toolkit.export(wide, tmp_path / "requests.csv")
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert back["agency"].tolist() == wide["agency"].tolist()
    xlsx = toolkit.export(wide, tmp_path / "requests.xlsx")
    x = pd.read_excel(xlsx)
    assert x.shape == wide.shape
    assert (x["new_received__total"].astype(float) == wide["new_received__total"].astype(float)).all()
    cells = load_cells(out)
    pq = toolkit.export(cells, tmp_path / "cells.parquet")
    pd.testing.assert_frame_equal(toolkit.corpus.conform_tidy(pd.read_parquet(pq)), cells)
    with pytest.raises(ValueError, match=".csv, .xlsx or .parquet"):
        toolkit.export(wide, tmp_path / "x.json")


@pytest.mark.parametrize("args,suffix", [(["--table", "requests"], ".xlsx"), ([], ".parquet"),
                                          (["--sql", "SELECT agency, count(*) AS n FROM cells GROUP BY agency"], ".csv")],
                         ids=["wide-xlsx", "tidy-parquet", "sql-csv"])
def test_cli_export(parsed, tmp_path, args, suffix):
    _, out = parsed
    dest = tmp_path / f"export{suffix}"
    r = subprocess.run([sys.executable, "-m", "toolkit.cli", "export", str(out), "-o", str(dest), *args],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert dest.stat().st_size > 0


def test_coverage_matrix_marks_parsed_failed_and_missing(parsed):
    sc, out = parsed
    expected = pd.MultiIndex.from_product([sc.reports["agency"].unique(), [2020, 2022, 2023]],
                                          names=["agency", "year"]).to_frame(index=False)
    cov = toolkit.coverage(out, expected=expected)
    assert cov["found"].sum() == len(sc.reports) + 1
    assert cov.loc[cov["agency"] == "(unidentified)", ["year", "failed"]].values.tolist() == [[2022, 1]]
    assert cov["missing"].sum() == len(expected) - len(sc.reports)
    m = toolkit.coverage_matrix(out, expected=expected)
    row = sc.reports.iloc[0]
    assert m.loc[row["agency"], row["year"]] == "parsed"
    assert m.loc["(unidentified)", 2022] == "failed"
    assert (m == "missing").sum().sum() == len(expected) - len(sc.reports)
    # with a manifest, a failed file is attributed to its agency
    manifest = pd.DataFrame({"source_file": [str(sc.out_dir / "2022" / "broken.html")], "agency": ["某局"], "year": [2022]})
    assert toolkit.coverage_matrix(out, manifest=manifest).loc["某局", 2022] == "failed"


def test_coverage_matrix_of_a_tidy_frame_or_a_clear_error(parsed):
    sc, out = parsed
    cells = load_cells(out)
    m = toolkit.coverage_matrix(cells)
    files = toolkit.corpus.load_table(out, "files")
    ok = files[files["status"] == "parsed"]
    assert m.notna().values.any()
    for agency, year in zip(ok["agency"], ok["year"]):
        assert m.loc[agency, year] == "parsed"
    with pytest.raises(ValueError, match="lacks .*n_issues"):
        toolkit.coverage_matrix(pd.DataFrame({"source_file": ["a.txt"], "agency": ["x"], "year": [2020]}))
