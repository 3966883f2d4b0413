"""One page to review flagged reports: every check, and for each flagged one its rule, cells and sources.

:func:`flagged_checks` lists, per report, every check that failed or could not be
assessed with the cells it involves (printed text, value, location): the member
cells of an identity (:func:`toolkit.validation.structure.identity_members`), the
cells its findings name, and the cells its ``reason`` names. :func:`review_html`
writes one self-contained static page (CSS inline, pictures as ``data:`` URIs,
no script, no network): per report agency, year, file, source URL and the state
of every check; for each flagged check the rule in Chinese and English, the
cells with their printed values and a picture of where they were printed
(:mod:`toolkit.analyse.sources`), and the hint when one fits. Reports are
sorted by how much needs a look (errors, then failed checks, then checks not
assessable). All texts come from ``toolkit/data/labels.csv`` and
``toolkit/data/fields.csv``.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit import codebook as cb
from toolkit import fields as fd
from toolkit.errors import ToolkitError
from toolkit.labels import has, label
from toolkit.validation.api import run_checks
from toolkit.validation.issues import cell_label
from toolkit.validation.structure import identity_members, rule_text

FLAGGED = ("failed", "not_assessable")
_KEY = re.compile(r"^([a-z_]+)/([a-z0-9_]+)/([a-z0-9_]+)$")
_ROW_OF = re.compile(r"^(table \d+, row \d+)")
MAX_PICTURES = 6  # pictures per check: one per printed row involved
PICTURE_DPI = 150  # the legibility floor, keeps the page small


@dataclass
class FlaggedCheck:
    """One failed or not-assessable check of one report, with what a reviewer needs to decide."""

    report_id: str
    rule: str
    table: str
    instance: str
    outcome: str
    reason: str | None
    cells: pd.DataFrame  # table, row, column, raw, value, status, location (the report's own cells)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) of its findings
    hints: list[tuple[str, str]] = field(default_factory=list)


def _rule_words(rule: str, lang: str) -> str:
    try:
        return rule_text(rule, lang)
    except KeyError:
        return label(f"rule.{rule}", lang) if has(f"rule.{rule}") else rule


def _reason_zh(reason: str | None) -> str:
    """The check's reason (English phrases from labels.csv ``reason.*``) in Chinese."""
    if not isinstance(reason, str) or not reason:
        return ""
    by_en = {label(k, "en"): label(k, "zh") for k in _reason_keys()}
    out = []
    for part in reason.split("; "):
        phrase, _, cells = part.partition(": ")
        out.append(by_en.get(phrase, phrase) + (f"：{cells}" if cells else ""))
    return "；".join(out)


def _reason_keys() -> tuple[str, ...]:
    from toolkit.labels import keys

    return keys("reason")


def _check_cells(check: dict, found: pd.DataFrame, members: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The cells a check involves: its findings' cells, its identity's members, the cells its reason names."""
    out: list[tuple[str, str, str]] = []
    for r in found.itertuples():
        if isinstance(r.row, str) and isinstance(r.column, str):
            out.append((str(r.table), r.row, r.column))
    m = members[(members["rule"] == check["rule"]) & (members["table"] == check["table"])
                & (members["instance"] == check["instance"])]
    out += [(t, r, c) for t, r, c in m[["table", "row", "column"]].itertuples(index=False)]
    for part in str(check.get("reason") or "").split("; "):
        for key in part.partition(": ")[2].split(", "):
            hit = _KEY.match(key.strip())
            if hit:
                out.append(hit.groups())
    row, _, column = str(check["instance"]).partition(":")
    table = check["table"]
    if column and table in cb.TABLES and row in cb.keys(table, "row") and column in cb.keys(table, "column"):
        out.append((table, row, column))
    return list(dict.fromkeys(out))


def _matching(issues: pd.DataFrame, check: dict) -> pd.DataFrame:
    """The findings of one check: same rule and table, about its instance (a row, a column or row:column)."""
    inst = str(check["instance"])
    same = issues[(issues["rule"] == check["rule"]) & (issues["table"].astype(str) == str(check["table"]))]
    if same.empty:
        return same
    row, col = same["row"].astype(str), same["column"].astype(str)
    about = (row == inst) | (col == inst) | ((row + ":" + col) == inst)
    return same[about] if about.any() else same


def frames_of(reports) -> dict[str, pd.DataFrame]:
    """{report_id: its tidy cells} of Report objects or of one tidy frame (a panel, many reports)."""
    if isinstance(reports, pd.DataFrame):
        return {str(rid): g.reset_index(drop=True) for rid, g in reports.groupby("report_id", sort=False, observed=True)}
    return {r.meta["report_id"]: r.data for r in reports}


def _checked(reports):
    """What run_checks takes: the frame itself, or the list of Reports."""
    return reports if isinstance(reports, pd.DataFrame) else list(reports)


def flagged_checks(reports, result=None) -> tuple[pd.DataFrame, dict[str, list[FlaggedCheck]]]:
    """The per-report summary (sorted by how much needs a look) and the flagged checks of each report.

    ``reports`` are :class:`~toolkit.read.report.Report` objects or a tidy frame of many; ``result`` a
    :func:`~toolkit.validation.api.run_checks` result for them (computed when omitted).
    """
    from toolkit.validation.quality import quality_summary

    reports = _checked(reports)
    res = result if result is not None else run_checks(reports)
    summary = quality_summary(res)
    data = frames_of(reports)
    members = identity_members()
    issues = res.issues[res.issues["severity"].isin(("error", "warning"))]
    flagged: dict[str, list[FlaggedCheck]] = {}
    for check in res.checks[res.checks["outcome"].isin(FLAGGED)].to_dict("records"):
        rid = check["report_id"]
        found = _matching(issues[issues["report_id"] == rid], check)
        frame = data.get(rid, pd.DataFrame(columns=["table", "row", "column"]))
        keys = _check_cells(check, found, members)
        index = frame.set_index(["table", "row", "column"]) if len(frame) else None
        rows = []
        for t, r, c in keys:
            cell = index.loc[(t, r, c)] if index is not None and (t, r, c) in index.index else None
            if isinstance(cell, pd.DataFrame):
                cell = cell.iloc[0]
            rows.append({"table": t, "row": r, "column": c,
                         "raw": None if cell is None else cell["raw"], "value": None if cell is None else cell["value"],
                         "status": "missing" if cell is None else cell["status"],
                         "location": None if cell is None else cell["location"]})
        hints = [(h_zh, h_en) for h_zh, h_en in found[["hint_zh", "hint_en"]].itertuples(index=False)
                 if isinstance(h_zh, str) and h_zh]
        flagged.setdefault(rid, []).append(FlaggedCheck(
            report_id=rid, rule=check["rule"], table=_text(check["table"]), instance=_text(check["instance"]),
            outcome=check["outcome"], reason=check["reason"] if isinstance(check["reason"], str) else None,
            cells=pd.DataFrame(rows, columns=["table", "row", "column", "raw", "value", "status", "location"]),
            messages=list(found[["message_zh", "message_en"]].itertuples(index=False, name=None)),
            hints=list(dict.fromkeys(hints))))
    summary = summary.assign(_n=summary["failed"] + summary["not_assessable"]).sort_values(
        ["errors", "failed", "not_assessable", "warnings", "source_file"],
        ascending=[False, False, False, False, True], kind="stable").drop(columns="_n").reset_index(drop=True)
    return summary, flagged


# --- the page ------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC",sans-serif;margin:2em auto;max-width:70em;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2.2em;border-bottom:2px solid #444}
.meta{color:#555;font-size:.9em}.meta dt{font-weight:bold;display:inline}.meta dd{display:inline;margin:0 1.2em 0 .3em}
.badge{display:inline-block;padding:.05em .5em;border-radius:.6em;font-size:.85em;margin-left:.5em}
.o-passed{background:#e3f1e9;color:#0b5d3b}.o-failed{background:#fbe1d6;color:#8a2c00}
.o-not_assessable{background:#fff0c2;color:#6b4e00}.o-imputed{background:#e1ecf7;color:#0a4a80}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #bbb;padding:.15em .45em;text-align:left;
vertical-align:top;font-size:.9em}
.chips span{display:inline-block;margin:.1em;padding:.05em .4em;border-radius:.3em;font-size:.8em}
.check{border-left:4px solid #D55E00;padding:.2em .8em;margin:1em 0;background:#fcfcfc}
.check.not_assessable{border-color:#E69F00}.rule{font-weight:bold}.en{color:#555}
img{max-width:100%;border:1px solid #ccc;margin:.3em 0;display:block}.hint{background:#eef5fb;padding:.2em .5em}
"""


def _text(x) -> str:
    return "" if x is None or (isinstance(x, float) and x != x) else str(x)


def _both(key: str, **f) -> str:
    return f"{html.escape(label(key, 'zh', **f))} <span class=en>{html.escape(label(key, 'en', **f))}</span>"


def _field(frame: str, name: str) -> str:
    row = next(r for r in fd.fields(frame) if r["name"] == name)
    return f"{html.escape(row['zh'])} <span class=en>{html.escape(row['en'])}</span>"


def _png_uri(img) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _pictures(check: FlaggedCheck, frame: pd.DataFrame, pictures: bool, root: Path | None = None) -> list[str]:
    """One picture per printed row the check's cells sit in, those cells boxed."""
    if not pictures:
        return []
    from toolkit.analyse.sources import image_of
    from toolkit.read.source import find_source, source_path, with_row_cells

    rows: dict[str, list[pd.Series]] = {}
    for cell in check.cells.itertuples():
        if not isinstance(cell.location, str) or cell.status == "missing":
            continue
        hit = _ROW_OF.match(cell.location)
        row = frame[(frame["table"] == cell.table) & (frame["row"] == cell.row) & (frame["column"] == cell.column)]
        if hit and len(row):
            rows.setdefault(hit.group(1), []).append(row.iloc[0])
    out = []
    for cells in list(rows.values())[:MAX_PICTURES]:
        try:
            srcs = [find_source(c, source_path(c["source_file"], root)) for c in cells]
            img = image_of(with_row_cells(srcs[0], srcs[1:]), PICTURE_DPI)
            out.append(f'<img alt="{html.escape(srcs[0].location)}" src="{_png_uri(img)}">')
        except ToolkitError as exc:
            out.append(f"<p class=meta>{_both('review.no_picture')}: {html.escape(str(exc))}</p>")
    return out


def _check_html(check: FlaggedCheck, frame: pd.DataFrame, pictures: bool, root: Path | None = None) -> str:
    parts = [f'<div class="check {check.outcome}" data-rule="{html.escape(check.rule)}" '
             f'data-instance="{html.escape(str(check.instance))}" data-outcome="{check.outcome}">',
             f'<p><span class=rule>{html.escape(check.rule)}</span> · {html.escape(_text(check.table) or "—")} · '
             f'{html.escape(str(check.instance))} <span class="badge o-{check.outcome}">{_both("outcome." + check.outcome)}'
             f'</span></p>',
             f'<p>{html.escape(_rule_words(check.rule, "zh"))}<br><span class=en>{html.escape(_rule_words(check.rule, "en"))}'
             '</span></p>']
    if check.reason:
        parts.append(f"<p>{_field('checks', 'reason')}: {html.escape(_reason_zh(check.reason))} "
                     f"<span class=en>{html.escape(check.reason)}</span></p>")
    for zh, en in check.messages:
        parts.append(f"<p>{html.escape(str(zh))}<br><span class=en>{html.escape(str(en))}</span></p>")
    for zh, en in check.hints:
        parts.append(f"<p class=hint>{_field('issues', 'hint')}: {html.escape(zh)}<br>"
                     f"<span class=en>{html.escape(str(en))}</span></p>")
    if len(check.cells):
        head = "".join(f"<th>{_field('cells', c)}</th>" for c in ("table", "row", "column", "raw", "status", "location"))
        parts.append(f"<p>{_both('review.cells')}</p><table><tr>{head}</tr>")
        for c in check.cells.itertuples():
            name = f"{html.escape(cell_label(c.table, c.row, None))}<br><span class=en>{html.escape(c.row)}</span>"
            col = f"{html.escape(cell_label(c.table, None, c.column))}<br><span class=en>{html.escape(c.column)}</span>"
            raw = "" if not isinstance(c.raw, str) else c.raw
            parts.append(f"<tr data-cell='{html.escape(f'{c.table}/{c.row}/{c.column}')}'><td>{html.escape(c.table)}</td>"
                         f"<td>{name}</td><td>{col}</td><td><b>{html.escape(raw)}</b></td>"
                         f"<td>{html.escape(str(c.status))}</td><td>{html.escape(str(c.location or ''))}</td></tr>")
        parts.append("</table>")
    parts += _pictures(check, frame, pictures, root)
    parts.append("</div>")
    return "\n".join(parts)


def review_html(reports, *, unreadable: list[str] = (), pictures: bool | int = True, result=None,
                root: str | os.PathLike | None = None) -> str:
    """The review page for ``reports`` as one HTML string.

    Args:
        reports: :class:`~toolkit.read.report.Report` objects, or a tidy frame of
            many reports (a panel from :func:`toolkit.load_reports`).
        unreadable: one-line errors of files that could not be read (shown at the end).
        pictures: pictures of the sources (True), none (False), or for the first
            N reports only (an int: the ones that need the most looking at).
        result: a :func:`~toolkit.validation.api.run_checks` result for ``reports``.
        root: the folder the cells' ``source_file`` paths are relative to (a panel
            read from a folder); default: as they are.
    """
    from toolkit import __version__

    reports = _checked(reports)
    result = result if result is not None else run_checks(reports)
    summary, flagged = flagged_checks(reports, result)
    checks = result.checks
    by_id = frames_of(reports)
    root = Path(root) if root is not None else None
    out = ["<!DOCTYPE html>", '<html lang="zh-Hans"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
           f"<title>{html.escape(label('review.title', 'zh'))} · {html.escape(label('review.title', 'en'))}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>{_both('review.title')}</h1>", f"<p>{_both('review.intro')}</p>",
           f"<p class=meta>{_both('review.made_by', version=__version__, n=len(by_id))}</p>"]
    for n_report, rec in enumerate(summary.to_dict("records")):
        rid = rec["report_id"]
        frame = by_id[rid]
        urls = frame["source_url"].dropna().unique() if "source_url" in frame else []
        url = urls[0] if len(urls) else None
        shas = frame["source_sha256"].dropna().unique() if "source_sha256" in frame else []
        show = pictures if isinstance(pictures, bool) else n_report < pictures
        n = int(rec["failed"]) + int(rec["not_assessable"])
        badge = (f'<span class="badge o-failed">{_both("review.needs_look", n=n)}</span>' if n else
                 f'<span class="badge o-passed">{_both("review.all_passed")}</span>')
        out.append(f'<section class=report id="r-{html.escape(rid)}" data-file="{html.escape(str(rec["source_file"]))}">')
        out.append(f"<h2>{html.escape(str(rec['agency'] or '?'))} {'' if pd.isna(rec['year']) else int(rec['year'])}{badge}</h2>")
        out.append("<dl class=meta>"
                   f"<dt>{_field('cells', 'agency')}</dt><dd>{html.escape(str(rec['agency'] or '—'))}</dd>"
                   f"<dt>{_field('cells', 'year')}</dt><dd>{'—' if pd.isna(rec['year']) else int(rec['year'])}</dd>"
                   f"<dt>{_field('cells', 'source_file')}</dt><dd>{html.escape(str(rec['source_file']))}</dd>"
                   f"<dt>{_field('cells', 'source_url')}</dt><dd>{html.escape(str(url)) if isinstance(url, str) else '—'}</dd>"
                   f"<dt>{_field('cells', 'source_sha256')}</dt><dd>{html.escape(str(shas[0]) if len(shas) else '—')}</dd>"
                   "</dl>")
        counts = " ".join(f'<span class="badge o-{o}">{_both("outcome." + o)} {int(rec[o])}</span>'
                          for o in ("passed", "failed", "not_assessable", "imputed"))
        out.append(f"<p>{counts}</p>")
        mine = checks[checks["report_id"] == rid]
        out.append(f"<details><summary>{_both('review.checks')}</summary><table>")
        for rule, group in mine.groupby("rule", sort=False):
            chips = "".join(f'<span class="o-{o}" title="{html.escape(str(reason) if isinstance(reason, str) else o)}">'
                            f"{html.escape(_text(t) or '—')} · {html.escape(_text(i))}</span>"
                            for t, i, o, reason in group[["table", "instance", "outcome", "reason"]].itertuples(index=False))
            out.append(f"<tr><td class=rule>{html.escape(rule)}</td><td>{html.escape(_rule_words(rule, 'zh'))}<br>"
                       f"<span class=en>{html.escape(_rule_words(rule, 'en'))}</span></td><td class=chips>{chips}</td></tr>")
        out.append("</table></details>")
        mine_flagged = sorted(flagged.get(rid, []), key=lambda c: (c.outcome != "failed", c.rule, str(c.instance)))
        if mine_flagged:
            out.append(f"<h3>{_both('review.flagged')}</h3>")
            out += [_check_html(c, frame, show, root) for c in mine_flagged]
        out.append("</section>")
    if unreadable:
        out.append(f"<h2>{_both('review.unreadable')}</h2><ul>")
        out += [f"<li>{html.escape(u)}</li>" for u in unreadable]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def corrections_template(reports, result=None) -> pd.DataFrame:
    """A corrections file to fill in for the failed checks: one line per cell involved, prefilled.

    Each line has the file's sha256, the cell's codebook keys and its printed
    text; ``corrected``, ``reason``, ``by`` and ``date`` are left for the
    reviewer (a line left without ``corrected`` is not applied). The cells a
    finding names come first in each check.
    """
    from toolkit.corpus.corrections import COLUMNS, template

    reports = _checked(reports)
    _, flagged = flagged_checks(reports, result)
    frames = []
    for rid, data in frames_of(reports).items():
        checks = [c for c in flagged.get(rid, []) if c.outcome == "failed"]
        if not checks:
            continue
        keys = pd.concat([c.cells[["table", "row", "column"]] for c in checks], ignore_index=True).astype(str)
        cells = data.astype({"table": str, "row": str, "column": str}).merge(keys.drop_duplicates(), how="inner")
        order = {k: i for i, k in enumerate(dict.fromkeys(keys.itertuples(index=False, name=None)))}
        cells = cells.assign(_o=[order[k] for k in cells[["table", "row", "column"]].itertuples(index=False, name=None)])
        frames.append(cells.sort_values("_o"))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    return template(pd.concat(frames, ignore_index=True))
