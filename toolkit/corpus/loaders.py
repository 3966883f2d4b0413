"""Loaders whose names say what they load.

- :func:`load_demo`: the bundled SYNTHETIC demo panel (``data/synthetic``), offline and instant.
- :func:`load_reports`: the panel a notebook analyses: your own folder of report
  files, a tidy frame you already have, or (``None``) the demo panel.
- :func:`raw_dir`: the bundled real reports (``data/raw``, with ``SOURCES.csv``).

Examples:
    >>> load_demo().attrs["synthetic"]
    True
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from toolkit.corpus.batch import read_reports

PANEL_FILE = "panel.parquet"
AGENCIES_FILE = "agencies.csv"


def demo_dir() -> Path:
    """Where the demo panel lives: ``$TOOLKIT_DEMO_DIR`` or ``data/synthetic`` beside the package."""
    env = os.environ.get("TOOLKIT_DEMO_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "synthetic"


def raw_dir() -> Path:
    """The bundled real reports (``data/raw`` beside the package, with SOURCES.csv)."""
    return Path(__file__).resolve().parents[2] / "data" / "raw"



def load_demo(*, with_agencies: bool = False) -> pd.DataFrame:
    """The bundled SYNTHETIC demo panel as a tidy DataFrame (offline, instant).

    Args:
        with_agencies: add the demo's own ``region`` and ``kind`` columns from
            ``agencies.csv``.

    Returns:
        Tidy cells (:data:`toolkit.read.tidy.TIDY_COLUMNS`), with the
        codebook's ordered categoricals. ``df.attrs["synthetic"]`` is True.
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
        ag = pd.read_csv(d / AGENCIES_FILE, encoding="utf-8-sig")[["agency", "region", "kind"]]
        df = df.merge(ag, on="agency", how="left")
    df.attrs["synthetic"] = True
    df.attrs["source"] = "SYNTHETIC demo panel (toolkit.load_demo), fictional agencies"
    return df


def files_of(panel: pd.DataFrame, issues: pd.DataFrame | None = None) -> pd.DataFrame:
    """A files table (the input of :mod:`toolkit.corpus.coverage`) for a panel read without the corpus loader.

    One row per ``source_file``: agency, year, scope, level, format, status
    ``parsed``, ``n_cells``, ``n_issues`` 0 and ``n_validation_errors`` (errors
    of ``issues``, the output of :func:`toolkit.validation.api.validate`, when given).
    """
    cols = [c for c in ("agency", "year", "scope", "level", "format", "report_id") if c in panel.columns]
    f = panel.groupby("source_file", sort=True, observed=True)[cols].first()
    f["n_cells"] = panel.groupby("source_file", observed=True).size()
    f["status"] = "parsed"
    f["n_issues"] = 0
    f["n_validation_errors"] = 0
    if issues is not None and len(issues) and "report_id" in f.columns:
        errs = issues[issues["severity"].astype(str) == "error"].groupby("report_id").size()
        f["n_validation_errors"] = f["report_id"].map(errs).fillna(0).astype(int)
    return f.reset_index()


SOURCES_FILE = "SOURCES.csv"
#: The administrative level of a SOURCES.csv ``level`` (which names the unit, e.g. ``county_department``).
_SOURCE_LEVEL = {"central": "province", "state": "province", "province": "province", "city": "city",
                 "prefecture": "city", "county": "county", "township": "township"}


def with_sources(panel: pd.DataFrame, folder: str | os.PathLike) -> pd.DataFrame:
    """Add what a folder's ``SOURCES.csv`` states about its reports, and a ``level`` column if missing.

    A curated folder (such as ``data/raw``) lists each file's agency, level, scope and URL. Its
    ``scope`` and ``level`` replace what the reader guessed from the agency's name (the name
    平潭综合实验区 does not say that its report covers the whole zone), and the sites the
    reports were published on go to ``attrs["publishers"]`` ({agency: host}), which chart captions
    cite instead of a local path. Without a SOURCES.csv nothing is replaced.
    """
    from urllib.parse import urlparse

    from toolkit.read.meta import level_of

    panel = panel.copy()
    if "level" not in panel.columns and "agency" in panel.columns:
        panel["level"] = panel["agency"].map(lambda a: level_of(a) if isinstance(a, str) else "unknown")
    path = Path(folder) / SOURCES_FILE if Path(folder).is_dir() else Path(folder).parent / SOURCES_FILE
    publishers: dict[str, str] = {}
    if path.exists():
        src = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        by_file = src.set_index("file")
        name = panel["source_file"].astype(str).map(lambda p: Path(p).name)
        known = name.isin(by_file.index)
        if "scope" in by_file:
            stated = name[known].map(by_file["scope"])
            panel.loc[known & stated.reindex(panel.index).ne("").fillna(False), "scope"] = stated
        if "level" in by_file:
            lv = name[known].map(by_file["level"]).map(lambda v: _SOURCE_LEVEL.get(str(v).split("_")[0], ""))
            panel.loc[known & lv.reindex(panel.index).ne("").fillna(False), "level"] = lv
        if "url" in by_file:
            for agency, file in zip(panel.loc[known, "agency"], name[known]):
                host = urlparse(by_file.at[file, "url"]).netloc if by_file.at[file, "url"] else ""
                if host:
                    publishers[str(agency)] = host
    panel.attrs["publishers"] = publishers
    return panel


def load_reports(reports: str | os.PathLike | pd.DataFrame | None = None, *, with_files: bool = False,
                 corrections: str | os.PathLike | None = None):
    """The panel the notebooks analyse: the demo (``None``), a folder of your reports, or a tidy frame.

    A folder is read with :func:`toolkit.read_reports` when the corpus loader is
    available, else file by file with :func:`toolkit.read_report`; files that
    cannot be read are reported on stderr (their number in ``df.attrs["n_failed"]``) and in
    the files table (``with_files=True``).

    Args:
        reports: None (the demo panel), a folder or file, or a tidy frame.
        with_files: also return the files table (one row per file, with
            failures; the input of :mod:`toolkit.corpus.coverage`): ``(panel, files)``.
        corrections: a corrections file (:mod:`toolkit.corpus.corrections`) applied to
            the panel (``value`` corrected, ``value_printed`` and ``correction`` kept).

    Examples:
        >>> load_reports().attrs["synthetic"]
        True
        >>> load_reports("data/raw")["agency"].nunique()
        4
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
    corpus = read_reports([folder], progress=False, corrections=corrections)
    panel, failed, files = corpus.data, corpus.errors, corpus.files
    if panel.empty:
        raise FileNotFoundError(f"{folder}: no readable report files found")
    failed = failed.rename(columns={"message": "error"}) if "error" not in failed.columns and "message" in failed.columns else failed
    for rec in failed.to_dict("records"):
        print(rec.get("error") or rec, file=sys.stderr)
    panel = with_sources(panel, folder)
    panel.attrs["n_failed"] = len(failed)
    panel.attrs["synthetic"] = False
    if with_files:
        return panel, files
    return panel
