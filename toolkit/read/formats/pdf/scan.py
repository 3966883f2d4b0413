"""Scanned and garbled PDF pages: rendered by pdfium and read by OCR.

A page without characters that shows a picture is a scan, rendered at the
resolution of the picture it holds; a page whose text layer is garbled is
rendered at :data:`GARBLED_DPI`. Every picture on the page is held to the
pixel limit before the page is rendered.
"""

from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2.raw as pdfium_c

from toolkit.errors import LimitExceededError
from toolkit.read.formats.ocr import check_pixels, read_picture
from toolkit.read.formats.page import Char, Seg

# A scanned page is rendered at the resolution of the picture it holds, kept
# within these bounds: a scan below 200 dpi is enlarged by the rendering (digits
# blur and headers misread below it; see toolkit.read.formats.ocr.pieces.LOW_RES_EM), above 300 dpi only time grows.
MIN_DPI, MAX_DPI, DEFAULT_DPI = 200, 300, 200


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
