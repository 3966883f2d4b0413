"""Wrapped numbers of an unruled table: runs of value lines cut into whole numbers, each in its row.

Values may be centred, top- or bottom-aligned against a wrapped label; a long
number wrapped over lines that touch the next row's is cut where every row's
lines read as one number centred on (or starting at) its row's label.
"""

from __future__ import annotations

import re
import unicodedata

from toolkit.read.formats.pdf.unruled.labels import LabelCell

# One printed number: digits (thousands grouped by threes, or not grouped), or a NA mark.
_PART = re.compile(r"^[+\-−]?[\d,.]+%?$")  # the part of a number printed on one page
_NUMBER = re.compile(r"^[+\-−]?(?:\d{1,3}(?:,\d{3})+|0|[1-9]\d*)(?:\.\d+)?%?$|^[/\-—–无]+$")


def _one_number(text: str) -> bool:
    return bool(_NUMBER.match(unicodedata.normalize("NFKC", text).replace(" ", "")))


def _part(text: str) -> bool:
    return bool(_PART.match(unicodedata.normalize("NFKC", text).replace(" ", "")))


def _wrapped_runs(placed: list, n: int, h: float) -> list[list[list[list]]]:
    """Per column, runs of value lines printed one right under the other on one page.

    Each run is a list of lines top to bottom, each line a list of placed tokens
    (left to right). A number wrapped in a narrow cell is one run; so are the
    numbers of rows that touch (no padding between rows).
    """
    runs: list[list[list[list]]] = []
    for b in range(n):
        lines: list[list[list]] = []
        for p in sorted((p for p in placed if p[2] == b), key=lambda p: (p[0].page, p[0].y0)):
            v = p[0]
            last = lines[-1][0][0] if lines else None
            if last is not None and last.page == v.page and min(last.y1, v.y1) - max(last.y0, v.y0) > 0.3 * h:
                lines[-1].append(p)
            else:
                lines.append([p])
        for ln in lines:
            ln.sort(key=lambda p: p[0].x0)
        run: list[list[list]] = []
        for ln in lines:
            prev = run[-1][0][0] if run else None
            v = ln[0][0]
            if prev is not None and prev.page == v.page and -0.3 * h <= min(q[0].y0 for q in ln) - max(q[0].y1 for q in run[-1]) <= 0.9 * h:
                run.append(ln)
            else:
                if len(run) > 1:
                    runs.append(run)
                run = [ln]
        if len(run) > 1:
            runs.append(run)
    return runs


def _split_cost(leaf: LabelCell, page: int, top: float, bottom: float, firsts: dict[int, float]) -> float:
    """How far a number is from where a row cut by a page break prints it.

    On the row's first page the cell's text starts at the row's top (or, if the
    row was not cut after all, is centred on its label); on the next page it
    runs on from the top of the page, no lower than the label's own run-on.
    """
    own = [f for f in leaf.frags if f.page == page]
    if page == leaf.frags[0].page:
        return min(abs(top - leaf.y0), abs((top + bottom) / 2 - (leaf.y0 + leaf.y1) / 2))
    ref = max([f.y1 for f in own] + [firsts.get(page, top)])
    return 0.1 * max(0.0, bottom - ref)


def cut_runs(placed: list, leaves: list[LabelCell], n: int, h: float) -> set[int]:
    """Cut each run of wrapped value lines into whole numbers, each in its row.

    Rows have no padding, so a long number wrapped over more lines than its
    row's label touches the next row's number at line pitch, and a number of
    four lines centred on a one-line label has no line beside it: nearness of
    single lines to labels cannot tell where one number ends. A line mostly
    beside a label is in that label's row; the others may go to any row near
    them, rows in order down the run. Of these cuts, only those where every
    row's lines read as one number count ("2，89" does not, "2，890" does; no
    digit is ever added or dropped); labels and numbers are both printed
    centred in their row, so the cut that puts each number's middle nearest its
    row's label middle wins. Returns the ids of the tokens so placed.
    """
    done: set[int] = set()
    nrows = len(leaves)
    # Rows cut by a page break (the last row of a page, if the table goes on): their
    # numbers start at the top of the row and run on at the top of the next page,
    # centred on nothing.
    pages = {p[0].page for p in placed} | {c.frags[-1].page for c in leaves}
    firsts: dict[int, float] = {}  # the bottom of each page's first line of the table
    for p in sorted(placed, key=lambda p: p[0].y0):
        if p[0].page not in firsts:
            firsts[p[0].page] = p[0].y1
    for c in leaves:
        for f in c.frags:
            if f.page in firsts and f.y0 < firsts[f.page] - 0.5 * h:
                firsts[f.page] = min(firsts[f.page], f.y1)
    split = {k for k, c in enumerate(leaves)
             if (k + 1 == nrows or leaves[k + 1].frags[0].page > c.frags[-1].page) and max(pages) > c.frags[-1].page
             or c.frags[0].page != c.frags[-1].page}
    runs = _wrapped_runs(placed, n, h)
    # Cells are printed either centred or at the top of their row, the same way
    # throughout a table: the way that fits its numbers better.
    plans = [_plan(runs, leaves, h, top, split, firsts) for top in (False, True)]
    for cuts in min(plans, key=lambda pl: pl[0])[1]:
        for lines, r in cuts:
            for ln in lines:
                for p in ln:
                    p[1] = r
                    done.add(id(p))
    return done


def _plan(runs: list, leaves: list[LabelCell], h: float, top: bool, split: set[int], firsts: dict[int, float]) -> tuple[float, list]:
    """The best cut of every run with cells printed at the top of their row (or centred): (cost, [[(lines, row)]])."""
    nrows = len(leaves)
    mids = [c.y0 if top else (c.y0 + c.y1) / 2 for c in leaves]
    centres = [(c.y0 + c.y1) / 2 for c in leaves]
    total, plans = 0.0, []
    for run in runs:
        m = len(run)
        tops = [min(p[0].y0 for p in ln) for ln in run]
        bottoms = [max(p[0].y1 for p in ln) for ln in run]
        allowed: list[set[int]] = []
        lean: list[dict[int, float]] = []
        for i, ln in enumerate(run):
            lh = max(bottoms[i] - tops[i], 0.1)
            beside = [k for k, c in enumerate(leaves) if min(c.y1, bottoms[i]) - max(c.y0, tops[i]) >= 0.6 * lh]
            # A line partly beside a label leans to its row.
            lean.append({k: o / lh for k, c in enumerate(leaves) if (o := min(c.y1, bottoms[i]) - max(c.y0, tops[i])) > 0.2 * lh})
            if beside:
                allowed.append({beside[0]})
            else:
                cy, o = (tops[i] + bottoms[i]) / 2, ln[0][1]
                near = {k for k in range(nrows) if abs(mids[k] - cy) <= 6 * h} | {k for k in (o - 1, o, o + 1) if 0 <= k < nrows}
                allowed.append(near | {k for k in split if leaves[k].frags[-1].page < ln[0][0].page and k + 1 < nrows
                                       and leaves[k + 1].y0 > tops[i]})
        texts = ["".join(p[0].text for p in ln) for ln in run]
        original = [ln[0][1] for ln in run]
        inf = float("inf")
        # best[j][r]: lines 0..j-1 cut into numbers, the last one in row r; back[j][r]: (start, previous row)
        best = [[inf] * nrows for _ in range(m + 1)]
        back: list[list[tuple[int, int] | None]] = [[None] * nrows for _ in range(m + 1)]
        for j in range(1, m + 1):
            for i in range(j):
                whole = _one_number("".join(texts[i:j]))
                # A row cut by a page break prints part of its number on each page.
                rows = {r for r in set.intersection(*allowed[i:j]) if whole or (r in split and _part("".join(texts[i:j])))}
                # Rows are bands one under the other, each holding its label: a number
                # printed across the middle of another row's label is not one number.
                rows = {r for r in rows if not any(k != r and tops[i] + 0.25 * h < centres[k] < bottoms[j - 1] - 0.25 * h
                                                   for k in range(nrows))}
                y = tops[i] if top else (tops[i] + bottoms[j - 1]) / 2
                for r in rows:
                    c = _split_cost(leaves[r], run[i][0][0].page, tops[i], bottoms[j - 1], firsts) if r in split else abs(y - mids[r])
                    c += 0.01 * h * sum(o != r for o in original[i:j])
                    c += 2 * h * sum(f for lk in lean[i:j] for k, f in lk.items() if k != r)
                    if i == 0:
                        prev, q = 0.0, -1
                    else:
                        q = min(range(r), key=lambda k: best[i][k], default=-1)
                        prev = best[i][q] if q >= 0 else inf
                    if prev + c < best[j][r]:
                        best[j][r] = prev + c
                        back[j][r] = (i, q)
        r = min(range(nrows), key=lambda k: best[m][k], default=-1)
        if r < 0 or best[m][r] == inf:
            continue
        total += best[m][r]
        cuts = []
        j = m
        while j > 0:
            step = back[j][r]
            assert step is not None
            i, q = step
            cuts.append((run[i:j], r))
            j, r = i, q
        plans.append(cuts)
    return total, plans
