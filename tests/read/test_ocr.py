"""OCR of scans and photographs (toolkit.read.formats.ocr): a synthetic report printed by
LibreOffice, rasterised, turned by about a degree and a half, put on grey paper with
noise, then read back through the same grid/stitch path as text PDFs.

The scans are made here (session fixture, cached in a tmp folder), not committed.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib

import numpy as np
import pandas as pd
import pytest

from toolkit import limits, read_report, validate
from toolkit.errors import CorruptFileError, LimitExceededError, ToolkitError
from toolkit.read.formats import ocr
from toolkit.read.formats.soffice import executable
from toolkit.synthetic.render.docx import render_docx
from toolkit.synthetic.render.pdf import docx_to_pdf
from toolkit.synthetic.render.scan import degrade, image_pdf, pdf_pages, png, tilt
from toolkit.synthetic.values import report_spec

needs_soffice = pytest.mark.skipif(executable() is None, reason="LibreOffice (soffice) not installed; `make test` installs it")

ANGLES = (0.9, -1.3, 1.4)  # degrees per page: under 1.5°, both directions
KEY = ["table", "row", "column"]


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """A filled report (generated layout: table 三 starts on the page of table 二) as a text PDF."""
    pytest.importorskip("rapidocr_onnxruntime")
    if executable() is None:
        pytest.skip("LibreOffice (soffice) not installed; `make test` installs it")
    spec = report_spec(11, activity=40.0)
    pdf = docx_to_pdf([render_docx(spec, None, 11, official=False)])[0]
    return spec, pdf, tmp_path_factory.mktemp("scans")


def _scan(printed, dpi: int):
    spec, pdf, folder = printed
    path = folder / f"scan-{dpi}.pdf"
    if not path.exists():
        pages = [degrade(p, angle=a, seed=i) for i, (p, a) in enumerate(zip(pdf_pages(pdf, dpi), ANGLES))]
        path.write_bytes(image_pdf(pages, dpi))
    return spec, path


@pytest.fixture(scope="session")
def photo(printed):
    """Page 1 as a photograph (PNG, 200 dpi, turned 1.2°): table 二 and the top of table 三."""
    spec, pdf, folder = printed
    path = folder / "page1.png"
    if not path.exists():
        path.write_bytes(png(degrade(pdf_pages(pdf, 200)[0], angle=1.2, paper=200, noise=14.0, seed=7)))
    return spec, path


def _compare(spec, report) -> pd.DataFrame:
    got = report.data.astype({"table": str, "row": str, "column": str})
    merged = spec.cells.merge(got, on=KEY, how="left", suffixes=("_true", "_got"), indicator=True)
    return merged


def _assert_exact(merged: pd.DataFrame) -> None:
    want = merged["value_true"].astype(float)
    have = merged["value_got"].astype("Float64").astype(float)
    same = (want == have) | (want.isna() & have.isna())
    assert same.all(), merged.loc[~same, ["table", "row", "column", "raw_true", "raw_got", "confidence", "location"]]


@pytest.mark.slow
@pytest.mark.parametrize("dpi", [150, 300])
def test_scanned_pdf_reads_every_cell_exactly(printed, dpi):
    spec, path = _scan(printed, dpi)
    report = read_report(path)
    merged = _compare(spec, report)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", KEY]
    _assert_exact(merged)
    assert len(report.data) == len(spec.cells)
    assert report.meta["agency"] == spec.agency and report.meta["year"] == spec.year
    assert report.data["method"].eq("ocr").all()
    conf = report.data["confidence"].dropna()
    assert len(conf) > 0.6 * len(report.data) and conf.between(0, 1).all()
    assert report.data["location"].str.fullmatch(r"table \d+, row \d+, col \d+, page \d+").all()
    assert not report.issues["code"].isin(["table_missing", "row_missing", "cell_missing", "ocr_unreadable"]).any()


def test_source_image_of_a_scanned_cell_shows_its_printed_number(printed):
    """Report.source_image on a scan: the page region, its box around the cell, read back by OCR as printed."""
    spec, path = _scan(printed, 150)
    report = read_report(path)
    cell = report.data.query("table == 'requests' and row == 'new_received' and column == 'natural_person'").iloc[0]
    img = report.source_image("requests", "new_received", "natural_person")
    assert _boxed_digits(img, path) == cell["raw"]


def _boxed_digits(img, path) -> str:
    """The digits OCR reads inside the red box of a cell's page picture."""
    px = np.asarray(img.convert("RGB")).astype(int)
    ys, xs = np.nonzero(np.abs(px - np.array([213, 94, 0])).sum(axis=2) < 60)
    assert len(xs)
    # The box, a little grown (the scan is turned up to 1.5°, the box is the deskewed cell's).
    x0, y0, x1, y1 = max(0, xs.min() - 10), max(0, ys.min() - 10), xs.max() + 10, ys.max() + 10
    page = ocr.read_picture(px[y0:y1, x0:x1].astype(np.uint8), str(path), points_per_pixel=1.0)
    return "".join(c.text for c in sorted(page.chars, key=lambda c: (c.y0 // 20, c.x0)) if c.text.isdigit())


def _tiff(pages: list[np.ndarray], dpi: int) -> bytes:
    """A multi-page TIFF scan (the reader takes no resolution from it: only the text height tells)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    images = [Image.fromarray(p) for p in pages]
    images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi))
    return buf.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("dpi,kind", [(150, "tiff"), (120, "tiff"), (120, "pdf")])
def test_low_resolution_scans_are_enlarged_and_read(printed, dpi, kind):
    """Scans below 200 dpi are enlarged before detection: a PDF page is rendered at 200 dpi, a picture
    whose text lines are low is scaled up by their height. At least 99 % of the cells exact, and
    every cell returned is right or flagged (low confidence, unreadable). Read as it was, the 120-dpi
    TIFF misread a table 四 header and was refused whole."""
    spec, pdf, folder = printed
    path = folder / f"scan-{dpi}.{kind}"
    if kind == "pdf":
        _, path = _scan(printed, dpi)
    elif not path.exists():
        path.write_bytes(_tiff([degrade(p, angle=a, seed=i) for i, (p, a) in enumerate(zip(pdf_pages(pdf, dpi), ANGLES))], dpi))
    report = read_report(path)
    merged = _compare(spec, report)
    want = merged["value_true"].astype(float)
    have = merged["value_got"].astype("Float64").astype(float)
    right = (want == have) | (want.isna() & have.isna())
    assert right.mean() >= 0.99, merged.loc[~right, ["table", "row", "column", "raw_true", "raw_got", "confidence"]]
    flagged = (merged["confidence"].astype(float) < ocr.LOW_CONFIDENCE) | (merged["status"].astype(str) == "invalid")
    wrong = (merged["_merge"] == "both") & ~right & ~flagged
    assert not wrong.any(), merged.loc[wrong, ["table", "row", "column", "raw_true", "raw_got", "confidence"]]


def _crop_at(pdf: bytes, dpi: int, page: int, text: str, below: bool) -> np.ndarray:
    """The part of a printed page above (or from) the line holding ``text``, scanned at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        found = doc[page].get_textpage().search(text).get_next()
        top = doc[page].get_size()[1] - doc[page].get_textpage().get_charbox(found[0])[3]
    finally:
        doc.close()
    picture = pdf_pages(pdf, dpi)[page]
    cut = int((top - 4) * dpi / 72)
    return degrade(picture[cut:] if below else picture[:cut], angle=0.8, seed=5)


def _parse(path, out, capsys) -> tuple[int, str]:
    from toolkit.cli import main

    code = main(["parse", str(path), "-o", str(out), "--workers", "1", "--no-progress"])
    return code, capsys.readouterr().err


@pytest.mark.slow
def test_low_resolution_page_of_table_three_is_read_and_written(printed, tmp_path, capsys):
    """One page, 130 dpi: the top of table 三 only (its header and first rows). Its rows are read
    exactly and written; the rest of the report is listed missing."""
    spec, pdf, _ = printed
    path = tmp_path / "page.pdf"
    path.write_bytes(image_pdf([_crop_at(pdf, 130, 0, "三、收到", below=True)], 130))
    out = tmp_path / "out.csv"
    code, err = _parse(path, out, capsys)
    assert code == 0 and "1 parsed, 0 failed" in err, err
    cells = pd.read_csv(out, encoding="utf-8-sig", dtype={"raw": str}, keep_default_na=False)
    assert set(cells["table"]) == {"requests"} and len(cells) >= 7 * 6
    truth = spec.cells.set_index(KEY)["value"]
    got = cells.set_index(KEY)["value"].replace("", np.nan).astype(float)
    assert (got == truth.reindex(got.index).astype(float)).all()


@pytest.mark.slow
@pytest.mark.parametrize("which", ["paragraph", "table-continued"])
def test_scanned_page_without_a_report_table_is_a_failed_file(printed, tmp_path, capsys, which):
    """A one-page scan showing no report table is a failed file, one line naming it (exit 1); the
    output file is still written, a header only: never "1 parsed" with nothing written."""
    _, pdf, _ = printed
    if which == "paragraph":  # the title and section 一 of page 1, no table
        picture = _crop_at(pdf, 150, 0, "二、主动", below=False)
    else:  # page 2 at 130 dpi: rows of table 三 without its header, which no column can be read from
        picture = degrade(pdf_pages(pdf, 130)[1], angle=-1.3, seed=1)
    path = tmp_path / "page.pdf"
    path.write_bytes(image_pdf([picture], 130 if which != "paragraph" else 150))
    out = tmp_path / "out.csv"
    code, err = _parse(path, out, capsys)
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert code == 1 and lines == [f"error: {path}: scanned page: OCR found no report table"], err
    assert "0 parsed, 1 failed" in err
    cells = pd.read_csv(out, encoding="utf-8-sig")
    assert len(cells) == 0 and {"table", "row", "column", "value", "raw"} <= set(cells.columns)


def test_photo_of_one_page_gives_its_cells_and_reports_the_rest_missing(photo):
    spec, path = photo
    report = read_report(path)
    assert report.meta["format"] == "image"
    merged = _compare(spec, report)
    shown = merged[merged["_merge"] == "both"]
    _assert_exact(shown)  # every cell on the picture, exactly
    tables = set(shown["table"])
    assert "proactive" in tables and "requests" in tables
    assert (merged.loc[merged["table"] == "proactive", "_merge"] == "both").all()
    # The rest is reported missing, row by row (table 三's lower rows) or whole (table 四).
    issues = report.issues
    assert "review_litigation" in set(issues.loc[issues["code"] == "table_missing", "table"])
    unseen = merged[merged["_merge"] != "both"]
    assert len(unseen) > 0
    said = " ".join(issues.loc[issues["code"].isin(["row_missing", "cell_missing"]), "message"])
    for table, row in unseen.loc[unseen["table"] == "requests", ["table", "row"]].drop_duplicates().itertuples(index=False):
        assert f"{table}/{row}:" in said, (table, row)
    assert not issues["message"].str.contains("review_litigation/").any()  # a table not shown is one issue, not 30


def test_photo_is_written_by_toolkit_parse(photo, tmp_path):
    from toolkit.cli import main

    spec, path = photo
    out = tmp_path / "cells.csv"
    assert main(["parse", str(path), "-o", str(out), "--workers", "1", "-q"]) == 0
    cells = pd.read_csv(out, encoding="utf-8-sig")
    assert set(cells["method"]) == {"ocr"} and len(cells) > 40
    assert cells["confidence"].dropna().between(0, 1).all()


@pytest.mark.parametrize("keystone", [0.03, 0.06, 0.10])
def test_photo_taken_at_an_angle_is_straightened_and_read_exactly(photo, printed, keystone, tmp_path):
    """A phone photo of page 1 with the top edge narrower (up to a tenth on each side) and turned:
    the table frame's perspective is undone, and every cell of the straight photo is read, exactly."""
    spec, straight = photo
    _, pdf, _ = printed
    picture = degrade(tilt(pdf_pages(pdf, 200)[0], keystone), angle=1.2, paper=200, noise=14.0, seed=7)
    assert ocr.rectify(picture)[1]  # seen as taken at an angle
    path = tmp_path / f"tilted-{keystone}.png"
    path.write_bytes(png(picture))
    merged = _compare(spec, read_report(path))
    shown = merged[merged["_merge"] == "both"]
    _assert_exact(shown)
    expected = _compare(spec, read_report(straight))
    assert len(shown) == (expected["_merge"] == "both").sum() > 40  # the same cells as the straight photo


def test_scans_and_straight_photos_are_not_warped(photo, printed):
    """Only a frame whose opposite sides differ is straightened: a turned scan is left to deskew."""
    spec, pdf, _ = printed
    for i, page in enumerate(pdf_pages(pdf, 150)):
        picture = degrade(page, angle=ANGLES[i], seed=i)
        assert not ocr.rectify(picture)[1]
    from PIL import Image

    assert not ocr.rectify(np.asarray(Image.open(photo[1])))[1]


def test_failing_identity_on_ocr_cells_names_them_against_the_scan(photo):
    """A misread digit (here: one value changed after reading) gives "check these cells against the scan", not a split-cell hint."""
    _, path = photo
    data = read_report(path).data.copy()
    at = data.index[(data["table"] == "requests") & (data["row"] == "new_received") & (data["column"] == "natural_person")][0]
    data.loc[at, "value"] = data.loc[at, "value"] + 1
    found = validate(data)
    hard = found[found["rule"].isin(["H1", "H2", "H3"])]
    assert len(hard), found
    hints = hard["hint"].dropna()
    assert len(hints) and hints.str.contains("check these cells against the scan").all()
    assert hints.str.contains("natural person|自然人", case=False).any()
    assert not hints.str.contains("split cell").any()


def test_text_reports_say_method_text_without_confidence():
    data = read_report("data/raw/ninghe-kejiju-2023.txt").data
    assert data["method"].eq("text").all() and data["confidence"].isna().all()
    assert str(data["confidence"].dtype) == "Float64"


def test_deskew_finds_the_angle_from_the_rules(printed):
    _, pdf, _ = printed
    page = pdf_pages(pdf, 150)[1]
    for angle in (1.3, -0.7):
        found = ocr.skew_angle(ocr.binarise(degrade(page, angle=angle, seed=3)))
        assert abs(found + angle) < 0.1, (angle, found)  # straightening turns the other way


# --- bad pictures: one line, never a traceback ----------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_in_one_line(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header(100_000, 100_000))  # 10 G pixels announced in 70 bytes
    with pytest.raises(LimitExceededError) as err:
        read_report(path)
    message = str(err.value)
    assert "\n" not in message and "bomb.png" in message and "pixel" in message


def test_pixel_limit_is_configurable(tmp_path):
    path = tmp_path / "small.png"
    path.write_bytes(png(np.full((200, 300), 255, np.uint8)))
    with limits.configured(max_image_pixels=10_000), pytest.raises(LimitExceededError, match="300×200 pixels is over the 10000-pixel limit"):
        read_report(path)


def test_pillow_complaints_are_notes_not_stderr(photo, tmp_path):
    """A photo with corrupt EXIF metadata is read; what Pillow says of it is a note in issues,
    never a warning printed on stderr (a blank picture with it is refused in one line)."""
    import io
    import warnings

    from PIL import Image

    from toolkit.errors import NotAReportError

    corrupt_exif = b"II*\x00\x08\x00\x00\x00"  # a TIFF header pointing at an IFD that is not there
    spec, straight = photo
    path, blank = tmp_path / "photo-bad-exif.png", tmp_path / "blank-bad-exif.png"
    for source, target in ((Image.open(straight), path), (Image.new("L", (80, 60), 255), blank)):
        buf = io.BytesIO()
        source.save(buf, format="PNG", exif=corrupt_exif)
        target.write_bytes(buf.getvalue())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = read_report(path)
        with pytest.raises(NotAReportError):
            read_report(blank)
    assert not [w for w in caught if "EXIF" in str(w.message)]
    notes = report.issues.loc[report.issues["code"] == "note", "message"]
    assert notes.str.contains("picture: Corrupt EXIF data").any()
    _assert_exact(_compare(spec, report).query("_merge == 'both'"))


def test_broken_picture_is_one_line(tmp_path):
    path = tmp_path / "cut.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 10)
    with pytest.raises(CorruptFileError) as err:
        read_report(path)
    assert "\n" not in str(err.value) and "cut.jpg" in str(err.value)


def test_missing_ocr_package_says_how_to_install(monkeypatch, tmp_path):
    from toolkit.read.formats.ocr import models

    # The import fails as it does where the package is not installed (None in sys.modules).
    monkeypatch.setitem(__import__("sys").modules, "rapidocr_onnxruntime", None)
    monkeypatch.setattr(models, "_engine", None)
    path = tmp_path / "scan.png"
    path.write_bytes(png(np.full((300, 200), 255, np.uint8)))
    with pytest.raises(ToolkitError) as err:
        read_report(path)
    assert "pip install 'rapidocr-onnxruntime==1.4.4'" in str(err.value) and "scan.png" in str(err.value)


def test_folder_reads_pick_up_pictures(tmp_path):
    from toolkit.corpus.files import discover

    for name in ("a.png", "b.JPG", "c.jpeg", "d.tif", "e.tiff", "f.gif"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in discover(tmp_path)] == ["a.png", "b.JPG", "c.jpeg", "d.tif", "e.tiff"]


def test_source_image_of_a_photographed_cell_shows_its_printed_number(photo, tmp_path):
    """A photograph (turned 1.2°) has a page picture too: straightened as it was read, the cell boxed,
    and the boxed number read back by OCR as printed; `toolkit show` writes it."""
    spec, path = photo
    report = read_report(path)
    cell = report.data.query("table == 'requests' and row == 'new_received' and column == 'natural_person'").iloc[0]
    img = report.source_image("requests", "new_received", "natural_person")
    assert _boxed_digits(img, path) == cell["raw"]
    out = tmp_path / "cell.png"
    proc = subprocess.run([sys.executable, "-m", "toolkit.cli", "show", str(path), "--cell",
                           "requests/new_received/natural_person", "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    with Image.open(out) as shown:
        assert shown.size == img.size  # the page region, not the printed row drawn as a table
