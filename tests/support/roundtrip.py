"""Round trips through the synthetic renderer: a consistent random report, printed, read back exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import read_report
from toolkit.synthetic.render.perturb import Perturbation, perturb_cells
from toolkit.synthetic.values import report_spec


def spec_for(seed: int, templates, activity: float, p: Perturbation):
    rng = np.random.default_rng(seed)
    spec = report_spec(rng, templates=templates, year=2019 + seed % 6, activity=activity)
    spec.cells = perturb_cells(spec.cells, p, rng)
    return spec


def check_round_trip(tmp_path, name: str, data: bytes, spec) -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(data)
    report = read_report(path)
    got = report.data.astype({"table": str, "row": str, "column": str})
    merged = spec.cells.merge(got, on=["table", "row", "column"], how="outer", suffixes=("_true", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][["table", "row", "column", "_merge"]]
    want = merged["value_true"].astype(float)
    have = merged["value_got"].astype("Float64").astype(float)
    same = (want == have) | (want.isna() & have.isna())
    assert same.all(), merged.loc[~same, ["table", "row", "column", "raw_true", "raw_got", "location"]]
    assert report.meta["agency"] == spec.agency and report.meta["year"] == spec.year
    requests_template = spec.templates["requests"]
    assert report.meta["templates"]["requests"] == requests_template
    return got


def print_pdfs(cases) -> tuple[list, list[bytes]]:
    """``(seed, templates, activity, perturbation, render options)`` per case → the specs and their PDFs,
    rendered to DOCX and printed by LibreOffice in one batch."""
    from toolkit.synthetic.render.docx import render_docx
    from toolkit.synthetic.render.pdf import docx_to_pdf

    specs, docs = [], []
    for seed, templates, activity, p, opts in cases:
        spec = spec_for(seed, templates, activity, p)
        specs.append(spec)
        docs.append(render_docx(spec, p, seed, **opts))
    return specs, docx_to_pdf(docs)


def check_printed_case(tmp_path, printed, cases, case: int) -> pd.DataFrame:
    """One case of a module's printed PDFs (``printed`` = (specs, pdfs), ``cases`` named by their first item):
    every cell read back exactly, each placed on its page."""
    specs, pdfs = printed
    got = check_round_trip(tmp_path, f"{cases[case][0]}.pdf", pdfs[case], specs[case])
    assert got["location"].str.fullmatch(r"table \d+, row \d+, col \d+, page \d+").all()
    return got

