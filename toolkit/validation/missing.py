"""Missing rows: template rows the reader knows it did not read.

A reader that does not recognise a row label drops the row and keeps the loss
in the tidy data: every cell of each template row it could not place has
``status`` ``missing`` (value missing, never 0) and a ``note`` naming the
unrecognised labels and where they were printed (:mod:`toolkit.read.gaps`).
Validation reports each such row once, as an error, from the frame alone, so
``validate(report.data)`` and ``validate(report)`` say the same; the identities
through a missing cell are not assessable, so no split cell is suggested where
a row is missing.
"""

from __future__ import annotations

import pandas as pd

from toolkit.labels import label
from toolkit.read.gaps import MISSING, parse_note
from toolkit.validation.issues import cell_label, issue


def missing_row_issues(cells: pd.DataFrame, metas: dict) -> list[dict]:
    """One error per row whose cells are all ``missing``.

    Args:
        cells: prepared tidy cells (``_rkey``, table, row, status, note).
        metas: report metadata by ``_rkey``.
    """
    lost = cells[cells["status"].eq(MISSING)]
    if lost.empty:
        return []
    out: list[dict] = []
    printed = cells[~cells["status"].eq(MISSING)]
    have = set(zip(printed["_rkey"], printed["table"], printed["row"]))
    notes = lost["note"] if "note" in lost else pd.Series(None, index=lost.index, dtype=object)
    for (rkey, table, row), note in notes.groupby([lost["_rkey"], lost["table"], lost["row"]], sort=False).first().items():
        if (rkey, table, row) in have:
            continue  # some of the row was read: its missing cells make the identities through them not assessable
        found = parse_note(note)
        labels = "；".join(f"「{text}」" for text, _ in found)
        where = "; ".join(loc for _, loc in found if loc) or None
        f = dict(row=cell_label(table, row, None), row_en=cell_label(table, row, None, "en"), labels=labels,
                 seen=label("msg.missing_row_labels", "zh", labels=labels) if labels else "",
                 seen_en=label("msg.missing_row_labels", "en", labels=labels) if labels else "")
        out.append(issue(metas[rkey], table=table, row=row, column=None, rule="missing_row", severity="error",
                         expected=float("nan"), observed=float("nan"),
                         zh=label("msg.missing_row", "zh", **f), en=label("msg.missing_row", "en", **f),
                         location=where))
    return out
