"""Start-up: ``import toolkit``, ``toolkit --version``, ``--help`` and usage errors load no heavy library.

Each check runs in a new interpreter (this one has imported everything already) and prints the heavy modules
found in ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import ROOT

HEAVY = ("pandas", "pyarrow", "httpx", "matplotlib", "lxml", "fitz", "onnxruntime")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

PROBE = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.__stderr__)
"""


def _heavy_after(code: str) -> tuple[list[str], subprocess.CompletedProcess]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)], capture_output=True,
                          text=True, cwd=ROOT, env=ENV, timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1]), proc


def test_import_toolkit_loads_nothing_heavy():
    heavy, proc = _heavy_after("import toolkit")
    assert proc.returncode == 0, proc.stderr
    assert heavy == []


CLI_RUN = """
from toolkit.cli import main
try:
    status = main({argv!r})
except SystemExit as exc:
    status = exc.code
print("status", status, file=sys.__stderr__)
"""


@pytest.mark.parametrize("argv", [
    ["--version"], ["--help"], ["parse", "--help"], ["export", "--help"], ["validate", "--help"],
    ["codebook", "--help"], ["agencies", "--help"], ["collect", "--help"],
    ["parse", "--ouput", "x.csv", "data/raw"], ["export"], ["no-such-command"], [],
])
def test_cli_start_up_loads_nothing_heavy(argv):
    heavy, proc = _heavy_after(CLI_RUN.format(argv=argv))
    assert heavy == [], f"toolkit {' '.join(argv)} imported {heavy}"
    assert "Traceback" not in proc.stderr


def test_lazy_names_are_complete():
    """Every public name resolves, and dir() lists them (tab completion and the docs see them all)."""
    code = """
import toolkit
missing = [n for n in toolkit.__all__ if getattr(toolkit, n, None) is None]
assert not missing, missing
assert set(toolkit.__all__) <= set(dir(toolkit))
assert callable(toolkit.collect) and callable(toolkit.read_reports)
from toolkit.read.report import read_report
assert toolkit.read_report is read_report
import toolkit.collect.crawl  # binds the package to toolkit.collect: still the collector
assert callable(toolkit.collect)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=120)
    assert proc.returncode == 0, proc.stderr
