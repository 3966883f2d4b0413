"""Cell boxes from filled rectangles that tile a table (cell backgrounds), when no rules are drawn.

Some producers paint every cell of a table as a filled rectangle (WPS draws a
white background box per cell; shaded tables, Chromium's cell backgrounds)
and may draw no rule at all. Rectangles that tile, side by side and one above
the other with (almost) no gap, are a table: each rectangle is a cell, a
merged cell is one rectangle over several rows or columns, and their edges
are the table's rules. This is pdfplumber's "rects are edges" idea, kept to
rectangles that tile, because the same producers also paint a white box
behind every line of body text: those stack in one column, and a table needs
two columns and two rows of boxes.

Coordinates as in :mod:`toolkit.read.formats.page`: PDF points, y from the top of the page.

Examples:
    >>> cells = [(0, 0, 50, 20), (50, 0, 100, 20), (0, 20, 50, 40), (50, 20, 100, 40)]
    >>> [(len(h), len(v)) for h, v in tile_rules(cells)]
    [(8, 8)]
    >>> tile_rules([(0, 0, 100, 20), (0, 20, 100, 40), (0, 40, 100, 60)])  # lines of body text
    []
    >>> tile_rules([(0, 0, 90, 20), (0, 20, 40, 40), (40, 20, 100, 40), (0, 40, 70, 60)])  # ragged: not a grid
    []
    >>> [(len(h), len(v)) for h, v in tile_rules([(0, -20, 70, 0), *cells])]  # a text line touching the top
    [(8, 8)]
"""

from __future__ import annotations

from toolkit.read.formats.page import SNAP, Seg, merge_collinear, rule_groups

Box = tuple[float, float, float, float]  # x0, y0, x1, y1

# Neighbouring cell backgrounds leave at most this gap (points) between them.
TILE_GAP = 1.0
# Boxes smaller than this (points) either way are rules (page_rules), not cells.
MIN_CELL = 3.0


def tile_rules(boxes: list[Box], hs: list[Seg] = (), vs: list[Seg] = ()) -> list[tuple[list[Seg], list[Seg]]]:
    """Rules (horizontal, vertical) of each group of boxes that tiles a table of 2 × 2 cells or more.

    A group over which rules ``hs``/``vs`` are drawn is left out: the rules give
    that table's cells (WPS paints the cell backgrounds of ruled tables too).
    """
    # Boxes inside a ruled table are its cells' backgrounds: left out before any grouping.
    ruled = [(min(s.lo for s in h), min(s.pos for s in h), max(s.hi for s in h), max(s.pos for s in h))
             for h, v in rule_groups(merge_collinear(list(hs)), merge_collinear(list(vs))) if len(h) >= 2 and len(v) >= 2]
    boxes = [b for b in boxes if b[2] - b[0] > MIN_CELL and b[3] - b[1] > MIN_CELL
             and not any(r[0] - SNAP <= (b[0] + b[2]) / 2 <= r[2] + SNAP and r[1] - SNAP <= (b[1] + b[3]) / 2 <= r[3] + SNAP
                         for r in ruled)]
    out = []
    for group in _groups(boxes):
        if len(group) < 4 or _ruled(group, hs, vs):
            continue
        group = _peel(_outermost(group))
        if group is None:
            continue
        out.append(([Seg(y, b[0], b[2]) for b in group for y in (b[1], b[3])],
                    [Seg(x, b[1], b[3]) for b in group for x in (b[0], b[2])]))
    return out


def _ruled(group: list[Box], hs: list[Seg], vs: list[Seg]) -> bool:
    """Is a rule drawn across the group's area?"""
    x0, y0 = min(b[0] for b in group), min(b[1] for b in group)
    x1, y1 = max(b[2] for b in group), max(b[3] for b in group)
    return (any(y0 - SNAP <= s.pos <= y1 + SNAP and s.lo < x1 and s.hi > x0 for s in hs)
            or any(x0 - SNAP <= s.pos <= x1 + SNAP and s.lo < y1 and s.hi > y0 for s in vs))


def _peel(group: list[Box]) -> list[Box] | None:
    """The boxes of a group that tile a table, once the text lines touching it above or below are peeled off.

    A paragraph's last line (its white background box) may touch the table's
    top: it is a band of its own above the first row, and is dropped; likewise
    below the last row. None when what is left does not tile.
    """
    while len(group) >= 4:
        bad = _uncovered(group)
        if bad is None:
            return None
        if not bad:
            return group
        ys = _edges([b[1] for b in group] + [b[3] for b in group])
        if any(r == 0 for r in bad):
            kept = [b for b in group if b[3] > ys[1] + SNAP]
        elif any(r == len(ys) - 2 for r in bad):
            kept = [b for b in group if b[1] < ys[-2] - SNAP]
        else:
            return None
        if len(kept) == len(group):
            return None
        group = kept
    return None


def _uncovered(group: list[Box]) -> list[int] | None:
    """Grid rows holding a piece not covered exactly once; None when the boxes make no 2 × 2 grid.

    Every piece of the grid the boxes' edges make must lie in exactly one box:
    the lines of a ragged paragraph leave pieces uncovered, and boxes stacked in
    a single column (text lines of one width) make no second column.
    """
    xs = _edges([b[0] for b in group] + [b[2] for b in group])
    ys = _edges([b[1] for b in group] + [b[3] for b in group])
    if len(xs) < 3 or len(ys) < 3:
        return None
    bad: list[int] = []
    for x0, x1 in zip(xs, xs[1:]):
        cx = (x0 + x1) / 2
        column = [b for b in group if b[0] <= cx <= b[2]]
        for r, (y0, y1) in enumerate(zip(ys, ys[1:])):
            cy = (y0 + y1) / 2
            if sum(b[1] <= cy <= b[3] for b in column) != 1:
                bad.append(r)
    return bad


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _outermost(boxes: list[Box]) -> list[Box]:
    """Drop boxes lying inside another box: a text line's background inside its cell's."""
    boxes = sorted(set(boxes), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
    kept: list[Box] = []
    for b in boxes:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        if not any(k[0] <= cx <= k[2] and k[1] <= cy <= k[3] for k in kept):
            kept.append(b)
    return kept


def _touch(a: Box, b: Box) -> bool:
    """Side by side or one above the other, sharing most of the shorter common side."""
    def shared(lo1: float, hi1: float, lo2: float, hi2: float) -> bool:
        return min(hi1, hi2) - max(lo1, lo2) >= 0.5 * min(hi1 - lo1, hi2 - lo2)

    beside = (abs(a[2] - b[0]) <= TILE_GAP or abs(b[2] - a[0]) <= TILE_GAP) and shared(a[1], a[3], b[1], b[3])
    above = (abs(a[3] - b[1]) <= TILE_GAP or abs(b[3] - a[1]) <= TILE_GAP) and shared(a[0], a[2], b[0], b[2])
    return beside or above


def _groups(boxes: list[Box]) -> list[list[Box]]:
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Neighbours are looked up by edge (a box's right edge where another's left edge is,
    # its bottom edge where another's top is), not compared pair by pair.
    right: dict[int, list[int]] = {}
    bottom: dict[int, list[int]] = {}
    for i, b in enumerate(boxes):
        right.setdefault(round(b[2]), []).append(i)
        bottom.setdefault(round(b[3]), []).append(i)
    for i, b in enumerate(boxes):
        for index, edge in ((right, b[0]), (bottom, b[1])):
            for key in (round(edge) - 1, round(edge), round(edge) + 1):
                for j in index.get(key, ()):
                    if j != i and find(i) != find(j) and _touch(boxes[i], boxes[j]):
                        parent[find(i)] = find(j)
    groups: dict[int, list[Box]] = {}
    for i, b in enumerate(boxes):
        groups.setdefault(find(i), []).append(b)
    return list(groups.values())
