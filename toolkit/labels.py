"""One table of labels: every chart, widget, analysis and validation text in Chinese and English.

The codebook (:mod:`toolkit.codebook`, ``toolkit/data/codebook.csv``) names the
printed table, row and column keys; everything else a reader sees lives in
``toolkit/data/labels.csv`` (``key, kind, zh, en``): labels of derived figures
(``derived``), widget views (``view``), chart titles (``title``), values such as
levels and scopes (``level``, ``scope``), captions (``caption``), chart notes
(``chart``) and validation messages (``message``). A text with named fields
(``{observed}``) is a template, filled in by :func:`label`; fields a template
does not use are ignored, so a caller can pass the fields of both languages.

Examples:
    >>> label("disclosure_rate", "en")
    'Disclosure rate (disclosed + partly) / total handled'
    >>> label("chart.total_n", "zh", n="3,050")
    '共3,050件'
    >>> label("level.county")
    '县级'
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

import pandas as pd

LANGS = ("zh", "en")


@cache
def table() -> pd.DataFrame:
    """The labels table (``key, kind, zh, en``), one row per key.

    Examples:
        >>> sorted(set(table()["kind"]))[:3]
        ['caption', 'chart', 'derived']
    """
    with resources.files("toolkit").joinpath("data/labels.csv").open(encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    dup = df["key"][df["key"].duplicated()].tolist()
    if dup:  # a key must mean one thing
        raise ValueError(f"toolkit/data/labels.csv: duplicate keys {dup}")
    return df


@cache
def _index() -> dict[str, tuple[str, str]]:
    return {k: (zh, en) for k, zh, en in table()[["key", "zh", "en"]].itertuples(index=False)}


def has(key: str) -> bool:
    """Whether ``key`` is in the labels table.

    Examples:
        >>> has("year"), has("new_received")
        (True, False)
    """
    return key in _index()


def keys(kind: str) -> tuple[str, ...]:
    """The keys of one kind, in table order.

    Examples:
        >>> keys("view")[:2]
        ('view.outcomes', 'view.refusals')
    """
    df = table()
    return tuple(df.loc[df["kind"] == kind, "key"])


def fields(key: str, lang: str = "zh") -> set[str]:
    """The named fields of a template.

    Examples:
        >>> sorted(fields("chart.no_data", "en"))
        ['what']
    """
    return {f for _, f, _, _ in string.Formatter().parse(_text(key, lang)) if f}


def _text(key: str, lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    try:
        zh, en = _index()[key]
    except KeyError:
        raise KeyError(f"no label {key!r} in toolkit/data/labels.csv") from None
    return zh if lang == "zh" else en


def label(key: str, lang: str = "zh", **fields) -> str:
    """The label of ``key`` in ``lang``, its named fields filled from ``fields``.

    Args:
        key: a key of ``toolkit/data/labels.csv``.
        lang: ``"zh"`` or ``"en"``.
        **fields: values of the template's named fields (extra ones are ignored).

    Raises:
        KeyError: unknown key, or a field the template needs was not given.

    Examples:
        >>> label("msg.W1_items", "en", cell_en="X", observed="5", prev_year=2022, previous="3", change="1")
        'W1 X 5 ≠ 3 + change 1 in the 2022 report'
    """
    text = _text(key, lang)
    if "{" not in text:
        return text
    try:
        return string.Formatter().vformat(text, (), fields)
    except KeyError as exc:
        raise KeyError(f"label {key!r} ({lang}) needs the field {exc.args[0]!r}") from None


def value_label(column: str, value, lang: str = "zh") -> str:
    """The label of a data value that is a key (``level`` or ``scope``), else the value as text.

    Examples:
        >>> value_label("level", "city", "en"), value_label("agency", "淮安市人民政府")
        ('City', '淮安市人民政府')
    """
    key = f"{column}.{value}"
    return label(key, lang) if has(key) else str(value)
