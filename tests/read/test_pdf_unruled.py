"""Tables printed without ruling lines: synthetic reports rendered to DOCX with
every border removed, printed by LibreOffice, read back exactly (every cell,
blanks included), table 三 also cut by page breaks."""

from __future__ import annotations

import pytest
from support.roundtrip import check_printed_case, print_pdfs

from toolkit.read.formats.pdf import page_rules
from toolkit.read.formats.pdf import read as read_pdf
from toolkit.read.formats.soffice import executable
from toolkit.read.tables import classify
from toolkit.synthetic.render.perturb import Perturbation

needs_soffice = pytest.mark.skipif(executable() is None, reason="LibreOffice (soffice) not installed; `make test` installs it")

MIXED = {"proactive": "2021", "requests": "2019", "review_litigation": "2021"}
MIXED2 = {"proactive": "2019", "requests": "2021", "review_litigation": "2019"}

# (name, templates, perturbation, activity, docx options)
CASES = [
    ("official-2021", "2021", Perturbation(), 40.0, {"official": True}),
    ("official-2021-blanks-push", "2021", Perturbation(blank_zeros=0.5), 3.0, {"official": True, "push": 22}),
    ("generated-2021", "2021", Perturbation(), 2000.0, {"official": False}),
    ("generated-2019-fullwidth-blanks", "2019", Perturbation(fullwidth_digits=True, blank_zeros=0.5, signed_change=True), 40.0, {}),
    ("generated-2019-all-blank", "2019", Perturbation(blank_zeros=1.0), 0.0, {}),
    ("mixed-wrapped-spans", MIXED, Perturbation(wrap_labels=True, split_spans=True), 40.0, {}),
    ("mixed-variants-na", MIXED2, Perturbation(label_variants=True, na_zeros=0.2, thousands=True), 2000.0, {}),
    ("2021-split-tables", "2021", Perturbation(split_proactive=True, split_review=True, nbsp_values=True), 40.0, {}),
    ("2021-push-20", "2021", Perturbation(wrap_labels=True), 40.0, {"push": 20}),
    ("2019-push-25-repeat", "2019", Perturbation(blank_zeros=0.3, fullwidth_digits=True), 2000.0, {"push": 25, "repeat_header": True}),
    ("2021-push-30", "2021", Perturbation(label_variants=True, blank_zeros=0.3), 3.0, {"push": 30}),
    ("mixed-push-35", MIXED, Perturbation(split_spans=True, thousands=True), 2000.0, {"push": 35, "repeat_header": True}),
]


@pytest.fixture(scope="module")
def unruled_pdfs():
    return print_pdfs((seed, templates, activity, p, {"borders": False, **opts})
                      for seed, (_, templates, p, activity, opts) in enumerate(CASES))


@needs_soffice
@pytest.mark.parametrize("case", range(len(CASES)), ids=[c[0] for c in CASES])
def test_unruled_round_trip(tmp_path, unruled_pdfs, case):
    check_printed_case(tmp_path, unruled_pdfs, CASES, case)


@needs_soffice
def test_unruled_pdfs_have_no_rules(unruled_pdfs):
    """The renderer really printed borderless tables (else this tests the ruled path)."""
    import pypdfium2 as pdfium

    for pdf in unruled_pdfs[1]:
        doc = pdfium.PdfDocument(pdf)
        try:
            for page in doc:
                hs, vs = page_rules(page)
                assert not hs and not vs
        finally:
            doc.close()


@needs_soffice
def test_unruled_table_three_across_pages(unruled_pdfs):
    """Some pushed cases print table 三 on two pages; its cells name both pages."""
    specs, pdfs = unruled_pdfs
    split = 0
    for (name, *_), pdf in zip(CASES, pdfs):
        doc = read_pdf(pdf, name)
        t3 = next(t for t in doc.tables if classify(t) == "requests")
        pages = {int(c.location.rsplit(" ", 1)[1]) for r in t3.rows for c in r}
        split += len(pages) > 1
    assert split >= 2
