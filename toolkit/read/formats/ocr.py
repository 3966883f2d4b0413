"""A page picture (scan or photograph) → positioned characters and ruling segments.

The output is what :mod:`.pdf` gets from a text layer: :class:`~.pdf.layout.Char`
boxes and :class:`~.pdf.layout.Seg` rules in points, y from the top, so the
same grid builder (:func:`~.pdf.layout.find_grids`), page stitching
(:mod:`.pdf.stitch`) and unruled-table rebuilding (:mod:`.pdf.unruled`) read
scanned tables exactly as they read printed ones.

Steps, and why:

1. Grey, denoise, binarise (adaptive threshold: grey paper and uneven light).
2. Deskew from the angle of the long table rules (Hough): the grid builder
   wants axis-parallel rules, and a 1° skew moves a rule by a whole row over
   an A4 width.
3. Detect text lines with the PP-OCRv4 detector bundled in
   ``rapidocr-onnxruntime`` (its models ship inside the wheel; nothing is
   downloaded, ever).
4. Find the rules with morphology (long thin openings), sized by the text
   height so character strokes do not become rules.
5. Cut each detected line at the table's cell borders and recognise every
   piece separately: a detector box running over a border would otherwise
   glue "858" and "21" of neighbouring cells into "85821". Ink that no
   detector box covers inside a cell (a lone "1" the detector missed) is
   recognised too, so a missed number never reads as a blank cell.
6. Each recognised piece becomes per-character boxes (proportional widths)
   that carry the recogniser's per-character confidence (:class:`OcrChar`).

A piece with ink that the recogniser cannot read becomes the character
:data:`UNREADABLE` with confidence 0, so its cell is "invalid", never blank
and never a guessed number.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from toolkit.errors import LimitExceededError, ToolkitError
from toolkit.read.formats.pdf.layout import Char, Seg, find_grids

# What an unreadable piece of ink reads as (U+FFFD REPLACEMENT CHARACTER):
# not a number, not a blank token, so the cell's status is "invalid".
UNREADABLE = "\ufffd"
# Installing hint used by every "OCR not available" error.
INSTALL_HINT = "pip install 'rapidocr-onnxruntime==1.4.4' opencv-python-headless (Python < 3.13)"
# A cell whose least sure character is below this is listed in the issues
# ("check this cell against the scan"). Measured on the synthetic scans: the
# recogniser's confidence for a correct lone "0" ranges 0.35–0.95, for a
# misread one it stays below 0.3.
LOW_CONFIDENCE = 0.5
# Body text line height in points, used to give a picture without a known
# resolution a page scale: the layout code's tolerances are in points.
LINE_POINTS = 12.0


class OCRUnavailableError(ToolkitError):
    """The OCR packages are missing or broken; the message says how to install them."""

    reason = "ocr_unavailable"


@dataclass(slots=True)
class OcrChar(Char):
    """A character read from a picture, with the recogniser's confidence (0–1)."""

    conf: float = 1.0


@dataclass(slots=True)
class OcrPage:
    chars: list[Char]
    hs: list[Seg]
    vs: list[Seg]
    angle: float  # degrees the picture was turned to straighten it
    width: float  # page size in points after scaling
    height: float


_lock = threading.Lock()
_engine = None


def _cv2(path: str):
    try:
        import cv2
    except ImportError as exc:
        raise OCRUnavailableError(path, f"scanned page: OCR needs OpenCV, which cannot be imported ({exc}); install it with {INSTALL_HINT}") from None
    return cv2


def engine(path: str = "<ocr>"):
    """The RapidOCR engine, built once per process (loading the models takes ~0.3 s)."""
    global _engine
    with _lock:
        if _engine is None:
            _cv2(path)
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise OCRUnavailableError(path, f"scanned page: OCR needs rapidocr-onnxruntime, which cannot be imported ({exc}); install it with {INSTALL_HINT}") from None
            # inter-op 1: the models are sequential graphs; intra-op uses the cores.
            # Recognition batches of similar widths: a batch is padded to its widest
            # crop, so small batches of sorted crops waste the least.
            _engine = RapidOCR(inter_op_num_threads=1, use_cls=False, print_verbose=False)
            # PaddleOCR pads every crop to at least 320 px wide (ratio 6.7); the
            # recogniser is convolutional along x, so a lone "0" cell read at its own
            # width costs a fifth and reads the same. Batches are sorted by width.
            _engine.text_rec.rec_image_shape = [3, 48, 320]
        return _engine


# --- image preparation ---------------------------------------------------------------------------


def to_gray(img: np.ndarray, path: str) -> np.ndarray:
    cv2 = _cv2(path)
    if img.ndim == 2:
        gray = img
    elif img.shape[2] == 4:
        gray = cv2.cvtColor(img, cv2.COLOR_RGBA2GRAY)
    else:
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    if gray.dtype != np.uint8:  # 16-bit TIFF scans
        gray = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return np.ascontiguousarray(gray)


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive: the paper's grey varies across a photograph."""
    import cv2

    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    block = max(15, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)


OVERVIEW_SIDE = 1600  # angles and frames need no more pixels than this: a tenth of the cost


def overview(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The picture's ink at most :data:`OVERVIEW_SIDE` px across, and the scale it was taken at."""
    import cv2

    h, w = gray.shape
    scale = min(1.0, OVERVIEW_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    return binarise(small), scale


def _rule_lines(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule-like pixels: a short thin opening keeps the runs that even a
    turned or slanted rule still has, and drops most text."""
    import cv2

    run = max(12, min(ink.shape) // 50)
    return (cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1))),
            cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run))))


def paper_grey(gray: np.ndarray) -> int:
    """The paper's grey: a sixteenth of the pixels tells it."""
    return int(np.percentile(gray[::4, ::4], 90))


def skew_angle(ink: np.ndarray) -> float | None:
    """Skew (degrees, as OpenCV turns a picture) from the long near-horizontal and vertical rules.

    Hough on the rule-like pixels only (a short thin opening keeps runs that
    even a 1.5° rule still has, and drops most text), on a picture at most
    1600 px across: the same angle at a tenth of the cost. None when the page
    has no long rules.
    """
    import cv2

    h, w = ink.shape
    scale = min(1.0, OVERVIEW_SIDE / max(h, w))  # an overview passes as it is
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else ink
    small = (small > 96).astype(np.uint8) * 255
    sh, sw = small.shape
    lines_h, lines_v = _rule_lines(small)
    angles, weights = [], []
    for mask, vertical in ((lines_h, False), (lines_v, True)):
        # Hough at a quarter degree finds the rules quickly; each rule's angle is
        # then fitted to its own pixels, which is exact to a few hundredths.
        lines = cv2.HoughLinesP(mask, 1, np.pi / 720, threshold=max(60, sw // 8), minLineLength=sw // 5, maxLineGap=6)
        ys, xs = np.nonzero(mask)
        if vertical:
            xs, ys = ys, xs  # fit x as a function of y
        for x0, y0, x1, y1 in np.asarray(lines if lines is not None else [], dtype=np.float64).reshape(-1, 4)[:80]:
            if vertical:
                x0, y0, x1, y1 = y0, x0, y1, x1
            if abs(x1 - x0) < 1 or abs(y1 - y0) > abs(x1 - x0) * 0.2:
                continue
            slope = (y1 - y0) / (x1 - x0)
            lo, hi = min(x0, x1), max(x0, x1)
            near = (xs >= lo) & (xs <= hi) & (np.abs(ys - (y0 + slope * (xs - x0))) <= 3)
            if np.count_nonzero(near) < 20:
                continue
            fitted = np.polyfit(xs[near], ys[near], 1)[0]
            a = float(np.degrees(np.arctan(fitted)))
            angles.append(-a if vertical else a)  # a vertical rule leans the other way
            weights.append(hi - lo)
    if not angles:
        return None
    return _weighted_median(angles, weights)


# A frame whose opposite sides differ by less than this share is a rectangle (a scan,
# perhaps turned: deskew handles that); more, and the picture was taken at an angle.
KEYSTONE = 0.01
# A frame side counts when this share of points along it lies on rule pixels: a table cut
# by the picture's edge has no rule there, and its cut must not be taken for a side.
SIDE_ON_RULES = 0.8


def rectify(gray: np.ndarray, seen: tuple[np.ndarray, float] | None = None) -> tuple[np.ndarray, bool]:
    """A photograph taken at an angle, its plane straightened; and whether it was.

    The table's ruled outer frame is a rectangle on paper. In a photo taken at
    an angle it is a quadrilateral whose opposite sides differ (keystone); the
    perspective that maps it back onto a rectangle maps the whole page back,
    as the page is flat. The largest frame whose four sides all run along
    rules is used. A scan (a rectangle, perhaps turned) and a page without a
    ruled frame are returned as they are. ``seen``: the picture's :func:`overview`,
    when the caller has it already.
    """
    import cv2

    h, w = gray.shape
    ink, scale = seen if seen is not None else overview(gray)
    sh, sw = ink.shape
    lines_h, lines_v = _rule_lines(ink)
    rules = cv2.dilate(lines_h | lines_v, np.ones((5, 5), np.uint8))  # rules broken by noise or a slant joined
    near = cv2.dilate(rules, np.ones((7, 7), np.uint8))  # a side drawn between hull corners hugs the rule's outer edge
    contours, _ = cv2.findContours(rules, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        hull = cv2.convexHull(contour)
        if cv2.contourArea(hull) < 0.1 * sh * sw:
            break
        quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
        if len(quad) != 4:
            continue
        tl, tr, br, bl = _corners(quad)
        if not all(_on_rules(near, a, b) for a, b in ((tl, tr), (tr, br), (br, bl), (bl, tl))):
            continue
        top, bottom = np.hypot(*(tr - tl)), np.hypot(*(br - bl))
        left, right = np.hypot(*(bl - tl)), np.hypot(*(br - tr))
        if abs(top - bottom) < KEYSTONE * max(top, bottom) and abs(left - right) < KEYSTONE * max(left, right):
            return gray, False  # a rectangle: nothing to straighten
        width, height = max(top, bottom) / scale, max(left, right) / scale
        src = np.float32([tl, tr, br, bl]) / scale
        x0, y0 = src[0]
        dst = np.float32([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]])
        m = cv2.getPerspectiveTransform(src, dst)
        # The whole picture, moved to stay in view, no larger than twice its pixels.
        edge = cv2.perspectiveTransform(np.float32([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]]), m).reshape(-1, 2)
        lo, hi = edge.min(axis=0), edge.max(axis=0)
        out_w, out_h = int(np.ceil(hi[0] - lo[0])), int(np.ceil(hi[1] - lo[1]))
        if out_w * out_h > 2 * w * h:
            return gray, False  # a view too steep to trust
        m = np.float64([[1, 0, -lo[0]], [0, 1, -lo[1]], [0, 0, 1]]) @ m
        return cv2.warpPerspective(gray, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=paper_grey(gray)), True
    return gray, False


def _corners(quad: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top-left, top-right, bottom-right, bottom-left of four points."""
    s, d = quad.sum(axis=1), quad[:, 0] - quad[:, 1]
    return quad[s.argmin()], quad[d.argmax()], quad[s.argmax()], quad[d.argmin()]


def _on_rules(rules: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    n = max(2, int(np.hypot(*(b - a)) // 4))
    xs = np.clip(np.linspace(a[0], b[0], n).round().astype(int), 0, rules.shape[1] - 1)
    ys = np.clip(np.linspace(a[1], b[1], n).round().astype(int), 0, rules.shape[0] - 1)
    return np.count_nonzero(rules[ys, xs]) >= SIDE_ON_RULES * n


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Turn the picture by ``angle`` degrees about its centre, filling corners with the paper's grey."""
    import cv2

    if abs(angle) < 0.02:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper_grey(gray))


# --- rules ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Rule:
    pos: float
    lo: float
    hi: float
    thick: float


def find_rules(ink: np.ndarray, em: float) -> tuple[list[_Rule], list[_Rule], np.ndarray]:
    """Horizontal and vertical rules (pixels) and the mask of their pixels.

    An opening keeps only runs longer than the kernel: 3 text heights across
    (longer than any stroke or "——") and 1.6 down (longer than a glyph, shorter
    than a table row). A short closing first bridges gaps that noise or a faint
    print left in a rule.
    """
    import cv2

    hk, vk = max(15, int(3 * em)), max(10, int(1.6 * em))
    gap = max(2, int(em / 8))
    hmask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    hmask = cv2.morphologyEx(hmask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    vmask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    vmask = cv2.morphologyEx(vmask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    hs = [_Rule(y + hh / 2, x, x + ww, hh) for x, y, ww, hh in _boxes(hmask) if ww >= hk and hh <= max(6, em / 3)]
    vs = [_Rule(x + ww / 2, y, y + hh, ww) for x, y, ww, hh in _boxes(vmask) if hh >= vk and ww <= max(6, em / 3)]
    return hs, vs, cv2.bitwise_or(hmask, vmask)


def _boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]


# --- text -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
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


def _detect(gray: np.ndarray, path: str) -> list[np.ndarray]:
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


def _upscale_factor(quads: list[np.ndarray]) -> float:
    """How much to enlarge a page whose detected text lines are too low (1.0: not at all)."""
    if len(quads) < 3:
        return 1.0
    # a box's height along its own sides (tl→bl, tr→br): a turned long line is not taller
    em = float(np.median([(np.hypot(*(q[3] - q[0])) + np.hypot(*(q[2] - q[1]))) / 2 for q in quads]))
    return 1.0 if em >= LOW_RES_EM or em <= 0 else min(MAX_UPSCALE, TARGET_EM / em)


def text_angle(quads: list[np.ndarray]) -> float | None:
    """Skew (degrees) from the long text lines the detector found: their top and bottom edges.

    Length-weighted median over lines at least four times as long as high;
    None when there are too few (then the rules decide, :func:`skew_angle`).
    """
    angles, weights = [], []
    for q in quads:
        top, bottom = q[1] - q[0], q[2] - q[3]
        length, height = float(np.hypot(*top)), float(np.hypot(*(q[3] - q[0])))
        if length < 4 * max(height, 1.0):
            continue
        for edge in (top, bottom):
            angles.append(float(np.degrees(np.arctan2(edge[1], edge[0]))))
            weights.append(length)
    if len(angles) < 6:
        return None
    return _weighted_median(angles, weights)


def _weighted_median(values: list[float], weights: list[float]) -> float:
    order = np.argsort(values)
    a, wt = np.asarray(values)[order], np.asarray(weights)[order]
    return float(a[np.searchsorted(np.cumsum(wt), wt.sum() / 2)])


def _boxes_after(quads: list[np.ndarray], gray: np.ndarray, angle: float) -> list[_Piece]:
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
            out.append(_Piece(x0, y0, x1, y1))
    return out


def _interiors(hs: list[_Rule], vs: list[_Rule], k: float) -> list[tuple[float, float, float, float]]:
    """Cell interiors of every ruled table, in pixels (the grid builder works in points)."""
    grids = find_grids([Seg(r.pos * k, r.lo * k, r.hi * k) for r in hs], [Seg(r.pos * k, r.lo * k, r.hi * k) for r in vs])
    return [(c.x0 / k, c.y0 / k, c.x1 / k, c.y1 / k) for g in grids for c in g.cells]


def _split(box: _Piece, cells: list[tuple[float, float, float, float]], margin: float) -> list[_Piece]:
    """A detector box cut at the cell borders it crosses (the parts inside cells), or itself."""
    pieces = []
    inside = 0.0
    for cx0, cy0, cx1, cy1 in cells:
        x0, y0 = max(box.x0, cx0 + margin), max(box.y0, cy0 + margin)
        x1, y1 = min(box.x1, cx1 - margin), min(box.y1, cy1 - margin)
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            pieces.append(_Piece(int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))))
            inside += (x1 - x0) * (y1 - y0)
    area = (box.x1 - box.x0) * (box.y1 - box.y0)
    if not pieces or inside < 0.25 * area:
        return [box]  # text outside the tables (a box touching a table's edge stays whole)
    return pieces


def _text_lines(ink: np.ndarray, p: _Piece, em: float) -> list[_Piece]:
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
    return [_Piece(p.x0, max(p.y0, p.y0 + a - pad), p.x1, min(p.y1, p.y0 + b + 1 + pad)) for a, b in runs]


def _has_ink(ink: np.ndarray, p: _Piece, em: float) -> bool:
    """Enough ink for a character: more than a speck of noise or a rule's stub."""
    region = ink[p.y0 : p.y1, p.x0 : p.x1]
    if region.size == 0:
        return False
    return int(np.count_nonzero(region)) >= max(6, (em * em) / 40)


def _missed(ink: np.ndarray, covered: np.ndarray, cells, em: float, margin: float) -> list[_Piece]:
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
        comps = [b for b in _boxes(region) if b[3] >= 0.3 * em or b[2] * b[3] >= (em * em) / 8]
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
            out.append(_Piece(max(x0, x0 + lx0 - pad), max(y0, y0 + ly0 - pad), min(x1, x0 + lx1 + pad), min(y1, y0 + ly1 + pad)))
    return out


def _chars(piece: _Piece, text: str, confs: list[float], k: float) -> list[OcrChar]:
    """Per-character boxes across the piece, widths in proportion (a Han character twice a digit)."""
    weights = [1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text]
    total = sum(weights) or 1.0
    x, width = piece.x0, piece.x1 - piece.x0
    out = []
    for ch, wt, conf in zip(text, weights, confs):
        x_next = x + width * wt / total
        if not ch.isspace():  # a space stays a gap, as in a text layer
            out.append(OcrChar(ch, x * k, piece.y0 * k, x_next * k, piece.y1 * k, conf=float(conf)))
        x = x_next
    return out


REC_HEIGHT = 48  # the recogniser's input height
REC_MIN_WIDTH = 320  # ... and the width it pads every crop to
STRIP_WIDTH = 1600  # a strip of short crops read as one line
# px between two crops in a strip: a clear blank for the CTC decoder (3 of its
# 8-px columns). Measured on four synthetic reports at 150 and 300 dpi: 24 reads
# every cell as 40 did, and the gaps, two fifths of a table page's strips at 40,
# are recognition time spent on nothing.
GAP = 24
SECOND_LOOK = 0.7  # a crop read less surely than this in a strip is read again on its own


def recognise(crops: list[np.ndarray], path: str) -> list[tuple[str, list[float]]]:
    """Text and per-character confidences of each crop.

    Most crops in a table are one short number, and the recogniser pads every
    crop to 320 px: reading 130 lone "0" cells one by one costs four times the
    ink they hold. Short crops are therefore pasted side by side, with a blank
    gap between them, into strips read as one line each; the decoder's
    character positions say which crop each character came from. A crop that
    gets no character in its strip is read again on its own, so a strip can
    never lose or move a character between cells.
    """
    import cv2

    rec = engine(path).text_rec
    out: list[tuple[str, list[float]] | None] = [None] * len(crops)
    short, long_ = [], []
    for i, crop in enumerate(crops):
        h, w = crop.shape[:2]
        (short if w * REC_HEIGHT / max(h, 1) < REC_MIN_WIDTH - GAP else long_).append(i)
    strips: list[tuple[np.ndarray, list[tuple[int, int, int]]]] = []
    parts: list[np.ndarray] = []
    spans: list[tuple[int, int, int]] = []
    x = GAP // 2
    for i in sorted(short, key=lambda i: crops[i].shape[1] / max(crops[i].shape[0], 1)):
        h, w = crops[i].shape[:2]
        width = max(8, round(w * REC_HEIGHT / max(h, 1)))
        if parts and x + width + GAP // 2 > STRIP_WIDTH:
            strips.append(_strip(parts, spans, x))
            parts, spans, x = [], [], GAP // 2
        parts.append(cv2.resize(crops[i], (width, REC_HEIGHT), interpolation=cv2.INTER_AREA if h > REC_HEIGHT else cv2.INTER_CUBIC))
        spans.append((i, x, x + width))
        x += width + GAP
    if parts:
        strips.append(_strip(parts, spans, x - GAP + GAP // 2))
    results, _ = rec([s for s, _ in strips], return_word_box=True) if strips else ([], 0)
    for (strip, spans), (text, _score, *info) in zip(strips, results):
        found: dict[int, list[tuple[str, float]]] = {i: [] for i, _, _ in spans}
        for ch, col, conf in _positions(text, info):
            cx = (col + 0.5) * strip.shape[1] / max(info[0][0], 1e-6)
            i = min(spans, key=lambda s: 0 if s[1] <= cx <= s[2] else min(abs(cx - s[1]), abs(cx - s[2])))[0]
            found[i].append((ch, conf))
        for i, got in found.items():
            text_i = "".join(c for c, _ in got).strip()
            if text_i:
                out[i] = ("".join(c for c, _ in got), [c for _, c in got])
    # Read again on its own: a crop that got nothing in its strip, and one read
    # unsurely there (a "0" as the letter "O"); keep the surer of the two readings.
    again = [i for i in range(len(crops)) if out[i] is None or min(out[i][1]) < SECOND_LOOK]
    if again:
        results, _ = rec([crops[i] for i in again], return_word_box=True)
        for i, (text, _score, *info) in zip(again, results):
            chars = _positions(text, info)
            alone = ("".join(c for c, _, _ in chars), [c for _, _, c in chars])
            if out[i] is None or (alone[1] and min(alone[1]) > min(out[i][1])):
                out[i] = alone
    for i, got in enumerate(out):
        if got and _LOOKALIKE.fullmatch(got[0]) and not _DIGITS.fullmatch(got[0]):
            out[i] = _digits_reading(rec, crops[i]) or got
    return out  # type: ignore[return-value]


# A reading made only of digits and the letters that look like them ("O" for 0,
# "l" for 1) is decoded again over digits alone, from the recogniser's own
# probabilities; it replaces the letters only when that decoding is sure enough.
_LOOKALIKE = re.compile(r"[0-9.,OoDQlI|]+")
_DIGITS = re.compile(r"[0-9.,]+")


def _digits_reading(rec, crop: np.ndarray) -> tuple[str, list[float]] | None:
    h, w = crop.shape[:2]
    norm = rec.resize_norm_img(crop, max(REC_MIN_WIDTH / REC_HEIGHT, w / max(h, 1)))[np.newaxis]
    probs = rec.session(norm.astype(np.float32))[0][0]  # time steps × classes, softmax
    chars = rec.postprocess_op.character
    allowed = [0] + [k for k, c in enumerate(chars) if c in "0123456789.,"]
    best = np.asarray(allowed)[probs[:, allowed].argmax(axis=1)]
    text, confs, prev = [], [], 0
    for t, k in enumerate(best):
        if k != 0 and k != prev:
            text.append(chars[k])
            confs.append(float(probs[t, k]))
        prev = k
    if not text or min(confs) < LOW_CONFIDENCE:
        return None
    return "".join(text), confs


def _strip(parts: list[np.ndarray], spans: list[tuple[int, int, int]], width: int):
    # Black gaps, measured: between paper-grey gaps the recogniser reads a lone
    # "8" as "." and a "0" at 0.4 confidence; between black bars it reads them at 0.96-0.98.
    strip = np.zeros((REC_HEIGHT, width, 3), np.uint8)
    for part, (_, x0, x1) in zip(parts, spans):
        strip[:, x0:x1] = part
    return strip, list(spans)


def _positions(text: str, info: list) -> list[tuple[str, int, float]]:
    """(character, decoder column, confidence) for each character the recogniser returned."""
    if not text or not info or len(info[0]) < 5:
        return []
    cols = [c for word in info[0][2] for c in word]
    confs = info[0][4]
    if not (len(cols) == len(confs) == len(text)):
        return []
    return list(zip(text, cols, confs))


def read_picture(img: np.ndarray, path: str, points_per_pixel: float | None = None) -> OcrPage:
    """OCR one page picture: characters with confidences and rules, in points, y from the top.

    Args:
        img: the picture (grey, RGB or RGBA array).
        path: the file, for error messages.
        points_per_pixel: the page scale when known (72 / dpi for a PDF page);
            otherwise it is set from the text height (:data:`LINE_POINTS`).
    """
    import cv2

    gray = to_gray(img, path)
    seen = overview(gray)
    gray, rectified = rectify(gray, seen)
    if rectified:
        points_per_pixel = None  # the straightened picture has its own scale: taken from the text height
        seen = overview(gray)
    quads = _detect(gray, path)
    if (f := _upscale_factor(quads)) > 1:
        # A low-resolution page is enlarged before the detector looks again, and
        # everything after (rules, cell crops) works at the resolution it was tuned at.
        gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
        points_per_pixel = points_per_pixel / f if points_per_pixel else None
        seen = overview(gray)
        quads = _detect(gray, path)
    # Rules give the angle to a few hundredths of a degree; the detector's text
    # boxes only to a tenth or two, which already costs the recogniser confidence.
    angle = skew_angle(seen[0])
    if angle is None:
        angle = text_angle(quads) or 0.0
    # Straighten the picture and carry the detected lines along (one detector run).
    boxes = _boxes_after(quads, gray, angle)
    gray = rotate(gray, angle)
    ink = binarise(gray)
    if not boxes:
        h, w = gray.shape
        k = points_per_pixel or 1.0
        return OcrPage([], [], [], angle, w * k, h * k)
    em = float(np.median([b.y1 - b.y0 for b in boxes]))
    k = points_per_pixel or LINE_POINTS / em
    hs, vs, rules = find_rules(ink, em)
    # Rule pixels grown by a tenth of the text height: the grey fringe of a turned,
    # resampled rule at 300 dpi otherwise reads as a "C" or "1" beside a digit.
    side = max(3, int(em / 10) | 1)
    grow = np.ones((side, side), np.uint8)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rules, grow)))
    cells = _interiors(hs, vs, k)
    margin = max(2.0, em / 10)
    pieces = [p for b in boxes for p in _split(b, cells, margin)]
    pieces = [line for p in pieces for line in _text_lines(text_ink, p, em)]
    pieces = [p for p in pieces if _has_ink(text_ink, p, em)]
    covered = np.zeros_like(ink)
    for p in pieces:
        covered[p.y0 : p.y1, p.x0 : p.x1] = 255
    for extra in _missed(text_ink, covered, cells, em, margin):
        # Ink touching a detected piece is the rest of its characters (the
        # detector boxed only the right half of a "0"): widen that piece, do not
        # read the half on its own (it reads as "C").
        touching = [p for p in pieces if p.y0 < extra.y1 and extra.y0 < p.y1
                    and max(p.x0, extra.x0) - min(p.x1, extra.x1) <= em * 0.15]
        if touching:
            p = touching[0]
            p.x0, p.y0, p.x1, p.y1 = min(p.x0, extra.x0), min(p.y0, extra.y0), max(p.x1, extra.x1), max(p.y1, extra.y1)
        else:
            pieces.append(extra)
    # Recognise on the straightened grey picture with the rules painted over in
    # the paper's grey: a rule at a crop's edge reads as "1" or "|".
    clean = gray.copy()
    clean[cv2.dilate(rules, grow) > 0] = paper_grey(gray)
    crops = [cv2.cvtColor(clean[p.y0 : p.y1, p.x0 : p.x1], cv2.COLOR_GRAY2BGR) for p in pieces]
    chars: list[Char] = []
    for piece, (text, confs) in zip(pieces, recognise(crops, path)):
        if not text.strip():
            # Ink the recogniser cannot read: an unreadable mark, never a blank.
            chars.append(OcrChar(UNREADABLE, piece.x0 * k, piece.y0 * k, piece.x1 * k, piece.y1 * k, conf=0.0))
            continue
        chars.extend(_chars(piece, text, confs, k))
    h, w = gray.shape
    to_seg = lambda r: Seg(r.pos * k, r.lo * k, r.hi * k)  # noqa: E731
    return OcrPage(chars, [to_seg(r) for r in hs], [to_seg(r) for r in vs], angle, w * k, h * k)


# --- sources of page pictures ---------------------------------------------------------------------

# A scanned page is rendered at the resolution of the picture it holds, kept
# within these bounds: a scan below 200 dpi is enlarged by the rendering (digits
# blur and headers misread below it; see LOW_RES_EM), above 300 dpi only time grows.
MIN_DPI, MAX_DPI, DEFAULT_DPI = 200, 300, 200


def check_pixels(width: int, height: int, path: str) -> None:
    """Refuse a picture larger than ``toolkit.limits`` allows (a decompression bomb), before decoding it."""
    from toolkit import limits
    from toolkit.errors import LimitExceededError

    limit = limits.current().max_image_pixels
    if width * height > limit:
        raise LimitExceededError(path, f"picture of {width}×{height} pixels is over the {limit}-pixel limit (toolkit.limits max_image_pixels)")


# A page whose text layer is garbled is vector print, not a scan: no picture says
# its resolution. At 200 dpi body text is 25–30 px high, inside the range the
# scans are read at (MIN_DPI..MAX_DPI), and clean print needs no more.
GARBLED_DPI = DEFAULT_DPI


def read_pdf_page(page, path: str, dpi: float | None = None) -> tuple[list[Char], list[Seg], list[Seg]]:
    """OCR a PDF page; nothing when it shows no picture (a blank page).

    Without ``dpi`` the page is a scan, rendered at the resolution of the
    picture it holds. With ``dpi`` it is rendered at that resolution whatever it
    holds: a page whose text layer is garbled (fonts without a Unicode map) is
    read from its print, like a scan. Either way every picture on the page is
    held to the pixel limit before the page is rendered (rendering decodes them
    all): a stamp printed an inch wide can hold 40000×40000 pixels.
    """
    scan_dpi = _pictures_dpi(page, path)
    if dpi is not None:
        return _render_and_read(page, path, dpi)
    if scan_dpi == 0:
        return [], [], []
    return _render_and_read(page, path, min(MAX_DPI, max(MIN_DPI, scan_dpi)))


def _pictures_dpi(page, path: str) -> float:
    """The resolution of the widest-resolved picture over an inch wide (0: none); every picture checked for size."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    dpi = 0.0
    w_px, h_px = ctypes.c_uint(), ctypes.c_uint()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:  # pictures drawn inside a form are decoded too
            _check_form(obj, path, pdfium_c, ctypes)
        if kind != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        if not pdfium_c.FPDFImageObj_GetImagePixelSize(obj, ctypes.byref(w_px), ctypes.byref(h_px)):
            continue
        check_pixels(w_px.value, h_px.value, path)  # whatever its printed size: a small stamp can be a bomb
        pdfium_c.FPDFPageObj_GetBounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
        width_in = (right.value - left.value) / 72
        if width_in > 1:  # a logo or a stamp says nothing about the scan's resolution
            dpi = max(dpi, w_px.value / width_in)
    return dpi


def _check_form(form, path: str, pdfium_c, ctypes, depth: int = 0) -> None:
    if depth > 8:  # forms nested deeper than any real page: pdfium draws them all the same
        raise LimitExceededError(path, "PDF forms nested more than 8 deep on a page")
    w_px, h_px = ctypes.c_uint(), ctypes.c_uint()
    for j in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, j)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            _check_form(obj, path, pdfium_c, ctypes, depth + 1)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and pdfium_c.FPDFImageObj_GetImagePixelSize(
                obj, ctypes.byref(w_px), ctypes.byref(h_px)):
            check_pixels(w_px.value, h_px.value, path)


def _render_and_read(page, path: str, dpi: float) -> tuple[list[Char], list[Seg], list[Seg]]:
    check_pixels(int(page.get_width() * dpi / 72), int(page.get_height() * dpi / 72), path)
    picture = np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    got = read_picture(picture, path, points_per_pixel=72 / dpi)
    return got.chars, got.hs, got.vs
