"""Measures of the review and litigation table: cases by type and result, and the correction rate."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.analyse.measures.matrix import by_list, cells, extras, facts_last, group_reports, matrix_columns, report_rows
from toolkit.analyse.measures.vocabulary import CASE_COLUMNS, CASE_TYPES, rate


def review_litigation(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                      incomplete: str = "skip") -> pd.DataFrame:
    """Reconsideration and litigation cases with their correction rate.

    Returns:
        Long: ``by``, ``case_type`` (reconsideration, litigation_direct,
        litigation_after_reconsideration and the derived litigation_total),
        ``upheld``, ``corrected``, ``other``, ``pending``, ``total``,
        ``concluded`` (= total − pending, the denominator) and
        ``correction_rate`` (= corrected / concluded; missing when nothing was
        concluded), then the fact columns.

    Examples:
        >>> from toolkit import read_report
        >>> r = review_litigation(read_report("data/raw/shanghai-gov-office-2019.html").data)
        >>> r[["case_type", "total", "concluded", "correction_rate"]].values.tolist()
        [['reconsideration', 7.0, 5.0, 0.0], ['litigation_direct', 9.0, 8.0, 0.0], ['litigation_after_reconsideration', 0.0, 0.0, nan], ['litigation_total', 9.0, 8.0, 0.0]]
    """
    by = by_list(by)
    c = cells(df)
    parts = []
    for case in CASE_TYPES[:3]:
        m = report_rows(c, "review_litigation", row=case, keys=CASE_COLUMNS)
        parts.append(m[matrix_columns(m, CASE_COLUMNS)].assign(case_type=case))
    lit = parts[1].copy()
    cols = list(CASE_COLUMNS)
    lit[cols] = parts[1][cols].to_numpy() + parts[2][cols].to_numpy()
    for col in cols:
        lit[f"_miss_{col}"] = parts[1][f"_miss_{col}"].to_numpy() | parts[2][f"_miss_{col}"].to_numpy()
    lit["_missing"] = [a + b for a, b in zip(parts[1]["_missing"], parts[2]["_missing"])]
    lit["_trace"] = [a + b for a, b in zip(parts[1]["_trace"], parts[2]["_trace"])]
    parts.append(lit.assign(case_type="litigation_total"))
    frame = pd.concat(parts, ignore_index=True)
    out = group_reports(frame, [*by, "case_type"], cols, scope, incomplete)
    out["by"] = "|".join(by)
    out["concluded"] = out["total"] - out["pending"]
    out["correction_rate"] = rate(out["corrected"], out["concluded"])
    out["case_type"] = pd.Categorical(out["case_type"], categories=list(CASE_TYPES), ordered=True)
    out = out.sort_values([*by, "case_type"], kind="stable").reset_index(drop=True)
    return facts_last(out, [*by, *extras(out, by), "n_reports", "case_type", *CASE_COLUMNS, "concluded", "correction_rate"])

