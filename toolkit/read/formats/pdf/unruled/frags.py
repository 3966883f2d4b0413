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
    # One pass over the characters: every line of every page is cut into fragments at several gaps.
    first = chars[0]
    x0, y0, x1, y1 = first.x0, first.y0, first.x1, first.y1
    for c in chars:
        if c.x0 < x0:
            x0 = c.x0
        if c.y0 < y0:
            y0 = c.y0
        if c.x1 > x1:
            x1 = c.x1
        if c.y1 > y1:
            y1 = c.y1
    return Frag(chars, x0, y0, x1, y1, page)


def fragments(line: Line, page: int, gap: float) -> list[Frag]:
    """A line cut where the space between two characters exceeds ``gap``."""
    # One pass, the fragments' bounds kept as they grow (as make_frag would find them):
    # every line of every page is cut so at several gaps.
    out: list[Frag] = []
    run: list[Char] = []
    x0 = y0 = x1 = y1 = right = 0.0  # the run's bounds; the right edge of the character before
    for ch in line.chars:
        if run and ch.x0 - right <= gap:
            run.append(ch)
            if ch.x0 < x0:
                x0 = ch.x0
            if ch.y0 < y0:
                y0 = ch.y0
            if ch.x1 > x1:
                x1 = ch.x1
            if ch.y1 > y1:
                y1 = ch.y1
        else:
            if run:
                out.append(Frag(run, x0, y0, x1, y1, page))
            run = [ch]
            x0, y0, x1, y1 = ch.x0, ch.y0, ch.x1, ch.y1
        right = ch.x1
    if run:
        out.append(Frag(run, x0, y0, x1, y1, page))
    return out


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
