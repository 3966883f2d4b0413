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

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import codebook as cb
from toolkit.analyse import facts
from toolkit.analyse.facts import AGGREGATE_SCOPE, SCOPES, strict_sum
from toolkit.labels import label
from toolkit.validation import structure as st
from toolkit.validation.blanks import apply_blank_rule

__all__ = ["SCOPES", "AGGREGATE_SCOPE"]
EXTRA_COLUMNS = ("scope", "level")  # carried beside per-report rows
META_COLUMNS = ("report_id", "agency_id", "agency", "year", "scope", "level", "region", "kind", "format", "source_file",
                "source_sha256", "source_url", "synthetic")

#: Administrative levels, top down: the order of every chart and table by level.
LEVELS = ("province", "city", "county", "township", "unknown")
VOLUME_ROWS = st.flow_rows()
#: Outcome groups of table 三 from the codebook: the rows outside any block, then the blocks.
REFUSAL_GROUPS = cb.keys("requests", "group")
OUTCOMES = (*st.ungrouped_outcome_rows(), *REFUSAL_GROUPS)
# Keys come from the codebook; only the derived litigation total is added here.
APPLICANTS = tuple(k for k in cb.keys("requests", "column") if k != "total")
CASE_TYPES = (*cb.keys("review_litigation", "row"), "litigation_total")
CASE_COLUMNS = cb.keys("review_litigation", "column")

#: Named rates: name → (numerator, denominator), both in codebook keys.
RATES = {
    "disclosure_rate": ("disclosed + partly_disclosed", "total_processed"),
    "share_of_total_processed": ("the outcome's count", "total_processed"),
    "share_of_group_total": ("the sub-reason's count", "its group total (withheld, unable, not_processed or other)"),
    "share_of_total": ("the applicant column", "the total column (总计) of the same row"),
    "correction_rate": ("corrected", "concluded = total − pending"),
    "pct_change": ("value − previous year's value", "previous year's value"),
}



# --------------------------------------------------------------------------- helpers


def derived_label(key: str, lang: str = "zh") -> str:
    """Label of a derived figure (not printed in reports): :func:`toolkit.labels.label`.

    Examples:
        >>> derived_label("disclosure_rate", "en")
        'Disclosure rate (disclosed + partly) / total handled'
    """
    return label(key, lang)


def block_rows(block: str, table: str = "requests") -> tuple[str, ...]:
    """The rows of one codebook ``block`` (an outcome group), in print order.

    Examples:
        >>> block_rows("unable")
        ('unable_not_held', 'unable_needs_creation', 'unable_unclear')
    """
    return tuple(r for r in cb.keys(table, "row") if cb.attribute(table, "row", r, "block") == block)


def level_order(values) -> list:
    """``values`` (levels) sorted top down: province, city, county, township, then anything else.

    Examples:
        >>> level_order(["city", "county", "province", "township"])
        ['province', 'city', 'county', 'township']
    """
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    return sorted(values, key=lambda v: (rank.get(str(v), len(LEVELS)), str(v)))


def rate(numerator, denominator):
    """numerator / denominator, missing where the denominator is 0 or missing (never inf).

    Examples:
        >>> rate(pd.Series([1.0, 2.0, 3.0]), pd.Series([4.0, 0.0, None])).tolist()
        [0.25, nan, nan]
    """
    num = pd.to_numeric(numerator, errors="coerce")
    den = pd.to_numeric(denominator, errors="coerce")
    if isinstance(den, pd.Series):
        den = den.astype(float).where(den.astype(float) != 0)
    elif den == 0 or pd.isna(den):
        return np.nan
    return num / den


def cells(df: pd.DataFrame) -> pd.DataFrame:
    """Tidy cells with the blank-cell rule applied (once: a frame with ``fill`` is returned as is)."""
    if isinstance(df, pd.DataFrame) and "fill" in df.columns:
        return df
    if not isinstance(df, pd.DataFrame):
        data = getattr(df, "data", None)
        if isinstance(data, pd.DataFrame):  # a Report
            df = data
        else:
            raise TypeError(f"expected tidy cells (a DataFrame or a Report), not {type(df).__name__}")
    missing = {"table", "row", "column", "value", "status"} - set(df.columns)
    if missing:
        raise ValueError(f"not tidy cells: columns {sorted(missing)} missing (see toolkit.read.tidy.TIDY_COLUMNS)")
    out = apply_blank_rule(df)
    if "report_id" not in out.columns:
        out["report_id"] = out["source_file"] if "source_file" in out.columns else "report"
    return out


def _meta(c: pd.DataFrame) -> pd.DataFrame:
    cols = [m for m in META_COLUMNS if m in c.columns and m != "report_id"]
    meta = c.groupby("report_id", sort=False, observed=True)[cols].first()
    if "year" in meta:
        meta["year"] = meta["year"].astype("Int64")
    return meta


def _matrix(df: pd.DataFrame, table: str, *, column: str | None = None, row: str | None = None,
            keys: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per report: values of ``keys`` with what was read (``_miss_<key>``, ``_missing``, ``_trace``)."""
    if (column is None) == (row is None):
        raise ValueError("give exactly one of column= or row=")
    c = cells(df)
    axis, at = ("row", column) if column is not None else ("column", row)
    keys = list(keys) if keys is not None else list(cb.keys(table, axis))
    sub = c[c["table"].astype(str) == table]
    sub = sub[sub["column" if axis == "row" else "row"].astype(str) == at]
    wide = (
        sub.assign(_k=sub[axis].astype(str))
        .groupby(["report_id", "_k"], sort=False, observed=True)["value"]
        .first()
        .unstack("_k")
    )
    wide = wide.reindex(columns=keys).astype(float)
    out = _meta(c).join(wide, how="left").join(facts.read_cells(c, table, axis, keys, at), how="left")
    out.columns.name = None
    return out.reset_index()


def report_matrix(df: pd.DataFrame, table: str, *, column: str | None = None, row: str | None = None) -> pd.DataFrame:
    """One row per report: the rows of ``table`` at one ``column`` (or its columns at one ``row``).

    The blank-cell rule is applied; metadata columns lead; ``complete`` and ``missing_cells``
    say which cells the report's template prints and were not read (those stay missing).

    Examples:
        >>> from toolkit import read_report
        >>> m = report_matrix(read_report("data/raw/shanghai-gov-office-2019.html").data, "requests", column="total")
        >>> m[["new_received", "carried_in", "total_processed", "carried_forward", "complete"]].values.tolist()
        [[859.0, 18.0, 805.0, 72.0, True]]
    """
    m = _matrix(df, table, column=column, row=row)
    m["complete"] = m["_missing"].map(len) == 0
    m["missing_cells"] = m["_missing"].map("; ".join)
    return m.drop(columns=[c for c in m.columns if c.startswith("_")])


def _check_by(by: Sequence[str] | str) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _group(frame: pd.DataFrame, by: list[str], values: list[str], scope: str | None, incomplete: str = "skip") -> pd.DataFrame:
    """Sum ``values`` over reports within ``by``, with the fact columns (:func:`toolkit.analyse.facts.group`)."""
    extras = [c for c in EXTRA_COLUMNS if c in frame.columns and c not in by] if facts.per_report(by) else []
    return facts.group(frame, by, values, scope, incomplete, extras)


def _extras(frame: pd.DataFrame, by: list[str]) -> list[str]:
    return [c for c in EXTRA_COLUMNS if c in frame.columns and c not in by]


def _outcome_groups(m: pd.DataFrame) -> pd.DataFrame:
    """Derived outcome groups from a requests matrix (rows as columns), with their ``_miss_`` flags."""
    out = pd.DataFrame(index=m.index)
    for key in ("disclosed", "partly_disclosed"):
        out[key] = m[key]
        out[f"_miss_{key}"] = m[f"_miss_{key}"]
    for group in REFUSAL_GROUPS:
        members = block_rows(group)
        # A group printed as one row in the 2019 layout (（六）其他处理) and as sub-rows in 2021: use
        # whichever the report printed, never both.
        single = [r for r in members if cb.attribute("requests", "row", r, "template") == "2019"]
        split = [r for r in members if r not in single]
        one = strict_sum(m, single) if single else pd.Series(np.nan, index=m.index)
        has_one = one.notna() | facts.any_missing(m, single)
        out[group] = one.where(has_one, strict_sum(m, split))
        out[f"_miss_{group}"] = facts.any_missing(m, single).where(has_one, facts.any_missing(m, split))
    return out


def _meta_cols(m: pd.DataFrame) -> list[str]:
    return [c for c in META_COLUMNS if c in m.columns]


def _keep(m: pd.DataFrame, values: Sequence[str]) -> list[str]:
    """Columns of a matrix a group needs: metadata, ``values`` with their flags, what was read."""
    return [*_meta_cols(m), *values, *(f"_miss_{v}" for v in values if f"_miss_{v}" in m.columns), "_missing", "_trace"]


# --------------------------------------------------------------------------- volumes


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
    by = _check_by(by)
    m = _matrix(df, "requests", column=applicant, keys=VOLUME_ROWS)
    out = _group(m[_keep(m, VOLUME_ROWS)], by, list(VOLUME_ROWS), scope, incomplete)
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
    by = _check_by(by)
    needed = [r for r in cb.keys("requests", "row")
              if r in ("disclosed", "partly_disclosed", "total_processed") or cb.attribute("requests", "row", r, "block") in REFUSAL_GROUPS]
    m = _matrix(df, "requests", column=applicant, keys=needed)
    groups = _outcome_groups(m)
    frame = pd.concat([m[_meta_cols(m)], groups, m[["total_processed", "_miss_total_processed", "_missing", "_trace"]]], axis=1)
    return _group(frame, by, [*OUTCOMES, "total_processed"], scope, incomplete)


def _facts_last(frame: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    return frame[[*cols, *facts.fact_columns(frame)]]


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
    by = _check_by(by)
    wide = outcome_counts(df, by, scope=scope, applicant=applicant, incomplete=incomplete)
    ex = _extras(wide, by)
    fc = facts.fact_columns(wide)
    long = wide.melt(id_vars=[*by, *ex, "n_reports", "total_processed", *fc], value_vars=list(OUTCOMES), var_name="outcome", value_name="count")
    long["outcome"] = pd.Categorical(long["outcome"], categories=list(OUTCOMES), ordered=True)
    long["share_of_total_processed"] = rate(long["count"], long["total_processed"])
    long = long.sort_values([*by, "outcome"], kind="stable").reset_index(drop=True)
    return _facts_last(long, [*by, *ex, "n_reports", "outcome", "count", "total_processed", "share_of_total_processed"])


def disclosure_rate(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                    incomplete: str = "skip") -> pd.DataFrame:
    """(disclosed + partly_disclosed) / total_processed, with both parts beside it.

    Examples:
        >>> from toolkit import read_report
        >>> d = disclosure_rate(read_report("data/raw/ninghe-kejiju-2023.txt").data)
        >>> d[["total_processed", "disclosure_rate"]].values.tolist()  # nothing handled: no rate, not 0
        [[0.0, nan]]
    """
    by = _check_by(by)
    wide = outcome_counts(df, by, scope=scope, incomplete=incomplete)
    wide["disclosed_or_partly"] = wide["disclosed"] + wide["partly_disclosed"]
    wide["disclosure_rate"] = rate(wide["disclosed_or_partly"], wide["total_processed"])
    return _facts_last(wide, [*by, *_extras(wide, by), "n_reports", "disclosed", "partly_disclosed", "disclosed_or_partly",
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
    by = _check_by(by)
    rows = [r for r in cb.keys("requests", "row") if cb.attribute("requests", "row", r, "block") in groups]
    m = _matrix(df, "requests", column=applicant, keys=[*rows, "total_processed"])
    summed = _group(m[_keep(m, [*rows, "total_processed"])], by, [*rows, "total_processed"], scope, incomplete)
    ex = _extras(summed, by)
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
    return _facts_last(long.reset_index(drop=True), cols)


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
    by = _check_by(by)
    cols = [*APPLICANTS, "total"]
    m = _matrix(df, "requests", row=row, keys=cols)
    summed = _group(m[_keep(m, cols)], by, cols, scope, incomplete)
    ex = _extras(summed, by)
    fc = facts.fact_columns(summed)
    long = summed.melt(id_vars=[*by, *ex, "n_reports", "total", *fc], value_vars=list(APPLICANTS), var_name="applicant", value_name="count")
    long["applicant"] = pd.Categorical(long["applicant"], categories=list(APPLICANTS), ordered=True)
    long["share_of_total"] = rate(long["count"], long["total"])
    long = long.sort_values([*by, "applicant"], kind="stable").reset_index(drop=True)
    return _facts_last(long, [*by, *ex, "n_reports", "applicant", "count", "total", "share_of_total"])


def organisation_subtotal(df: pd.DataFrame, by: Sequence[str] = ("agency", "year"), *, scope: str | None = None,
                          row: str = "new_received", incomplete: str = "skip") -> pd.DataFrame:
    """Wide: natural persons, the derived ``org_subtotal`` (Σ org_*) and the total of one requests row.

    Examples:
        >>> from toolkit import read_report
        >>> organisation_subtotal(read_report("data/raw/shanghai-gov-office-2019.html").data)[
        ...     ["natural_person", "org_subtotal", "total"]].values.tolist()
        [[821.0, 38.0, 859.0]]
    """
    by = _check_by(by)
    m = _matrix(df, "requests", row=row, keys=[*APPLICANTS, "total"])
    person = APPLICANTS[0]  # the codebook's first applicant column: 自然人; the others are organisations
    orgs = [c for c in APPLICANTS if c != person]
    m["org_subtotal"] = strict_sum(m, orgs)
    m["_miss_org_subtotal"] = facts.any_missing(m, orgs)
    return _group(m[_keep(m, [person, "org_subtotal", "total"])], by, [person, "org_subtotal", "total"], scope, incomplete)


# --------------------------------------------------------------------------- review and litigation


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
    by = _check_by(by)
    c = cells(df)
    parts = []
    for case in CASE_TYPES[:3]:
        m = _matrix(c, "review_litigation", row=case, keys=CASE_COLUMNS)
        parts.append(m[_keep(m, CASE_COLUMNS)].assign(case_type=case))
    lit = parts[1].copy()
    cols = list(CASE_COLUMNS)
    lit[cols] = parts[1][cols].to_numpy() + parts[2][cols].to_numpy()
    for col in cols:
        lit[f"_miss_{col}"] = parts[1][f"_miss_{col}"].to_numpy() | parts[2][f"_miss_{col}"].to_numpy()
    lit["_missing"] = [a + b for a, b in zip(parts[1]["_missing"], parts[2]["_missing"])]
    lit["_trace"] = [a + b for a, b in zip(parts[1]["_trace"], parts[2]["_trace"])]
    parts.append(lit.assign(case_type="litigation_total"))
    frame = pd.concat(parts, ignore_index=True)
    out = _group(frame, [*by, "case_type"], cols, scope, incomplete)
    out["by"] = "|".join(by)
    out["concluded"] = out["total"] - out["pending"]
    out["correction_rate"] = rate(out["corrected"], out["concluded"])
    out["case_type"] = pd.Categorical(out["case_type"], categories=list(CASE_TYPES), ordered=True)
    out = out.sort_values([*by, "case_type"], kind="stable").reset_index(drop=True)
    return _facts_last(out, [*by, *_extras(out, by), "n_reports", "case_type", *CASE_COLUMNS, "concluded", "correction_rate"])


# --------------------------------------------------------------------------- change and ranking


def year_over_year(frame: pd.DataFrame, value: str, by: Sequence[str] = ("agency",)) -> pd.DataFrame:
    """Add the previous year's ``value`` (same ``by`` keys, year − 1), the change and ``pct_change``.

    ``pct_change`` = (value − previous) / previous: its denominator is the
    previous year's value (missing when that is 0 or the year is absent; a gap
    year is never bridged).

    Examples:
        >>> f = pd.DataFrame({"agency": "A", "year": [2021, 2022, 2024], "n": [10.0, 15.0, 9.0]})
        >>> year_over_year(f, "n")[["year", "previous", "change", "pct_change"]].values.tolist()
        [[2021.0, nan, nan, nan], [2022.0, 10.0, 5.0, 0.5], [2024.0, nan, nan, nan]]
    """
    by = _check_by(by)
    prev = frame[[*by, "year", value]].copy()
    prev["year"] = prev["year"] + 1
    prev = prev.rename(columns={value: "previous"})
    out = frame.merge(prev, on=[*by, "year"], how="left")
    out["change"] = out[value] - out["previous"]
    out["pct_change"] = rate(out["change"], out["previous"])
    return out


def rank_agencies(frame: pd.DataFrame, value: str, *, year: int | None = None, ascending: bool = False,
                  n: int | None = None, exclude_aggregates: bool = True) -> pd.DataFrame:
    """Rank agencies on ``value`` within each year (1 = largest unless ``ascending``).

    Aggregate reports (scope ``region_aggregate``) are left out by default:
    a region's total is not an agency competing with its own members.
    Missing values are not ranked.

    Examples:
        >>> f = pd.DataFrame({"agency": list("ABC"), "year": 2023, "scope": ["agency", "agency", "region_aggregate"],
        ...                   "n": [5.0, 9.0, 14.0]})
        >>> rank_agencies(f, "n")[["agency", "rank"]].values.tolist()
        [['B', 1], ['A', 2]]
    """
    f = frame
    if exclude_aggregates and "scope" in f.columns:
        f = f[f["scope"].astype(str) != AGGREGATE_SCOPE]
    if year is not None:
        f = f[f["year"] == year]
    f = f[f[value].notna()].copy()
    f["rank"] = f.groupby("year")[value].rank(method="min", ascending=ascending).astype(int)
    f = f.sort_values(["year", "rank", "agency"], ascending=[True, True, True], kind="stable")
    if n is not None:
        f = f[f["rank"] <= n]
    return f.reset_index(drop=True)


def filter_panel(df: pd.DataFrame, *, agency=None, level=None, year=None, scope=None) -> pd.DataFrame:
    """Rows of a tidy panel (or an analysis frame) matching every given selector (a value or a list).

    Examples:
        >>> f = pd.DataFrame({"agency": ["A", "B"], "year": [2023, 2024]})
        >>> filter_panel(f, year=[2024])["agency"].tolist()
        ['B']
    """
    mask = pd.Series(True, index=df.index)
    for col, want in (("agency", agency), ("level", level), ("year", year), ("scope", scope)):
        if want is None or (isinstance(want, str) and want in ("", "all", "(all)")):
            continue
        if col not in df.columns:
            raise ValueError(f"cannot filter on {col!r}: the data has no such column")
        values = list(want) if isinstance(want, (list, tuple, set)) else [want]
        mask &= df[col].isin(values)
    return df[mask]
pivot = facts.pivot  # a long measure frame made wide, its facts kept (toolkit.analyse.facts.pivot)
