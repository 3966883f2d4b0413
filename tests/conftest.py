"""Shared fixtures; shared helpers and paths live in tests/support."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ARTIFACTS


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
