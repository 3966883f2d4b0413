"""`make lab` installs what the notebooks need and no test-only package.

Runs the install commands `make -n lab` prints, on a fresh copy of the project
and a fresh venv, with ``uv pip install --dry-run``: uv resolves exactly what
`make lab` would install, without downloading it.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from support import ROOT

UV = Path(sys.executable).with_name("uv")
# Test extras that the notebooks need anyway: jupyterlab depends on them itself.
ALSO_NEEDED_BY_LAB = {"nbclient", "nbformat"}

pytestmark = pytest.mark.skipif(not UV.exists() or shutil.which("make") is None, reason="needs uv in the venv and make")


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~\[;]", req, maxsplit=1)[0].lower().replace("_", "-")


def _would_install(target: str, tmp_path: Path) -> set[str]:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    for name in ("Makefile", "pyproject.toml", "README.md", "scripts/system-deps.sh"):  # the working tree's, uncommitted too
        shutil.copy(ROOT / name, clone / name)
    plan = subprocess.run(["make", "-n", target], capture_output=True, text=True, cwd=clone, check=True).stdout
    installs = [line for line in plan.splitlines() if " pip install " in line and "-e" in line]
    assert installs, plan
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(clone / ".venv")], check=True)
    names: set[str] = set()
    for line in installs:
        argv = [str(UV) if a.endswith("/bin/uv") else a for a in shlex.split(line)]
        argv = [a for a in argv if a != "-q"] + ["--dry-run"]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=clone)
        assert proc.returncode == 0, proc.stderr
        names |= {m.lower() for m in re.findall(r"^ \+ ([\w.-]+)==", proc.stdout + proc.stderr, flags=re.M)}
    return {n.replace("_", "-") for n in names}


def test_make_lab_installs_no_test_only_package(tmp_path):
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_only = {_name(r) for r in meta["optional-dependencies"]["test"]} - ALSO_NEEDED_BY_LAB
    test_only -= {_name(r) for r in meta["dependencies"]}
    assert {"pytest", "playwright", "pymupdf"} <= test_only
    lab = _would_install("lab", tmp_path)
    assert {"jupyterlab", "matplotlib", "ipywidgets", "nbclient"} <= lab  # what the notebooks and their runner need
    assert not lab & test_only, f"make lab would install test-only packages: {sorted(lab & test_only)}"


def test_make_test_installs_the_test_extras(tmp_path):
    assert {"pytest", "playwright", "pymupdf", "hypothesis"} <= _would_install("test", tmp_path)
