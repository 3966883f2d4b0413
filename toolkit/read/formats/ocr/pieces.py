"""Text pieces: where the text is on a prepared page picture, cut to one cell and one line each.

The detector's text lines are cut at the table's cell borders (a box running
over a border would glue "858" and "21" of neighbouring cells into "85821")
and a box over several lines of a one-character-per-line label is cut into
its lines. Ink inside a cell that no detector box covers (a lone "1" the
detector missed) becomes a piece too, so a missed number never reads as a
blank cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.read.formats.ocr.models import engine
from toolkit.read.formats.ocr.prepare import Rule, ink_boxes
from toolkit.read.formats.page import Seg, find_grids


@dataclass(slots=True)
class Piece:
    x0: int
    y0: int
    x1: int
    y1: int


# The detector's picture: an A4 page at 150 dpi (1754 px, run as a 1760×1248 tensor).
# Not smaller: at 1500 px (128 dpi) a 150 dpi scan of one synthetic report lost a
# cell, at 1300 another. Not 1800: A4 then runs as 1792×1280, and onnxruntime takes
# 1.2 s on that shape against 0.65 s on 1760×1248 (measured on this 2-core machine;
# 1760×1280 and 1728×1280 are as slow, 1792×1248 as fast: the cost is the shape's,
# not the pixel count's).
DET_LONG_SIDE = 1760


def detect(gray: np.ndarray, path: str) -> list[np.ndarray]:
    """Text line quadrilaterals (4×2, pixels) from the bundled detector.

    The detector runs on a copy scaled to about 150 dpi for an A4 page: text
    lines are then 20–30 px high, which it finds reliably, and it costs a
    quarter of a 300 dpi run.
    """
    import cv2

    h, w = gray.shape
    scale = min(1.0, DET_LONG_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    boxes, _ = engine(path).text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    return [] if boxes is None else [np.asarray(q, np.float64) / scale for q in boxes]


# Detector boxes around body text are about 37 px high at 200 dpi (29 at 150,
# 25 at 120). A page whose lines are lower than LOW_RES_EM is a scan below about
# 180 dpi: at 120 dpi a synthetic report's table 四 header read 结果纠证定 and the
# whole file was refused. It is enlarged (bicubic) to TARGET_EM, at most MAX_UPSCALE times.
LOW_RES_EM, TARGET_EM, MAX_UPSCALE = 33.0, 37.0, 2.5


def upscale_factor(quads: list[np.ndarray]) -> float:
    """How much to enlarge a page whose detected text lines are too low (1.0: not at all)."""
    if len(quads) < 3:
        return 1.0
    # a box's height along its own sides (tl→bl, tr→br): a turned long line is not taller
    em = float(np.median([(np.hypot(*(q[3] - q[0])) + np.hypot(*(q[2] - q[1]))) / 2 for q in quads]))
    return 1.0 if em >= LOW_RES_EM or em <= 0 else min(MAX_UPSCALE, TARGET_EM / em)


def boxes_after(quads: list[np.ndarray], gray: np.ndarray, angle: float) -> list[Piece]:
    """The detector's quadrilaterals carried through the straightening rotation, as upright boxes."""
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0) if abs(angle) >= 0.02 else np.float64([[1, 0, 0], [0, 1, 0]])
    out = []
    for q in quads:
        p = q @ m[:, :2].T + m[:, 2]
        # The upright box of a turned box is taller than the line: take the mean of
        # the edges' y, not their extremes, so it does not reach into the next row.
        y0, y1 = (p[0, 1] + p[1, 1]) / 2, (p[2, 1] + p[3, 1]) / 2
        x0, x1 = (p[0, 0] + p[3, 0]) / 2, (p[1, 0] + p[2, 0]) / 2
        x0, x1 = max(0, int(min(x0, x1))), min(w, int(np.ceil(max(x0, x1))))
        y0, y1 = max(0, int(min(y0, y1))), min(h, int(np.ceil(max(y0, y1))))
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            out.append(Piece(x0, y0, x1, y1))
    return out


def cell_interiors(hs: list[Rule], vs: list[Rule], k: float) -> list[tuple[float, float, float, float]]:
    """Cell interiors of every ruled table, in pixels (the grid builder works in points)."""
    grids = find_grids([Seg(r.pos * k, r.lo * k, r.hi * k) for r in hs], [Seg(r.pos * k, r.lo * k, r.hi * k) for r in vs])
    return [(c.x0 / k, c.y0 / k, c.x1 / k, c.y1 / k) for g in grids for c in g.cells]


def split_at_cells(box: Piece, cells: list[tuple[float, float, float, float]], margin: float) -> list[Piece]:
    """A detector box cut at the cell borders it crosses (the parts inside cells), or itself."""
    pieces = []
    inside = 0.0
    for cx0, cy0, cx1, cy1 in cells:
        x0, y0 = max(box.x0, cx0 + margin), max(box.y0, cy0 + margin)
        x1, y1 = min(box.x1, cx1 - margin), min(box.y1, cy1 - margin)
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            pieces.append(Piece(int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))))
            inside += (x1 - x0) * (y1 - y0)
    area = (box.x1 - box.x0) * (box.y1 - box.y0)
    if not pieces or inside < 0.25 * area:
        return [box]  # text outside the tables (a box touching a table's edge stays whole)
    return pieces


def text_lines(ink: np.ndarray, p: Piece, em: float) -> list[Piece]:
    """A piece taller than a line cut into its lines of ink.

    The detector boxes a label printed one character per line (narrow header
    cells: 结/果/维/持) as one tall box; the recogniser reads one line, so such a
    box squashed to its height is misread. Cut where no ink row is.
    """
    if p.y1 - p.y0 < 1.6 * em:
        return [p]
    rows = np.count_nonzero(ink[p.y0 : p.y1, p.x0 : p.x1], axis=1) > 0
    runs: list[list[int]] = []
    for y, on in enumerate(rows):
        if not on:
            continue
        if runs and y - runs[-1][1] <= max(1, int(em * 0.12)):
            runs[-1][1] = y
        else:
            runs.append([y, y])
    runs = [r for r in runs if r[1] - r[0] >= 0.25 * em]
    if len(runs) < 2:
        return [p]
    pad = int(em * 0.15)
    return [Piece(p.x0, max(p.y0, p.y0 + a - pad), p.x1, min(p.y1, p.y0 + b + 1 + pad)) for a, b in runs]


def has_ink(ink: np.ndarray, p: Piece, em: float) -> bool:
    """Enough ink for a character: more than a speck of noise or a rule's stub."""
    region = ink[p.y0 : p.y1, p.x0 : p.x1]
    if region.size == 0:
        return False
    return int(np.count_nonzero(region)) >= max(6, (em * em) / 40)


def missed_ink(ink: np.ndarray, covered: np.ndarray, cells, em: float, margin: float) -> list[Piece]:
    """Ink inside a cell that no detector box covers, grouped into lines: text the detector missed."""
    import cv2

    rest = cv2.bitwise_and(ink, cv2.bitwise_not(covered))
    out = []
    for cx0, cy0, cx1, cy1 in cells:
        x0, y0, x1, y1 = int(cx0 + margin), int(cy0 + margin), int(cx1 - margin), int(cy1 - margin)
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        region = rest[y0:y1, x0:x1]
        if np.count_nonzero(region) < max(6, (em * em) / 40):
            continue
        comps = [b for b in ink_boxes(region) if b[3] >= 0.3 * em or b[2] * b[3] >= (em * em) / 8]
        lines: list[list[int]] = []
        for bx, by, bw, bh in sorted(comps, key=lambda b: b[1]):
            for ln in lines:
                if by < ln[3] and by + bh > ln[1]:  # vertical overlap: same line
                    ln[0], ln[1], ln[2], ln[3] = min(ln[0], bx), min(ln[1], by), max(ln[2], bx + bw), max(ln[3], by + bh)
                    break
            else:
                lines.append([bx, by, bx + bw, by + bh])
        pad = int(em / 4)
        for lx0, ly0, lx1, ly1 in lines:
            out.append(Piece(max(x0, x0 + lx0 - pad), max(y0, y0 + ly0 - pad), min(x1, x0 + lx1 + pad), min(y1, y0 + ly1 + pad)))
    return out
