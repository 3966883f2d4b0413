"""Per-report quality summary for notebooks: what was checked, what held, what could not be assessed.

Examples:
    >>> from toolkit.read.report import read_report
    >>> q = quality_summary(read_report("data/raw/shanghai-gov-office-2019.html"))
    >>> q[["checked", "passed", "failed", "not_assessable", "imputed", "errors", "warnings", "blank_cells_filled"]].iloc[0].tolist()
    [56, 43, 2, 0, 11, 0, 2, 135]
"""

from __future__ import annotations

import pandas as pd

from toolkit.validation.api import ValidationResult, run_checks

SUMMARY_COLUMNS = (
    "report_id", "source_file", "agency", "year", "scope",
    "checked", "passed", "failed", "not_assessable", "imputed",
    "errors", "warnings", "blank_cells_filled", "hard_ok",
)


def quality_summary(data, narratives=None, *, by_rule: bool = False) -> pd.DataFrame:
    """One row per report (or per report and rule): rule instances checked / passed / failed / not assessable.

    Args:
        data: what :func:`toolkit.validation.api.validate` takes, or a
            :class:`~toolkit.validation.api.ValidationResult` already computed.
        narratives: passed on to :func:`~toolkit.validation.api.run_checks` (W3).
        by_rule: one row per report and rule instead of per report.

    Returns:
        ``checked`` counts assessed instances (passed + failed + imputed);
        ``imputed`` counts H2/H4 rows that hold only because the blank-cell rule
        filled their total; ``hard_ok`` is True when no H1–H5 error was found
        and at least one hard identity could be assessed.
    """
    res = data if isinstance(data, ValidationResult) else run_checks(data, narratives)
    checks = res.checks.assign(outcome=res.checks["outcome"].astype(str))
    keys = ["report_id", "rule"] if by_rule else ["report_id"]
    counts = pd.crosstab([checks[k] for k in keys], checks["outcome"]) if len(checks) else pd.DataFrame()
    for col in ("passed", "failed", "not_assessable", "imputed"):
        if col not in counts:
            counts[col] = 0
    counts = counts[["passed", "failed", "not_assessable", "imputed"]]
    counts.insert(0, "checked", counts["passed"] + counts["failed"] + counts["imputed"])
    issues = res.issues.assign(severity=res.issues["severity"].astype(str))
    sev = issues.groupby(keys)["severity"].agg(
        errors=lambda s: int((s == "error").sum()),
        warnings=lambda s: int((s == "warning").sum()),
        blank_cells_filled=lambda s: int((s == "info").sum()),
    ) if len(issues) else pd.DataFrame(columns=["errors", "warnings", "blank_cells_filled"])
    out = counts.join(sev, how="left").fillna(0).astype(int).reset_index()
    meta = res.reports.drop(columns=[c for c in ("level",) if c in res.reports])
    out = meta.merge(out, on="report_id", how="left")
    for col in ("checked", "passed", "failed", "not_assessable", "imputed", "errors", "warnings", "blank_cells_filled"):
        out[col] = out[col].fillna(0).astype(int)
    hard = checks[checks["rule"].str.startswith("H")]
    assessed = hard[hard["outcome"] != "not_assessable"].groupby("report_id").size()
    err = issues[issues["severity"] == "error"].groupby("report_id").size()
    out["hard_ok"] = out["report_id"].map(lambda r: bool(assessed.get(r, 0)) and not err.get(r, 0))
    cols = list(SUMMARY_COLUMNS[:5]) + (["rule"] if by_rule else []) + list(SUMMARY_COLUMNS[5:])
    return out[cols]
