"""Parse a printed table cell into a number, keeping the raw text beside it.

Policy (docs/format.md §6.4): NFKC → strip a unit (recorded) → number regex. Blank and
NA tokens stay missing; the read step never imputes. How validation and
analysis treat a blank in a table that has numbers is decided in
:mod:`toolkit.validation.blanks`, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from toolkit.read.normalise import nfkc

# Tokens that mean "nothing printed" or "not applicable".
NA_TOKENS = frozenset({"/", "-", "--", "—", "——", "－", "–", "无", "N/A", "NA", "n/a", "?", "_", "空", "\\"})

# Units printed inside a cell. Longest first so 万元 wins over 元.
_UNITS = ("万元", "元", "件", "个", "项", "次", "宗", "条")
# Scale suffixes on bare counts (1.2万 = 12000).
_SCALE = {"万": 10_000, "亿": 100_000_000}
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# U+00A0 turned into "?" by a mis-encoded mirror ("? 0").
_MOJIBAKE_PREFIX = re.compile(r"^\?+\s*(?=[+\-\d])")


@dataclass(frozen=True, slots=True)
class CellValue:
    value: float | None
    unit: str | None
    status: str  # number | blank | na | invalid


@lru_cache(maxsize=65536)  # most printed cells are small repeated numbers
def parse_value(raw: str) -> CellValue:
    """Parse one cell's printed text.

    Examples:
        >>> parse_value("251000元")
        CellValue(value=251000.0, unit='元', status='number')
        >>> parse_value("+1036").value, parse_value("－8").value
        (1036.0, -8.0)
        >>> parse_value("１，２３４").value
        1234.0
        >>> parse_value("96171.6").value
        96171.6
        >>> parse_value("/")
        CellValue(value=None, unit=None, status='na')
        >>> parse_value("\\u00a0")
        CellValue(value=None, unit=None, status='blank')
        >>> parse_value("见附件").status
        'invalid'
    """
    s = nfkc(raw).replace("\u2212", "-").replace(" ", "")
    if not s:
        return CellValue(None, None, "blank")
    if s in NA_TOKENS:
        return CellValue(None, None, "na")
    s = _MOJIBAKE_PREFIX.sub("", s)
    unit = None
    for u in _UNITS:
        if s.endswith(u) and len(s) > len(u):
            unit, s = u, s[: -len(u)]
            break
    scale = 1
    if s and s[-1] in _SCALE and len(s) > 1:
        unit = s[-1] + (unit or "")
        scale, s = _SCALE[s[-1]], s[:-1]
    if not _NUMBER.match(s):
        return CellValue(None, None, "invalid")
    value = float(s.replace(",", "")) * scale
    return CellValue(value, unit, "number")
