"""Picture preparation: a page picture made ready for detection and recognition.

Grey and binarised ink (adaptive threshold: grey paper and uneven light), a
photograph taken at an angle straightened from its table frame, the skew
measured from the long table rules (or the text lines) and turned away, the
table's rules found by morphology, and every picture held to the pixel limit
before it is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit import limits
from toolkit.errors import LimitExceededError
from toolkit.read.formats.ocr.models import cv2_or_fail


def to_gray(img: np.ndarray, path: str) -> np.ndarray:
    cv2 = cv2_or_fail(path)
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


# --- rules ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Rule:
    pos: float
    lo: float
    hi: float
    thick: float


def find_rules(ink: np.ndarray, em: float) -> tuple[list[Rule], list[Rule], np.ndarray]:
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
    hs = [Rule(y + hh / 2, x, x + ww, hh) for x, y, ww, hh in ink_boxes(hmask) if ww >= hk and hh <= max(6, em / 3)]
    vs = [Rule(x + ww / 2, y, y + hh, ww) for x, y, ww, hh in ink_boxes(vmask) if hh >= vk and ww <= max(6, em / 3)]
    return hs, vs, cv2.bitwise_or(hmask, vmask)


def ink_boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]


def check_pixels(width: int, height: int, path: str) -> None:
    """Refuse a picture larger than ``toolkit.limits`` allows (a decompression bomb), before decoding it."""
    limit = limits.current().max_image_pixels
    if width * height > limit:
        raise LimitExceededError(path, f"picture of {width}×{height} pixels is over the {limit}-pixel limit (toolkit.limits max_image_pixels)")
