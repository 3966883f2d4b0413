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
    """The three reports data/raw held before issue 13: three agencies, three years, the latest an aggregate."""
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
