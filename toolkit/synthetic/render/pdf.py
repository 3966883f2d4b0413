"""Render reports as PDF: DOCX (from :mod:`toolkit.synthetic.render.docx`) printed by LibreOffice.

LibreOffice startup costs seconds, so :func:`docx_to_pdf` converts a batch of
documents in one soffice run (with this process's private profile, see
:mod:`toolkit.read.formats.soffice`).
"""

from __future__ import annotations

from toolkit.read.formats import soffice
from toolkit.synthetic.render.docx import render_docx
from toolkit.synthetic.render.perturb import Perturbation
from toolkit.synthetic.render.reproducible import fix_pdf
from toolkit.synthetic.values import ReportSpec


def docx_to_pdf(documents: list[bytes], path: str = "docx→pdf") -> list[bytes]:
    """Convert DOCX documents to PDF, in order, with one LibreOffice run."""
    names = {f"doc{i:03d}.docx": data for i, data in enumerate(documents)}
    out = soffice.convert(names, "pdf:writer_pdf_Export", path)
    return [fix_pdf(out[name]) for name in names]  # LibreOffice stamps the current time: fixed, for reproducible builds


def render_pdf(spec: ReportSpec, p: Perturbation | None = None, seed: int = 0, **docx_options) -> bytes:
    """One report as PDF (for many, call :func:`render_docx` for each and :func:`docx_to_pdf` once).

    Examples:
        >>> from toolkit.synthetic.values import report_spec
        >>> render_pdf(report_spec(1))[:5]
        b'%PDF-'
    """
    return docx_to_pdf([render_docx(spec, p, seed, **docx_options)])[0]
