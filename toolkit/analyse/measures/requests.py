"""Measures of the requests table: volumes, outcome counts and shares, the disclosure rate, refusal
reasons and the applicant mix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import codebook as cb
from toolkit.analyse import facts
from toolkit.analyse.facts import strict_sum
from toolkit.analyse.measures.matrix import by_list, extras, facts_last, group_reports, matrix_columns, meta_columns, outcome_groups, report_rows
from toolkit.analyse.measures.vocabulary import APPLICANTS, OUTCOMES, REFUSAL_GROUPS, VOLUME_ROWS, rate


def request_volumes(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                    applicant: str = "total", incomplete: str = "skip") -> pd.DataFrame:
    """Requests new, carried in, handled (total_processed) and carried forward.

    Args:
        df: tidy cells.
        by: what one output row is; per report by default.
        scope: ``members``, ``aggregates`` or ``all`` (default: all per report,
            members when ``by`` drops the agency; module doc).
        applicant: the requests column to read (``total`` or one applicant key).
        incomplete: ``skip`` (default) leaves reports that lack a needed cell out of sums
            (``n_skipped``); ``propagate`` makes such a sum missing.

    Returns:
        ``by`` columns, ``n_reports``, ``new_received``, ``carried_in``,
        ``total_processed``, ``carried_forward`` and ``received_total``
        (new + carried in, what a report could handle this year), then the fact columns.

    Examples:
        >>> from toolkit import read_report
        >>> v = request_volumes(read_report("data/raw/huaian-city-2024.pdf").data)
        >>> v[["new_received", "carried_in", "total_processed", "carried_forward", "complete"]].values.tolist()
        [[3119.0, 34.0, 3050.0, 103.0, True]]
    """
    by = by_list(by)
    m = report_rows(df, "requests", column=applicant, keys=VOLUME_ROWS)
    out = group_reports(m[matrix_columns(m, VOLUME_ROWS)], by, list(VOLUME_ROWS), scope, incomplete)
    out.insert(out.columns.get_loc("carried_forward") + 1, "received_total", out["new_received"] + out["carried_in"])
    return out


# --------------------------------------------------------------------------- outcomes


def outcome_counts(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                   applicant: str = "total", incomplete: str = "skip") -> pd.DataFrame:
    """Wide counts of the outcome groups and ``total_processed`` (one row per ``by``).

    A group is missing when one of its rows the report should print was not read.

    Examples:
        >>> from toolkit import read_report
        >>> o = outcome_counts(read_report("data/raw/huaian-city-2024.pdf").data)
        >>> o[["disclosed", "partly_disclosed", "withheld", "unable", "not_processed", "other", "total_processed"]].values.tolist()
        [[1362.0, 454.0, 178.0, 781.0, 88.0, 187.0, 3050.0]]
    """
    by = by_list(by)
    needed = [r for r in cb.keys("requests", "row")
              if r in ("disclosed", "partly_disclosed", "total_processed") or cb.attribute("requests", "row", r, "block") in REFUSAL_GROUPS]
    m = report_rows(df, "requests", column=applicant, keys=needed)
    groups = outcome_groups(m)
    frame = pd.concat([m[meta_columns(m)], groups, m[["total_processed", "_miss_total_processed", "_missing", "_trace"]]], axis=1)
    return group_reports(frame, by, [*OUTCOMES, "total_processed"], scope, incomplete)


def outcome_shares(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                   applicant: str = "total", incomplete: str = "skip") -> pd.DataFrame:
    """Long: one row per ``by`` and outcome group with its share of the requests handled.

    Returns:
        ``by``, ``n_reports``, ``outcome`` (ordered: disclosed … other),
        ``count``, ``total_processed`` (the denominator) and
        ``share_of_total_processed`` (missing when nothing was handled or a cell was not read),
        then the fact columns.

    Examples:
        >>> from toolkit import read_report
        >>> s = outcome_shares(read_report("data/raw/huaian-city-2024.pdf").data)
        >>> s.set_index("outcome")["share_of_total_processed"].round(4).to_dict()["disclosed"]
        0.4466
    """
    by = by_list(by)
    wide = outcome_counts(df, by, scope=scope, applicant=applicant, incomplete=incomplete)
    return _shares(wide, by, "outcome", list(OUTCOMES), "total_processed")


def disclosure_rate(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                    incomplete: str = "skip") -> pd.DataFrame:
    """(disclosed + partly_disclosed) / total_processed, with both parts beside it.

    Examples:
        >>> from toolkit import read_report
        >>> d = disclosure_rate(read_report("data/raw/ninghe-kejiju-2023.txt").data)
        >>> d[["total_processed", "disclosure_rate"]].values.tolist()  # nothing handled: no rate, not 0
        [[0.0, nan]]
    """
    by = by_list(by)
    wide = outcome_counts(df, by, scope=scope, incomplete=incomplete)
    wide["disclosed_or_partly"] = wide["disclosed"] + wide["partly_disclosed"]
    wide["disclosure_rate"] = rate(wide["disclosed_or_partly"], wide["total_processed"])
    return facts_last(wide, [*by, *extras(wide, by), "n_reports", "disclosed", "partly_disclosed", "disclosed_or_partly",
                              "total_processed", "disclosure_rate"])


def _strict_group_total(s: pd.Series) -> float:
    return s.sum() if s.notna().all() and len(s) else np.nan


def refusal_breakdown(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                      groups: Sequence[str] = REFUSAL_GROUPS, applicant: str = "total", incomplete: str = "skip") -> pd.DataFrame:
    """Sub-reasons of the requests not (fully) answered: withheld / cannot provide / not processed / other.

    Returns:
        Long: ``by``, ``group``, ``reason`` (a codebook row key), ``count``,
        ``group_total`` and ``share_of_group_total``, ``total_processed`` and
        ``share_of_total_processed``, then the fact columns. In the 2019 layout the ``other``
        group has the single reason ``other_total``; in 2021, its three sub-rows. A reason the
        report should print but that was not read is kept, missing, and so is its group total.

    Examples:
        >>> from toolkit import read_report
        >>> r = refusal_breakdown(read_report("data/raw/huaian-city-2024.pdf").data)
        >>> r.query("reason == 'unable_not_held'")[["count", "group_total", "share_of_group_total"]].round(4).values.tolist()
        [[769.0, 781.0, 0.9846]]
    """
    by = by_list(by)
    rows = [r for r in cb.keys("requests", "row") if cb.attribute("requests", "row", r, "block") in groups]
    m = report_rows(df, "requests", column=applicant, keys=[*rows, "total_processed"])
    summed = group_reports(m[matrix_columns(m, [*rows, "total_processed"])], by, [*rows, "total_processed"], scope, incomplete)
    ex = extras(summed, by)
    fc = facts.fact_columns(summed)
    long = summed.melt(id_vars=[*by, *ex, "n_reports", "total_processed", *fc], value_vars=rows, var_name="reason", value_name="count")
    long["group"] = long["reason"].map(lambda r: cb.attribute("requests", "row", r, "block"))
    # A reason the row's layout does not print (other_* in 2019, other_total in 2021) is dropped; one it prints
    # but that was not read is named in missing_cells and kept, missing.
    lacking = long.apply(lambda r: f"requests/{r['reason']}/{applicant}" in str(r["missing_cells"]), axis=1)
    long = long[long["count"].notna() | lacking | (long["group"] != "other")]
    long["group_total"] = long.groupby([*by, "group"], observed=True, dropna=False)["count"].transform(_strict_group_total)
    long["share_of_group_total"] = rate(long["count"], long["group_total"])
    long["share_of_total_processed"] = rate(long["count"], long["total_processed"])
    order = {r: i for i, r in enumerate(cb.keys("requests", "row"))}
    long["group"] = pd.Categorical(long["group"], categories=list(REFUSAL_GROUPS), ordered=True)
    long = long.assign(_o=long["reason"].map(order)).sort_values([*by, "_o"], kind="stable").drop(columns="_o")
    cols = [*by, *ex, "n_reports", "group", "reason", "count", "group_total", "share_of_group_total", "total_processed", "share_of_total_processed"]
    return facts_last(long.reset_index(drop=True), cols)


# --------------------------------------------------------------------------- applicants


def applicant_mix(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                  row: str = "new_received", incomplete: str = "skip") -> pd.DataFrame:
    """Who asked: the applicant columns of one requests row with their share of its total.

    Returns:
        Long: ``by``, ``applicant`` (natural_person, org_*), ``count``, ``total``
        (the row's 总计, the denominator) and ``share_of_total``, then the fact columns; the
        derived ``org_subtotal`` (法人或其他组织 = Σ org_*) comes as a wide column
        from :func:`organisation_subtotal`.

    Examples:
        >>> from toolkit import read_report
        >>> a = applicant_mix(read_report("data/raw/shanghai-gov-office-2019.html").data)
        >>> a.set_index("applicant")["count"].to_dict()
        {'natural_person': 821.0, 'org_business': 35.0, 'org_research': 0.0, 'org_public_welfare': 0.0, 'org_legal_service': 2.0, 'org_other': 1.0}
    """
    by = by_list(by)
    cols = [*APPLICANTS, "total"]
    m = report_rows(df, "requests", row=row, keys=cols)
    summed = group_reports(m[matrix_columns(m, cols)], by, cols, scope, incomplete)
    return _shares(summed, by, "applicant", list(APPLICANTS), "total")


def _shares(wide: pd.DataFrame, by: list[str], part: str, parts: list[str], total: str) -> pd.DataFrame:
    """One row per group and ``part`` (in codebook order): its ``count`` and ``share_of_<total>``; a part or
    a total that was not read stays missing, so its share does too."""
    ex = extras(wide, by)
    fc = facts.fact_columns(wide)
    long = wide.melt(id_vars=[*by, *ex, "n_reports", total, *fc], value_vars=parts, var_name=part, value_name="count")
    long[part] = pd.Categorical(long[part], categories=parts, ordered=True)
    share = f"share_of_{total}"
    long[share] = rate(long["count"], long[total])
    long = long.sort_values([*by, part], kind="stable").reset_index(drop=True)
    return facts_last(long, [*by, *ex, "n_reports", part, "count", total, share])


def organisation_subtotal(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                          row: str = "new_received", incomplete: str = "skip") -> pd.DataFrame:
    """Wide: natural persons, the derived ``org_subtotal`` (Σ org_*) and the total of one requests row.

    Examples:
        >>> from toolkit import read_report
        >>> organisation_subtotal(read_report("data/raw/shanghai-gov-office-2019.html").data)[
        ...     ["natural_person", "org_subtotal", "total"]].values.tolist()
        [[821.0, 38.0, 859.0]]
    """
    by = by_list(by)
    m = report_rows(df, "requests", row=row, keys=[*APPLICANTS, "total"])
    person = APPLICANTS[0]  # the codebook's first applicant column: 自然人; the others are organisations
    orgs = [c for c in APPLICANTS if c != person]
    m["org_subtotal"] = strict_sum(m, orgs)
    m["_miss_org_subtotal"] = facts.any_missing(m, orgs)
    return group_reports(m[matrix_columns(m, [person, "org_subtotal", "total"])], by, [person, "org_subtotal", "total"], scope, incomplete)

