"""An installed copy carries its data: the wheel, installed into a fresh venv, loads the demo panel and the
bundled real reports from any directory, and writes figures under the working directory.

The wheel is built from a copy of the project's sources (the checkout is never written to), installed with
``--no-deps`` into a venv made in a temporary folder, and given the shared venv's dependencies through a
``.pth`` line: that line only appends the shared ``site-packages`` to ``sys.path`` (its own ``.pth`` files,
such as the editable install's finder, are not run), so ``toolkit`` can only come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest
from support import RAW, ROOT

from toolkit.corpus.loaders import load_demo, load_reports

UV = Path(sys.executable).with_name("uv")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not UV.exists(), reason="needs uv in the venv (make test installs it)")]

# What a wheel is built from (pyproject's packages, setup.py's bundled data, the readme named as metadata).
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "toolkit", "data/raw", "data/synthetic")

PROBE = """
import json, sys
from pathlib import Path
import toolkit
from toolkit.analyse import charts
demo = toolkit.load_demo()
real = toolkit.load_reports(toolkit.raw_dir())
print(json.dumps({
    "toolkit": toolkit.__file__,
    "raw_dir": str(toolkit.raw_dir()),
    "demo_rows": len(demo), "demo_synthetic": bool(demo["synthetic"].all()),
    "real_rows": len(real), "real_files": sorted({Path(f).name for f in real["source_file"].astype(str)}),
    "real_synthetic": sorted(set(real["synthetic"].tolist())),
    "figures": str(charts.figures_dir()),
}))
"""


def _build_wheel(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, src / name)
    dist = tmp_path / "dist"
    # With build isolation: the backend pyproject asks for (setuptools>=68, which builds wheels itself)
    # comes from the package index or uv's cache; the test venv's own setuptools may be older.
    proc = subprocess.run([str(UV), "build", "--wheel", "-q", "--python", sys.executable, "-o", str(dist), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = dist.glob("*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    proc = subprocess.run([str(UV), "pip", "install", "-q", "--no-deps", "--python", str(py), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    shared = sysconfig.get_path("purelib")  # this (shared) venv's dependencies, without toolkit: it is installed editable
    assert not (Path(shared) / "toolkit").exists(), f"{shared} holds a toolkit package: the probe could import it"
    (Path(site) / "shared_venv.pth").write_text(shared + "\n")
    return py


def test_wheel_installed_elsewhere_loads_its_bundled_data(tmp_path):
    wheel = _build_wheel(tmp_path)
    py = _fresh_venv(tmp_path, wheel)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "TOOLKIT_DATA_DIR", "TOOLKIT_DEMO_DIR", "TOOLKIT_FIGURES_DIR", "VIRTUAL_ENV"}}
    proc = subprocess.run([str(py), "-c", PROBE], capture_output=True, text=True, cwd=work, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])

    venv = tmp_path / "venv"
    assert Path(got["toolkit"]).is_relative_to(venv), got["toolkit"]  # the wheel's toolkit, not the checkout's
    assert Path(got["raw_dir"]).is_relative_to(venv), got["raw_dir"]
    assert got["figures"] == str(work / "outputs" / "figures")

    # The same rows as the checkout's data: the demo panel, and every real report SOURCES.csv lists.
    assert got["demo_rows"] == len(load_demo()) > 0 and got["demo_synthetic"]
    listed = sorted(pd.read_csv(RAW / "SOURCES.csv")["file"].astype(str))
    assert got["real_files"] == listed
    assert got["real_rows"] == len(load_reports(RAW)) > 0
    assert got["real_synthetic"] == [False]
