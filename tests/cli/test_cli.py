"""The command line, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from support import RAW, ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_parse_writes_utf8_sig_csv_and_reports_failures(tmp_path):
    bad = tmp_path / "broken.html"
    bad.write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    out = tmp_path / "cells.csv"
    proc = run("parse", str(RAW / "ninghe-kejiju-2023.txt"), str(RAW / "shanghai-gov-office-2019.html"), str(bad), "-o", str(out))
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {bad}: not an annual report: no 政府信息公开工作年度报告 title and none of tables 二/三/四"]
    assert "Traceback" not in proc.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert len(df) == 200 + 198 and df["agency"].nunique() == 2


def test_parse_parquet_keeps_categoricals(tmp_path):
    out = tmp_path / "cells.parquet"
    proc = run("parse", str(RAW / "ninghe-kejiju-2023.txt"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    df = pd.read_parquet(out)
    assert len(df) == 200 and isinstance(df["row"].dtype, pd.CategoricalDtype)


def test_codebook_in_english():
    proc = run("codebook", "--lang", "en")
    assert proc.returncode == 0
    assert "Natural persons" in proc.stdout and "自然人" in proc.stdout


def test_parse_reproduces_expected_cells_of_both_fixtures(tmp_path):
    from support import expected_cells

    out = tmp_path / "cells.csv"
    files = {"ninghe-kejiju-2023": RAW / "ninghe-kejiju-2023.txt", "shanghai-gov-office-2019": RAW / "shanghai-gov-office-2019.html"}
    proc = run("parse", *map(str, files.values()), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    got = pd.read_csv(out, encoding="utf-8-sig", dtype={"raw": str}, keep_default_na=False)
    for stem, path in files.items():
        want = expected_cells(stem)
        mine = got[got["source_file"] == str(path)][["table", "row", "column", "value", "raw"]]
        merged = want.merge(mine, on=["table", "row", "column"], how="outer", suffixes=("_want", "_got"))
        assert len(merged) == len(want) == len(mine)
        assert (pd.to_numeric(merged["value_want"]).fillna(-1) == pd.to_numeric(merged["value_got"]).fillna(-1)).all()
        assert (merged["raw_want"] == merged["raw_got"]).all()


def test_missing_path_is_one_line():
    for command in ("parse", "validate"):
        proc = run(command, "/no/such/reports")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.strip() == "error: /no/such/reports: no such file or folder"
