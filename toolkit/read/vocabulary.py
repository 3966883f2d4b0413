"""What printed labels can name: the codebook's label patterns, as readers may ask.

Most formats carry their table structure in markup (HTML, DOCX, ruled PDF
grids), and their readers never look at what a label says. PDF tables printed
without ruling lines, and tables cut by page breaks, carry no structure but
their words: the PDF reader recognises header labels, block captions and
group labels to rebuild the grid. It asks here, and only here. The keys it
gets back are used to place lines and columns; they are never written to the
tidy data. Mapping every cell to its codebook key happens once, in
:mod:`toolkit.read.tables`, for every format alike.

Examples:
    >>> key_of("requests", "column", "商业\\n企业")
    'org_business'
    >>> names_label("（二）部分公开（区分处理的，只计这一情"), names_label("形，不计其他情形）")
    (True, False)
"""

from __future__ import annotations

import re
from functools import cache

from toolkit import codebook as cb
from toolkit.read.normalise import label_key

# The axes of a table whose labels sit in the row-label column (not in the header).
ROW_AXES = ("row", "group", "block", "furniture")


def keys(table: str, axis: str) -> tuple[str, ...]:
    """The codebook keys of one axis of a table, in template order."""
    return cb.keys(table, axis)


def key_of(table: str, axis: str, text: str) -> str | None:
    """The key a printed label names on one axis, else None."""
    key = label_key(text)
    return cb.match(table, axis, key) if key else None


def starts_as(table: str, axis: str, text: str) -> bool:
    """Whether the normalised text begins like a label of that axis (a caption with more after it)."""
    key = label_key(text)
    return bool(key) and any(p.match(key) for _, p in cb.matchers(table, axis))


def names(table: str, text: str, axes: tuple[str, ...] = ROW_AXES) -> bool:
    """Whether the text (or a fragment of it) names a label of the given axes of one table."""
    key = label_key(text)
    return bool(key) and any(p.search(key) for axis in axes for _, p in cb.matchers(table, axis))


@cache
def _all_patterns() -> tuple[re.Pattern[str], ...]:
    book = cb.codebook()
    return tuple(re.compile(p) for p in book.loc[book["table"] != "report", "variants"] if p)


def names_label(text: str) -> bool:
    """Whether a label (or label fragment) names any row, column, group, block or caption of any table."""
    key = label_key(text)
    return bool(key) and any(p.search(key) for p in _all_patterns())


def row_blocks(table: str, row: str) -> tuple[str, ...]:
    """The blocks (groups) a row belongs to, from the codebook's ``block`` column."""
    return tuple(cb.attribute(table, "row", row, "block").split("|"))
