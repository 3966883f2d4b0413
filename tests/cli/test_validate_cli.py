"""`toolkit validate` through validate_command (the lead wires it into toolkit.cli) and the quality summary."""

from __future__ import annotations

import argparse
import io
import json
import re

import pandas as pd
import pytest
from support import RAW, TEMPLATE
from support.gaps import HONGZE_2023, assert_blank_totals_said, row_removed, two_numbers_changed

from toolkit import validate
from toolkit.cli.validate import add_validate_parser
from toolkit.corpus.loaders import load_reports
from toolkit.read.report import read_report
from toolkit.synthetic.render.text import render_text
from toolkit.synthetic.values import report_spec
from toolkit.validation.api import run_checks
from toolkit.validation.quality import quality_summary


def run(argv: list[str], capsys) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="toolkit")
    add_validate_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr().out


def broken_file(tmp_path):
    spec = report_spec(5, agency="示例市人民政府", year=2023, templates="2021", activity=8)
    c = spec.cells
    i = (c.table == "review_litigation") & (c.row == "reconsideration") & (c.column == "total")
    c.loc[i, ["value", "raw"]] = [c.loc[i, "value"].item() + 1, f"{c.loc[i, 'value'].item() + 1:g}"]
    path = tmp_path / "broken.txt"
    path.write_bytes(render_text(spec))
    return path


def test_clean_reports_exit_0(capsys):
    code, out = run(["validate", str(RAW / "ninghe-kejiju-2023.txt"), str(RAW / "shanghai-gov-office-2019.html")], capsys)
    assert code == 0
    assert "== " + str(RAW / "shanghai-gov-office-2019.html") in out
    assert "WARNING W3" in out and "ERROR" not in out
    assert "blank-cell rule" in out


def test_errors_exit_1_grouped_by_file(tmp_path, capsys):
    code, out = run(["validate", str(broken_file(tmp_path)), str(RAW / "ninghe-kejiju-2023.txt")], capsys)
    assert code == 1
    broken_part = out.split("== ")[1]
    assert "broken.txt" in broken_part and "ERROR   H4" in broken_part


def test_unreadable_file_exit_2_others_still_checked(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是年度报告。", encoding="utf-8")
    code, out = run(["validate", str(bad), str(RAW / "ninghe-kejiju-2023.txt")], capsys)
    assert code == 2
    assert "ninghe-kejiju-2023.txt" in out and "UNREADABLE" in out


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_machine_formats(tmp_path, capsys, fmt):
    code, out = run(["validate", "--format", fmt, str(broken_file(tmp_path))], capsys)
    assert code == 1
    if fmt == "csv":
        df = pd.read_csv(io.StringIO(out))
        assert {"rule", "severity", "expected", "observed", "message", "location"} <= set(df.columns)
        assert (df.rule == "H4").sum() == 1
    else:
        doc = json.loads(out)
        assert [i["rule"] for i in doc["issues"] if i["severity"] == "error"] == ["H4"]
        assert doc["summary"][0]["failed"] >= 1


def test_directory_input(capsys):
    code, out = run(["validate", str(RAW)], capsys)
    files = sorted(p for p in RAW.iterdir() if p.name not in ("SOURCES.csv", "agencies.csv"))
    assert out.count("\n== ") + out.startswith("== ") == len(files)
    # 平潭 2020 prints outcome rows summing to 26 against a （七）总计 of 20 (an error as printed); its other years have none
    errors = [b.split("\n", 1)[0].removeprefix("== ") for b in out.split("\n== ") if "ERROR" in b]
    assert code == 1 and [e for e in errors if "pingtan" in e] == [f"{RAW / 'pingtan-zone-2020.html'} · 平潭综合实验区 2020"], out


def test_quality_summary_per_report_and_rule():
    reports = [read_report(RAW / f) for f in ("ninghe-kejiju-2023.txt", "shanghai-gov-office-2019.html")]
    q = quality_summary(reports)
    assert list(q.agency) == [r.meta["agency"] for r in reports]
    assert (q.checked + q.not_assessable == q.passed + q.failed + q.imputed + q.not_assessable).all()
    assert q.hard_ok.all()
    by_rule = quality_summary(reports, by_rule=True)
    shanghai = by_rule[by_rule.report_id == reports[1].meta["report_id"]].set_index("rule")
    assert shanghai.loc["H2", ["passed", "imputed", "failed"]].tolist() == [12, 11, 0]
    assert shanghai.loc["W3", "failed"] == 2


def test_quality_summary_of_an_empty_template():
    q = quality_summary(read_report(TEMPLATE, partial=True))
    assert q.checked.item() == 1 and q.not_assessable.item() == 6 + 25 + 6 + 3 + 1 + 2  # H1 H2 H3 H4 W2 W4; only W5 (scope) is assessed
    assert not q.hard_ok.item()


def test_checks_table_for_blank_totals(capsys):
    """`--format csv --checks`: one row per check instance; every check through a blank total of Shanghai 2019
    is not assessable or says the blanks were counted as 0."""
    path = RAW / "shanghai-gov-office-2019.html"
    code, out = run(["validate", str(path), "--format", "csv", "--checks"], capsys)
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"reason": str})
    assert table.columns.tolist() == ["report_id", "source_file", "rule", "table", "instance", "outcome", "reason"]
    report = read_report(path)
    assert len(table) == len(run_checks(report).checks)
    assert_blank_totals_said(table, report.data)


def test_checks_json_and_text_refused(capsys):
    code, out = run(["validate", str(RAW / "ninghe-kejiju-2023.txt"), "--format", "json", "--checks"], capsys)
    checks = json.loads(out)["checks"]
    assert code == 0 and {c["outcome"] for c in checks} == {"passed", "not_assessable"}
    # no previous year in the input: the bound on repealed documents cannot be checked, and says why
    assert {c["reason"] for c in checks if c["outcome"] == "not_assessable"} == {"no report of the previous year"}
    parser = argparse.ArgumentParser(prog="toolkit")
    add_validate_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["validate", str(RAW / "ninghe-kejiju-2023.txt"), "--checks"])
    assert args.func(args) == 2
    assert "--format csv" in capsys.readouterr().err


def test_rule_printed_once(tmp_path, capsys):
    code, out = run(["validate", str(HONGZE_2023), str(RAW / "pingtan-zone-2023.html"), str(row_removed(tmp_path))], capsys)
    assert code == 1
    assert "WARNING W3 正文" in out and "ERROR   H4 「行政复议」" in out and "ERROR   missing_row  缺行" in out
    assert not re.search(r"(ERROR|WARNING)\s+(\w+)\s+\2", out)


def test_cli_api_and_notebook_frame_list_the_same_findings(tmp_path, capsys):
    """`toolkit validate --format csv`, toolkit.validate on the Reports and on load_reports' panel: one set of findings."""
    folder = tmp_path / "reports"
    folder.mkdir()
    row_removed(folder)
    two_numbers_changed(folder)
    (folder / HONGZE_2023.name).write_bytes(HONGZE_2023.read_bytes())
    code, out = run(["validate", str(folder), "--format", "csv"], capsys)
    assert code == 1
    cli = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    api = validate([read_report(p) for p in sorted(folder.iterdir())])
    panel = validate(load_reports(folder))
    key = ["report_id", "rule", "severity", "table", "row", "column", "message_zh", "message_en"]

    def rows(df):
        return sorted(map(tuple, df[key].astype(object).where(df[key].notna(), "").astype(str).values.tolist()))

    assert rows(cli) == rows(api) == rows(panel)
    assert {"missing_row", "H2", "H4", "W3"} <= set(cli["rule"])
