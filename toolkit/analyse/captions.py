"""Chart captions and titles from the facts a frame's rows carry (never from a side channel).

:func:`facts_of` reads what a measure frame (:mod:`toolkit.analyse.facts`) or a tidy panel covers
from its columns: the reports behind the rows, whether they are synthetic, who published them,
the scope rule and the reports that lack cells. :func:`caption_of` words it. A frame whose facts
are missing is captioned "source unknown", never as real data.

Examples:
    >>> import pandas as pd
    >>> caption_of(pd.DataFrame({"agency": ["A"], "year": [2024], "n": [3.0]}), "en")
    "Source unknown: OGI annual reports of A. 2024; 1 report of 1 agency; each agency's own reports (aggregates included, never summed with members)."
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from toolkit import codebook as cb
from toolkit.analyse import facts as fx
from toolkit.labels import has, label


def plural(key: str, lang: str, n: int, **fields) -> str:
    """``key`` with ``n``; its ``.one`` form when ``n`` is 1 and the labels table has one.

    Examples:
        >>> plural("count.agencies", "en", 1), plural("count.agencies", "en", 2), plural("count.agencies", "zh", 1)
        ('1 agency', '2 agencies', '1个机关')
    """
    k = f"{key}.one" if n == 1 and has(f"{key}.one") else key
    return label(k, lang, n=f"{n:,}", **fields)


def years_text(years: Sequence[int], lang: str) -> str:
    """Years as runs: 2019、2022–2025 (zh) / 2019, 2022–2025 (en).

    Examples:
        >>> years_text([2019, 2022, 2023, 2024, 2025], "en")
        '2019, 2022–2025'
    """
    years = sorted({int(y) for y in years})
    runs, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            runs.append(str(start) if start == y else f"{start}–{y}")
            start = None
    return ("、" if lang == "zh" else ", ").join(runs)


def _reports(frame: pd.DataFrame) -> list[dict]:
    """The reports behind the rows: from ``sources`` (a measure frame) or the rows themselves (a tidy panel)."""
    seen: dict[str, dict] = {}
    if "sources" in frame.columns:
        for text in frame["sources"].dropna().unique():
            for r in json.loads(text):
                old = seen.get(r["report_id"])
                if old is None:
                    seen[r["report_id"]] = r
                else:  # one report in several rows (case types): counted if counted anywhere, all its gaps
                    old["included"] = old["included"] or r["included"]
                    old["missing"] = sorted(set(old["missing"]) | set(r["missing"]))
        return list(seen.values())
    if "agency" not in frame.columns:
        return []
    key = next((c for c in ("report_id", "source_file") if c in frame.columns), None)
    cols = [c for c in ("agency", "year", "source_url", "scope") if c in frame.columns]
    rows = frame.drop_duplicates(key) if key else frame
    for i, r in enumerate(rows[cols + ([key] if key else [])].to_dict("records")):
        rid = str(r.get(key, i)) if key else str(i)
        seen[rid] = {"report_id": rid, "agency": r.get("agency"), "year": None if pd.isna(r.get("year")) else int(r["year"]),
                     "source_url": r.get("source_url"), "included": True, "left_out": "", "missing": []}
    return list(seen.values())


def facts_of(frame: pd.DataFrame) -> dict:
    """What the rows of ``frame`` cover, read from its columns (nothing else).

    Returns ``reports`` (those counted), ``agencies``, ``years``, ``members`` ({year: agencies}),
    ``incomplete`` (reports lacking cells: ``(agency, year, cells, skipped)``), ``n_excluded``
    (reports left out by the scope rule), ``synthetic`` (True, False or None: not known),
    ``publishers``, ``scope_rule``, ``pooled`` and ``by``.
    """
    reports = _reports(frame)
    counted = [r for r in reports if r.get("included", True)]
    out = {"reports": counted, "agencies": sorted({str(r["agency"]) for r in counted if r.get("agency") is not None}),
           "years": sorted({int(r["year"]) for r in counted if r.get("year") is not None})}
    members: dict[int, set] = {}
    for r in counted:
        if r.get("year") is not None:
            members.setdefault(int(r["year"]), set()).add(str(r.get("agency")))
    out["members"] = {y: tuple(sorted(a)) for y, a in members.items()}
    out["incomplete"] = [(r.get("agency"), r.get("year"), list(r["missing"]), not r.get("included", True))
                         for r in reports if r.get("missing") and r.get("left_out") != "scope"]
    out["n_excluded"] = sum(1 for r in reports if r.get("left_out") == "scope")
    syn = frame["synthetic"].astype("boolean") if "synthetic" in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="boolean")
    known = len(syn) > 0 and bool(syn.notna().all())  # one row that does not say makes the whole frame unknown
    out["synthetic"] = (True if bool(syn.all()) else False if not bool(syn.any()) else None) if known else None
    out["publishers"] = sorted({fx.publisher_of(r.get("source_url")) for r in counted})
    out["scope_rule"] = str(frame["scope_rule"].dropna().iloc[0]) if "scope_rule" in frame and frame["scope_rule"].notna().any() else "all"
    out["pooled"] = bool(frame["pooled"].fillna(False).any()) if "pooled" in frame else False
    by = frame["by"].dropna().iloc[0] if "by" in frame and frame["by"].notna().any() else None
    out["by"] = str(by).split("|") if by else [c for c in ("agency", "year") if c in frame.columns]
    return out


def default_mode(frame: pd.DataFrame, f: dict | None = None) -> str:
    """'each' per agency, 'pooled' summed per year, 'all' when several years are summed into one row."""
    f = f or facts_of(frame)
    if not f["pooled"] or len(f["agencies"]) <= 1:  # one agency is not "agencies summed"
        return "each"
    if "year" not in f["by"] and len(f["years"]) > 1:
        return "all"
    return "pooled"


def years_key(mode: str, years) -> str:
    # One year is said as one year: "2024年" or "2024年，各机关合计", never "2024年，逐年/各年汇总".
    if len(years) == 1:
        return "caption.years_one" if mode == "each" else "caption.years_one_pooled"
    return f"caption.years_{mode}"


def cell_name(cell: str, lang: str) -> str:
    """A missing cell (``table/row/column``) in words: its row, and its column when not the total.

    Examples:
        >>> cell_name("requests/partly_disclosed/total", "zh"), cell_name("requests/new_received/org_other", "en")
        ('部分公开', 'New requests · Other organisations')
    """
    table, row, column = (cell.split("/") + ["", "", ""])[:3]
    try:
        text = cb.label(table, "row", row, lang, short=True)
        if column and column != "total":
            text += " · " + cb.label(table, "column", column, lang, short=True)
    except (IndexError, KeyError):
        return cell
    return text


def _agencies_text(agencies: Sequence[str], lang: str) -> str:
    agencies = list(agencies)
    if len(agencies) <= 2:
        return ("、" if lang == "zh" else ", ").join(agencies)
    return label("caption.agencies_more", lang, first=agencies[0], n=len(agencies), more=len(agencies) - 1)


def incomplete_note(f: dict, lang: str, names=None) -> str:
    """Which reports lack cells, and which (``""`` when none)."""
    if not f["incomplete"]:
        return ""
    sep = "、" if lang == "zh" else ", "
    parts = []
    for agency, year, cells, skipped in f["incomplete"][:4]:
        who = f"{names(agency) if names else agency} {year or ''}".strip()
        what = sep.join(dict.fromkeys(cell_name(c, lang) for c in cells[:4])) + ("…" if len(cells) > 4 else "")
        parts.append(label("caption.incomplete_skipped" if skipped else "caption.incomplete_one", lang, report=who, cells=what))
    more = len(f["incomplete"]) - 4
    text = "\n" + label("caption.incomplete", lang, reports=("；" if lang == "zh" else "; ").join(parts))
    return text + (label("caption.incomplete_more", lang, n=more) if more > 0 else "")


def caption_of(frame: pd.DataFrame, lang: str = "zh", *, mode: str | None = None, names=None) -> str:
    """What a chart shows, from its rows: data kind and source, years, reports and agencies, scope, gaps.

    Args:
        frame: an analysis frame (:mod:`toolkit.analyse.measures`) or a tidy panel.
        mode: ``pooled`` (agencies summed per year), ``each`` (year by year) or ``all`` (all years
            summed by the chart); default from the frame.
        names: how an agency name is drawn (a name no font covers becomes ``#n`` on a chart).

    Never a local path. One publisher is named only when every report shown was published there;
    otherwise the caption counts the agencies and points to the data file. Data whose origin the
    rows do not state is captioned "source unknown", never "real".
    """
    f = facts_of(frame)
    if f["synthetic"] is None and not f["reports"] and not f["n_excluded"]:
        return label("caption.unknown_rows", lang)  # nothing to name: no made-up "0 reports of 0 agencies"
    agencies, years = f["agencies"], f["years"]
    mode = mode or default_mode(frame, f)
    when = label(years_key(mode, years), lang, years=years_text(years, lang)) if years else ""
    reports = label("caption.reports", lang, reports=plural("count.reports", lang, len(f["reports"])),
                    agencies=plural("count.agencies", lang, len(agencies)))
    what = label("caption.what", lang, years=when, reports=reports, scope=label(f"caption.scope_{f['scope_rule']}", lang))
    gaps = incomplete_note(f, lang, names)
    if f["synthetic"]:
        return label("caption.synthetic", lang, what=what) + gaps
    shown = [names(a) for a in agencies] if names else agencies
    pubs = f["publishers"]
    one_site = len(pubs) == 1 and pubs[0]
    if len(agencies) <= 1 or one_site:
        who = _agencies_text(shown, lang) or "—"
        where = label("caption.where", lang, sites=pubs[0]) if one_site else ""
        key = "caption.real" if f["synthetic"] is False else "caption.unknown"
        return label(key, lang, agencies=who, where=where, what=what) + gaps
    who = plural("count.agencies", lang, len(agencies))
    key = "caption.real_many" if f["synthetic"] is False else "caption.unknown_many"
    return label(key, lang, agencies=who, what=what) + gaps
