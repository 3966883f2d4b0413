"""Validate reports against their accounting identities and cross-checks.

Checks report, they never correct: the tidy values stay as printed. The
entry point :func:`validate` takes the tidy output of one report or a whole
corpus (or :class:`~toolkit.read.report.Report` objects: the same findings as
their frames) and returns a tidy issues DataFrame, one row per finding:

- **errors**: the hard identities H1–H4 and the domain rule H5 (docs/format.md §5);
- **warnings**: the soft checks W1–W5 and W6 (a report copied from last year, :mod:`.copied`);
- **info**: every cell the blank-cell rule (:mod:`toolkit.validation.blanks`) filled,
  with the flag it applied as ``rule`` (``blank_as_zero``, ``imputed_total``,
  ``table_empty``).

A failing identity that two adjacent cells would satisfy if they were one
number (拆格) carries a ``hint``; the values are never merged.
:func:`run_checks` also returns every evaluated rule instance, which
:mod:`toolkit.validation.quality` summarises per report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from toolkit.validation import hard, soft
from toolkit.validation.blanks import apply_blank_rule
from toolkit.validation.copied import copied_issues
from toolkit.validation.issues import ISSUE_COLUMNS, checks_frame, issues_frame
from toolkit.validation.missing import missing_row_issues

__all__ = ["validate", "run_checks", "ValidationResult", "ISSUE_COLUMNS"]

_META = ("report_id", "source_file", "agency", "year", "scope", "level")


@dataclass
class ValidationResult:
    """What :func:`run_checks` returns.

    Attributes:
        issues: one row per finding (:data:`ISSUE_COLUMNS`).
        checks: one row per evaluated rule instance: report_id, rule, table,
            instance, outcome (passed | failed | not_assessable | imputed) and
            reason (why, when more than the printed numbers: the cells missing,
            ``blanks counted as 0``…).
        reports: one row of metadata per report.
    """

    issues: pd.DataFrame
    checks: pd.DataFrame
    reports: pd.DataFrame

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "warning"]


def _coerce(data) -> tuple[pd.DataFrame, dict]:
    """Tidy cells and report metadata (by report_id) from a frame, a Report or many.

    A Report adds nothing its frame does not hold: the cells the reader lost
    (``status`` missing, with the unrecognised labels in ``note``) and what the
    narrative states (``stated``) are columns of the frame, so validating
    ``report.data`` and ``report`` gives the same findings.
    """
    if isinstance(data, pd.DataFrame):
        return data, {}
    if hasattr(data, "data") and isinstance(data.data, pd.DataFrame):
        data = [data]
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes)):
        frames, metas = [], {}
        for item in data:
            if isinstance(item, pd.DataFrame):
                frames.append(item)
                continue
            df = item.data
            frames.append(df)
            for rid in df["report_id"].dropna().unique():
                metas[rid] = {k: v for k, v in (getattr(item, "meta", None) or {}).items() if k in _META}
        if not frames:
            raise ValueError("validate() got an empty collection; pass a tidy DataFrame or Report objects")
        return pd.concat(frames, ignore_index=True), metas
    raise TypeError(
        f"validate() takes a tidy DataFrame, a Report or a list of Reports, not {type(data).__name__}; "
        "to validate a file, use toolkit.read_report(path) first"
    )


def _prepare(df: pd.DataFrame, report_meta: dict | None = None) -> tuple[pd.DataFrame, dict]:
    missing = {"table", "row", "column", "value", "status"} - set(df.columns)
    if missing:
        raise ValueError(f"not a tidy frame: columns {sorted(missing)} are missing (see toolkit.read.tidy.TIDY_COLUMNS)")
    cells = apply_blank_rule(df)
    for axis in ("table", "row", "column", "status"):
        cells[axis] = cells[axis].astype(object)
    cells["fill"] = cells["fill"].astype(object).where(cells["fill"].notna(), None)
    key = None
    for col in ("report_id", "source_file"):
        if col in cells and cells[col].notna().any():
            key = cells[col].astype(object).where(cells[col].notna(), "")
            break
    cells["_rkey"] = key if key is not None else ""
    metas = {}
    meta_cols = [c for c in _META if c in cells.columns]
    firsts = cells.groupby("_rkey", sort=False)[meta_cols].first() if meta_cols else pd.DataFrame()
    for rkey in cells["_rkey"].unique():
        meta = {c: None for c in _META}
        if meta_cols:
            meta.update({c: (None if pd.isna(v) else v) for c, v in firsts.loc[rkey].items()})
        meta.setdefault("report_id", rkey)
        meta["report_id"] = meta["report_id"] if meta["report_id"] is not None else rkey
        for k, v in (report_meta or {}).get(meta["report_id"], {}).items():
            if meta.get(k) is None:
                meta[k] = v
        metas[rkey] = meta
    return cells, metas


def run_checks(data, narratives: Mapping[str, Mapping[str, str]] | None = None, *,
               soft_checks: bool = True, blank_flags: bool = True) -> ValidationResult:
    """Run every check; see :func:`validate` for the arguments."""
    df, report_meta = _coerce(data)
    sections = dict(narratives or {})
    cells, metas = _prepare(df, report_meta)
    issues, checks = [], []
    issues += missing_row_issues(cells, metas)
    found, done = hard.identity_issues(cells, metas)
    issues += found
    checks += done
    found, done = hard.domain_issues(cells, metas)
    issues += found
    checks += done
    if soft_checks:
        found, done = soft.soft_issues(cells, metas, sections)
        issues += found
        checks += done
        found, done = copied_issues(cells, metas)
        issues += found
        checks += done
    if blank_flags:
        issues += hard.blank_issues(cells, metas)
    reports = pd.DataFrame(list(metas.values()), columns=list(_META))
    out = issues_frame(issues)
    if len(out):
        order = {rid: i for i, rid in enumerate(reports["report_id"])}
        out = out.assign(_o=out["report_id"].map(order), _s=out["severity"].cat.codes) \
            .sort_values(["_o", "_s", "table", "row", "column", "rule"], kind="stable") \
            .drop(columns=["_o", "_s"]).reset_index(drop=True)
    return ValidationResult(out, checks_frame(checks), reports)


def validate(data, narratives: Mapping[str, Mapping[str, str]] | None = None, *,
             soft_checks: bool = True, blank_flags: bool = True) -> pd.DataFrame:
    """Check one report or a corpus; return the findings as a tidy issues DataFrame.

    Args:
        data: tidy cells (:data:`toolkit.read.tidy.TIDY_COLUMNS`) of one or many
            reports, a :class:`~toolkit.read.report.Report`, or a list of them.
        narratives: optional ``{report_id: {section_key: text}}``: more narrative
            text for W3 (a frame read by the toolkit carries its report's
            statements in the ``stated`` column already).
        soft_checks: also run W1–W6 (warnings).
        blank_flags: include one ``info`` row per cell the blank rule filled.

    Returns:
        Issues with columns :data:`ISSUE_COLUMNS`: where (report_id,
        source_file, table, row, column, location), what (rule, severity,
        expected, observed) and why (message in Chinese and English; hint).

    Examples:
        >>> from toolkit.validation.frames import tidy_frame
        >>> cells = pd.DataFrame({"table": "review_litigation", "row": "reconsideration",
        ...     "column": ["upheld", "corrected", "other", "pending", "total"], "raw": ["5", "0", "0", "2", "8"]})
        >>> found = validate(tidy_frame(cells, agency="测试局", year=2023))
        >>> found[["rule", "row", "column", "expected", "observed"]].values.tolist()
        [['H4', 'reconsideration', 'total', 7.0, 8.0]]
        >>> print(found["message_en"].iloc[0])
        H4 fails for Administrative reconsideration (Total = Upheld + Corrected + Other outcome + Pending): Administrative reconsideration · Total printed 8, the identity gives 7
    """
    return run_checks(data, narratives, soft_checks=soft_checks, blank_flags=blank_flags).issues
