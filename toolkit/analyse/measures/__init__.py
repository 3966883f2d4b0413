"""Analysis of tidy report cells: volumes, outcomes, refusals, applicants, review and litigation.

Every function takes the tidy cells of one report or a panel (what
:func:`toolkit.read_report`, :func:`toolkit.load_demo` or the corpus loader
return) and follows three rules:

1. **The blank-cell rule** of :mod:`toolkit.validation.blanks` is applied first (a blank
   cell in a table that prints a number counts as 0; an all-blank table stays
   missing), so the numbers summed are the numbers validation checked.
2. **Aggregates are never added to their members.** ``by`` says what one
   output row is. Per report (``by`` contains ``agency`` or ``report_id``)
   nothing is summed across reports and every report is kept unless
   ``scope`` says otherwise. When ``by`` drops the agency (e.g.
   ``by=("year",)``), reports are summed, and ``scope`` decides which:
   ``"members"`` (the default then) leaves out ``region_aggregate`` reports,
   ``"aggregates"`` keeps only them; ``"all"`` is refused for such sums.
3. **A rate always names its denominator**: a share column is called
   ``share_of_<denominator>`` and the denominator is a column beside it;
   named rates are listed in :data:`RATES` with their numerator and denominator.

Derived groups (docs/format.md §8), read from the codebook's ``block`` column: each outcome
group (``withheld``, ``unable``, ``not_processed``, ``other``) is the sum of the
table 三 rows in its block; ``other`` is the 2019 layout's single row or the sum of
the 2021 rows; ``org_subtotal`` (法人或其他组织) is the sum of the applicant
columns other than natural persons. Labels come from :mod:`toolkit.labels`.

4. **Unknown stays unknown.** A cell the report should print (its template's rows) that was not
   read is missing, and so is every figure that needs it; sums across reports skip such
   reports (``incomplete="skip"``, the default) and count them in ``n_skipped``.

Every row carries its facts as columns (:mod:`toolkit.analyse.facts`): ``complete``, the
missing cells, the scope rule, whether the data is synthetic, the publisher and the reports
behind it (``sources``); charts build their captions and data files from them.

Examples:
    >>> from toolkit import read_report
    >>> huaian = read_report("data/raw/huaian-city-2024.pdf").data
    >>> disclosure_rate(huaian)[["agency", "disclosed_or_partly", "total_processed", "disclosure_rate"]].round(4).values.tolist()
    [['淮安市人民政府', 1816.0, 3050.0, 0.5954]]
"""

from __future__ import annotations

from toolkit.analyse import facts
from toolkit.analyse.facts import AGGREGATE_SCOPE, SCOPES
from toolkit.analyse.measures.cases import review_litigation
from toolkit.analyse.measures.compare import filter_panel, rank_agencies, year_over_year
from toolkit.analyse.measures.matrix import cells, report_matrix
from toolkit.analyse.measures.requests import (
    applicant_mix,
    disclosure_rate,
    organisation_subtotal,
    outcome_counts,
    outcome_shares,
    refusal_breakdown,
    request_volumes,
)
from toolkit.analyse.measures.vocabulary import (
    APPLICANTS,
    CASE_COLUMNS,
    CASE_TYPES,
    EXTRA_COLUMNS,
    LEVELS,
    META_COLUMNS,
    OUTCOMES,
    RATES,
    REFUSAL_GROUPS,
    VOLUME_ROWS,
    block_rows,
    derived_label,
    level_order,
    rate,
)

pivot = facts.pivot  # a long measure frame made wide, its facts kept (toolkit.analyse.facts.pivot)

__all__ = [
    "AGGREGATE_SCOPE", "APPLICANTS", "CASE_COLUMNS", "CASE_TYPES", "EXTRA_COLUMNS", "LEVELS", "META_COLUMNS", "OUTCOMES",
    "RATES", "REFUSAL_GROUPS", "SCOPES", "VOLUME_ROWS", "applicant_mix", "block_rows", "cells", "derived_label",
    "disclosure_rate", "filter_panel", "level_order", "organisation_subtotal", "outcome_counts", "outcome_shares", "pivot",
    "rank_agencies", "rate", "refusal_breakdown", "report_matrix", "request_volumes", "review_litigation", "year_over_year",
]
