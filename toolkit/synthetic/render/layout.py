"""The official tables as rows of spanning cells, built from the codebook.

One description for every renderer: HTML prints the spans, the Tika-style
text renderer expands them the way Tika does, the DOCX renderer fills them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from toolkit import codebook as cb
from toolkit.synthetic.values import ReportSpec


@dataclass(slots=True)
class RCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    is_value: bool = False


Label = Callable[[str], str]  # label perturbation hook


def _zh(table: str, axis: str, key: str) -> str:
    return cb.label(table, axis, key, "zh")


def proactive(spec: ReportSpec, vary: Label = str, split: bool = False) -> list[list[list[RCell]]]:
    """Table 二: one 4-column table (values ``colspan``) or four tables (``split``)."""
    cells = spec.cells.set_index(["table", "row", "column"])["raw"]
    tables: list[list[list[RCell]]] = []
    width = 1 + max(len(cols) for _, _, cols in cb.layout("proactive", spec.templates["proactive"]))
    for block, rows, cols in cb.layout("proactive", spec.templates["proactive"]):
        spans = [width - len(cols)] + [1] * (len(cols) - 1)  # first value cell absorbs spare columns
        t = [
            [RCell(vary(_zh("proactive", "block", block)), colspan=width)],
            [RCell(vary(_zh("proactive", "furniture", "content")))]
            + [RCell(vary(_zh("proactive", "column", c)), colspan=s) for c, s in zip(cols, spans)],
        ]
        t += [
            [RCell(vary(_zh("proactive", "row", r)))]
            + [RCell(cells[("proactive", r, c)], colspan=s, is_value=True) for c, s in zip(cols, spans)]
            for r in rows
        ]
        if split or not tables:
            tables.append(t)
        else:
            tables[-1].extend(t)
    return tables


def requests(spec: ReportSpec, vary: Label = str) -> list[list[RCell]]:
    """Table 三 with the official spans (rowspan 22 in 2021, 20 in 2019)."""
    cells = spec.cells.set_index(["table", "row", "column"])["raw"]
    _, rows, cols = cb.layout("requests", spec.templates["requests"])[0]
    applicants = [c for c in cols if c.startswith("org_")]
    t = [
        [RCell(_zh("requests", "furniture", "note"), colspan=3, rowspan=3), RCell(vary(_zh("requests", "furniture", "applicants")), colspan=7)],
        [RCell(vary(_zh("requests", "column", "natural_person")), rowspan=2), RCell(vary(_zh("requests", "furniture", "organisations")), colspan=5),
         RCell(vary(_zh("requests", "column", "total")), rowspan=2)],
        [RCell(vary(_zh("requests", "column", c))) for c in applicants],
    ]
    outcomes = rows[rows.index("disclosed") : rows.index("total_processed") + 1]
    by_group: dict[str, list[str]] = {}
    for r in outcomes:
        g = cb.attribute("requests", "row", r, "block")
        if g and r != "other_total":
            by_group.setdefault(g, []).append(r)
    for r in rows:
        values = [RCell(cells[("requests", r, c)], is_value=True) for c in cols]
        label = vary(_zh("requests", "row", r))
        g = cb.attribute("requests", "row", r, "block")
        if r not in outcomes:
            lead = [RCell(label, colspan=3)]
        else:
            lead = []
            if r == outcomes[0]:
                lead.append(RCell(vary(_zh("requests", "furniture", "outcomes")), rowspan=len(outcomes)))
            if g and r != "other_total":
                if by_group[g][0] == r:
                    lead.append(RCell(vary(_zh("requests", "group", g)), rowspan=len(by_group[g])))
                lead.append(RCell(label))
            else:
                lead.append(RCell(label, colspan=2))
        t.append(lead + values)
    return t


def review(spec: ReportSpec, vary: Label = str, split: bool = False) -> list[list[list[RCell]]]:
    """Table 四: one 1×15 table, or three 5-column tables (``split``)."""
    cells = spec.cells.set_index(["table", "row", "column"])["raw"]
    _, rows, cols = cb.layout("review_litigation", spec.templates["review_litigation"])[0]
    col_labels = [_zh("review_litigation", "column", c) for c in cols]
    if split:
        return [
            [
                [RCell(vary(_zh("review_litigation", "row", r)), colspan=len(cols))],
                [RCell(vary(x)) for x in col_labels],
                [RCell(cells[("review_litigation", r, c)], is_value=True) for c in cols],
            ]
            for r in rows
        ]
    n = len(cols)
    return [[
        [RCell(vary(_zh("review_litigation", "row", rows[0])), colspan=n),
         RCell(vary(_zh("review_litigation", "furniture", "litigation")), colspan=n * (len(rows) - 1))],
        [RCell(vary(x), rowspan=2) for x in col_labels] + [RCell(vary(_zh("review_litigation", "row", r)), colspan=n) for r in rows[1:]],
        [RCell(vary(x)) for _ in rows[1:] for x in col_labels],
        [RCell(cells[("review_litigation", r, c)], is_value=True) for r in rows for c in cols],
    ]]


def sections(spec: ReportSpec) -> list[tuple[str, str]]:
    """(heading, body) of the six sections; tables go after headings 二, 三, 四."""
    return [(_zh("report", "section", k), spec.narrative.get(k, "")) for k in cb.keys("report", "section")]


def title(spec: ReportSpec) -> str:
    return f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
