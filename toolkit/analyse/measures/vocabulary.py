"""What the measures count and how they are named: levels, flows, outcome groups, applicants, case
types and the named rates, all from the codebook; plus the division every rate uses (never inf)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import codebook as cb
from toolkit.labels import label
from toolkit.validation import structure as st

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
