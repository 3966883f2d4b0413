"""The data file beside every saved chart: the numbers drawn, traced to the report cells they came from.

:func:`chart_data` turns the frame a chart was drawn from into one row per chart row, report and
cell used: the chart's own columns (counts as integers, shares rounded to 4 places), the facts of
the row (``complete``, ``missing_cells``…), then the report (``agency_id`` when the data has it,
else empty, ``agency``, ``year``, ``source_file`` (the file's name: a data file for publication names no
local folder), ``source_sha256``, ``source_url``, whether it was
counted and why not) and the cell (``table``, ``row``, ``column``, ``location``, ``cell_value``,
``cell_status``). A cell that was not read is a row with ``cell_status`` ``missing`` and no value:
the gap is in the file, not hidden by it.
"""

from __future__ import annotations

import json
from pathlib import PurePath

import numpy as np
import pandas as pd

from toolkit.analyse.facts import FACT_COLUMNS

#: Share columns (rounded to 4 places); every other float column is a count (an integer).
SHARES = ("disclosure_rate", "correction_rate", "pct_change")
REPORT_COLUMNS = ("agency_id", "report_agency", "report_year", "source_file", "source_sha256", "source_url", "counted", "left_out")
CELL_COLUMNS = ("table", "row", "column", "location", "cell_value", "cell_status")


def _is_share(column: str) -> bool:
    return column.startswith("share_of_") or column in SHARES


def tidy_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts as integers (``Int64``), shares rounded to 4 places, nothing else touched.

    Examples:
        >>> tidy_numbers(pd.DataFrame({"count": [272.0, None], "share_of_total": [0.123456789, None]})).values.tolist()
        [[272, 0.1235], [<NA>, nan]]
    """
    out = frame.copy()
    for c in out.columns:
        if not pd.api.types.is_float_dtype(out[c]):
            continue
        if _is_share(c):
            out[c] = out[c].round(4)
        else:
            v = out[c].astype(float)
            whole = v.dropna()
            if (whole == np.round(whole)).all():
                out[c] = v.round().astype("Int64")
    return out


def chart_data(frame: pd.DataFrame | None) -> pd.DataFrame:
    """One row per chart row × report × cell used (module doc); a frame without ``sources`` as it is."""
    if frame is None:
        return pd.DataFrame()
    base = tidy_numbers(frame.drop(columns=[c for c in ("sources",) if c in frame.columns]))
    if "sources" not in frame.columns:
        return base
    rows = []
    lead = [c for c in base.columns]
    for rec, text in zip(base.to_dict("records"), frame["sources"]):
        reports = json.loads(text) if isinstance(text, str) else []
        if not reports:
            rows.append(rec)
            continue
        for r in reports:
            rep = {"agency_id": r.get("agency_id") or "", "report_agency": r.get("agency"), "report_year": r.get("year"),
                   "source_file": PurePath(r["source_file"]).name if r.get("source_file") else None,  # no local folder
                   "source_sha256": r.get("source_sha256"),
                   "source_url": r.get("source_url") or "", "counted": r.get("included"), "left_out": r.get("left_out") or ""}
            cells = r.get("cells") or [[None] * 6]
            for table, row, column, location, value, status in cells:
                v = None if value is None else (int(value) if float(value).is_integer() else value)
                rows.append({**rec, **rep, "table": table, "row": row, "column": column, "location": location,
                             "cell_value": v, "cell_status": status})
    out = pd.DataFrame(rows, columns=[*lead, *REPORT_COLUMNS, *CELL_COLUMNS])
    out["report_year"] = out["report_year"].astype("Int64")
    # The chart's own agency and year columns name the same report where they exist.
    for mine, plain in (("report_agency", "agency"), ("report_year", "year")):
        out = out.drop(columns=mine) if plain in lead else out.rename(columns={mine: plain})
    out["cell_value"] = pd.to_numeric(out["cell_value"], errors="coerce")
    whole = out["cell_value"].dropna()
    if (whole == np.round(whole)).all():
        out["cell_value"] = out["cell_value"].round().astype("Int64")
    return out


__all__ = ["chart_data", "tidy_numbers", "FACT_COLUMNS"]
