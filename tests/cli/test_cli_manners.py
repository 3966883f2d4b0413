"""The command line's Unix manners: closed pipes, progress bars, colour, version, exit codes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest
from support import RAW, ROOT

CLI = [sys.executable, "-m", "toolkit.cli"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_closed_pipe_is_quiet():
    # The shell pipeline itself: head exits after one line, toolkit must not print a traceback.
    cmd = f"{sys.executable} -m toolkit.cli codebook --lang en | head -1"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=ROOT, env=ENV)
    assert proc.stdout.startswith("table,axis,key")
    assert proc.stdout.count("\n") == 1
    assert proc.stderr == "", proc.stderr


def test_closed_pipe_while_parsing_to_stdout():
    cmd = f"{sys.executable} -m toolkit.cli parse {RAW} --workers 1 | head -1; exit ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=ROOT, env=ENV)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.returncode == 141


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("rep")
    for i in range(3):
        (d / f"r{i}.txt").write_bytes((RAW / "ninghe-kejiju-2023.txt").read_bytes())
    return d


def parse_with_stderr_to_file(tmp_path, reports, *flags, env=ENV):
    log = tmp_path / "log.txt"
    with open(log, "wb") as err:
        proc = subprocess.run([*CLI, "parse", str(reports), "-o", str(tmp_path / "c.parquet"), "--workers", "2", *flags],
                              stderr=err, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return proc.returncode, log.read_bytes().decode("utf-8")


def test_stderr_to_a_file_has_the_summary_and_no_redraws(tmp_path, reports):
    rc, log = parse_with_stderr_to_file(tmp_path, reports)
    assert rc == 0, log
    assert "\r" not in log and "\x1b" not in log
    assert log.splitlines() == ["3 parsed, 0 failed"]


def test_progress_flag_forces_the_bar_and_quiet_drops_everything(tmp_path, reports):
    rc, log = parse_with_stderr_to_file(tmp_path, reports, "--progress")
    assert rc == 0 and "\r" in log and "3/3" in log and log.rstrip().endswith("3 parsed, 0 failed")
    rc, log = parse_with_stderr_to_file(tmp_path, reports, "--quiet")
    assert rc == 0 and log == ""


def _run_on_a_terminal(args, env):
    """Run with stderr on a pseudo-terminal; return what the terminal got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_a_bar_and_colour_unless_no_color(tmp_path, reports):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    args = [*CLI, "parse", str(reports), str(bad), "-o", str(tmp_path / "c.parquet"), "--workers", "1"]
    rc, tty = _run_on_a_terminal(args, {**ENV, "TERM": "xterm"})
    assert rc == 1 and "\r" in tty and "\x1b[31merror:" in tty
    env = {**ENV, "TERM": "xterm", "NO_COLOR": "1"}
    rc, tty = _run_on_a_terminal(args, env)
    assert rc == 1 and "error: " in tty and "\x1b[31m" not in tty
    # and into a file: no ANSI at all, colour or not
    rc, log = parse_with_stderr_to_file(tmp_path, reports, env={**ENV, "TERM": "xterm"})
    assert "\x1b" not in log


def test_version_names_package_and_parser():
    from toolkit import __version__
    from toolkit.version import PARSER_VERSION

    proc = subprocess.run([*CLI, "--version"], capture_output=True, text=True, cwd=ROOT, env=ENV)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"toolkit {__version__} (parser {PARSER_VERSION})"


def test_help_documents_exit_codes():
    for args in ([], ["parse"]):
        proc = subprocess.run([*CLI, *args, "--help"], capture_output=True, text=True, cwd=ROOT, env=ENV)
        assert proc.returncode == 0
        assert "exit status:" in proc.stdout
        for code in ("0 ", "1 ", "2 ", "130", "141"):
            assert f"\n  {code}" in proc.stdout
