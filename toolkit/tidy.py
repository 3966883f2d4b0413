"""The tidy schema: one row per published cell, every value traceable to its source.

Columns (in this order):
- ``report_id``: stable id of the source file (first 16 hex digits of its sha256).
- ``agency``, ``year``, ``scope``: report metadata (scope ∈ agency | government_office | region_aggregate).
- ``table``, ``row``, ``column``: codebook keys, ordered categoricals.
- ``value``: the number as printed (float; missing when the cell is blank or NA).
- ``raw``: the cell text as printed, outer whitespace removed. Never lost.
- ``unit``: a unit printed inside the cell (元, 万元, 件…), else missing.
- ``status``: number | blank | na | invalid (text that is not a number).
- ``template``: 2019 | 2021 | both: the layout this table was printed in.
- ``source_file``, ``source_sha256``, ``format``: provenance.
- ``location``: the cell in the source ("table 2, row 5, col 3[, page 4]").
- ``method``: how the cell was read: ``text`` (a text layer or markup) or ``ocr``
  (a scan or photograph, :mod:`toolkit.readers.ocr`).
- ``confidence``: for ``ocr``, the recogniser's lowest per-character confidence in
  the cell (0–1; missing for a cell with no characters); missing for ``text``. A
  cell below :data:`toolkit.readers.ocr.LOW_CONFIDENCE` is listed in the issues.

Blank cells are kept missing here; :mod:`toolkit.blanks` states the rule that
validation and analysis apply to them.
"""

from __future__ import annotations

TIDY_COLUMNS = (
    "report_id",
    "agency",
    "year",
    "scope",
    "table",
    "row",
    "column",
    "value",
    "raw",
    "unit",
    "status",
    "template",
    "source_file",
    "source_sha256",
    "format",
    "location",
    "method",
    "confidence",
)

# Column dtypes (table/row/column are the codebook's ordered categoricals, see
# toolkit.codebook.category_dtype). Every reader and the corpus loader use these.
TIDY_DTYPES = {
    "report_id": "str", "agency": "str", "year": "Int64", "scope": "str",
    "value": "Float64", "raw": "str", "unit": "str", "status": "str", "template": "str",
    "source_file": "str", "source_sha256": "str", "format": "str", "location": "str",
    "method": "str", "confidence": "Float64",
}
