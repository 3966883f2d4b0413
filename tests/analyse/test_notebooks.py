"""Every curated notebook executes headless (nbclient, a timeout per cell) with no error and no
stderr output (warnings), on the bundled data and, by changing one parameter, on a folder of reports."""

from __future__ import annotations

import nbformat
import pytest
from support import ROOT

from toolkit.analyse import notebooks as nbk

NOTEBOOKS = nbk.notebooks_in(ROOT / "notebooks")
CELL_TIMEOUT = 120
EXPECTED = ["00_quickstart", "10_request_volumes", "20_outcomes_and_refusals", "30_reconsideration_and_litigation",
            "40_data_quality", "50_one_government_over_time", "90_export_for_publication"]

# Executing a notebook starts a kernel: slow. Checking the committed files is instant.
slow = pytest.mark.slow


def test_the_curated_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert nbk.is_stripped(nb), f"run `python -m toolkit.analyse.notebooks strip notebooks` before committing {path.name}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell must be tagged `parameters`"
    assert "REPORTS = None" in code[0].source and "LANG = " in code[0].source
    assert "versions()" in code[1].source or "setup(" in code[1].source  # setup() prints the versions


def _bound(module: str, name: str):
    import importlib

    parent = importlib.import_module(module)
    try:
        return getattr(parent, name)
    except AttributeError:
        return importlib.import_module(f"{module}.{name}")  # a subpackage, as `from toolkit import site` imports it


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_imports_only_public_names_of_toolkit_or_toolkit_analyse(path):
    """No deep path (toolkit.corpus.loaders), no private name, no module reached through another (charts.fonts)."""
    import ast
    import types

    import toolkit

    nb = nbformat.read(path, as_version=4)
    tree = ast.parse("\n".join(c.source for c in nb.cells if c.cell_type == "code"))
    bound, wrong = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "toolkit":
                    if a.name != "toolkit":
                        wrong.append(f"import {a.name}")
                    bound[a.asname or a.name] = toolkit
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "toolkit":
            if node.module not in ("toolkit", "toolkit.analyse"):
                wrong.append(f"from {node.module} import ...")
                continue
            for a in node.names:
                if a.name.startswith("_"):
                    wrong.append(f"{node.module}.{a.name} is private")
                bound[a.asname or a.name] = _bound(node.module, a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
            owner, name = bound[node.value.id], node.attr
            if not isinstance(owner, types.ModuleType):
                continue
            if owner is toolkit:
                ok = name in toolkit.__all__
            else:
                ok = not name.startswith("_") and hasattr(owner, name) and not isinstance(getattr(owner, name), types.ModuleType)
            if not ok:
                wrong.append(f"{node.value.id}.{name}")
    assert wrong == []


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    import matplotlib.font_manager  # noqa: F401 - build the font cache here, not in a kernel (its note goes to stderr)

    return tmp_path_factory.mktemp("notebooks")


@slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_the_bundled_data(path, out_dir):
    nb = nbk.execute(path, output_dir=out_dir / "demo", timeout=CELL_TIMEOUT, figure_formats="png,svg")
    assert nbk.problems(nb) == []
    stem = path.stem.split("_")[0]
    figures = list((out_dir / "demo" / "figures").glob(f"{stem}_*.png")) if stem != "90" else \
        list((out_dir / "demo" / "figures").glob("outcomes-*.svg"))
    assert figures, "every notebook saves its charts with save()"


@slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_a_folder_of_reports(path, out_dir):
    """One parameter changed: REPORTS points at the real reports in data/raw (paths are relative to notebooks/)."""
    nb = nbk.execute(path, parameters={"REPORTS": repr("../data/raw"), "LANG": repr("en")}, output_dir=out_dir / "raw",
                     timeout=CELL_TIMEOUT, figure_formats="png")
    assert nbk.problems(nb) == []
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "SYNTHETIC" not in text


@pytest.fixture(scope="module")
def sparse_folder(tmp_path_factory):
    """A sparse folder: three agencies, three years, the latest an aggregate (the case honest charts must survive)."""
    import shutil

    folder = tmp_path_factory.mktemp("sparse")
    for f in ("ninghe-kejiju-2023.txt", "shanghai-gov-office-2019.html", "huaian-city-2024.pdf"):
        shutil.copy(ROOT / "data" / "raw" / f, folder / f)
    return folder


@slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_a_sparse_real_folder_in_chinese(path, out_dir, sparse_folder):
    """Every chart is drawn or an explicit no-data panel: no warning, no error, no local path in a caption."""
    nb = nbk.execute(path, parameters={"REPORTS": repr(str(sparse_folder)), "LANG": repr("zh")},
                     output_dir=out_dir / "sparse", timeout=CELL_TIMEOUT, figure_formats="svg")
    assert nbk.problems(nb) == []
    for svg in (out_dir / "sparse" / "figures").glob("*.svg"):
        assert str(sparse_folder) not in svg.read_text(encoding="utf-8"), svg.name


@slow
def test_data_quality_notebook_lists_the_findings_of_the_api_and_the_cli(out_dir, tmp_path, capsys):
    """Notebook 40 on a folder (the real 洪泽 2023 PDF with three rows the reader cannot read, a real page with a row
    lost, a rendered report with two numbers changed): the findings it saves are those of toolkit.validate on the
    Reports and of `toolkit validate --format csv`."""
    import argparse
    import io

    import pandas as pd
    from support.gaps import HONGZE_2023, row_removed, two_numbers_changed

    from toolkit import read_report, validate
    from toolkit.cli.validate import add_validate_parser
    from toolkit.spreadsheet import read_csv

    folder = tmp_path / "reports"
    folder.mkdir()
    row_removed(folder)
    two_numbers_changed(folder)
    (folder / HONGZE_2023.name).write_bytes(HONGZE_2023.read_bytes())
    path = ROOT / "notebooks" / "40_data_quality.ipynb"
    nb = nbk.execute(path, parameters={"REPORTS": repr(str(folder)), "LANG": repr("zh")}, output_dir=out_dir / "gaps",
                     timeout=CELL_TIMEOUT, figure_formats="png")
    assert nbk.problems(nb) == []
    notebook = read_csv(out_dir / "gaps" / "figures" / "40_findings.csv", dtype=str, keep_default_na=False)
    reports = [read_report(p) for p in sorted(folder.iterdir())]
    api = validate(reports)
    api_reports_data = pd.concat([r.data for r in reports])
    parser = argparse.ArgumentParser(prog="toolkit")
    add_validate_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["validate", str(folder), "--format", "csv"])
    assert args.func(args) == 1
    cli = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    key = ["report_id", "rule", "severity", "table", "row", "column", "message_zh", "message_en"]

    def rows(df):
        return sorted(map(tuple, df[key].astype(object).where(df[key].notna(), "").astype(str).values.tolist()))

    assert rows(notebook) == rows(api) == rows(cli)
    lost = {(r, w) for r, w, st in zip(api_reports_data["report_id"], api_reports_data["row"], api_reports_data["status"])
            if st == "missing"}
    assert (notebook["rule"] == "missing_row").sum() == len(lost) >= 1
    # the review page and the corrections template it writes beside the figures
    page = (out_dir / "gaps" / "figures" / "40_review.html").read_text(encoding="utf-8")
    assert 'data-outcome="failed"' in page and "synthetic-two-changed.html" in page and "<script" not in page
    template = read_csv(out_dir / "gaps" / "figures" / "40_corrections_template.csv", dtype=str, keep_default_na=False)
    changed = next(r for r in reports if r.meta["source_file"].endswith("synthetic-two-changed.html"))
    mine = template[template["sha256"] == changed.meta["source_sha256"]]
    assert {("requests", "new_received", "total"), ("review_litigation", "reconsideration", "total")} <= set(
        zip(mine["table"], mine["row"], mine["column"]))
