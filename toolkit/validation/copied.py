"""W6 copied report (docs/format.md §5): tables 三 and 四 identical to the same agency's previous year.

Reviewers of these reports have found agencies that republish last year's
figures. Two consecutive reports of one agency whose every value of table 三
(``requests``) and table 四 (``review_litigation``) agrees, with at least
:data:`MIN_NONZERO` non-zero cells among them (a small office can honestly
report zeros two years running), are a warning on the later report.

The same agency: the same ``agency_id`` when the cells carry one (the agency
registry), else the same printed agency name. Cells the reader lost (status
``missing``) in either report are left out of the comparison; a pair with
nothing left to compare is not assessable. Only pairs of consecutive years are
checked (like W1), each agency-year with exactly one report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.labels import label
from toolkit.read.gaps import MISSING
from toolkit.read.normalise import squash
from toolkit.validation import structure as st
from toolkit.validation.issues import issue
from toolkit.validation.soft import consecutive_pairs

RULE = "W6"
TABLES = (st.REQUESTS, st.REVIEW)
MIN_NONZERO = 10


def _agency_keys(cells: pd.DataFrame, metas: dict) -> dict[str, str]:
    """{report key: agency key}: its ``agency_id`` when the cells have one, else its printed name."""
    ids: dict[str, str] = {}
    if "agency_id" in cells.columns:
        firsts = cells.dropna(subset=["agency_id"]).groupby("_rkey", sort=False)["agency_id"].first()
        ids = {k: f"id:{v}" for k, v in firsts.items() if str(v).strip()}
    out = {}
    for k, m in metas.items():
        if k in ids:
            out[k] = ids[k]
        elif m.get("agency"):
            out[k] = "name:" + squash(str(m["agency"]))
    return out


def _pairs(cells: pd.DataFrame, metas: dict) -> list[tuple[str, str]]:
    """(previous, current) report keys of one agency in consecutive years, each year with one report."""
    by_agency: dict[str, dict[int, list[str]]] = {}
    for k, agency in _agency_keys(cells, metas).items():
        year = metas[k].get("year")
        if year is None or (isinstance(year, float) and np.isnan(year)):
            continue
        by_agency.setdefault(agency, {}).setdefault(int(year), []).append(k)
    return consecutive_pairs(by_agency)


def copied_issues(cells: pd.DataFrame, metas: dict) -> tuple[list[dict], list[dict]]:
    """W6 findings and checks (one check per consecutive pair, on the later report)."""
    pairs = _pairs(cells, metas)
    if not pairs:
        return [], []
    wanted = {k for pair in pairs for k in pair}
    sub = cells[cells["table"].isin(TABLES) & cells["_rkey"].isin(wanted)]
    values = {k: g.set_index(["table", "row", "column"]) for k, g in sub.groupby("_rkey", sort=False)}
    out, checks = [], []
    for prev, cur in pairs:
        meta, before = metas[cur], metas[prev]
        check = {"report_id": meta.get("report_id"), "rule": RULE, "table": None, "instance": "previous_year",
                 "outcome": "passed", "reason": None}
        checks.append(check)
        a, b = values.get(cur), values.get(prev)
        if a is None or b is None:
            check.update(outcome="not_assessable", reason=label("reason.not_printed", "en"))
            continue
        both = pd.merge(a[["value", "status"]], b[["value", "status"]], how="inner", left_index=True, right_index=True,
                        suffixes=("_cur", "_prev"))
        both = both[(both["status_cur"] != MISSING) & (both["status_prev"] != MISSING)]
        if both.empty:
            check.update(outcome="not_assessable", reason=label("reason.missing", "en"))
            continue
        x, y = both["value_cur"].astype(float), both["value_prev"].astype(float)
        same = ((x == y) | (x.isna() & y.isna())).all()
        nonzero = int((x.fillna(0) != 0).sum())
        if not (same and nonzero >= MIN_NONZERO):
            continue
        check["outcome"] = "failed"
        f = dict(n=len(both), nonzero=nonzero, prev_year=int(before["year"]), prev_file=before.get("source_file") or "?",
                 min_nonzero=MIN_NONZERO)
        out.append(issue(meta, table=None, row=None, column=None, rule=RULE, severity="warning",
                         expected=np.nan, observed=float(nonzero),
                         zh=label("msg.W6", "zh", **f), en=label("msg.W6", "en", **f)))
    return out, checks



