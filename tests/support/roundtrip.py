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
