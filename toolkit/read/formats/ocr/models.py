"""The OCR engine (RapidOCR's PP-OCRv4 detector and recogniser), loaded once per process.

Its models ship inside the ``rapidocr-onnxruntime`` wheel: nothing is
downloaded, ever. Missing packages raise :class:`OCRUnavailableError`, whose
message says how to install them.
"""

from __future__ import annotations

import threading

from toolkit.errors import ToolkitError

# Installing hint used by every "OCR not available" error.
INSTALL_HINT = "pip install 'rapidocr-onnxruntime==1.4.4' opencv-python-headless (Python < 3.13)"


class OCRUnavailableError(ToolkitError):
    """The OCR packages are missing or broken; the message says how to install them."""

    reason = "ocr_unavailable"


_lock = threading.Lock()
_engine = None


def cv2_or_fail(path: str):
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
            cv2_or_fail(path)
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
