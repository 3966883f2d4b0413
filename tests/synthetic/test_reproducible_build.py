"""The demo panel's build is byte-reproducible, so anyone can check the published panel: fixed DOCX/PDF timestamps, SOURCE_DATE_EPOCH honoured."""

from __future__ import annotations

import io
import re
import shutil
import time
import zipfile

import pytest

from toolkit.synthetic.corpus import generate_corpus


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="PDFs are printed by LibreOffice (make system-deps)")
def test_two_builds_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    builds = []
    for name in ("a", "b"):
        out = tmp_path / name / "synthetic"
        generate_corpus(out, n_reports=3, agencies=2, years=[2023, 2024], formats=("docx", "pdf"), seed=3)
        builds.append(_files(out))
        time.sleep(1.1)  # the second build runs in another second: timestamps would differ
    a, b = builds
    assert a.keys() == b.keys() and any(k.endswith(".pdf") for k in a) and any(k.endswith(".docx") for k in a)
    assert [k for k in a if a[k] != b[k]] == []
    pdf = next(v for k, v in a.items() if k.endswith(".pdf"))
    assert re.search(rb"/CreationDate\(D:20240101000000", pdf)


def test_source_date_epoch_sets_the_docx_and_pdf_times(monkeypatch):
    from toolkit.synthetic.render.docx import render_docx
    from toolkit.synthetic.render.reproducible import fix_pdf
    from toolkit.synthetic.values import report_spec

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")  # 2009-02-13 23:31:30 UTC
    docx = render_docx(report_spec(1))
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()} == {(2009, 2, 13, 23, 31, 30)}
    pdf = (b"1 0 obj<</CreationDate(D:20261202000826+08'00')/ModDate(D:20261202000826Z)>>endobj "
           b"trailer<</ID[<AB12><AB12>]/DocChecksum /0123456789ABCDEF>>")
    fixed = fix_pdf(pdf)
    assert len(fixed) == len(pdf)
    assert b"/CreationDate(D:20090213233130+00'00')" in fixed and b"/ModDate(D:20090213233130Z)" in fixed
    assert fix_pdf(pdf.replace(b"0826", b"0827").replace(b"/0123", b"/4567")) == fixed
