"""Speed of the PDF and DOCX readers against their floor, and the PDF library comparison.

Floor = what any reader of the same file with the same library must pay:
- PDF: open with pypdfium2 and fetch every character with its box (toolkit.read.formats.pdf.page_chars);
- DOCX: unzip word/document.xml and parse it with lxml.
Goal: the reader's median time ≤ 3× its floor; text PDF ≤ 2× (the reader's own work, beyond what
the library must do, stays below the library's cost).

The library comparison (run once, on the Huaian report) is why the reader uses
pypdfium2 (Apache-2.0/BSD): PyMuPDF (AGPL) is about as fast for positioned
words but its licence is copyleft, pdfplumber (MIT) is an order of magnitude
slower, and PyMuPDF's find_tables is slow and misreads a cell. PyMuPDF and
pdfplumber are test extras, never runtime dependencies.

Usage: .venv/bin/python benchmarks/readers_pdf_docx.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.read.formats import docx as docx_reader  # noqa: E402
from toolkit.read.formats import pdf as pdf_reader  # noqa: E402
from toolkit.synthetic.render.docx import render_docx  # noqa: E402
from toolkit.synthetic.values import report_spec  # noqa: E402


def median_ms(fn, repeat: int, clock=time.perf_counter) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times) * 1000


def pdf_floor(data: bytes) -> None:
    pdf = pdfium.PdfDocument(data)
    for page in pdf:
        pdf_reader.page_chars(page)
    pdf.close()


def docx_floor(data: bytes) -> None:
    etree.fromstring(zipfile.ZipFile(BytesIO(data)).read("word/document.xml"))


def library_comparison(data: bytes, repeat: int) -> list[tuple[str, str, float, str]]:
    rows = [("pypdfium2 char boxes (floor)", "Apache-2.0/BSD", median_ms(lambda: pdf_floor(data), repeat), "")]
    rows.append(("toolkit PDF reader (pypdfium2)", "project", median_ms(lambda: pdf_reader.read(data, "h.pdf"), repeat), _fee_ours(data)))
    try:
        import pymupdf
    except ImportError:
        rows.append(("PyMuPDF", "AGPL-3.0", float("nan"), "not installed (pip install '.[test]')"))
    else:
        def words():
            with pymupdf.open(stream=data) as doc:
                for page in doc:
                    page.get_text("words")

        def tables():
            out = []
            with pymupdf.open(stream=data) as doc:
                for page in doc:
                    out += [t.extract() for t in page.find_tables().tables]
            return out

        fee = next((r[1] for t in tables() for r in t if r and r[0] and "行政事业性收费" in r[0]), "not found")
        rows.append(("PyMuPDF words", "AGPL-3.0", median_ms(words, repeat), ""))
        rows.append(("PyMuPDF find_tables", "AGPL-3.0", median_ms(tables, max(3, repeat // 5)), f"fee cell read as {fee!r}"))
    try:
        import pdfplumber
    except ImportError:
        rows.append(("pdfplumber", "MIT", float("nan"), "not installed"))
    else:
        def plumber_words():
            with pdfplumber.open(BytesIO(data)) as doc:
                for page in doc.pages:
                    page.extract_words()

        rows.append(("pdfplumber words", "MIT", median_ms(plumber_words, max(3, repeat // 5)), ""))
    return rows


def _fee_ours(data: bytes) -> str:
    doc = pdf_reader.read(data, "h.pdf")
    cell = next(r[-1].text for t in doc.tables for r in t.rows if r[0].text == "行政事业性收费")
    return f"fee cell read as {cell!r}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()

    huaian = (ROOT / "data/raw/huaian-city-2024.pdf").read_bytes()
    hongze = (ROOT / "data/raw/hongze-district-2023.pdf").read_bytes()  # 127 cell backgrounds on a page
    template = (ROOT / "toolkit/data/template-2021-blank.docx").read_bytes()
    filled = render_docx(report_spec(1, activity=40))
    generated = render_docx(report_spec(2, templates="2019", year=2020, activity=40), official=False)

    print("Reader vs floor (median of", args.repeat, "runs; load average", " ".join(f"{x:.1f}" for x in os.getloadavg()) + ")")
    # CPU time (process_time) moves less than wall time when other jobs share the cores.
    print(f"{'file':<40} {'reader ms':>10} {'floor ms':>10} {'ratio':>7} {'CPU ratio':>10}")
    results, pdf_ratios = [], []
    for name, data, reader, floor in [
        ("huaian-city-2024.pdf (6 pages)", huaian, pdf_reader.read, pdf_floor),
        ("hongze-district-2023.pdf (5 pages)", hongze, pdf_reader.read, pdf_floor),
        ("template-2021-blank.docx", template, docx_reader.read, docx_floor),
        ("synthetic 2021, official template .docx", filled, docx_reader.read, docx_floor),
        ("synthetic 2019, generated layout .docx", generated, docx_reader.read, docx_floor),
    ]:
        r = median_ms(lambda: reader(data, name), args.repeat)
        f = median_ms(lambda: floor(data), args.repeat)
        cpu = median_ms(lambda: reader(data, name), args.repeat, time.process_time) / median_ms(
            lambda: floor(data), args.repeat, time.process_time)
        results.append(r / f)
        if reader is pdf_reader.read:
            pdf_ratios.append(r / f)
        print(f"{name:<40} {r:>10.1f} {f:>10.1f} {r / f:>6.2f}× {cpu:>9.2f}×")
    print(f"goal ≤ 3×: {'met' if max(results) <= 3 else 'NOT met'} (worst {max(results):.2f}×)")
    print(f"text PDF goal ≤ 2×: {'met' if max(pdf_ratios) <= 2 else 'NOT met'} (worst {max(pdf_ratios):.2f}×)")

    print("\nPDF libraries on huaian-city-2024.pdf")
    print(f"{'method':<32} {'licence':<16} {'ms':>8}  note")
    for method, licence, ms, note in library_comparison(huaian, args.repeat):
        print(f"{method:<32} {licence:<16} {ms:>8.1f}  {note}")


if __name__ == "__main__":
    main()
