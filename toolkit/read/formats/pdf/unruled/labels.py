"""An unruled table's label cells: stacked label fragments joined, row-spanning labels told from leaf labels.

Rows are anchored on labels, not numbers (a row of blanks has no number):
label fragments stacked one under the other are joined into label cells
unless the lower one starts a new item (1. / （三） / 四、) or both name a
codebook entry by themselves; a label cell with another label cell to its
right (a group label, 三、本年度办理结果 printed one character per line) spans
rows, the others are leaf labels, one per row. A value token belongs to the
row whose leaf label is vertically nearest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.read import vocabulary as vocab
from toolkit.read.formats.pdf.unruled.frags import Frag, joined_text, make_frag, names_entry
from toolkit.read.normalise import numbering, squash, starts_with_item


@dataclass(slots=True)
class LabelCell:
    frags: list[Frag]
    leaf: bool = True

    @property
    def x0(self) -> float:
        return min(f.x0 for f in self.frags)

    @property
    def x1(self) -> float:
        return max(f.x1 for f in self.frags)

    @property
    def y0(self) -> float:
        return self.frags[0].y0

    @property
    def y1(self) -> float:
        return self.frags[-1].y1

    @property
    def text(self) -> str:
        return "".join(f.text for f in self.frags)


def rejoin(frags: list[Frag], h: float, kind: str) -> list[Frag]:
    """Re-join a label a space cut on its line ("行 政许可"): the pieces together name a codebook entry, the left one alone does not."""
    out: list[Frag] = []
    for f in frags:
        if out:
            left = out[-1]
            text = left.text + f.text
            if f.x0 - left.x1 <= 1.5 * h and not starts_with_item(f.text) and names_entry(kind, text) and not names_entry(kind, left.text) and not names_entry(kind, f.text):
                out[-1] = make_frag(left.chars + f.chars, f.page)
                continue
        out.append(f)
    return out


def label_cells(frags: list[Frag], h: float, kind: str) -> list[LabelCell]:
    """Join label fragments stacked in one cell; split stacks of complete labels.

    A fragment continues the one right above it (touching lines, overlapping
    on x) unless it starts a new item. A stack is then cut where the text above
    and the text below both name a codebook entry (规章 | 行政规范性文件, or
    行政规范 | 性文件 below 规章), never inside one label (…重新出具已 | 获取信息).
    """
    columns, frags = _vertical_columns(frags, h)
    chains: list[list[Frag]] = []
    first: dict[int, Frag] = {}
    last: dict[int, Frag] = {}
    for f in sorted(frags, key=lambda f: (f.y0, f.x0)):
        first.setdefault(f.page, f)
        last[f.page] = f
    for f in sorted(frags, key=lambda f: (f.y0, f.x0)):
        host = None
        if not _opens_item(f.text):
            for c in chains:
                # The line right above (a justified line may be cut in two: 版 | 物).
                # A label cut by a page break runs on at the top of the next page.
                if any((0 <= f.y0 - g.y1 <= 0.9 * h or (f.page > g.page and g is last[g.page] and f is first[f.page]
                                                       and 0 <= f.y0 - g.y1 <= 3 * h))
                       and min(f.x1, g.x1) - max(f.x0, g.x0) > 0 for g in c[-3:]):
                    host = c
                    break
        if host is not None:
            host.append(f)
        else:
            chains.append([f])
    cells: list[LabelCell] = [LabelCell(col) for col in columns]
    for chain in chains:
        start = 0
        for i in range(1, len(chain)):
            # A numbered label's next lines are its wrap (its siblings start with their numbers).
            numbered = starts_with_item(joined_text(chain[start:i]))
            if not numbered and names_entry(kind, joined_text(chain[start:i])) and names_entry(kind, joined_text(chain[i:])):
                cells.append(LabelCell(chain[start:i]))
                start = i
        cells.append(LabelCell(chain[start:]))
    for c in cells:
        c.leaf = not any(d is not c and d.x0 >= c.x1 - 1 and min(c.y1, d.y1) - max(c.y0, d.y0) > 0 for d in cells)
    return cells


# An item number cut by a wrap before its closing bracket ("（七" over "）总计").
_CUT_NUMBER = re.compile(r"^[（(][一二三四五六七八九十]{1,2}$")


def _opens_item(text: str) -> bool:
    """Does a label fragment start a new item (1. / （三） / 四、, or （七 whose bracket closes on the next line)?"""
    return starts_with_item(text) or bool(_CUT_NUMBER.match(squash(text)))


def _vertical_columns(frags: list[Frag], h: float) -> tuple[list[list[Frag]], list[Frag]]:
    """Labels printed one character per line in a merged cell: (their cells, the other fragments).

    Single characters stacked at the same x, line after line, are one cell's
    text read top to bottom, whatever row labels share their baselines; they
    are taken out before row labels are joined, so that neither chains into the
    other. Group labels stacked in one column ((四)…(五)…(六)…) are cut where
    an item starts.
    """
    single = sorted((f for f in frags if len(f.chars) == 1), key=lambda f: f.y0)
    runs: list[list[Frag]] = []
    for f in single:
        # The next line: a larger font's boxes may overlap the line above a little (WPS).
        run = next((r for r in runs if abs(f.cx - r[-1].cx) <= 0.4 * h and f.y0 - r[-1].y0 >= 0.6 * h
                    and f.y0 - r[-1].y1 <= 0.9 * h), None)
        if run is not None:
            run.append(f)
        else:
            runs.append([f])
    runs = [r for r in runs if len(r) >= 3]
    taken = {id(f) for r in runs for f in r}
    columns: list[list[Frag]] = []
    for run in runs:
        start = 0
        for i in range(1, len(run)):
            if starts_with_item(joined_text(run[i:])):
                columns.append(run[start:i])
                start = i
        columns.append(run[start:])
    return columns, [f for f in frags if id(f) not in taken]


def _group(kind: str, text: str) -> str | None:
    """The codebook group a row-spanning label names (（三）不予公开 → withheld), by its words or number."""
    groups = vocab.keys(kind, "group")
    key = vocab.key_of(kind, "group", text) if groups else None
    n = numbering(text)
    if key is None and n and n[0] == "paren" and groups:
        # （三）…（六） number the outcome groups; the words may be cut ("（六）其").
        order = "三四五六七八九十"
        if n[1] in order[: len(groups)]:
            key = groups[order.index(n[1])]
    return key


def span_rows(s: LabelCell, leaves: list[LabelCell], h: float, kind: str) -> list[int]:
    """The rows a row-spanning label (group label, 三、本年度办理结果) covers.

    It is printed beside some of its rows (centred, or at the top); it covers
    the run of rows around them whose labels all lie to its right, up to where
    the item numbering of those rows starts again (1. after 8. begins the next
    group's rows).
    """
    core = [k for k, c in enumerate(leaves) if min(c.y1, s.y1) - max(c.y0, s.y0) > 0.2 * h]
    if not core:
        return [min(range(len(leaves)), key=lambda k: _distance((s.y0 + s.y1) / 2, leaves[k]))] if leaves else []
    styles = {n[0] for k in core if (n := numbering(leaves[k].text))}

    group = _group(kind, s.text)

    def inside(k: int) -> bool:
        if leaves[k].x0 < s.x1 - 1:
            return False
        if group is None:
            return True
        key = vocab.key_of(kind, "row", leaves[k].text)
        return key is None or group in vocab.row_blocks(kind, key)

    def restarts(k: int) -> bool:  # row k opens a new run of numbering in the core's style
        n = numbering(leaves[k].text)
        return n is not None and n[0] in styles and n[1] in ("1", "一")

    lo, hi = core[0], core[-1]
    while lo > 0 and inside(lo - 1) and not restarts(lo):
        lo -= 1
    while hi + 1 < len(leaves) and inside(hi + 1) and not restarts(hi + 1):
        hi += 1
    return list(range(lo, hi + 1))


def row_of(v: Frag, leaves: list[LabelCell], h: float, placed: list) -> tuple[int | None, bool]:
    """(row of a value token, whether it is printed beside that row's label)."""
    if not leaves:
        return None, False
    cy = (v.y0 + v.y1) / 2
    inside = [k for k, c in enumerate(leaves) if _distance(cy, c) == 0]
    if inside:
        return inside[0], True
    # Nearest label; halfway between two, the upper one (a wrapped number continues downwards).
    best = min(range(len(leaves)), key=lambda k: _distance(cy, leaves[k]))
    if best > 0 and _distance(cy, leaves[best - 1]) <= _distance(cy, leaves[best]) + 0.25 * h:
        best -= 1
    return best, False


def _distance(y: float, c: LabelCell) -> float:
    return 0.0 if c.y0 <= y <= c.y1 else min(abs(y - c.y0), abs(y - c.y1))
