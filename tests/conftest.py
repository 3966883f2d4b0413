"""Shared test paths. Tests read only the project's own copies of the fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"


def expected_cells(stem: str) -> pd.DataFrame:
    """The published cells of a real fixture, as checked by hand (fixtures/README.md)."""
    return pd.read_csv(FIXTURES / f"{stem}.expected.csv", dtype={"raw": str}, keep_default_na=False)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
