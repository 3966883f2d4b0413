"""What the registry tests share: the command line as a user runs it, and the facts a folder states per file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from support import ROOT

# The facts a folder's SOURCES.csv and agencies.csv state about each of its files.
FACTS = ["scope", "level", "agency_id", "agency_name", "source_url"]


def cli(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=cwd)


def per_file(df: pd.DataFrame) -> pd.DataFrame:
    """One row per report file (by file name), the facts the folder states, missing as None."""
    f = df.assign(file=df["source_file"].astype(str).map(lambda p: Path(p).name)).drop_duplicates("file")
    f = f.set_index("file")[FACTS].sort_index().astype(object)
    return f.where(f.notna(), None)
