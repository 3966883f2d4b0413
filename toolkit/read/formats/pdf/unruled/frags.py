"""Text fragments of an unruled table: a page's lines cut where the space between characters parts two cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.read import vocabulary as vocab
from toolkit.read.formats.page import Char, Line

GAP = 0.5  # × line height: a wider space between two characters separates two cells
# × line height: finer cuts between header labels of cells without padding, tried in turn
# (the characters of one label touch, or nearly: up to 0.13 with Noto CJK in Chromium).
FINE_GAPS = (0.15, 0.05)
VALUE = re.compile(r"^[+\-−]?[\d.,，]*%?$|^[/\-—–无]+$")


@dataclass(slots=True)
class Frag(Line):
    """A text line on a page (a :class:`Line` that knows its page)."""

    page: int = 0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def make_frag(chars: list[Char], page: int) -> Frag:
    return Frag(chars, min(c.x0 for c in chars), min(c.y0 for c in chars), max(c.x1 for c in chars), max(c.y1 for c in chars), page)


def fragments(line: Line, page: int, gap: float) -> list[Frag]:
    """A line cut where the space between two characters exceeds ``gap``."""
    out: list[list[Char]] = []
    for ch in line.chars:
        if out and ch.x0 - out[-1][-1].x1 <= gap:
            out[-1].append(ch)
        else:
            out.append([ch])
    return [make_frag(cs, page) for cs in out]


def text_height(lines: list[Line]) -> float:
    # The text's height, over characters, not lines: a note printed one character
    # per line in a larger font (WPS) would otherwise set it, and the header's
    # column labels, printed a few points apart, would join.
    hs = sorted(c.y1 - c.y0 for ln in lines for c in ln.chars) or [10.0]
    return max(hs[len(hs) // 2], 1.0)


def joined_text(frags: list[Frag]) -> str:
    return "".join(f.text for f in frags)


def names_entry(kind: str, text: str) -> bool:
    """Does ``text`` name a row, group, block or furniture label of this table in the codebook?"""
    return vocab.names(kind, text)
