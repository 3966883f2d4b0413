"""Render a :class:`~toolkit.synthetic.values.ReportSpec` into a real report file.

Renderers print the official layouts (from the codebook) with optional
real-world perturbations; tests, the demo corpus and the benchmarks read the
files back with ``read_report``. PDF goes through LibreOffice, whose start-up
costs seconds: render many at once with :func:`render_many`.
"""

from __future__ import annotations

from toolkit.synthetic.render.perturb import Perturbation
from toolkit.synthetic.values import ReportSpec

FORMATS = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def render(spec: ReportSpec, fmt: str, p: Perturbation | None = None, seed: int = 0) -> bytes:
    """One report in one format (``text``, ``html``, ``docx`` or ``pdf``)."""
    return render_many([spec], fmt, p, seed)[0]


def render_many(specs: list[ReportSpec], fmt: str, p: Perturbation | None = None, seed: int = 0) -> list[bytes]:
    """Many reports in one format; PDFs are converted in one LibreOffice run."""
    if fmt == "text":
        from toolkit.synthetic.render.text import render_text

        return [render_text(s, p, seed + i) for i, s in enumerate(specs)]
    if fmt == "html":
        from toolkit.synthetic.render.html import render_html

        return [render_html(s, p, seed + i) for i, s in enumerate(specs)]
    if fmt in ("docx", "pdf"):
        from toolkit.synthetic.render.docx import render_docx

        docs = [render_docx(s, p, seed + i) for i, s in enumerate(specs)]
        if fmt == "docx":
            return docs
        from toolkit.synthetic.render.pdf import docx_to_pdf

        return docx_to_pdf(docs)
    raise ValueError(f"unknown format {fmt!r}: use one of {sorted(FORMATS)}")
