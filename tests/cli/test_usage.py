"""Usage errors, help and bad inputs of every subcommand: exit 2, one line that shows the subcommand's own usage."""

from __future__ import annotations

import argparse

import pytest
from support import RAW

import toolkit
from toolkit.cli import build_parser, main


@pytest.mark.parametrize("command", ["parse", "export", "validate", "codebook", "agencies"])
def test_mistyped_option_shows_the_subcommands_usage(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--ouput", "x.csv", str(RAW), *(["-o", "y.csv"] if command == "export" else [])])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"toolkit {command}: error: "), err
    assert "--ouput" in err[0] and f"(usage: toolkit {command} [-h]" in err[0], err


def test_mistyped_option_of_collect_is_one_line_naming_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["collect", "http://127.0.0.1:9/", "-o", "x", "--dleay", "1"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "toolkit collect" in err[0] and "--dleay" in err[0]


def test_every_subcommand_has_the_exit_status_footer_and_help_on_every_option():
    parser = build_parser()
    assert set(parser.subcommands) >= {"parse", "export", "validate", "codebook", "agencies", "collect"}
    for name, sub in parser.subcommands.items():
        text = sub.format_help()
        assert "\nexit status:\n  0    success" in text, name
        assert "\n  2    " in text, name
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"toolkit {name}: {action.dest} has no help text"


def test_export_of_a_folder_without_shards_is_one_line_exit_2(tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["export", str(RAW), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds no shards" in err[0] and str(RAW) in err[0]
    assert not out.exists()


def test_export_to_an_unknown_format_is_a_usage_error(tmp_path, capsys):
    tidy = tmp_path / "c.csv"
    assert main(["parse", str(RAW / "ninghe-kejiju-2023.txt"), "-o", str(tidy), "--workers", "1", "-q"]) == 0
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(tidy), "-o", str(tmp_path / "x.docx")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "x.docx" in err[0] and "(usage: toolkit export [-h]" in err[0], err
    assert not (tmp_path / "x.docx").exists()


def test_export_of_a_missing_path_is_one_line(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere" in err[0]


def test_read_report_of_a_folder_points_to_read_reports():
    with pytest.raises(toolkit.ToolkitError, match="read_reports"):
        toolkit.read_report(RAW)
