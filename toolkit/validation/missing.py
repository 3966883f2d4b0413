"""Missing rows: a row of the printed template with no cell in the tidy data.

Only where the reader says it dropped a row: a reader that does not
recognise a row label drops the row and says so
(``unknown_row`` in ``Report.issues``, with the label and where it was
printed). Validation reports the consequence where it belongs, as a missing
row naming that label and page, instead of letting the identities through the
row fail and be explained by a split cell that never was.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from toolkit import codebook as cb
from toolkit.validation.issues import cell_label, issue


def missing_row_issues(cells: pd.DataFrame, metas: dict, reader_issues: Mapping[str, pd.DataFrame] | None = None) -> list[dict]:
    """One error per template row without cells in a table the report prints.

    Args:
        cells: prepared tidy cells (``_rkey``, table, row, template).
        metas: report metadata by ``_rkey``.
        reader_issues: ``Report.issues`` by report_id: the unrecognised row
            labels of a table (and their location) are named in its issues.
    """
    out: list[dict] = []
    if "template" not in cells.columns:
        return out
    for (rkey, table, template), group in cells.groupby(["_rkey", "table", "template"], sort=False):
        # "both": the printed rows fit either template (a lost row may be what told them apart),
        # so only the rows the two share are certainly missing.
        templates = {"2019": ("2019",), "2021": ("2021",), "both": ("2019", "2021")}.get(template)
        if templates is None:
            continue
        try:
            layouts = [[r for _, rows, _ in cb.layout(table, t) for r in rows] for t in templates]
        except (KeyError, ValueError):
            continue
        want = [r for r in layouts[0] if all(r in other for other in layouts[1:])]
        have = set(group["row"])
        lost = [r for r in want if r not in have]
        meta = metas[rkey]
        found = (reader_issues or {}).get(meta.get("report_id"))
        unknown = []
        if found is not None and len(found):
            hits = found[(found["code"] == "unknown_row") & (found["table"] == table)]
            unknown = [f"{m}（{loc}）" if isinstance(loc, str) and loc else m for m, loc in zip(hits["message"], hits["location"])]
        if not unknown:
            # No row label went unrecognised: a template row without cells was not
            # printed (real reports leave rows out), and that is not a reading loss.
            continue
        if not lost:
            lost = [None]  # rows were dropped, but which template row each was is not known
        seen_zh = "；未识别的行：" + "；".join(unknown) if unknown else ""
        seen_en = "; unrecognised row labels: " + "; ".join(unknown) if unknown else ""
        for r in lost:
            zh_row = cell_label(table, r, None) if r else f"{cell_label(table, None, None)}的{len(unknown)}行"
            en_row = cell_label(table, r, None, "en") if r else f"{len(unknown)} row(s) of {cell_label(table, None, None, 'en')}"
            out.append(issue(meta, table=table, row=r, column=None, rule="missing_row", severity="error",
                             expected=float("nan"), observed=float("nan"),
                             zh=f"缺行：「{zh_row}」未读出（该行各格缺失，不按0计）{seen_zh}",
                             en=f"missing row: {en_row} was not read (its cells are missing, not zero){seen_en}",
                             location=None))
    return out
