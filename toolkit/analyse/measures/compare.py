"""Comparing rows of a measure: change from the previous year, ranks within a year, and selecting rows."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.analyse.facts import AGGREGATE_SCOPE
from toolkit.analyse.measures.matrix import by_list
from toolkit.analyse.measures.vocabulary import rate


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
    by = by_list(by)
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
