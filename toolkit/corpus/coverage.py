"""Coverage: an agency × year matrix of what was found, parsed, failed or flagged.

The input is the ``files`` table of a batch (``read_reports(...).files``, or a
shard folder written by ``toolkit parse``): one row per file. A tidy cells
frame (``read_reports(...).data``, ``read_report(...).data``) works too: it
holds only reports that were read, so each of its files counts as ``parsed``
(failures and parse issues live in the files table). Statuses:

- ``parsed``: read, no parse issue, no validation error;
- ``flagged``: read, but with parse issues (e.g. an unmapped row) or, when
  validation ran, identity errors;
- ``failed``: could not be read (see the errors table);
- ``missing``: expected (``expected=`` grid) but no file found.

A failed file has no agency or year from its content: they come from
``manifest`` (a table ``source_file, agency, year``, e.g. the synthetic
corpus's ``reports.csv``) when given, else the year is guessed from a
four-digit year in the file name and the agency is ``(unidentified)``.

An agency is counted once whatever name its reports printed: where the files carry an
``agency_id`` (from the folder's agency registry, :mod:`toolkit.corpus.agencies`), the rows
are that agency's, named by its canonical ``agency_name``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

STATUSES = ("parsed", "flagged", "failed", "missing")
UNIDENTIFIED = "(unidentified)"
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")


FILES_NEEDS = ("source_file", "agency", "year", "status", "n_issues", "n_validation_errors")
TIDY_NEEDS = ("source_file", "agency", "year", "table", "row", "column")


def _files(source) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        if all(c in source.columns for c in FILES_NEEDS):
            return source
        if all(c in source.columns for c in TIDY_NEEDS):
            return _files_of_tidy(source)
        missing = [c for c in FILES_NEEDS if c not in source.columns]
        raise ValueError(
            "coverage needs a files table (read_reports(...).files: " + ", ".join(FILES_NEEDS) + "), "
            "a tidy cells frame (" + ", ".join(TIDY_NEEDS) + "), a Corpus or a shard folder; "
            f"this frame lacks {', '.join(missing)}")
    if hasattr(source, "files"):
        return source.files
    from toolkit.corpus.shards import load_table

    if not Path(source, "files").is_dir():
        raise FileNotFoundError(f"{source}: not a parsed corpus (no files/ folder)")
    return load_table(source, "files")


def _files_of_tidy(cells: pd.DataFrame) -> pd.DataFrame:
    """One files row per source file of a tidy frame: read, so ``parsed``; no issue counts to flag it."""
    cols = ["source_file", "agency", *[c for c in ("agency_id", "agency_name") if c in cells.columns], "year"]
    cells = cells[cols].astype({"source_file": str})
    f = cells.groupby("source_file", sort=False).agg({c: "first" for c in cols[1:]}).reset_index()
    return f.assign(status="parsed", n_issues=0, n_validation_errors=0)


def _one_name_per_agency(f: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """``agency`` becomes the registry's canonical name where the file has an ``agency_id``."""
    if "agency_id" not in f.columns:
        return out
    ids = f["agency_id"].astype(object).where(f["agency_id"].notna(), None).to_numpy()
    canonical = f["agency_name"] if "agency_name" in f.columns else pd.Series(None, index=f.index)
    name = canonical.astype(object).where(canonical.notna(), None).to_numpy()
    known = pd.notna(ids)
    out["agency_id"] = ids
    out.loc[known & pd.notna(name), "agency"] = name[known & pd.notna(name)]
    return out


def file_status(source, manifest: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per file: ``source_file, agency, year, status`` (parsed | flagged | failed), and ``agency_id``
    when the files carry one (``agency`` is then the canonical name).

    Args:
        source: a files table, a tidy cells frame, a :class:`~toolkit.corpus.Corpus`, or a shard folder.
        manifest: optional ``source_file, agency, year`` used for files whose
            content gave none (failed files).
    """
    f = _files(source)
    out = _one_name_per_agency(f, f[["source_file", "agency", "year"]].copy())
    out["year"] = out["year"].astype("Int64")
    flagged = (f["n_issues"].fillna(0) > 0) | (f["n_validation_errors"].fillna(0) > 0)
    out["status"] = "parsed"
    out.loc[flagged.astype(bool).to_numpy(), "status"] = "flagged"
    out.loc[(f["status"] != "parsed").to_numpy(), "status"] = "failed"
    if manifest is not None:
        m = manifest[["source_file", "agency", "year"]].astype({"source_file": str}).drop_duplicates("source_file")
        m = m.set_index("source_file")
        key = out["source_file"].astype(str)
        out["agency"] = out["agency"].fillna(key.map(m["agency"]))
        out["year"] = out["year"].fillna(key.map(m["year"]).astype("Int64"))
    guess = out["source_file"].map(lambda p: _guess_year(str(p))).astype("Int64")
    out["year"] = out["year"].fillna(guess)
    out["agency"] = out["agency"].fillna(UNIDENTIFIED)
    return out


def _guess_year(path: str):
    hits = _YEAR.findall(os.path.basename(path)) or _YEAR.findall(path)
    return int(hits[-1]) if hits else pd.NA


def coverage(source, *, manifest: pd.DataFrame | None = None, expected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts per agency and year: ``found, parsed, flagged, failed, missing``.

    Args:
        source: a files table, a :class:`~toolkit.corpus.Corpus`, or a shard folder.
        manifest: ``source_file, agency, year`` for files the parser could not identify.
        expected: ``agency, year`` pairs that should exist; those without any
            file count as ``missing``.

    Examples:
        >>> import toolkit
        >>> corpus = toolkit.corpus.read_reports("data/raw", engine="serial", progress=False)
        >>> coverage(corpus)[["agency", "year", "found", "parsed", "failed"]]
                agency  year  found  parsed  failed
        0    上海市人民政府办公厅  2019      1       1       0
        1   天津市宁河区科学技术局  2023      1       1       0
        2       平潭综合实验区  2019      1       1       0
        3       平潭综合实验区  2020      1       0       0
        4       平潭综合实验区  2021      1       1       0
        5       平潭综合实验区  2022      1       1       0
        6       平潭综合实验区  2023      1       1       0
        7       平潭综合实验区  2024      1       1       0
        8       平潭综合实验区  2025      1       1       0
        9       淮安市人民政府  2024      1       1       0
        10   淮安市洪泽区人民政府  2023      1       0       0
    """
    st = file_status(source, manifest)
    counts = pd.crosstab([st["agency"], st["year"]], st["status"]).reindex(columns=list(STATUSES[:3]), fill_value=0)
    counts.insert(0, "found", counts.sum(axis=1))
    counts["missing"] = 0
    if expected is not None:
        exp = pd.MultiIndex.from_frame(expected[["agency", "year"]].astype({"year": "Int64"}).drop_duplicates())
        counts = counts.reindex(counts.index.union(exp), fill_value=0)
        counts.loc[counts["found"] == 0, "missing"] = 1
    counts = counts.reset_index()
    counts["year"] = counts["year"].astype("Int64")
    if "agency_id" in st.columns:  # the canonical name of a registered agency names one agency_id
        ids = st.dropna(subset=["agency_id"]).drop_duplicates("agency").set_index("agency")["agency_id"]
        counts.insert(1, "agency_id", counts["agency"].map(ids))
    return counts.sort_values(["agency", "year"], ignore_index=True).rename_axis(columns=None)


def coverage_matrix(source, *, manifest: pd.DataFrame | None = None, expected: pd.DataFrame | None = None) -> pd.DataFrame:
    """The agency × year matrix: each cell the worst status of that agency's files for that year.

    Order of badness: ``failed`` > ``flagged`` > ``parsed``; ``missing`` where
    ``expected`` has the pair and no file was found; empty where nothing was
    expected or found.

    Examples:
        >>> import toolkit
        >>> corpus = toolkit.corpus.read_reports("data/raw", engine="serial", progress=False)
        >>> coverage_matrix(corpus).loc["天津市宁河区科学技术局", 2023]  # the registry's canonical name (data/raw/agencies.csv)
        'parsed'
        >>> coverage_matrix(corpus.data).loc["淮安市人民政府", 2024]  # a tidy frame: its reports were read
        'parsed'
    """
    c = coverage(source, manifest=manifest, expected=expected)
    status = pd.Series("parsed", index=c.index)
    status[c["flagged"] > 0] = "flagged"
    status[c["failed"] > 0] = "failed"
    status[c["found"] == 0] = "missing"
    m = c.assign(status=status).pivot(index="agency", columns="year", values="status").fillna("")
    return m.rename_axis(index="agency", columns="year")
