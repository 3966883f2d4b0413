"""Cells the reader knows it lost: a template row dropped because its label was not recognised.

A reader that cannot place a printed row label drops the row and says so in
``issues`` (``unknown_row``, with the label's location). The consequence belongs
in the data itself, so that every path (``read_report``, ``toolkit parse``, the
shards, ``load_reports``) tells the same fact: every cell of each template row
of that table that has no cell gets a tidy row with ``status`` ``missing``,
``value`` and ``raw`` missing, and ``note`` naming the unrecognised labels and
where they were printed. A missing cell is never a blank (docs/format.md §6.4):
the blank-cell rule leaves it missing, and validation reports the row
(``missing_row``) instead of a failing identity.

A template row without cells in a table where no label went unrecognised was
not printed (real reports leave rows out): that is not a reading loss, and no
cell is added.
"""

from __future__ import annotations

import re

from toolkit import codebook as cb

#: ``status`` of a cell the reader knows it did not read.
MISSING = "missing"


def _template_cells(table: str, template: str | None) -> list[tuple[str, str]]:
    """(row, column) of every cell of a table's printed template; for ``both``, the cells the two layouts share."""
    templates = {"2019": ("2019",), "2021": ("2021",), "both": ("2019", "2021")}.get(template or "")
    if templates is None:
        return []
    try:
        layouts = [[(r, c) for _, rows, cols in cb.layout(table, t) for r in rows for c in cols] for t in templates]
    except (KeyError, ValueError):
        return []
    shared = set.intersection(*(set(lay) for lay in layouts))
    return [rc for rc in layouts[0] if rc in shared]


def unread_labels(issues: list[dict], table: str, texts: dict[str, str]) -> list[str]:
    """The unrecognised row labels of one table, each as 「label」（location）.

    Args:
        issues: the mapping's issues (``code``, ``table``, ``location``, ``message``).
        table: the table key.
        texts: printed text by cell location, to quote the label exactly.
    """
    out = []
    for i in issues:
        if i.get("code") != "unknown_row" or i.get("table") != table:
            continue
        loc = i.get("location")
        text = texts.get(loc) if loc else None
        if text is None:  # the message quotes the label after its last ': '
            text = str(i.get("message", "")).rpartition(": ")[2].strip("'\"")
        text = " ".join(str(text).split())
        out.append(f"「{text}」（{loc}）" if loc else f"「{text}」")
    return out


_NOTE = re.compile(r"「(?P<label>.*?)」(?:（(?P<location>[^（）]*)）)?(?:；|$)")


def parse_note(note: str | None) -> list[tuple[str, str | None]]:
    """The (label, location) pairs of a missing cell's ``note``.

    Examples:
        >>> parse_note("「、本年（计二其）他部」（table 2, row 7, col 2, page 3）；「理结2.其他」")
        [('、本年（计二其）他部', 'table 2, row 7, col 2, page 3'), ('理结2.其他', None)]
        >>> parse_note(None)
        []
    """
    if not isinstance(note, str):
        return []
    return [(m["label"], m["location"]) for m in _NOTE.finditer(note)]


def missing_cells(table: list[str], row: list[str], column: list[str], templates: dict[str, str],
                  issues: list[dict], texts: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(table, row, column, note) of every cell the reader lost, in template order.

    Args:
        table, row, column: the keys of the cells read (the mapping's columns).
        templates: the template of each table found.
        issues: the mapping's issues.
        texts: printed text by cell location (for quoting the unrecognised labels).
    """
    out = []
    have = None
    for t in templates:
        labels = unread_labels(issues, t, texts)
        if not labels:
            continue
        if have is None:
            have = set(zip(table, row))
        note = "；".join(labels)
        for r, c in _template_cells(t, templates.get(t)):
            if (t, r) not in have:
                out.append((t, r, c, note))
    return out


def add_read_facts(columns: dict[str, list], templates: dict[str, str], issues: list[dict], doc, sections: dict) -> None:
    """Complete a report's tidy columns in place: the cells it lost (``status`` missing) and the ``stated`` column.

    Args:
        columns: the tidy columns of one report (every cell already read; ``note``
            and ``stated`` may be absent).
        templates: the template of each table found.
        issues: the mapping's issues (``unknown_row`` names the labels not recognised).
        doc: the :class:`~toolkit.read.document.Document` (to quote those labels as printed).
        sections: the narrative sections (their statements of counts go to ``stated``).
    """
    from toolkit.read.narrative import stated_cells

    n = len(columns["table"])
    columns.setdefault("note", [None] * n)
    columns.setdefault("stated", [None] * n)
    texts: dict[str, str] = {}
    if any(i.get("code") == "unknown_row" for i in issues):
        texts = {c.location: c.text for t in doc.tables for r in t.rows for c in r} if doc is not None else {}
    lost = missing_cells(columns["table"], columns["row"], columns["column"], templates, issues, texts)
    if lost:
        same = {k: columns[k][0] for k in ("report_id", "agency", "year", "scope", "level", "source_file",
                                          "source_sha256", "format", "source_url", "fetched_at") if k in columns and n}
        for t, r, c, note in lost:
            for k in columns:
                columns[k].append(same.get(k))
            columns["table"][-1], columns["row"][-1], columns["column"][-1] = t, r, c
            columns["status"][-1], columns["template"][-1], columns["note"][-1] = MISSING, templates.get(t), note
            columns["method"][-1] = "text"
    stated = stated_cells("\n".join(str(v) for v in (sections or {}).values() if v))
    if stated:
        index = {k: i for i, k in enumerate(zip(columns["table"], columns["row"], columns["column"]))}
        for cell, text in stated.items():
            # kept on the cell it is about; a statement about a cell the report does not print stays with the report
            i = index.get(cell, 0 if columns["table"] else None)
            if i is None:
                continue
            columns["stated"][i] = text if columns["stated"][i] is None else columns["stated"][i] + "\n" + text
