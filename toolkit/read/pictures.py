"""What a reader of a report read from pictures (scans, photographs) must be told.

A picture of part of a report is read for what it shows. After the cells are
mapped to codebook keys, this module lists the cells OCR could not read or was
unsure of, and every official cell of a shown table that the pictures do not
show, so that nothing unseen is ever taken as blank.
"""

from __future__ import annotations

from toolkit import codebook as cb
from toolkit.labels import label
from toolkit.read.formats.ocr import LOW_CONFIDENCE, UNREADABLE


def _message(where: str, key: str, **fields) -> str:
    """``where: zh / en``, both texts from the labels table (as validation messages are)."""
    return f"{where}: {label(key, 'zh', **fields)} / {label(key, 'en', **fields)}"


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
                        "message": _message(f"{t}/{r}/{c}", "msg.ocr_unreadable", raw=repr(raw))})
        elif conf is not None and not _isna(conf) and conf < LOW_CONFIDENCE:
            out.append({"code": "ocr_low_confidence", "table": t, "location": loc,
                        "message": _message(f"{t}/{r}/{c}", "msg.ocr_low_confidence", raw=repr(raw), confidence=f"{conf:.2f}")})
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
                    own = len(layouts) > 1 and not _in_both(table, row)
                    layout = {"layout": label("msg.layout_row", "zh", template=tmpl) if own else "",
                              "layout_en": label("msg.layout_row", "en", template=tmpl) if own else ""}
                    gone = [col for col in cols if (table, row, col) not in have]
                    if len(gone) == len(cols):
                        out.append({"code": "row_missing", "table": table, "location": None,
                                    "message": _message(f"{table}/{row}", "msg.row_not_shown", **layout)})
                    elif gone:
                        out.append({"code": "cell_missing", "table": table, "location": None,
                                    "message": _message(f"{table}/{row}", "msg.cells_not_shown", cells=", ".join(gone), **layout)})
    return out


def _in_both(table: str, row: str) -> bool:
    return all(row in rows for tmpl in ("2019", "2021") for _, rows, _ in cb.layout(table, tmpl))


def _isna(v) -> bool:
    try:
        return bool(v != v)
    except TypeError:
        return False
