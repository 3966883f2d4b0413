"""The words on a chart: labels of keys and data values, wrapped lines, numbers, and titles with their years.

Every label comes from the codebook (:func:`toolkit.codebook.label`) or the labels table
(:func:`toolkit.labels.label`); a chart never shows a bare key.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from collections.abc import Sequence

import matplotlib.ticker
import pandas as pd

from toolkit import codebook as cb
from toolkit import labels
from toolkit.analyse import captions, fonts
from toolkit.analyse import measures as an
from toolkit.analyse.captions import facts_of, years_text
from toolkit.labels import label
from toolkit.read.normalise import strip_numbering

_PAREN = re.compile(r"[（(][^）)]*[）)]$")  # a trailing parenthetical, after NFKC or not


def chart_title(key: str, lang: str) -> str:
    """The title of a chart from the labels table (``title.<key>``)."""
    return label(f"title.{key}", lang)


def short_label(key: str, lang: str = "zh", table: str = "requests", axis: str | None = None) -> str:
    """A chart label for a codebook key or a derived figure, without numbering or long notes.

    Derived figures come from :mod:`toolkit.labels`; printed keys from the codebook, looked up in
    ``table`` first and then in the other tables (a chart never shows a bare key).

    Examples:
        >>> short_label("partly_disclosed"), short_label("withheld"), short_label("unable_not_held", "en")
        ('部分公开', '不予公开', 'Not held')
        >>> short_label("corrected", table="review_litigation", axis="column")
        '结果纠正'
        >>> short_label("reconsideration"), short_label("litigation_total")
        ('行政复议', '行政诉讼合计')
    """
    if axis is None and labels.has(key):
        return label(key, lang)
    axes = [axis] if axis else ["row", "group", "column"]
    for tab in (table, *(t for t in cb.TABLES if t != table)):
        for ax in axes:
            if key in cb.keys(tab, ax):
                text = cb.label(tab, ax, key, lang, short=True)
                if lang == "zh":
                    text = _PAREN.sub("", strip_numbering(text))
                return text
    if labels.has(key):
        return label(key, lang)
    raise KeyError(f"no label for {key!r}: add it to toolkit/data/labels.csv")


def value_name(v, lang: str) -> str:
    """A data value as a reader sees it: a level or scope key in words (``county`` → 县级), anything else as it is.

    Examples:
        >>> value_name("county", "zh"), value_name("region_aggregate", "en"), value_name("示例市公安局", "en")
        ('县级', 'Regional aggregate', '示例市公安局')
    """
    for column in ("level", "scope"):
        if labels.has(f"{column}.{v}"):
            return label(f"{column}.{v}", lang)
    return str(v)


def names(values: Sequence, lang: str) -> list[str]:
    """Display names of data values (agency names, levels): as they are, or ``#n`` when they cannot be drawn."""
    out = []
    for v in values:
        parts = v if isinstance(v, tuple) else (v,)
        s = " ".join(value_name(p, lang) for p in parts)
        out.append(s if fonts.can_draw(s) else f"#{len(out) + 1}")
    if any(o.startswith("#") and not str(v).startswith("#") for o, v in zip(out, values)):
        warnings.warn("no font covers some agency names: shown as #n (see the data for the names)", fonts.FontWarning, stacklevel=3)
    return out


def drawable(name) -> str:
    """``name``, or ``#`` when no font draws it."""
    return str(name) if fonts.can_draw(str(name)) else "#"


def wrap(s: str, width: int) -> str:
    """Wrap a label into lines of at most ``width`` columns (a CJK character is two), evenly.

    Lines are balanced, so no line holds a single stray character.

    Examples:
        >>> wrap("平潭综合实验区管理委员会", 16)
        '平潭综合实验\\n区管理委员会'
        >>> wrap("淮安市人民政府 2024", 16)
        '淮安市人民政府\\n2024'
    """
    if not s:
        return s
    if all(ord(c) < 0x2E80 for c in s):
        return textwrap.fill(s, width)
    if " " in s.strip():  # "淮安市人民政府 2024": break between the name and the year, not inside the name
        return "\n".join(wrap(part, width) for part in s.split())
    per = max(1, width // 2)
    n = -(-len(s) // per)
    size = -(-len(s) // n)
    return "\n".join(s[i : i + size] for i in range(0, len(s), size))


_TOKEN = re.compile(r"[\x21-\x7e\u00c0-\u024f]+\s*|\s+|.")


def wrap_words(text: str, width: int) -> str:
    """Wrap mixed Chinese/Latin text at ``width`` columns (a CJK character is two), never inside a Latin word.

    Examples:
        >>> wrap_words("Source: OGI annual reports of 平潭综合实验区", 20)
        'Source: OGI annual\\nreports of 平潭综合\\n实验区'
    """
    lines, cur, used = [], "", 0
    for tok in _TOKEN.findall(text):
        w = sum(2 if ord(c) >= 0x2E80 else 1 for c in tok.rstrip())
        if used + w > width and cur.strip() and tok[:1] not in "，。；、）：,.;:)":  # no line opens with punctuation
            lines.append(cur.rstrip())
            cur, used = "", 0
            tok = tok.lstrip()
        cur += tok
        used += sum(2 if ord(c) >= 0x2E80 else 1 for c in tok)
    if cur.strip():
        lines.append(cur.rstrip())
    return "\n".join(lines)


def number(v) -> str:
    """A count as printed on a chart: thousands separators, ``—`` when unknown.

    Examples:
        >>> number(12345.0), number(float("nan"))
        ('12,345', '—')
    """
    return "—" if pd.isna(v) else f"{float(v):,.0f}"


def count_ticks(axis) -> None:
    """Integer ticks with thousands separators on a count axis."""
    axis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, min_n_ticks=2))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def sum_mode(frame: pd.DataFrame) -> str:
    """How a chart that sums the frame's rows treats years: one year ('each'/'pooled') or several summed ('all')."""
    f = facts_of(frame)
    years = list(frame["year"].dropna().unique()) if "year" in frame else f["years"]
    if len(years) > 1:
        return "all"
    return "pooled" if f["pooled"] and len(f["agencies"]) > 1 else "each"


def title_with_years(base: str, frame: pd.DataFrame, lang: str, mode: str | None = None) -> str:
    """``base`` and the years drawn, worded for how the chart treats them (each year, pooled, summed)."""
    # The years drawn: the rows' own years (a selection of a frame says only what it holds).
    years = [int(y) for y in sorted(frame["year"].dropna().unique())] if "year" in frame and len(frame) else facts_of(frame)["years"]
    if not years:
        return base
    mode = mode or captions.default_mode(frame)
    where = label(captions.years_key(mode, years), lang, years=years_text(years, lang))
    return label("title.where", lang, title=base, where=where)


def by_of(frame: pd.DataFrame, by, value_cols: Sequence[str]) -> list[str]:
    """The columns naming one bar: ``by``, else the frame's own ``by`` column, else its key columns."""
    if by is None:
        if "by" in frame.columns and frame["by"].notna().any():
            return str(frame["by"].dropna().iloc[0]).split("|")
        return [c for c in frame.columns if c not in value_cols and c not in an.EXTRA_COLUMNS]
    return [by] if isinstance(by, str) else list(by)
