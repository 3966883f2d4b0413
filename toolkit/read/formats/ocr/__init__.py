"""A page picture (scan or photograph) → positioned characters and ruling segments.

The output is what :mod:`toolkit.read.formats.pdf` gets from a text layer:
:class:`~toolkit.read.formats.page.Char` boxes and
:class:`~toolkit.read.formats.page.Seg` rules in points, y from the top, so the
same grid builder (:func:`~toolkit.read.formats.page.find_grids`), page
stitching (:mod:`toolkit.read.formats.pdf.stitch`) and unruled-table rebuilding
(:mod:`toolkit.read.formats.pdf.unruled`) read scanned tables exactly as they
read printed ones. OCR imports nothing from the PDF reader; the PDF reader
renders its scanned pages itself (:mod:`toolkit.read.formats.pdf.scan`).

Steps, and why (each module says more):

1. Grey, denoise, binarise (adaptive threshold: grey paper and uneven light)
   (:mod:`.prepare`).
2. Deskew from the angle of the long table rules (Hough): the grid builder
   wants axis-parallel rules, and a 1° skew moves a rule by a whole row over
   an A4 width (:mod:`.prepare`).
3. Detect text lines with the PP-OCRv4 detector bundled in
   ``rapidocr-onnxruntime`` (its models ship inside the wheel; nothing is
   downloaded, ever) (:mod:`.models`, :mod:`.pieces`).
4. Find the rules with morphology (long thin openings), sized by the text
   height so character strokes do not become rules (:mod:`.prepare`).
5. Cut each detected line at the table's cell borders and recognise every
   piece separately: a detector box running over a border would otherwise
   glue "858" and "21" of neighbouring cells into "85821". Ink that no
   detector box covers inside a cell (a lone "1" the detector missed) is
   recognised too, so a missed number never reads as a blank cell
   (:mod:`.pieces`, :mod:`.recognition`).
6. Each recognised piece becomes per-character boxes (proportional widths)
   that carry the recogniser's per-character confidence (:class:`OcrChar`)
   (:mod:`.recognition`).

:func:`read_picture` (:mod:`.picture`) runs the steps. A piece with ink that
the recogniser cannot read becomes the character :data:`UNREADABLE` with
confidence 0, so its cell is "invalid", never blank and never a guessed number.
"""

from toolkit.read.formats.ocr.models import INSTALL_HINT, OCRUnavailableError, engine
from toolkit.read.formats.ocr.picture import LINE_POINTS, OcrPage, read_picture
from toolkit.read.formats.ocr.prepare import binarise, check_pixels, find_rules, overview, rectify, rotate, skew_angle, to_gray
from toolkit.read.formats.ocr.recognition import LOW_CONFIDENCE, UNREADABLE, OcrChar, recognise

__all__ = [
    "INSTALL_HINT", "LINE_POINTS", "LOW_CONFIDENCE", "UNREADABLE", "OCRUnavailableError", "OcrChar", "OcrPage",
    "binarise", "check_pixels", "engine", "find_rules", "overview", "read_picture", "recognise", "rectify",
    "rotate", "skew_angle", "to_gray",
]
