"""Soft checks W1–W5 (docs/format.md §5): plausibility, reported as warnings.

W1 cross-year chains for one agency (requests carried over; T2019 item counts;
T2021 documents in force) · W2 规章 from a level that cannot make
rules · W3 narrative numbers against the tables · W4 table 二 bounds · W5 scope
(aggregates are never summed with their members).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd

from toolkit.labels import label
from toolkit.read.gaps import MISSING
from toolkit.read.normalise import squash
from toolkit.validation import structure as st
from toolkit.validation.blanks import BLANK_AS_ZERO, IMPUTED_TOTAL, TABLE_EMPTY
from toolkit.validation.issues import cell_label, fmt, issue, reason
from toolkit.validation.narrative import measure_targets, parse_stated, statements

SCOPES = ("agency", "government_office", "region_aggregate")
TOL = 1e-6


def _value_map(cells: pd.DataFrame) -> dict:
    """{(rkey, table, row, column): filled value}."""
    return dict(zip(zip(cells["_rkey"], cells["table"], cells["row"], cells["column"]), cells["value"]))


def _loc_map(cells: pd.DataFrame) -> dict:
    if "location" not in cells:
        return {}
    return dict(zip(zip(cells["_rkey"], cells["table"], cells["row"], cells["column"]), cells["location"]))


def _check(meta, rule, table, instance, outcome, why=None):
    return {"report_id": meta.get("report_id"), "rule": rule, "table": table, "instance": instance, "outcome": outcome,
            "reason": why}


class _Why:
    """The ``reason`` of a check from the state of the cells it used (by (rkey, table, row, column))."""

    def __init__(self, cells: pd.DataFrame):
        keys = list(zip(cells["_rkey"], cells["table"], cells["row"], cells["column"]))
        self.status = dict(zip(keys, cells["status"].astype(object)))
        self.fill = dict(zip(keys, cells["fill"].astype(object)))
        self.zero_rows = {k[:3] for k, f in self.fill.items() if f == BLANK_AS_ZERO}

    def __call__(self, outcome: str, keys) -> str | None:
        keys = list(keys)
        name = "/".join
        if outcome == "not_assessable":
            parts = [(w, [name(k[1:]) for k in keys if test(k)] or None) for w, test in (
                ("missing", lambda k: self.status.get(k) == MISSING),
                ("unreadable", lambda k: self.status.get(k) == "invalid"),
                ("table_empty", lambda k: self.fill.get(k) == TABLE_EMPTY),
                ("not_printed", lambda k: k not in self.status))]
            return reason(*parts)
        fills = {self.fill.get(k) for k in keys}
        if IMPUTED_TOTAL in fills and any(k[:3] in self.zero_rows for k in keys if self.fill.get(k) == IMPUTED_TOTAL):
            fills.add(BLANK_AS_ZERO)  # the sum that replaced a blank total counted the row's blanks as 0
        return reason(("imputed_total", [] if IMPUTED_TOTAL in fills else None),
                      ("blank_as_zero", [] if BLANK_AS_ZERO in fills else None))


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and np.isnan(x))


# ---------------------------------------------------------------- W1 and W4 (cross-year)
def _year_pairs(metas: dict) -> list[tuple[str, str]]:
    """(previous, current) report keys of the same agency in consecutive years; ambiguous years skipped."""
    by_agency: dict[str, dict[int, list[str]]] = {}
    for k, m in metas.items():
        if not m.get("agency") or not _ok(m.get("year")):
            continue
        by_agency.setdefault(squash(str(m["agency"])), {}).setdefault(int(m["year"]), []).append(k)
    return consecutive_pairs(by_agency)


def consecutive_pairs(by_agency: dict[str, dict[int, list[str]]]) -> list[tuple[str, str]]:
    """(last year's report, this year's) of each agency with exactly one report in both years.

    Examples:
        >>> consecutive_pairs({"a": {2022: ["r1"], 2023: ["r2"], 2025: ["r3"]}, "b": {2022: ["x", "y"], 2023: ["z"]}})
        [('r1', 'r2')]
    """
    pairs = []
    for years in by_agency.values():
        for y, ks in years.items():
            prev = years.get(y - 1)
            if prev and len(prev) == 1 and len(ks) == 1:
                pairs.append((prev[0], ks[0]))
    return pairs


def w1_issues(cells, metas):
    values, locs, why = _value_map(cells), _loc_map(cells), _Why(cells)
    out, checks = [], []
    req, pro = st.REQUESTS, st.PROACTIVE
    for prev, cur in _year_pairs(metas):
        mp, mc = metas[prev], metas[cur]
        # requests: carried_in(t) = carried_forward(t-1), per column
        for c in st.applicant_columns() + (st.TOTAL,):
            used = [(cur, req, st.CARRIED_IN, c), (prev, req, st.CARRIED_FORWARD, c)]
            a, b = (values.get(k) for k in used)
            if not (_ok(a) and _ok(b)):
                checks.append(_check(mc, "W1", req, c, "not_assessable", why("not_assessable", used)))
                continue
            failed = abs(a - b) > TOL
            outcome = "failed" if failed else "passed"
            checks.append(_check(mc, "W1", req, c, outcome, why(outcome, used)))
            if failed:
                f = dict(cell=cell_label(req, st.CARRIED_IN, c), cell_en=cell_label(req, st.CARRIED_IN, c, "en"),
                         prev_cell=cell_label(req, st.CARRIED_FORWARD, c),
                         prev_cell_en=cell_label(req, st.CARRIED_FORWARD, c, "en"),
                         observed=fmt(a), expected=fmt(b), prev_year=mp["year"])
                out.append(issue(
                    mc, table=req, row=st.CARRIED_IN, column=c, rule="W1", severity="warning", expected=b, observed=a,
                    zh=label("msg.W1_carried", "zh", **f), en=label("msg.W1_carried", "en", **f),
                    location=locs.get((cur, req, st.CARRIED_IN, c))))
        # T2019 item counts: prev_year_items(t) = prev_year_items(t-1) + change(t-1)
        rows = cells.loc[(cells["_rkey"] == cur) & (cells["table"] == pro) & (cells["column"] == st.PREV_YEAR_ITEMS), "row"]
        for r in rows:
            used = [(cur, pro, r, st.PREV_YEAR_ITEMS), (prev, pro, r, st.PREV_YEAR_ITEMS), (prev, pro, r, st.CHANGE)]
            a, p, ch = (values.get(k) for k in used)
            if not (_ok(a) and _ok(p) and _ok(ch)):
                if _ok(a) and (prev, pro, r, st.PREV_YEAR_ITEMS) in values:
                    checks.append(_check(mc, "W1", pro, r, "not_assessable", why("not_assessable", used)))
                continue
            expected = p + ch
            failed = abs(a - expected) > TOL
            outcome = "failed" if failed else "passed"
            checks.append(_check(mc, "W1", pro, r, outcome, why(outcome, used)))
            if failed:
                f = dict(cell=cell_label(pro, r, st.PREV_YEAR_ITEMS), cell_en=cell_label(pro, r, st.PREV_YEAR_ITEMS, "en"),
                         observed=fmt(a), previous=fmt(p), change=fmt(ch), prev_year=mp["year"])
                out.append(issue(
                    mc, table=pro, row=r, column=st.PREV_YEAR_ITEMS, rule="W1", severity="warning",
                    expected=expected, observed=a,
                    zh=label("msg.W1_items", "zh", **f), en=label("msg.W1_items", "en", **f),
                    location=locs.get((cur, pro, r, st.PREV_YEAR_ITEMS))))
        # T2021 documents in force: in_force(t) = in_force(t-1) + issued(t) − repealed(t). Documents also
        # lapse when their validity period ends, so a break is a warning to look at, never an error.
        rows = cells.loc[(cells["_rkey"] == cur) & (cells["table"] == pro) & (cells["column"] == st.IN_FORCE), "row"]
        for r in rows:
            used = [(cur, pro, r, st.IN_FORCE), (prev, pro, r, st.IN_FORCE), (cur, pro, r, st.ISSUED),
                    (cur, pro, r, st.REPEALED)]
            a, p, issued, repealed = (values.get(k) for k in used)
            if (prev, pro, r, st.IN_FORCE) not in values:
                continue  # last year's report used another layout (T2019 has no 现行有效 column)
            if not all(_ok(x) for x in (a, p, issued, repealed)):
                checks.append(_check(mc, "W1", pro, f"{r}:in_force", "not_assessable", why("not_assessable", used)))
                continue
            expected = p + issued - repealed
            failed = abs(a - expected) > TOL
            outcome = "failed" if failed else "passed"
            checks.append(_check(mc, "W1", pro, f"{r}:in_force", outcome, why(outcome, used)))
            if failed:
                f = dict(cell=cell_label(pro, r, st.IN_FORCE), cell_en=cell_label(pro, r, st.IN_FORCE, "en"),
                         observed=fmt(a), previous=fmt(p), issued=fmt(issued), repealed=fmt(repealed),
                         expected=fmt(expected), prev_year=mp["year"])
                out.append(issue(
                    mc, table=pro, row=r, column=st.IN_FORCE, rule="W1", severity="warning",
                    expected=expected, observed=a,
                    zh=label("msg.W1_in_force", "zh", **f), en=label("msg.W1_in_force", "en", **f),
                    location=locs.get((cur, pro, r, st.IN_FORCE))))
    return out, checks


def w4_issues(cells, metas):
    values, locs, why = _value_map(cells), _loc_map(cells), _Why(cells)
    out, checks = [], []
    pro = st.PROACTIVE
    prev_of = {cur: prev for prev, cur in _year_pairs(metas)}
    sub = cells[cells["table"] == pro]
    for (k, r), g in sub.groupby(["_rkey", "row"], sort=False):
        cols = set(g["column"])
        meta = metas[k]
        if {st.NEW_PUBLISHED, st.TOTAL_PUBLIC} <= cols:  # T2019: newly disclosed ≤ total public
            used = [(k, pro, r, st.NEW_PUBLISHED), (k, pro, r, st.TOTAL_PUBLIC)]
            a, b = (values[u] for u in used)
            if not (_ok(a) and _ok(b)):
                checks.append(_check(meta, "W4", pro, r, "not_assessable", why("not_assessable", used)))
            else:
                failed = a > b + TOL
                outcome = "failed" if failed else "passed"
                checks.append(_check(meta, "W4", pro, r, outcome, why(outcome, used)))
                if failed:
                    f = dict(cell=cell_label(pro, r, st.NEW_PUBLISHED), cell_en=cell_label(pro, r, st.NEW_PUBLISHED, "en"),
                             other_cell=cell_label(pro, r, st.TOTAL_PUBLIC),
                             other_cell_en=cell_label(pro, r, st.TOTAL_PUBLIC, "en"), observed=fmt(a), expected=fmt(b))
                    out.append(issue(
                        meta, table=pro, row=r, column=st.NEW_PUBLISHED, rule="W4", severity="warning", expected=b,
                        observed=a, zh=label("msg.W4_published", "zh", **f), en=label("msg.W4_published", "en", **f),
                        location=locs.get((k, pro, r, st.NEW_PUBLISHED))))
        if {st.REPEALED, st.ISSUED} <= cols:  # T2021: repealed ≤ in force (t-1) + issued (t)
            prev = prev_of.get(k)
            a, issued = values[(k, pro, r, st.REPEALED)], values[(k, pro, r, st.ISSUED)]
            before = values.get((prev, pro, r, st.IN_FORCE)) if prev else None
            used = [(k, pro, r, st.REPEALED), (k, pro, r, st.ISSUED)] + ([(prev, pro, r, st.IN_FORCE)] if prev else [])
            if not (_ok(a) and _ok(issued) and _ok(before)):
                checks.append(_check(meta, "W4", pro, f"{r}:repealed", "not_assessable",
                                     why("not_assessable", used) if prev else reason(("no_previous", []))))
                continue
            bound = before + issued
            failed = a > bound + TOL
            outcome = "failed" if failed else "passed"
            checks.append(_check(meta, "W4", pro, f"{r}:repealed", outcome, why(outcome, used)))
            if failed:
                f = dict(cell=cell_label(pro, r, st.REPEALED), cell_en=cell_label(pro, r, st.REPEALED, "en"),
                         observed=fmt(a), before=fmt(before), issued=fmt(issued))
                out.append(issue(
                    meta, table=pro, row=r, column=st.REPEALED, rule="W4", severity="warning", expected=bound,
                    observed=a, zh=label("msg.W4_repealed", "zh", **f), en=label("msg.W4_repealed", "en", **f),
                    location=locs.get((k, pro, r, st.REPEALED))))
    return out, checks


# ---------------------------------------------------------------- W2 (who may make rules)
_LOWER_UNIT = re.compile(r"(区|县|旗|镇|乡|街道|苏木|办事处|社区|村)")
_GOV = re.compile(r"^(?P<place>.*?)(?:人民政府|政府)(?:办公厅|办公室)?$")
_CENTRAL = re.compile(r"^(国务院|国家|中华人民共和国|中国)")
_PLACE = re.compile(r"(省|自治区|市|州|盟|地区|区|县|旗)")

#: ``level`` values (as in data/raw/SOURCES.csv) whose unit may make 规章.
_RULEMAKING_LEVEL = re.compile(r"^(central|state_council|province|city_government|city_office|prefecture)")


def can_make_rules(agency: str | None, level: str | None = None) -> bool | None:
    """Whether a report's unit may make 规章 (docs/format.md §5 W2); None when it cannot be told.

    Rules are made by State Council departments and by the governments of
    provinces, 设区的市 and 自治州; a report of such a government (or of its
    general office, which reports for it) may list them. County and township
    governments and local departments cannot.

    Examples:
        >>> [can_make_rules(a) for a in ("淮安市人民政府", "上海市人民政府办公厅", "天津市宁河区科学技术局", "某某镇人民政府", "海关总署")]
        [True, True, False, False, True]
        >>> can_make_rules("某局", level="county_department"), can_make_rules("某县人民政府", level="county")
        (False, False)
    """
    if level and "_" in level:  # a level that names the unit itself, e.g. "county_department"
        return bool(_RULEMAKING_LEVEL.match(level))
    if level in ("county", "township"):  # the level of the unit's government (toolkit.read.meta.level_of)
        return False
    if not agency:
        return None
    s = squash(agency)
    m = _GOV.match(s)
    if m:
        place = m["place"]
        if not place:
            return None
        if _LOWER_UNIT.search(place[-2:]) or re.search(r"(区|县|旗|镇|乡|街道)$", place):
            return False
        return bool(re.search(r"(省|自治区|市|州|盟)$", place))
    if _CENTRAL.match(s) or not _PLACE.search(s):
        return True
    return False


def w2_issues(cells, metas):
    out, checks = [], []
    pro = st.PROACTIVE
    rules = cells[(cells["table"] == pro) & (cells["row"] == st.RULES_ROW)]
    for k, g in rules.groupby("_rkey", sort=False):
        meta = metas[k]
        allowed = can_make_rules(meta.get("agency"), meta.get("level"))
        if allowed is None:
            checks.append(_check(meta, "W2", pro, st.RULES_ROW, "not_assessable", reason(("level_unknown", []))))
            continue
        hits = g[(g["status"] == "number") & (g["value_printed"] != 0)] if not allowed else g.iloc[0:0]
        checks.append(_check(meta, "W2", pro, st.RULES_ROW, "failed" if len(hits) else "passed"))
        for c in hits.to_dict("records"):
            f = dict(cell=cell_label(pro, st.RULES_ROW, c["column"]), cell_en=cell_label(pro, st.RULES_ROW, c["column"], "en"),
                     observed=fmt(c["value_printed"]), agency=meta.get("agency"), rule=st.rule_text("W2"),
                     rule_en=st.rule_text("W2", "en"))
            out.append(issue(
                meta, table=pro, row=st.RULES_ROW, column=c["column"], rule="W2", severity="warning", expected=0.0,
                observed=c["value_printed"], zh=label("msg.W2", "zh", **f), en=label("msg.W2", "en", **f),
                location=c.get("location")))
    return out, checks


# ---------------------------------------------------------------- W3 (text against tables)
def _stated(cells: pd.DataFrame, metas: dict, sections: dict) -> dict:
    """{rkey: [(measure, value, snippet)]}: the ``stated`` column, plus statements in ``sections`` (by report_id)."""
    out: dict = {}
    if "stated" in cells:
        has = cells[cells["stated"].notna()]
        for k, text in zip(has["_rkey"], has["stated"]):
            out.setdefault(k, []).extend(parse_stated(text))
    for k, meta in metas.items():
        secs = sections.get(meta.get("report_id")) or sections.get(k)
        if secs:
            text = "\n".join(str(t) for t in secs.values() if t)
            out.setdefault(k, []).extend((m, v, sn) for m, v, sn, _ in statements(text))
    return out


def w3_issues(cells, metas, sections):
    values, locs, why = _value_map(cells), _loc_map(cells), _Why(cells)
    out, checks = [], []
    said = _stated(cells, metas, sections)
    for k, meta in metas.items():
        seen = set()
        stated = []
        for m, v, sn in said.get(k, []):
            if (m, v) not in seen:
                seen.add((m, v))
                stated.append(SimpleNamespace(measure=m, value=v, snippet=sn))
        for s in stated:
            sums = []
            used = [(k, *cell) for alt in measure_targets(s.measure) for cell in alt]
            for alt in measure_targets(s.measure):
                # a template prints some of a group's rows only (（六） as one row or three)
                alt = [cell for cell in alt if (k, *cell) in values]
                vals = [values[(k, *cell)] for cell in alt]
                sums.append((sum(vals) if vals and all(_ok(v) for v in vals) else None, alt))
            known = [(v, alt) for v, alt in sums if v is not None]
            if not known:
                checks.append(_check(meta, "W3", None, s.measure, "not_assessable",
                                     why("not_assessable", [u for u in used if u in why.status] or used)))
                continue
            if any(abs(v - s.value) <= TOL for v, _ in known):
                checks.append(_check(meta, "W3", None, s.measure, "passed", why("passed", used)))
                continue
            checks.append(_check(meta, "W3", None, s.measure, "failed", why("failed", used)))
            v, alt = min(known, key=lambda va: abs(va[0] - s.value))
            table, row, column = alt[0]
            f = dict(cells=" + ".join(cell_label(*c) for c in alt), cells_en=" + ".join(cell_label(*c, lang="en") for c in alt),
                     snippet=s.snippet, stated=s.value, table=fmt(v))
            out.append(issue(
                meta, table=table, row=row if len(alt) == 1 else None, column=column, rule="W3", severity="warning",
                expected=v, observed=float(s.value), zh=label("msg.W3", "zh", **f), en=label("msg.W3", "en", **f),
                location=locs.get((k, *alt[0])) if len(alt) == 1 else None))
    return out, checks


# ---------------------------------------------------------------- W5 (scope)
def _place(agency: str) -> str | None:
    m = _GOV.match(squash(agency or ""))
    return m["place"] if m and m["place"] else None


def w5_issues(cells, metas):
    out, checks = [], []
    for k, meta in metas.items():
        scope = meta.get("scope")
        if scope not in SCOPES:
            checks.append(_check(meta, "W5", None, "scope", "failed"))
            out.append(issue(
                meta, table=None, row=None, column=None, rule="W5", severity="warning", expected=np.nan,
                observed=np.nan,
                zh=label("msg.W5_unknown", "zh", scope=repr(scope)), en=label("msg.W5_unknown", "en", scope=repr(scope))))
            continue
        if scope != "region_aggregate":
            checks.append(_check(meta, "W5", None, "scope", "passed"))
            continue
        place = _place(meta.get("agency") or "")
        members = [
            m for j, m in metas.items()
            if j != k and place and m.get("year") == meta.get("year") and m.get("agency")
            and squash(m["agency"]).startswith(place) and m.get("scope") != "region_aggregate"
        ]
        checks.append(_check(meta, "W5", None, "members", "failed" if members else "passed"))
        if members:
            f = dict(agency=meta.get("agency"), n=len(members),
                     names="、".join(sorted({str(m["agency"]) for m in members})[:5]))
            out.append(issue(
                meta, table=None, row=None, column=None, rule="W5", severity="warning", expected=np.nan,
                observed=float(len(members)), zh=label("msg.W5_members", "zh", **f), en=label("msg.W5_members", "en", **f)))
    return out, checks


def soft_issues(cells, metas, sections):
    out, checks = [], []
    for fn, args in ((w1_issues, ()), (w2_issues, ()), (w3_issues, (sections,)), (w4_issues, ()), (w5_issues, ())):
        o, c = fn(cells, metas, *args)
        out += o
        checks += c
    return out, checks
