"""The house as a contract: stages import only downwards, synthetic code is walled
off, the package root stays small, ruff is clean and no document is cited that the
repository does not hold."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    exe = BIN / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: `make test` installs the test extras")
    return found


def test_layers_contract_holds():
    # import-linter reads [tool.importlinter] in pyproject.toml: a new upward import or a loop fails here.
    out = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "broken" not in out.stdout.split("Contracts:")[-1].replace("0 broken", "")


def test_ruff_is_clean():
    # the curated notebooks too: unused imports and unsorted import blocks are found in .ipynb cells as in .py files
    out = subprocess.run([_tool("ruff"), "check", "toolkit", "tests", "benchmarks", "scripts", "notebooks"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:]
    # a bare `ruff check` (editors, pre-commit) reads them as well: the config neither excludes nor omits them
    listed = subprocess.run([_tool("ruff"), "check", "--show-files"], cwd=ROOT, capture_output=True, text=True)
    assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} <= \
        {Path(line).name for line in listed.stdout.split() if line.endswith(".ipynb")}, "pyproject [tool.ruff] must include notebooks"


def test_package_root_holds_at_most_nine_modules():
    # atomic is the ninth: the one atomic writer, below both collect and corpus that use it
    modules = sorted(p.name for p in (ROOT / "toolkit").glob("*.py"))
    assert len(modules) <= 9, modules


def _python_files(*dirs: str):
    for d in dirs:
        yield from (ROOT / d).rglob("*.py")


def test_only_the_cli_imports_synthetic_code():
    pattern = re.compile(r"^\s*(from|import)\s+toolkit\.synthetic\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("toolkit")
                 if "synthetic" not in p.relative_to(ROOT).parts and not p.relative_to(ROOT).parts[1] == "cli"
                 and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_cited_documents_are_in_the_repository():
    texts = [p for p in _python_files("toolkit", "tests", "benchmarks", "scripts")]
    texts += [ROOT / "README.md", *(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "docs").glob("*.md")]
    missing = []
    for p in texts:
        text = p.read_text(encoding="utf-8")
        if re.search(r"\bSPEC(\.md)?\s*§", text):
            missing.append(f"{p.relative_to(ROOT)} cites SPEC, which is not in the repository")
        for doc in re.findall(r"\b(docs/[\w./-]+\.md)", text):
            if not (ROOT / doc).exists():
                missing.append(f"{p.relative_to(ROOT)} cites {doc}")
    assert missing == []


def test_no_merge_conflict_markers_in_tracked_text():
    """A merge resolved in a hurry can leave ``<<<<<<<`` blocks in prose, which no other test reads."""
    out = subprocess.run(["git", "grep", "-nIE", r"^(<{7}|>{7}) |^={7}$", "--", ".", ":!data/raw"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode == 128:
        pytest.skip("not a git checkout")
    assert out.stdout == "", out.stdout


# A test path cited in prose: tests/read/test_tables.py, tests/collect/, tests/validation/test_validate*.py.
_TEST_PATH = re.compile(r"(?<![\w/.-])tests/[\w.*/-]*[\w*/]")


def test_cited_test_paths_exist():
    # The map of tests (tests/README.md), the documents, the data cards and the code's docstrings and comments
    # send a reader to test files; a test moved into a subfolder must not leave them pointing at nothing.
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "data").rglob("DATA_CARD*"),
             *(ROOT / "tests").rglob("*.md"), *(ROOT / "notebooks").glob("*.ipynb")]
    texts += _python_files("toolkit", "tests", "benchmarks", "scripts")
    missing = []
    for p in texts:
        for cited in sorted(set(_TEST_PATH.findall(p.read_text(encoding="utf-8")))):
            found = any(ROOT.glob(cited.rstrip("/"))) if "*" in cited else (ROOT / cited).exists()
            if not found:
                missing.append(f"{p.relative_to(ROOT)} cites {cited}")
    assert missing == []


def test_the_slow_list_names_tests_that_exist():
    # tests/conftest.py marks whole files and single tests slow by name: a renamed test must not
    # silently fall out of that list (nor a renamed file).
    import importlib.util

    # By its path: pytest may hold another folder's conftest under the bare name ``conftest``.
    spec = importlib.util.spec_from_file_location("tests_conftest", ROOT / "tests" / "conftest.py")
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    missing = [f for f in [*conftest.SLOW_FILES, *conftest.SLOW_TESTS] if not (ROOT / "tests" / f).exists()]
    for f, names in conftest.SLOW_TESTS.items():
        if (ROOT / "tests" / f).exists():
            text = (ROOT / "tests" / f).read_text(encoding="utf-8")
            missing += [f"{f}::{n}" for n in names if not re.search(rf"^def {n}\(", text, re.M)]
    assert missing == []


def test_no_module_over_five_hundred_lines():
    """Rooms stay small enough to read in one sitting: a module that outgrows 500 lines is split by what it does."""
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "toolkit").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
