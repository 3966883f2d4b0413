"""Property tests: random consistent values, rendered as text or HTML with
real-world perturbations, read back exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.strategies import ACTIVITY, TEMPLATES, perturbation_strategy

from toolkit import read_report
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.render.perturb import perturb_cells
from toolkit.synthetic.render.text import render_text
from toolkit.synthetic.values import report_spec

perturbations = perturbation_strategy(web=True)


def _read_back(tmp_path, name: str, content: bytes) -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(content)
    report = read_report(path)
    return report, report.data.astype({"table": str, "row": str, "column": str})


def _assert_same(truth: pd.DataFrame, got: pd.DataFrame) -> None:
    merged = truth.merge(got, on=["table", "row", "column"], how="outer", suffixes=("_true", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][["table", "row", "column", "_merge"]]
    want = merged["value_true"].astype(float)
    have = merged["value_got"].astype("Float64").astype(float)
    same = (want == have) | (want.isna() & have.isna())
    assert same.all(), merged.loc[~same, ["table", "row", "column", "raw_true", "raw_got", "value_true", "value_got"]]


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), templates=TEMPLATES, p=perturbations, activity=ACTIVITY)
def test_html_round_trip(tmp_path, seed, templates, p, activity):
    rng = np.random.default_rng(seed)
    spec = report_spec(rng, templates=templates, year=2019 + seed % 6, activity=activity)
    spec.cells = perturb_cells(spec.cells, p, rng)
    report, got = _read_back(tmp_path, "r.html", render_html(spec, p, seed))
    _assert_same(spec.cells, got)
    assert report.meta["agency"] == spec.agency and report.meta["year"] == spec.year
    expected_template = templates if isinstance(templates, str) else templates["requests"]
    assert report.meta["templates"]["requests"] == expected_template


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), templates=TEMPLATES, p=perturbations, activity=ACTIVITY)
def test_text_round_trip(tmp_path, seed, templates, p, activity):
    rng = np.random.default_rng(seed)
    spec = report_spec(rng, templates=templates, year=2019 + seed % 6, activity=activity)
    p.split_spans = p.chrome = False  # HTML-only perturbations
    spec.cells = perturb_cells(spec.cells, p, rng)
    report, got = _read_back(tmp_path, "r.txt", render_text(spec, p, seed))
    _assert_same(spec.cells, got)
    assert report.meta["agency"] == spec.agency and report.meta["year"] == spec.year
