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
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.corpus.loaders import AGENCIES_FILE, PANEL_FILE, demo_dir, load_demo

SEED = 20240601
YEARS = tuple(range(2019, 2025))
SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA — fictional agencies, random numbers; not published reports"
TRUTH_FILE = "ground_truth.parquet"
REPORTS_DIR = "reports"
EXT = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


@dataclass(frozen=True)
class Agency:
    slug: str
    agency: str
    level: str  # province | city | county | township (of the agency's government)
    kind: str  # aggregate | office | department | township
    region: str  # the region whose aggregate report counts this agency
    activity: float  # rough mean of non-zero cells (0 = an all-zero report)


def _agencies() -> list[Agency]:
    """~45 fictional agencies: a province, a city, two counties, their offices, departments and townships."""
    A = Agency
    rows = [
        A("sheng-gov", "示例省人民政府", "province", "aggregate", "示例省", 0),
        A("sheng-office", "示例省人民政府办公厅", "province", "office", "示例省", 8),
        A("sheng-jiaoyu", "示例省教育厅", "province", "department", "示例省", 6),
        A("sheng-ziran", "示例省自然资源厅", "province", "department", "示例省", 12),
        A("sheng-gongan", "示例省公安厅", "province", "department", "示例省", 9),
        A("sheng-shichang", "示例省市场监督管理局", "province", "department", "示例省", 5),
        A("shi-gov", "示例市人民政府", "city", "aggregate", "示例市", 0),
        A("shi-office", "示例市人民政府办公室", "city", "office", "示例市", 10),
        A("shi-ziran", "示例市自然资源和规划局", "city", "department", "示例市", 45),
        A("shi-zhujian", "示例市住房保障和房产管理局", "city", "department", "示例市", 35),
        A("shi-gongan", "示例市公安局", "city", "department", "示例市", 20),
        A("shi-jiaoyu", "示例市教育局", "city", "department", "示例市", 4),
        A("shi-shengtai", "示例市生态环境局", "city", "department", "示例市", 3),
        A("shi-shichang", "示例市市场监督管理局", "city", "department", "示例市", 6),
        A("shi-renshe", "示例市人力资源和社会保障局", "city", "department", "示例市", 5),
        A("shi-tongji", "示例市统计局", "city", "department", "示例市", 0.6),
        A("shi-weijian", "示例市卫生健康委员会", "city", "department", "示例市", 3),
        A("qs-gov", "青山县人民政府", "county", "aggregate", "青山县", 0),
        A("qs-office", "青山县人民政府办公室", "county", "office", "青山县", 3),
        A("qs-ziran", "青山县自然资源局", "county", "department", "青山县", 6),
        A("qs-zhujian", "青山县住房保障局", "county", "department", "青山县", 4),
        A("qs-jiaoyu", "青山县教育局", "county", "department", "青山县", 1.5),
        A("qs-caizheng", "青山县财政局", "county", "department", "青山县", 0.8),
        A("qs-weijian", "青山县卫生健康局", "county", "department", "青山县", 1),
        A("qs-tongji", "青山县统计局", "county", "department", "青山县", 0),
        A("qs-baishi", "青山县白石镇人民政府", "township", "township", "青山县", 0.8),
        A("qs-dongling", "青山县东岭乡人民政府", "township", "township", "青山县", 0),
        A("qs-liuxi", "青山县柳溪镇人民政府", "township", "township", "青山县", 0),
        A("qs-songlin", "青山县松林镇人民政府", "township", "township", "青山县", 0.4),
        A("qs-hehua", "青山县荷花乡人民政府", "township", "township", "青山县", 0),
        A("lsx-gov", "绿水县人民政府", "county", "aggregate", "绿水县", 0),
        A("lsx-office", "绿水县人民政府办公室", "county", "office", "绿水县", 2),
        A("lsx-ziran", "绿水县自然资源局", "county", "department", "绿水县", 5),
        A("lsx-jiaoyu", "绿水县教育局", "county", "department", "绿水县", 1),
        A("lsx-shichang", "绿水县市场监督管理局", "county", "department", "绿水县", 1.5),
        A("lsx-minzheng", "绿水县民政局", "county", "department", "绿水县", 0.5),
        A("lsx-tongji", "绿水县统计局", "county", "department", "绿水县", 0),
        A("lsx-shiqiao", "绿水县石桥镇人民政府", "township", "township", "绿水县", 0.5),
        A("lsx-hekou", "绿水县河口乡人民政府", "township", "township", "绿水县", 0),
        A("lsx-yunling", "绿水县云岭镇人民政府", "township", "township", "绿水县", 0),
        A("lsx-zhuyuan", "绿水县竹园乡人民政府", "township", "township", "绿水县", 0),
        A("lsx-xiaba", "绿水县下坝镇人民政府", "township", "township", "绿水县", 0.3),
    ]
    return rows


#: Regions nest: a region's aggregate covers its own agencies and those of the regions below it.
PARENT_REGION = {"示例市": "示例省", "青山县": "示例市", "绿水县": "示例市", "示例省": None}


_SCOPE_OF_KIND = {"aggregate": "region_aggregate", "office": "government_office", "department": "agency", "township": "agency"}


def agencies_table() -> pd.DataFrame:
    """The fictional agencies of the demo panel as an agency registry (one row each).

    The columns of every agency registry (:mod:`toolkit.corpus.agencies`: ``agency_id`` = the
    slug, ``agency_name``, ``aliases``, ``level``, ``scope``, ``region``, ``parent`` = the
    ``agency_id`` of the government whose aggregate report counts it, ``website``), then the
    demo's own ``kind`` and ``activity``.

    Examples:
        >>> t = agencies_table()
        >>> t.query("kind == 'aggregate'")["agency_name"].tolist()
        ['示例省人民政府', '示例市人民政府', '青山县人民政府', '绿水县人民政府']
        >>> t.set_index("agency_id").loc[["qs-jiaoyu", "qs-gov"], "parent"].tolist()
        ['qs-gov', 'shi-gov']
    """
    agencies = _agencies()
    government = {a.region: a.slug for a in agencies if a.kind == "aggregate"}
    rows = [{
        "agency_id": a.slug, "agency_name": a.agency, "aliases": "", "level": a.level, "scope": _SCOPE_OF_KIND[a.kind],
        "region": a.region,
        "parent": government.get(PARENT_REGION.get(a.region) or "", "") if a.kind == "aggregate" else government[a.region],
        "website": "", "kind": a.kind, "activity": a.activity,
    } for a in agencies]
    return pd.DataFrame(rows)


def _covered_regions(region: str) -> set[str]:
    out = {region}
    changed = True
    while changed:
        changed = False
        for child, parent in PARENT_REGION.items():
            if parent in out and child not in out:
                out.add(child)
                changed = True
    return out


def _format_for(i: int, a: Agency, year: int) -> str:
    """Formats by a fixed rotation: about 10 % PDF, 20 % DOCX, the rest text and HTML."""
    k = (i * 7 + year * 3) % 20
    if k < 2:
        return "pdf"
    if k < 6:
        return "docx"
    return "html" if k % 2 else "text"


#: Multipliers of the synthetic outcome counts so shares look like published ones
#: (most requests disclosed or "not held"; few state secrets). Keys are row-key prefixes.
OUTCOME_WEIGHTS = {
    "disclosed": 5.0, "partly_disclosed": 1.5, "unable_not_held": 3.0, "unable_needs_creation": 0.5,
    "unable_unclear": 0.4, "withheld_third_party": 0.4, "withheld_process_info": 0.3, "withheld_": 0.12,
    "notproc_petition": 0.8, "notproc_repeat": 0.5, "notproc_": 0.15, "other_no_correction": 0.6,
    "other_fee_unpaid": 0.05, "other_other": 0.8, "other_total": 1.2,
}
REVIEW_KEEP = 0.12  # reconsideration and litigation are rare beside requests


def _weight(row: str) -> float:
    for prefix, w in OUTCOME_WEIGHTS.items():
        if row == prefix or (prefix.endswith("_") and row.startswith(prefix)):
            return w
    return 1.0


def reweight(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Rescale outcome and review counts of consistent synthetic cells, keeping H1–H4 true."""
    from toolkit.synthetic.values import format_number

    c = cells.set_index(["table", "row", "column"])["value"].copy()
    req = c.loc["requests"].unstack("column")
    applicants = [a for a in req.columns if a != "total"]
    volume = ["new_received", "carried_in", "total_processed", "carried_forward"]
    outcomes = [r for r in req.index if r not in volume]
    for a in applicants:
        for r in outcomes:
            v, w = int(req.loc[r, a]), _weight(r)
            req.loc[r, a] = float(rng.binomial(v, w) if w < 1 else round(v * w * rng.uniform(0.8, 1.2)))
        tp, cf = req.loc[outcomes, a].sum(), req.loc["carried_forward", a]
        req.loc["total_processed", a] = tp
        req.loc["carried_in", a] = min(req.loc["carried_in", a], tp + cf)
        req.loc["new_received", a] = tp + cf - req.loc["carried_in", a]
    req["total"] = req[applicants].sum(axis=1)
    rev = c.loc["review_litigation"].unstack("column")
    parts = [k for k in rev.columns if k != "total"]
    for r in rev.index:
        for k in parts:
            rev.loc[r, k] = float(rng.binomial(int(rev.loc[r, k]), REVIEW_KEEP))
    rev["total"] = rev[parts].sum(axis=1)
    new = {("requests", r, k): v for (r, k), v in req.stack().items()}
    new.update({("review_litigation", r, k): v for (r, k), v in rev.stack().items()})
    out = cells.copy()
    keys = list(zip(out["table"], out["row"], out["column"]))
    out["value"] = [float(new.get(k, v)) for k, v in zip(keys, out["value"])]
    out["raw"] = out["value"].map(format_number)
    return out


def chain(cells: pd.DataFrame, prev: pd.DataFrame | None, may_make_rules: bool) -> pd.DataFrame:
    """Make one agency's years agree with each other and with the soft checks (docs/format.md §5 W1, W2, W4).

    - W2: only a province or city government (its office here) prints 规章; others print 0.
    - W4: T2019 ``new_published ≤ total_public``; T2021 ``repealed ≤ in_force(t−1) + issued``.
    - W1: ``carried_in(t) = carried_forward(t−1)`` per applicant (disclosed grows when needed);
      T2019 ``prev_year_items(t) = prev_year_items(t−1) + change(t−1)``; T2021
      ``in_force(t) = in_force(t−1) + issued − repealed``.
    """
    from toolkit.synthetic.values import format_number

    c = cells.set_index(["table", "row", "column"])["value"].astype(float).copy()
    p = prev.set_index(["table", "row", "column"])["value"].astype(float) if prev is not None else pd.Series(dtype=float)

    def has(*k):
        return k in c.index

    def had(*k):
        return k in p.index

    for k in [k for k in c.index if k[0] == "proactive" and k[1] == "rules" and not may_make_rules]:
        c[k] = 0.0
    rows = {k[1] for k in c.index if k[0] == "proactive"}
    for r in rows:
        if has("proactive", r, "new_published") and has("proactive", r, "total_public"):
            c["proactive", r, "total_public"] = max(c["proactive", r, "total_public"], c["proactive", r, "new_published"])
        if has("proactive", r, "prev_year_items"):
            if had("proactive", r, "prev_year_items") and had("proactive", r, "change"):
                c["proactive", r, "prev_year_items"] = p["proactive", r, "prev_year_items"] + p["proactive", r, "change"]
            if has("proactive", r, "change"):
                c["proactive", r, "change"] = max(c["proactive", r, "change"], -c["proactive", r, "prev_year_items"])
        if has("proactive", r, "in_force") and had("proactive", r, "in_force"):
            before = p["proactive", r, "in_force"]
            issued = c["proactive", r, "issued"]
            c["proactive", r, "repealed"] = min(c["proactive", r, "repealed"], before + issued)
            c["proactive", r, "in_force"] = before + issued - c["proactive", r, "repealed"]
    if prev is not None:
        req = c.loc["requests"].unstack("column")
        applicants = [a for a in req.columns if a != "total"]
        outcomes = [r for r in req.index if r not in ("new_received", "carried_in", "total_processed", "carried_forward")]
        for a in applicants:
            ci = p.get(("requests", "carried_forward", a), req.loc["carried_in", a])
            tp, cf = req.loc[outcomes, a].sum(), req.loc["carried_forward", a]
            if ci > tp + cf:
                req.loc["disclosed", a] += ci - tp - cf
            req.loc["total_processed", a] = req.loc[outcomes, a].sum()
            req.loc["carried_in", a] = ci
            req.loc["new_received", a] = req.loc["total_processed", a] + cf - ci
        req["total"] = req[applicants].sum(axis=1)
        for (r, k), v in req.stack().items():
            c["requests", r, k] = v
    out = cells.copy()
    out["value"] = [float(c[k]) for k in zip(out["table"], out["row"], out["column"])]
    out["raw"] = out["value"].map(format_number)
    return out


def build_specs(seed: int = SEED):
    """The ReportSpecs of the whole panel, aggregates summed from their members.

    Returns (list of (Agency, ReportSpec, fmt, perturbation)).
    """
    from toolkit.synthetic.render.perturb import Perturbation, perturb_cells
    from toolkit.synthetic.values import format_number, narrative_of, report_spec

    rng = np.random.default_rng(seed)
    agencies = _agencies()
    out = []
    truth: dict[tuple[str, int], pd.DataFrame] = {}
    finals: dict[str, pd.DataFrame] = {}
    for year in YEARS:
        growth = 1 + 0.12 * (year - 2019)
        members = [a for a in agencies if a.kind != "aggregate"]
        for a in members:
            noise = float(rng.lognormal(0, 0.25))
            activity = 0.0 if a.activity == 0 else a.activity * growth * noise
            spec = report_spec(rng, agency=a.agency, year=year, activity=activity)
            spec.cells = reweight(spec.cells, rng)
            spec.cells = chain(spec.cells, finals.get(a.slug), a.kind == "office" and a.level in ("province", "city"))
            finals[a.slug] = spec.cells
            spec.narrative = narrative_of(spec)
            truth[(a.slug, year)] = spec.cells[["table", "row", "column", "value"]].copy()
            out.append([a, spec])
        for a in [a for a in agencies if a.kind == "aggregate"]:
            regions = _covered_regions(a.region)
            parts = [truth[(m.slug, year)] for m in members if m.region in regions]
            summed = pd.concat(parts).groupby(["table", "row", "column"], sort=False, observed=True)["value"].sum().reset_index()
            spec = report_spec(rng, agency=a.agency, year=year)
            cells = spec.cells[["table", "row", "column"]].merge(summed, on=["table", "row", "column"], how="left")
            cells["value"] = cells["value"].round(6)
            cells["raw"] = cells["value"].map(format_number)
            spec.cells = cells
            spec.narrative = narrative_of(spec)
            out.append([a, spec])
    index = {a.slug: i for i, a in enumerate(agencies)}
    result = []
    for a, spec in out:
        fmt = _format_for(index[a.slug], a, spec.year)
        p = Perturbation()
        if a.kind == "township":
            p = Perturbation(blank_zeros=0.5)  # townships often leave zero cells blank
        elif a.kind == "aggregate" and fmt in ("text", "html"):
            p = Perturbation(thousands=True)  # 1,234 / 1，234 as busy offices print them
        seed_i = int(hashlib.sha256(f"{a.slug}{spec.year}".encode()).hexdigest()[:8], 16)
        if p.blank_zeros:
            spec.cells = perturb_cells(spec.cells, p, np.random.default_rng(seed_i))
        result.append((a, spec, fmt, p, seed_i))
    return result


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


def data_card(panel: pd.DataFrame, seed: int) -> str:
    fmts = panel.drop_duplicates("source_file")["format"].value_counts().to_dict()
    n = panel["source_file"].nunique()
    return f"""# SYNTHETIC demo panel: DATA CARD

**SYNTHETIC DATA. Every agency here is fictional and every number is random.
These are not published reports and must not be quoted as facts about any real
government body.** Names such as 示例省, 示例市, 青山县 and 绿水县 were chosen to be
clearly fictional.

## What it is
- {n} report files of {panel['agency'].nunique()} fictional agencies, report years {min(YEARS)}–{max(YEARS)},
  in `reports/<year>/<agency-slug>-<year>.<ext>`; formats: {", ".join(f"{k} {v}" for k, v in sorted(fmts.items()))}.
- Levels: a province (示例省), a city (示例市), two counties (青山县, 绿水县); at each: the
  government's aggregate report (`…人民政府`, scope `region_aggregate`), its general
  office (`…人民政府办公厅/办公室`, scope `government_office`) and departments; and ten
  townships (`…镇/乡人民政府`). `agencies.csv` lists them as an agency registry (the format of
  every registry, `toolkit.corpus.agencies`: agency_id, agency_name, aliases, level, scope,
  region, parent, website), plus the demo's `kind` and an `activity` parameter.
- Layouts: the 2019 template (T2019) for report years 2019–2020, the 2021 template after.

## How it was made
`python -m toolkit.synthetic build` (seed {seed}):
1. `toolkit.synthetic.values.report_spec` draws consistent values for every member agency
   (skewed: many all-zero townships and statistics bureaus, a few busy city offices,
   volumes growing ~12 % a year); every identity H1–H5 holds.
2. Each aggregate report (`示例省人民政府`, `示例市人民政府`, `青山县人民政府`,
   `绿水县人民政府`) is the **cell-by-cell sum** of the member agencies of its region and
   of the regions below it (the province covers the city and both counties). Never add an
   aggregate to its members: filter on `scope`.
3. Townships leave about half of their zero cells blank, as real ones do (the blank-cell
   rule of `toolkit.validation.blanks` reads them as 0); aggregate text/HTML reports print thousands separators (`1,234`).
4. Years are chained per agency (`toolkit.synthetic.panel.chain`): carried in = carried forward of the
   year before; items and documents in force follow from last year's and this year's changes;
   only the province and city government offices print 规章 (rules). The outcome mix is
   reweighted to look like published reports (most requests disclosed or "not held").
   Validation then finds no errors; its warnings are W5 reminders that aggregates are present.
5. `toolkit.synthetic.render` prints each report as text, HTML, DOCX or PDF (PDF via LibreOffice);
   `toolkit.read_report` reads every file back.

## Files
- `reports/…`: the rendered report files.
- `ground_truth.parquet`: what each file was meant to say: `source_file, agency, year,
  table, row, column, value, raw` (`value` missing where the cell was printed blank).
- `panel.parquet`: the tidy panel as read back by `toolkit.read_report` (`level`
  from the report metadata); `toolkit.load_demo()` returns it.
- `agencies.csv`: the fictional agencies (an agency registry: each report's `agency_id` comes from it).

`python -m toolkit.synthetic check` (and `tests/synthetic/test_demo.py`) re-reads every file and
asserts it gives exactly `panel.parquet` and agrees with `ground_truth.parquet`.

## Columns of `panel.parquet` (from the field dictionary, `toolkit/data/fields.csv`)
{_columns_md()}
"""


def _columns_md() -> str:
    from toolkit import fields

    return "\n".join(f"- `{name}` ({label}): {meaning}" for name, label, meaning in fields.describe("cells"))


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
