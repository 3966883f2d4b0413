"""The values of every demo report: drawn per member agency, reweighted to look like published
reports, chained from year to year, summed into the aggregates, and given a file format."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from toolkit.synthetic.demo_agencies import Agency, covered_regions, fictional_agencies

SEED = 20240601
YEARS = tuple(range(2019, 2025))


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
    agencies = fictional_agencies()
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
            regions = covered_regions(a.region)
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
