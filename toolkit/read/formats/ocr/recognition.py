"""Recognition: text pieces of a page picture → characters with the recogniser's confidence.

Short crops are read side by side in strips, unsure ones again on their own,
and a reading of digit look-alikes is decoded again over digits alone. Each
piece becomes per-character boxes (proportional widths) that carry the
recogniser's per-character confidence (:class:`OcrChar`). A piece with ink
that the recogniser cannot read becomes :data:`UNREADABLE` with confidence 0,
so its cell is "invalid", never blank and never a guessed number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from toolkit.read.formats.ocr.models import engine
from toolkit.read.formats.ocr.pieces import Piece
from toolkit.read.formats.page import Char

# What an unreadable piece of ink reads as (U+FFFD REPLACEMENT CHARACTER):
# not a number, not a blank token, so the cell's status is "invalid".
UNREADABLE = "\ufffd"
# A cell whose least sure character is below this is listed in the issues
# ("check this cell against the scan"). Measured on the synthetic scans: the
# recogniser's confidence for a correct lone "0" ranges 0.35–0.95, for a
# misread one it stays below 0.3.
LOW_CONFIDENCE = 0.5


@dataclass(slots=True)
class OcrChar(Char):
    """A character read from a picture, with the recogniser's confidence (0–1)."""

    conf: float = 1.0


def piece_chars(piece: Piece, text: str, confs: list[float], k: float) -> list[OcrChar]:
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
