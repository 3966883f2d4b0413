"""Print a rendered PDF report "through a scanner" (page pictures with skew, grey paper and noise),
or photograph it at an angle (:func:`tilt`).

Used by the OCR tests and the benchmark (``benchmarks/ocr.py``) to make
scanned reports whose true values are known. Deterministic for a seed.

Examples:
    >>> import numpy as np
    >>> page = np.full((40, 30), 255, np.uint8)
    >>> scanned = degrade(page, angle=1.0, seed=0)
    >>> scanned.shape, scanned.dtype.name, bool(scanned.mean() < 235)
    ((40, 30), 'uint8', True)
"""

from __future__ import annotations

import io

import numpy as np


def pdf_pages(pdf: bytes, dpi: int) -> list[np.ndarray]:
    """Each page of a PDF as a grey picture at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [np.asarray(doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")) for i in range(len(doc))]
    finally:
        doc.close()


def degrade(page: np.ndarray, angle: float = 0.8, paper: int = 215, noise: float = 12.0, seed: int = 0) -> np.ndarray:
    """A clean grey page as a scanner returns it: turned by ``angle`` degrees, ink on grey paper, Gaussian noise."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    img = Image.fromarray(page).rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=False)
    a = np.asarray(img).astype(np.float32) / 255.0
    # Ink stays dark, white becomes the paper's grey, with a gentle shading across the page.
    h, w = a.shape
    shade = np.linspace(0.0, 12.0, w, dtype=np.float32)[None, :] + np.linspace(0.0, 8.0, h, dtype=np.float32)[:, None]
    out = 25 + a * (paper - 25 - shade) + rng.normal(0.0, noise, a.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def tilt(page: np.ndarray, keystone: float) -> np.ndarray:
    """A page photographed at an angle: its top edge ``keystone`` narrower on each side than
    its bottom (the camera tilted back), and a little lower on the left. White outside the page."""
    import cv2

    h, w = page.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[w * keystone, h * keystone * 0.3], [w * (1 - keystone), 0], [w, h], [0, h]])
    return cv2.warpPerspective(page, cv2.getPerspectiveTransform(src, dst), (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def image_pdf(pages: list[np.ndarray], dpi: int) -> bytes:
    """An image-only PDF (no text layer) of the pictures, one per page, at ``dpi``."""
    from PIL import Image

    images = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return buf.getvalue()


def png(page: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(page).save(buf, format="PNG", optimize=False)
    return buf.getvalue()
