"""Chart PDFs tell the truth about their fonts: poppler reads them without a warning (a journal's pipeline rejects a PDF it warns about)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from support import RAW

pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils (make system-deps)")


def test_chart_pdf_passes_pdffonts_and_text_stays_searchable(tmp_path):
    from toolkit import analysis, read_report
    from toolkit.analyse import charts, fonts

    font = fonts.cjk_font()
    assert font is not None and font.truetype, f"no CJK font with TrueType outlines ({font}); run make system-deps"
    shares = analysis.outcome_shares(read_report(RAW / "huaian-city-2024.pdf").data)
    fig = charts.outcome_bars(shares, lang="zh")
    pdf, *_ = charts.save(fig, "outcomes", ("pdf",), out_dir=tmp_path, source="淮安市人民政府 2024")  # then the chart data (CSV)
    proc = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stderr == "", proc.stderr  # e.g. "Mismatch between font type and embedded font file"
    rows = proc.stdout.splitlines()[2:]
    assert rows and all("CID TrueType" in r or " TrueType " in r for r in rows), proc.stdout
    assert any(font.family.replace(" ", "") in r for r in rows)
    assert all(r.split()[-3:-2] == ["yes"] for r in rows), proc.stdout  # a ToUnicode map: text extracts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    assert text.stderr == ""
    assert "淮安市人民政府" in text.stdout
