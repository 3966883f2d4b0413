"""The codebook: one source of truth for table, row and column keys and labels.

The data lives in ``toolkit/data/codebook.csv`` (docs/format.md §8): every key with its
Chinese and English label, the template it belongs to (``2019``, ``2021`` or
``both``), the block it sits in, its display order and the regular expression
(over :func:`toolkit.read.normalise.label_key`) that maps a printed label to it, and
for columns the ``kind`` of value a cell holds (``count``, ``amount``, ``signed``), and
short chart labels (``short_zh``, ``short_en``) where the official label is long.
Parsers, validation and charts all read it from here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported where used: the command line reads TABLES and LANGS before any work.
TABLES = ("proactive", "requests", "review_litigation")
LANGS = ("zh", "en")


@cache
def _raw() -> pd.DataFrame:
    import pandas as pd

    with resources.files("toolkit").joinpath("data/codebook.csv").open(encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    df["order"] = df["order"].astype(int)
    return df


def codebook(lang: str = "zh") -> pd.DataFrame:
    """The codebook as a DataFrame, with ``label`` in the requested language.

    Args:
        lang: ``"zh"`` or ``"en"``: which label goes in the ``label`` column.

    Examples:
        >>> cb = codebook("en")
        >>> cb.query("table == 'requests' and axis == 'column'")["key"].tolist()[:3]
        ['natural_person', 'org_business', 'org_research']
        >>> cb.set_index(["table", "axis", "key"]).loc[("requests", "row", "disclosed"), "label"]
        'Disclosed'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    df = _raw().copy()
    df.insert(4, "label", df[lang])
    return df.rename(columns={"zh": "label_zh", "en": "label_en", "match": "variants"}).reset_index(drop=True)


def entries(table: str, axis: str) -> pd.DataFrame:
    """Codebook lines of one table and axis, in display order."""
    df = _raw()
    return df[(df["table"] == table) & (df["axis"] == axis)].sort_values("order")


@cache
def keys(table: str, axis: str) -> tuple[str, ...]:
    """Keys of one table and axis in display order.

    Examples:
        >>> keys("review_litigation", "column")
        ('upheld', 'corrected', 'other', 'pending', 'total')
    """
    return tuple(entries(table, axis)["key"])


@cache
def matchers(table: str, axis: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, compiled pattern) pairs, tried in display order."""
    return tuple((k, re.compile(m)) for k, m in entries(table, axis)[["key", "match"]].itertuples(index=False))


@lru_cache(maxsize=65536)
def match(table: str, axis: str, label: str) -> str | None:
    """First key whose pattern matches an already normalised label.

    Examples:
        >>> from toolkit.read.normalise import label_key
        >>> match("requests", "row", label_key("4.无正当理由大量反复申请"))
        'notproc_mass_repeat'
        >>> match("requests", "column", label_key("法人或其他组织")) is None
        True
    """
    for key, pattern in matchers(table, axis):
        if pattern.search(label):
            return key
    return None


@cache
def attribute(table: str, axis: str, key: str, field: str) -> str:
    """One field (``template``, ``block``, ``zh``, ``en``…) of one codebook key."""
    df = entries(table, axis)
    return df.loc[df["key"] == key, field].iloc[0]


def label(table: str, axis: str, key: str, lang: str = "zh", short: bool = False) -> str:
    """The display label of a key; ``short`` gives the chart label where the official one is long.

    Examples:
        >>> label("requests", "column", "org_legal_service", "en")
        'Legal service providers'
        >>> label("requests", "row", "other_fee_unpaid", short=True), label("requests", "row", "unable_not_held", "en", short=True)
        ('逾期未缴费', 'Not held')
    """
    if short:
        text = attribute(table, axis, key, f"short_{lang}")
        if text:
            return text
    return attribute(table, axis, key, lang)


@cache
def category_order(axis: str) -> tuple[str, ...]:
    """All keys of an axis across the three tables, first appearance wins (for categoricals)."""
    if axis == "table":
        return TABLES
    seen: dict[str, None] = {}
    for t in TABLES:
        for k in keys(t, axis):
            seen.setdefault(k, None)
    return tuple(seen)


@cache  # immutable, and asked once per report
def category_dtype(axis: str) -> pd.CategoricalDtype:
    """The ordered categorical dtype of ``table``, ``row`` or ``column`` keys."""
    import pandas as pd

    return pd.CategoricalDtype(list(category_order(axis)), ordered=True)


@cache
def _codes(axis: str) -> dict[str, int]:
    return {k: i for i, k in enumerate(category_order(axis))}


def categorical(values, axis: str) -> pd.Categorical:
    """Ordered categorical of codebook keys (built from codes: this runs once per report).

    Examples:
        >>> categorical(["requests", "proactive"], "table").tolist()
        ['requests', 'proactive']
    """
    codes = _codes(axis)
    import numpy as np
    import pandas as pd

    return pd.Categorical.from_codes(np.fromiter((codes[v] for v in values), np.int16, len(values)), dtype=category_dtype(axis))


def in_template(template_field: str, template: str) -> bool:
    """Whether a codebook line's template (``both``/``2019``/``2021``) belongs to a layout."""
    return template_field in ("both", template)


@cache
def layout(table: str, template: str) -> tuple[tuple[str | None, tuple[str, ...], tuple[str, ...]], ...]:
    """The official layout of a table in a template, derived from the codebook.

    Returns ``(block, row keys, column keys)`` tuples: one per
    第二十条 block for ``proactive``; a single entry with block ``None`` for the
    other tables.

    Examples:
        >>> [(b, r, c) for b, r, c in layout("proactive", "2021")][1]
        ('item_5', ('licensing',), ('decisions',))
        >>> len(layout("requests", "2019")[0][1]), len(layout("requests", "2021")[0][1])
        (23, 25)
    """
    if template not in ("2019", "2021"):
        raise ValueError(f"template must be '2019' or '2021', not {template!r}")

    def pick(axis: str, block: str | None = None) -> tuple[str, ...]:
        df = entries(table, axis)
        df = df[df["template"].map(lambda t: in_template(t, template))]
        if block is not None:
            df = df[df["block"].str.split("|").map(lambda bs: block in bs)]
        return tuple(df["key"])

    if table == "proactive":
        return tuple((b, pick("row", b), pick("column", b)) for b in pick("block"))
    return ((None, pick("row"), pick("column")),)

