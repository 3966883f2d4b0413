"""One page picture (scan or photograph) → positioned characters and ruling segments, in points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.read.formats.ocr.pieces import (
    boxes_after,
    cell_interiors,
    detect,
    has_ink,
    missed_ink,
    split_at_cells,
    text_lines,
    upscale_factor,
)
from toolkit.read.formats.ocr.prepare import binarise, find_rules, overview, paper_grey, rectify, rotate, skew_angle, text_angle, to_gray
from toolkit.read.formats.ocr.recognition import UNREADABLE, OcrChar, piece_chars, recognise
from toolkit.read.formats.page import Char, Seg

# Body text line height in points, used to give a picture without a known
# resolution a page scale: the layout code's tolerances are in points.
LINE_POINTS = 12.0


@dataclass(slots=True)
class OcrPage:
    chars: list[Char]
    hs: list[Seg]
    vs: list[Seg]
    angle: float  # degrees the picture was turned to straighten it
    width: float  # page size in points after scaling
    height: float
    # The straightened grey picture the points refer to (``keep=True`` only: a batch does not hold pictures),
    # so a cell's box can be shown on exactly what was read: points × (picture width / ``width``) = pixels.
    picture: np.ndarray | None = None


def read_picture(img: np.ndarray, path: str, points_per_pixel: float | None = None, keep: bool = False) -> OcrPage:
    """OCR one page picture: characters with confidences and rules, in points, y from the top.

    Args:
        img: the picture (grey, RGB or RGBA array).
        path: the file, for error messages.
        points_per_pixel: the page scale when known (72 / dpi for a PDF page);
            otherwise it is set from the text height (:data:`LINE_POINTS`).
        keep: also return the straightened picture (``OcrPage.picture``).
    """
    import cv2

    gray = to_gray(img, path)
    seen = overview(gray)
    gray, rectified = rectify(gray, seen)
    if rectified:
        points_per_pixel = None  # the straightened picture has its own scale: taken from the text height
        seen = overview(gray)
    quads = detect(gray, path)
    if (f := upscale_factor(quads)) > 1:
        # A low-resolution page is enlarged before the detector looks again, and
        # everything after (rules, cell crops) works at the resolution it was tuned at.
        gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
        points_per_pixel = points_per_pixel / f if points_per_pixel else None
        seen = overview(gray)
        quads = detect(gray, path)
    # Rules give the angle to a few hundredths of a degree; the detector's text
    # boxes only to a tenth or two, which already costs the recogniser confidence.
    angle = skew_angle(seen[0])
    if angle is None:
        angle = text_angle(quads) or 0.0
    # Straighten the picture and carry the detected lines along (one detector run).
    boxes = boxes_after(quads, gray, angle)
    gray = rotate(gray, angle)
    ink = binarise(gray)
    if not boxes:
        h, w = gray.shape
        k = points_per_pixel or 1.0
        return OcrPage([], [], [], angle, w * k, h * k, gray if keep else None)
    em = float(np.median([b.y1 - b.y0 for b in boxes]))
    k = points_per_pixel or LINE_POINTS / em
    hs, vs, rules = find_rules(ink, em)
    # Rule pixels grown by a tenth of the text height: the grey fringe of a turned,
    # resampled rule at 300 dpi otherwise reads as a "C" or "1" beside a digit.
    side = max(3, int(em / 10) | 1)
    grow = np.ones((side, side), np.uint8)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rules, grow)))
    cells = cell_interiors(hs, vs, k)
    margin = max(2.0, em / 10)
    pieces = [p for b in boxes for p in split_at_cells(b, cells, margin)]
    pieces = [line for p in pieces for line in text_lines(text_ink, p, em)]
    pieces = [p for p in pieces if has_ink(text_ink, p, em)]
    covered = np.zeros_like(ink)
    for p in pieces:
        covered[p.y0 : p.y1, p.x0 : p.x1] = 255
    for extra in missed_ink(text_ink, covered, cells, em, margin):
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
        chars.extend(piece_chars(piece, text, confs, k))
    h, w = gray.shape
    to_seg = lambda r: Seg(r.pos * k, r.lo * k, r.hi * k)  # noqa: E731
    return OcrPage(chars, [to_seg(r) for r in hs], [to_seg(r) for r in vs], angle, w * k, h * k, gray if keep else None)
