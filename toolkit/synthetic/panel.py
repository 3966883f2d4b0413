"""The bundled demo panel: SYNTHETIC reports of fictional agencies, 2019–2024.

The panel exists so that the notebooks, widgets and tests run offline on data
that goes through the real path: report files in every supported format
(text, HTML, DOCX, PDF) rendered by :mod:`toolkit.synthetic.render` and read back by
:func:`toolkit.read_report`. It is built once by::

    python -m toolkit.synthetic build        # writes data/synthetic/ (commit it)
    python -m toolkit.synthetic check        # re-reads the files, compares with the committed panel

and loaded instantly by :func:`load_demo` from the committed Parquet.

Every agency is fictional (示例省, 示例市, 青山县, 绿水县 and their departments and
townships); every number is random. The values respect the accounting
identities (docs/format.md §5); a region's aggregate report (``X市人民政府``, scope
``region_aggregate``) is the cell-by-cell sum of the reports of the agencies
in the region, so analysis must never add an aggregate to its members.

Examples:
    >>> panel = load_demo()
    >>> panel["agency"].nunique() >= 40, sorted(panel["year"].unique().tolist())[:2]
    (True, [2019, 2020])
    >>> sorted(panel["scope"].unique())
    ['agency', 'government_office', 'region_aggregate']
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.corpus.loaders import AGENCIES_FILE, PANEL_FILE, demo_dir, load_demo
from toolkit.synthetic.datacard import data_card
from toolkit.synthetic.demo_agencies import PARENT_REGION, Agency, agencies_table, covered_regions, fictional_agencies
from toolkit.synthetic.demo_values import SEED, YEARS, build_specs, chain, reweight

__all__ = ["AGENCIES_FILE", "PANEL_FILE", "PARENT_REGION", "SEED", "YEARS", "Agency", "agencies_table", "build", "build_specs",
           "chain", "check", "covered_regions", "data_card", "demo_dir", "fictional_agencies", "load_demo", "main", "read_folder",
           "refresh", "reweight"]

SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA — fictional agencies, random numbers; not published reports"
TRUTH_FILE = "ground_truth.parquet"
REPORTS_DIR = "reports"
EXT = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def read_folder(folder: str | os.PathLike, root: str | os.PathLike | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every report file under ``folder`` (sorted) into one tidy frame.

    ``source_file`` is written relative to ``root`` (default: ``folder``) so the
    frame does not depend on the working directory. Files that cannot be read
    are listed in the second frame (``source_file``, ``error``), never dropped
    silently.
    """
    from toolkit.corpus.agencies import annotate_report, facts_for
    from toolkit.errors import ToolkitError
    from toolkit.read.report import read_report

    folder = Path(folder)
    root = Path(root) if root is not None else folder
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".") and p.suffix.lower() != ".md")
    facts = facts_for([str(f) for f in files])  # the demo's agencies.csv, found as for any folder
    frames, failed = [], []
    for f in files:
        try:
            r = read_report(f)
        except ToolkitError as exc:
            failed.append({"source_file": _rel(f, root), "error": str(exc)})
            continue
        df = annotate_report(r, *facts.get(str(f), (None, {}))).data  # its agency_id from the registry
        df["source_file"] = _rel(f, root)
        frames.append(df)
    if not frames:
        raise FileNotFoundError(f"{folder}: no readable report files found")
    panel = pd.concat(frames, ignore_index=True)
    return panel, pd.DataFrame(failed, columns=["source_file", "error"])


def build(out: str | os.PathLike | None = None, seed: int = SEED) -> Path:
    """Render the whole panel into ``out`` (default :func:`demo_dir`) and read it back."""
    from toolkit.synthetic.render import render_many

    out = Path(out) if out is not None else demo_dir()
    reports = out / REPORTS_DIR
    if reports.exists():
        for f in sorted(reports.rglob("*"), reverse=True):
            f.unlink() if f.is_file() else f.rmdir()
    items = build_specs(seed)
    by_fmt: dict[str, list] = {}
    for it in items:
        by_fmt.setdefault(it[2], []).append(it)
    truth = []
    for fmt, group in by_fmt.items():
        if fmt in ("text", "html"):
            blobs = [render_many([spec], fmt, p, s)[0] for _a, spec, _f, p, s in group]
        else:
            blobs = render_many([spec for _a, spec, *_ in group], fmt)
        for (a, spec, _f, _p, _s), blob in zip(group, blobs):
            path = reports / str(spec.year) / f"{a.slug}-{spec.year}{EXT[fmt]}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)
            t = spec.cells[["table", "row", "column", "value", "raw"]].copy()
            t.insert(0, "source_file", _rel(path, out))
            t.insert(1, "agency", a.agency)
            t.insert(2, "year", spec.year)
            truth.append(t)
    truth_df = pd.concat(truth, ignore_index=True).sort_values(["source_file"], kind="stable").reset_index(drop=True)
    truth_df.to_parquet(out / TRUTH_FILE, index=False)
    agencies_table().to_csv(out / AGENCIES_FILE, index=False, encoding="utf-8-sig")
    panel, failed = read_folder(reports, root=out)
    if len(failed):
        raise RuntimeError(f"demo reports that do not read back: {failed.to_dict('records')}")
    panel.to_parquet(out / PANEL_FILE, index=False)
    (out / "DATA_CARD.md").write_text(data_card(panel, seed), encoding="utf-8")
    return out


def refresh(out: str | os.PathLike | None = None) -> Path:
    """Re-read the committed report files into ``panel.parquet`` (after a parser change;
    the report files and the ground truth stay as they are)."""
    d = Path(out) if out is not None else demo_dir()
    panel, failed = read_folder(d / REPORTS_DIR, root=d)
    if len(failed):
        raise RuntimeError(f"demo reports that do not read back: {failed.to_dict('records')}")
    panel.to_parquet(d / PANEL_FILE, index=False)
    (d / "DATA_CARD.md").write_text(data_card(panel, SEED), encoding="utf-8")
    return d / PANEL_FILE


def check(out: str | os.PathLike | None = None) -> list[str]:
    """Re-read the committed report files; list every difference from the committed panel and truth."""
    d = Path(out) if out is not None else demo_dir()
    problems = []
    panel, failed = read_folder(d / REPORTS_DIR, root=d)
    if len(failed):
        problems.append(f"files that do not read: {failed.to_dict('records')}")
    committed = pd.read_parquet(d / PANEL_FILE)
    try:
        pd.testing.assert_frame_equal(panel.reset_index(drop=True), committed.reset_index(drop=True), check_categorical=False)
    except AssertionError as exc:
        problems.append(f"re-read panel differs from {PANEL_FILE}: {exc}")
    truth = pd.read_parquet(d / TRUTH_FILE)
    got = panel.assign(**{a: panel[a].astype(str) for a in ("table", "row", "column")})
    m = truth.merge(got[["source_file", "table", "row", "column", "value"]], on=["source_file", "table", "row", "column"],
                    how="outer", suffixes=("_truth", "_read"), indicator=True)
    if (m["_merge"] != "both").any():
        problems.append(f"{int((m['_merge'] != 'both').sum())} cells in only one of truth and panel")
    a, b = m["value_truth"].astype(float), m["value_read"].astype(float)
    bad = ~((a.isna() & b.isna()) | np.isclose(a, b))
    if bad.any():
        problems.append(f"{int(bad.sum())} cells differ from the ground truth, e.g. {m[bad].head(3).to_dict('records')}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m toolkit.synthetic", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["build", "refresh", "check", "info"])
    ap.add_argument("--out", default=None, help="folder (default data/synthetic)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    if args.command == "build":
        print(build(args.out, args.seed))
        return 0
    if args.command == "refresh":
        print(refresh(args.out))
        return 0
    if args.command == "check":
        problems = check(args.out)
        for p in problems:
            print(p, file=sys.stderr)
        print("ok" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    panel = load_demo()
    print(json.dumps({"reports": int(panel["source_file"].nunique()), "agencies": int(panel["agency"].nunique()),
                      "cells": len(panel)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
