"""Helpers the tests share: paths, expected cells, strategies, generated corpora.

Tests read only the project's own copies of the fixtures (tests/fixtures, data/raw).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
# The blank official T2021 template, stored once: package data, also what the synthetic renderer fills.
TEMPLATE = ROOT / "toolkit" / "data" / "template-2021-blank.docx"
ARTIFACTS = ROOT / "test-artifacts"


def expected_cells(stem: str) -> pd.DataFrame:
    """The published cells of a real fixture, as checked by hand (fixtures/README.md)."""
    return pd.read_csv(FIXTURES / f"{stem}.expected.csv", dtype={"raw": str}, keep_default_na=False)
