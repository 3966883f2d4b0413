"""Corrections as data: review → template → fill in → validate/parse/export/load with --corrections.

The folder holds a clean synthetic report and one with two published numbers
changed (tests/support/changed.py). Restoring those two numbers in the template
``toolkit review --corrections-template`` writes makes ``toolkit validate`` pass;
the parsed cells keep what was printed. A stale line or a foreign sha256 is refused
in one line naming the corrections file and line, and nothing is written.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from support import RAW, ROOT
from support.changed import changed_folder

from toolkit import read_report
from toolkit.corpus import read_reports
from toolkit.corpus.corrections import COLUMNS, CorrectionsError, apply_corrections
from toolkit.corpus.loaders import load_reports
from toolkit.spreadsheet import read_csv


def run(*args):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """The review's template, with the two changed cells restored by a reviewer."""
    d = tmp_path_factory.mktemp("corrections")
    reports = d / "reports"
    reports.mkdir()
    changed = changed_folder(reports)
    template = d / "template.csv"
    proc = run("review", str(reports), "-o", str(d / "review.html"), "--no-pictures", "--corrections-template", str(template))
    assert proc.returncode == 0, proc.stderr
    t = read_csv(template, dtype=str, keep_default_na=False)
    assert list(t.columns) == list(COLUMNS)
    sha = read_report(reports / "changed.html").meta["source_sha256"]
    assert set(t["sha256"]) == {sha}  # only the changed report has failed checks
    for (row, col), (printed, _) in changed.items():
        line = t[(t["row"] == row) & (t["column"] == col)]
        assert line["printed"].tolist() == [printed] and line["corrected"].tolist() == [""]
    for (row, col), (_, true) in changed.items():
        i = (t["row"] == row) & (t["column"] == col)
        t.loc[i, ["corrected", "reason", "by", "date"]] = [true, "misprint: the row and column sums agree on it",
                                                           "A. Reviewer", "2026-12-07"]
    path = d / "corrections.csv"
    t.to_csv(path, index=False)
    return reports, path, changed


def test_validate_with_the_corrections_passes_and_without_fails(filled):
    reports, path, _ = filled
    assert run("validate", str(reports)).returncode == 1
    proc = run("validate", str(reports), "--corrections", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "failed 0" in proc.stdout


def test_parse_keeps_the_printed_value_beside_the_corrected_one(filled, tmp_path):
    reports, path, changed = filled
    out = tmp_path / "cells.csv"
    proc = run("parse", str(reports), "--workers", "1", "--corrections", str(path), "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    d = read_csv(out, dtype={"raw": str})
    fixed = d[d["correction"].notna()].set_index(["row", "column"])
    assert set(fixed.index) == set(changed)
    for (row, col), (printed, true) in changed.items():
        cell = fixed.loc[(row, col)]
        assert cell["raw"] == printed and cell["value_printed"] == float(printed) and cell["value"] == float(true)
        assert cell["correction"] == "misprint: the row and column sums agree on it (A. Reviewer, 2026-12-07)"
    assert d.loc[d["correction"].isna(), "value_printed"].isna().all()  # the other cells are as printed


def test_export_and_load_reports_and_read_reports_apply_it(filled, tmp_path):
    reports, path, changed = filled
    panel = load_reports(reports, corrections=path)
    data = read_reports([reports], engine="serial", progress=False, corrections=path).data
    for frame in (panel, data):
        assert frame["correction"].notna().sum() == len(changed)
    src = tmp_path / "cells.parquet"
    read_reports([reports], engine="serial", progress=False).data.to_parquet(src)
    out = tmp_path / "fixed.parquet"
    proc = run("export", str(src), "-o", str(out), "--corrections", str(path))
    assert proc.returncode == 0, proc.stderr
    again = tmp_path / "again.parquet"  # applied twice: the printed number stays the printed one
    assert run("export", str(out), "-o", str(again), "--corrections", str(path)).returncode == 0
    for f in (out, again):
        d = pd.read_parquet(f)
        row = d[(d["row"] == "disclosed") & (d["column"] == "total") & d["correction"].notna()]
        assert row["value_printed"].tolist() == [float(changed[("disclosed", "total")][0])]


def _edit(path, tmp_path, **change) -> str:
    t = read_csv(path, dtype=str, keep_default_na=False)
    i = t.index[t["corrected"] != ""][0]
    for k, v in change.items():
        t.loc[i, k] = v
    out = tmp_path / "edited.csv"
    t.to_csv(out, index=False)
    return str(out), int(i) + 2  # the file's line number (header = 1)


@pytest.mark.parametrize("change, problem", [
    ({"printed": "99999"}, "printed"),  # the file's cell no longer prints what the reviewer saw
    ({"sha256": "0" * 64}, "is not among the files read"),
    ({"row": "no_such_row"}, "unknown cell"),
    ({"corrected": "twelve"}, "is not a number"),
    ({"reason": ""}, "needs a reason"),
])
def test_a_stale_or_wrong_correction_is_refused_naming_file_and_line(filled, tmp_path, change, problem):
    reports, path, _ = filled
    bad, line = _edit(path, tmp_path, **change)
    for args in (["validate", str(reports)], ["parse", str(reports), "--workers", "1", "-o", str(tmp_path / "x.csv")]):
        proc = run(*args, "--corrections", bad)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and f"{bad}: line {line}:" in proc.stderr and problem in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(CorrectionsError, match=f"line {line}"):
        load_reports(reports, corrections=bad)


def test_a_correction_of_another_corpus_is_refused(filled):
    _, path, _ = filled
    with pytest.raises(CorrectionsError, match="line .*: sha256 .* is not among the files read"):
        apply_corrections(read_report(RAW / "ninghe-kejiju-2023.txt").data, path)
