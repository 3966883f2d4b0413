"""What a reader of a report read from pictures (scans, photographs) must be told.

A picture of part of a report is read for what it shows. After the cells are
mapped to codebook keys, this module lists the cells OCR could not read or was
unsure of, and every official cell of a shown table that the pictures do not
show, so that nothing unseen is ever taken as blank.
"""

from __future__ import annotations

from toolkit import codebook as cb
from toolkit.read.formats.ocr import LOW_CONFIDENCE, UNREADABLE


def picture_issues(tidy, templates: dict, found: set) -> list[dict]:
    """Issues for OCR'd cells: unreadable or unsure cells, and the cells of found tables the pictures do not show.

    A picture of part of a report (a photograph of one table) is read for what it
    shows; every official cell of a table it shows in part is listed as missing,
    grouped by row, so nothing the picture does not show is ever taken as blank.
    """
    out: list[dict] = []
    ocr = tidy[tidy["method"] == "ocr"]
    for t, r, c, raw, status, conf, loc in zip(ocr["table"], ocr["row"], ocr["column"], ocr["raw"], ocr["status"], ocr["confidence"], ocr["location"]):
        if UNREADABLE in raw or (raw and status == "invalid"):
            out.append({"code": "ocr_unreadable", "table": t, "location": loc,
                        "message": f"{t}/{r}/{c}: OCR reads {raw!r}, not a number: value left missing; check this cell against the scan"})
        elif conf is not None and not _isna(conf) and conf < LOW_CONFIDENCE:
            out.append({"code": "ocr_low_confidence", "table": t, "location": loc,
                        "message": f"{t}/{r}/{c}: OCR read {raw!r} with confidence {conf:.2f}; check this cell against the scan"})
    have = set(zip(tidy["table"].astype(str), tidy["row"].astype(str), tidy["column"].astype(str)))
    for table in sorted(found):
        template = templates.get(table)
        # "both": the rows shown are common to the 2019 and 2021 layouts, so the
        # layout-specific rows not shown are listed with the layout they belong to.
        layouts = (template,) if template in ("2019", "2021") else ("2021", "2019")
        seen: set[str] = set()
        for tmpl in layouts:
            for _, rows, cols in cb.layout(table, tmpl):
                for row in rows:
                    if row in seen:
                        continue
                    seen.add(row)
                    only = "" if len(layouts) == 1 or _in_both(table, row) else f" (a row of the {tmpl} layout)"
                    gone = [col for col in cols if (table, row, col) not in have]
                    if len(gone) == len(cols):
                        out.append({"code": "row_missing", "table": table, "location": None,
                                    "message": f"{table}/{row}: row not shown in the picture(s){only}, its cells are missing"})
                    elif gone:
                        out.append({"code": "cell_missing", "table": table, "location": None,
                                    "message": f"{table}/{row}: cells {', '.join(gone)} not shown in the picture(s){only}, missing"})
    return out


def _in_both(table: str, row: str) -> bool:
    return all(row in rows for tmpl in ("2019", "2021") for _, rows, _ in cb.layout(table, tmpl))


def _isna(v) -> bool:
    try:
        return bool(v != v)
    except TypeError:
        return False
