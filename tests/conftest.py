"""Shared fixtures; shared helpers and paths live in tests/support."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import ARTIFACTS
from support.fonts import fontconfig


def pytest_configure(config):
    # Everything the suite renders (LibreOffice, Chromium, poppler, in this process and
    # every one it starts) sees the fonts the project installs and no other, so that the
    # fonts of the machine cannot change a layout (tests/support/fonts.py).
    os.environ["FONTCONFIG_FILE"] = str(fontconfig())


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
