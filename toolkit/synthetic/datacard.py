"""The data card of the demo panel (``DATA_CARD.md``): what it is, how it was made, its files and columns."""

from __future__ import annotations

import pandas as pd

from toolkit.synthetic.demo_values import YEARS


def data_card(panel: pd.DataFrame, seed: int) -> str:
    fmts = panel.drop_duplicates("source_file")["format"].value_counts().to_dict()
    n = panel["source_file"].nunique()
    return f"""# SYNTHETIC demo panel: DATA CARD

**SYNTHETIC DATA. Every agency here is fictional and every number is random.
These are not published reports and must not be quoted as facts about any real
government body.** Names such as 示例省, 示例市, 青山县 and 绿水县 were chosen to be
clearly fictional.

## What it is
- {n} report files of {panel['agency'].nunique()} fictional agencies, report years {min(YEARS)}–{max(YEARS)},
  in `reports/<year>/<agency-slug>-<year>.<ext>`; formats: {", ".join(f"{k} {v}" for k, v in sorted(fmts.items()))}.
- Levels: a province (示例省), a city (示例市), two counties (青山县, 绿水县); at each: the
  government's aggregate report (`…人民政府`, scope `region_aggregate`), its general
  office (`…人民政府办公厅/办公室`, scope `government_office`) and departments; and ten
  townships (`…镇/乡人民政府`). `agencies.csv` lists them as an agency registry (the format of
  every registry, `toolkit.corpus.agencies`: agency_id, agency_name, aliases, level, scope,
  region, parent, website), plus the demo's `kind` and an `activity` parameter.
- Layouts: the 2019 template (T2019) for report years 2019–2020, the 2021 template after.

## How it was made
`python -m toolkit.synthetic build` (seed {seed}):
1. `toolkit.synthetic.values.report_spec` draws consistent values for every member agency
   (skewed: many all-zero townships and statistics bureaus, a few busy city offices,
   volumes growing ~12 % a year); every identity H1–H5 holds.
2. Each aggregate report (`示例省人民政府`, `示例市人民政府`, `青山县人民政府`,
   `绿水县人民政府`) is the **cell-by-cell sum** of the member agencies of its region and
   of the regions below it (the province covers the city and both counties). Never add an
   aggregate to its members: filter on `scope`.
3. Townships leave about half of their zero cells blank, as real ones do (the blank-cell
   rule of `toolkit.validation.blanks` reads them as 0); aggregate text/HTML reports print thousands separators (`1,234`).
4. Years are chained per agency (`toolkit.synthetic.panel.chain`): carried in = carried forward of the
   year before; items and documents in force follow from last year's and this year's changes;
   only the province and city government offices print 规章 (rules). The outcome mix is
   reweighted to look like published reports (most requests disclosed or "not held").
   Validation then finds no errors; its warnings are W5 reminders that aggregates are present.
5. `toolkit.synthetic.render` prints each report as text, HTML, DOCX or PDF (PDF via LibreOffice);
   `toolkit.read_report` reads every file back.

## Files
- `reports/…`: the rendered report files.
- `ground_truth.parquet`: what each file was meant to say: `source_file, agency, year,
  table, row, column, value, raw` (`value` missing where the cell was printed blank).
- `panel.parquet`: the tidy panel as read back by `toolkit.read_report` (`level`
  from the report metadata); `toolkit.load_demo()` returns it.
- `agencies.csv`: the fictional agencies (an agency registry: each report's `agency_id` comes from it).

`python -m toolkit.synthetic check` (and `tests/synthetic/test_demo.py`) re-reads every file and
asserts it gives exactly `panel.parquet` and agrees with `ground_truth.parquet`.

## Columns of `panel.parquet` (from the field dictionary, `toolkit/data/fields.csv`)
{_columns_md()}
"""


def _columns_md() -> str:
    from toolkit import fields

    return "\n".join(f"- `{name}` ({label}): {meaning}" for name, label, meaning in fields.describe("cells"))
