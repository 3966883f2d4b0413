"""A small labelled-synthetic corpus with one file of each bad kind, and its check against the truth."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import numpy as np
import pandas as pd

from support import ROOT
from toolkit.synthetic.corpus import generate_corpus
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.values import report_spec

# bad file name -> the error class it must produce (exactly one error row each)
BAD = {
    "bad/empty.txt": "NotAReportError",
    "bad/random.pdf": "UnknownFormatError",
    "bad/truncated.docx": "CorruptFileError",
    "bad/truncated.pdf": None,  # whichever ToolkitError the PDF reader raises for a cut file
    "bad/not-a-report.html": "NotAReportError",
    "bad/missing-table-3.html": "TableMissingError",
}


def _without_table_3(spec) -> bytes:
    root = lxml.html.document_fromstring(render_html(spec))
    tables = [t for t in root.iter("table") if "新收政府信息公开申请" in t.text_content()]
    assert tables, "table 三 not found in the rendered HTML"
    for t in tables:
        t.getparent().remove(t)
    return lxml.html.tostring(root, encoding="utf-8")


def make_mixed_corpus(root: Path):
    """A small labelled synthetic corpus (text/HTML/DOCX) plus one file of each bad kind."""
    sc = generate_corpus(root, n_reports=14, agencies=5, years=range(2019, 2025), formats=("text", "html", "docx"), seed=7)
    bad = root / "bad"
    bad.mkdir()
    (root / "bad/empty.txt").write_bytes(b"")
    (root / "bad/random.pdf").write_bytes(np.random.default_rng(0).bytes(4096).replace(b"%PDF", b"xxxx"))
    docx = next(p for p in sc.paths if p.suffix == ".docx").read_bytes()
    (root / "bad/truncated.docx").write_bytes(docx[: len(docx) // 2])
    pdf = (ROOT / "data/raw/huaian-city-2024.pdf").read_bytes()
    (root / "bad/truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (root / "bad/not-a-report.html").write_text(
        "<html><head><title>关于开展春季植树活动的通知</title></head><body><p>各单位：请于三月十二日参加植树。</p></body></html>",
        encoding="utf-8")
    (root / "bad/missing-table-3.html").write_bytes(_without_table_3(report_spec(3, agency="青川市民政局", year=2022)))
    (root / "notes.md").write_text("not a report suffix: skipped by discovery", encoding="utf-8")
    return sc


def assert_matches_truth(data: pd.DataFrame, truth: pd.DataFrame) -> None:
    m = truth.merge(data, on=["source_file", "table", "row", "column"], how="outer", indicator=True, suffixes=("_true", "_got"))
    assert (m["_merge"] == "both").all(), m.loc[m["_merge"] != "both", ["source_file", "table", "row", "column", "_merge"]]
    want, got = m["value_true"].astype(float), m["value_got"].astype(float)
    same = (want == got) | (want.isna() & got.isna())
    assert same.all(), m.loc[~same, ["source_file", "row", "column", "raw_true", "raw_got"]]
