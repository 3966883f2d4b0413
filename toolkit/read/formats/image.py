"""Pictures of a report (PNG, JPEG, TIFF: scans and photographs of the tables) → Document.

Each picture (each frame of a multi-page TIFF) is a page read by OCR
(:mod:`.ocr`) into characters and rules, then built into paragraphs and
tables by exactly the code that reads PDF pages (:mod:`.pdf`,
:mod:`.pdf.stitch`). The size in pixels is checked against
``toolkit.limits`` before a picture is decoded, so a decompression bomb is
refused in one line.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from toolkit import limits
from toolkit.errors import CorruptFileError, LimitExceededError, NotAReportError
from toolkit.read.document import Document
from toolkit.read.formats.ocr import check_pixels, read_picture
from toolkit.read.formats.pdf import layout_page
from toolkit.read.formats.pdf.stitch import assemble


def read(data: bytes, path: str) -> Document:
    try:
        from PIL import Image, ImageSequence
    except ImportError as exc:  # Pillow comes with matplotlib; say so if it is gone
        raise CorruptFileError(path, f"reading pictures needs Pillow ({exc}): pip install pillow") from None
    items = []
    carry = None
    ocr_pages = []
    try:
        with warnings.catch_warnings(record=True) as complaints:
            # What Pillow says of the file (corrupt EXIF, say) goes into the report's notes, not
            # on stderr. Our own limit decides size (checked below, before decoding): Pillow's
            # bomb warning for a large honest scan is dropped.
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            max_pages = limits.current().max_pdf_pages
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number > max_pages:
                    raise LimitExceededError(path, f"more than {max_pages} pages (limit max_pdf_pages, toolkit.limits)")
                check_pixels(frame.width, frame.height, path)
                page = read_picture(_grey(frame), path)
                if page.chars:
                    ocr_pages.append(number)
                page_items, carry = layout_page(number, page.chars, page.hs, page.vs, carry)
                items.append((number, page_items))
    except (Image.DecompressionBombError, Image.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise LimitExceededError(path, f"picture too large to decode ({exc})") from None
        raise CorruptFileError(path, f"not a readable picture ({type(exc).__name__}: {exc})") from None
    if not ocr_pages:
        raise NotAReportError(path, f"a picture in which OCR finds no text ({len(items)} page(s))")
    notes = list(dict.fromkeys(f"picture: {' '.join(str(w.message).split())}" for w in complaints))
    return Document(blocks=assemble(items), format="image", pages=len(items), ocr_pages=tuple(ocr_pages), notes=notes)


def _grey(frame) -> np.ndarray:
    from PIL import ImageOps

    return np.asarray(ImageOps.exif_transpose(frame).convert("L"))  # a phone photo stored sideways, turned upright


def page_picture(data: bytes, path: str, number: int):
    """Page ``number`` (from 1) of a picture file, OCR'd again with its straightened picture kept
    (:class:`~toolkit.read.formats.ocr.picture.OcrPage` with ``picture``): what ``toolkit show`` draws a cell on,
    in the very coordinates its box was read in."""
    from PIL import Image, ImageSequence

    with Image.open(io.BytesIO(data)) as image:
        for i, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if i == number:
                check_pixels(frame.width, frame.height, path)
                return read_picture(_grey(frame), path, keep=True)
    raise CorruptFileError(path, f"the picture has no page {number}")

