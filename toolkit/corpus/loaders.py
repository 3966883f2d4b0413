"""Loaders whose names say what they load.

- :func:`load_demo`: the bundled SYNTHETIC demo panel (``data/synthetic``), offline and instant.
- :func:`load_reports`: the panel a notebook analyses: your own folder of report
  files, a tidy frame you already have, or (``None``) the demo panel.
- :func:`raw_dir`: the bundled real reports (``data/raw``, with ``SOURCES.csv``).
- :func:`data_dir`: where both are found (``$TOOLKIT_DATA_DIR``, the installed package, the checkout).

Examples:
    >>> bool(load_demo()["synthetic"].all())
    True
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from toolkit.corpus.agencies import REGISTRY_FILE, read_registry
from toolkit.corpus.batch import read_reports

PANEL_FILE = "panel.parquet"
#: The demo panel's agencies: an agency registry (:mod:`toolkit.corpus.agencies`), one format for all folders.
AGENCIES_FILE = REGISTRY_FILE


def data_dir() -> Path:
    """The folder holding the bundled data (``raw/``: real reports with ``SOURCES.csv``; ``synthetic/``: the demo).

    Looked up in this order:

    1. ``$TOOLKIT_DATA_DIR``, when set;
    2. the copy installed with the package (``toolkit/data/raw`` and ``toolkit/data/synthetic``: a wheel
       maps the repository's ``data/`` there);
    3. ``data/`` of the checkout the package runs from (a clone, or an editable install).

    Raises FileNotFoundError (one line, naming where it looked) when none holds the data.
    """
    env = os.environ.get("TOOLKIT_DATA_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    places = (here.parents[1] / "data", here.parents[2] / "data")
    for d in places:
        if (d / "raw").is_dir() or (d / "synthetic").is_dir():
            return d
    raise FileNotFoundError(f"no bundled data in {places[0]} or {places[1]}: set TOOLKIT_DATA_DIR to a folder holding raw/ and synthetic/")


def demo_dir() -> Path:
    """Where the demo panel lives: ``$TOOLKIT_DEMO_DIR``, else ``synthetic/`` in :func:`data_dir`."""
    env = os.environ.get("TOOLKIT_DEMO_DIR")
    if env:
        return Path(env)
    return data_dir() / "synthetic"


def raw_dir() -> Path:
    """The bundled real reports, with their ``SOURCES.csv`` and ``agencies.csv``: ``raw/`` in :func:`data_dir`."""
    return data_dir() / "raw"


def load_demo(*, with_agencies: bool = False) -> pd.DataFrame:
    """The bundled SYNTHETIC demo panel as a tidy DataFrame (offline, instant).

    Args:
        with_agencies: add the demo's own ``region`` and ``kind`` columns from its
            registry ``agencies.csv`` (by ``agency_id``).

    Returns:
        Tidy cells (:data:`toolkit.read.tidy.TIDY_COLUMNS`), with the
        codebook's ordered categoricals, and a ``synthetic`` column that is True.
    """
    from toolkit import codebook as cb

    d = demo_dir()
    path = d / PANEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `python -m toolkit.synthetic build` (or set TOOLKIT_DEMO_DIR)")
    df = pd.read_parquet(path)
    for axis in ("table", "row", "column"):
        df[axis] = df[axis].astype(str).astype(cb.category_dtype(axis))
    if with_agencies:
        ag = read_registry(d / AGENCIES_FILE).table()[["agency_id", "region", "kind"]]
        df = df.merge(ag, on="agency_id", how="left")
    df["synthetic"] = True  # travels with every row into every measure and caption
    return df


def files_of(panel: pd.DataFrame, issues: pd.DataFrame | None = None) -> pd.DataFrame:
    """A files table (the input of :mod:`toolkit.corpus.coverage`) for a panel read without the corpus loader.

    One row per ``source_file``: agency, year, scope, level, format, status
    ``parsed``, ``n_cells``, ``n_issues`` 0 and ``n_validation_errors`` (errors
    of ``issues``, the output of :func:`toolkit.validation.api.validate`, when given).
    """
    cols = [c for c in ("agency", "agency_id", "agency_name", "year", "scope", "level", "format", "report_id")
            if c in panel.columns]
    f = panel.groupby("source_file", sort=True, observed=True)[cols].first()
    f["n_cells"] = panel.groupby("source_file", observed=True).size()
    f["status"] = "parsed"
    f["n_issues"] = 0
    f["n_validation_errors"] = 0
    if issues is not None and len(issues) and "report_id" in f.columns:
        errs = issues[issues["severity"].astype(str) == "error"].groupby("report_id").size()
        f["n_validation_errors"] = f["report_id"].map(errs).fillna(0).astype(int)
    return f.reset_index()


def with_sources(panel: pd.DataFrame) -> pd.DataFrame:
    """Add a ``level`` column if missing, and the sites the reports were published on.

    What a folder states about its files (``SOURCES.csv``: scope, level, url; ``agencies.csv``:
    agency_id, canonical name, scope, level) is applied while the files are read
    (:mod:`toolkit.corpus.agencies`), the same way for ``toolkit parse`` and :func:`load_reports`;
    chart captions cite the host of each report's ``source_url``, a column of every row.
    """

    from toolkit.read.meta import level_of

    panel = panel.copy()
    if "level" not in panel.columns and "agency" in panel.columns:
        panel["level"] = panel["agency"].map(lambda a: level_of(a) if isinstance(a, str) else "unknown")
    return panel


def load_reports(reports: str | os.PathLike | pd.DataFrame | None = None, *, with_files: bool = False,
                 registry: str | os.PathLike | None = None, corrections: str | os.PathLike | None = None):
    """The panel the notebooks analyse: the demo (``None``), a folder of your reports, or a tidy frame.

    A folder is read with :func:`toolkit.read_reports` when the corpus loader is
    available, else file by file with :func:`toolkit.read_report`; files that
    cannot be read are reported on stderr and in the files table (``with_files=True``). The
    ``synthetic`` column says what the rows are: True for the demo panel and for a folder whose
    path names ``synthetic`` (where the toolkit writes generated reports), else False; a frame
    passed in is returned as it is (without that column its charts say "source unknown").

    Args:
        reports: None (the demo panel), a folder or file, or a tidy frame.
        with_files: also return the files table (one row per file, with
            failures; the input of :mod:`toolkit.corpus.coverage`): ``(panel, files)``.
        registry: the agency registry (``agencies.csv``); default: the nearest one beside the
            files (:mod:`toolkit.corpus.agencies`), as for ``toolkit parse``.
        corrections: a corrections file (:mod:`toolkit.corpus.corrections`) applied to
            the panel (``value`` corrected, ``value_printed`` and ``correction`` kept).

    Examples:
        >>> bool(load_reports()["synthetic"].all())
        True
        >>> load_reports("data/raw")["agency"].nunique()
        5
        >>> load_reports("data/raw").query("agency_id == 'fj-pingtan-zone'")[["scope", "level"]].drop_duplicates().values.tolist()
        [['region_aggregate', 'city']]
    """
    if corrections is not None and (reports is None or isinstance(reports, pd.DataFrame)):
        from toolkit.corpus.corrections import apply_corrections

        panel = apply_corrections(load_demo() if reports is None else reports, corrections)
        return (panel, files_of(panel)) if with_files else panel
    if reports is None:
        panel = load_demo()
        return (panel, files_of(panel)) if with_files else panel
    if isinstance(reports, pd.DataFrame):
        return (reports, files_of(reports)) if with_files else reports
    folder = Path(reports)
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such file or folder; set REPORTS to a folder of report files, or None for the demo panel")
    corpus = read_reports([folder], progress=False, registry=registry, corrections=corrections)
    panel, failed, files = corpus.data, corpus.errors, corpus.files
    if panel.empty:
        raise FileNotFoundError(f"{folder}: no readable report files found")
    failed = failed.rename(columns={"message": "error"}) if "error" not in failed.columns and "message" in failed.columns else failed
    for rec in failed.to_dict("records"):
        print(rec.get("error") or rec, file=sys.stderr)
    panel = with_sources(panel)
    panel["synthetic"] = any("synthetic" in part.lower() for part in folder.resolve().parts)
    if with_files:
        return panel, files
    return panel
