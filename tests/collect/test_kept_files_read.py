"""Every file the collector keeps is one the reader reads, under the same format name.

Both use one sniffer (``toolkit/read/formats/detect.py``). The check runs the
collector's own decision (``collect/keep.py``: keep or refuse, and the name a
kept file is saved under) on real report files and on the bytes government
sites really serve (HTML behind a ``.pdf`` URL, a DOCX named ``.doc``, an
attachment URL without a suffix, a spreadsheet, a byte-order mark, junk before
``%PDF-``), then sniffs the saved file as the reader does.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from PIL import Image

from toolkit.collect.keep import content_of, file_name
from toolkit.errors import ToolkitError, UnknownFormatError
from toolkit.fields import fields
from toolkit.read.formats import READERS
from toolkit.read.formats.detect import SUFFIXES, sniff

from . import site as mock

ROOT = mock.ROOT
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The names a site serves a file under: its own, a lying suffix, a script without one, the OLE suffixes.
URL_NAMES = ("{own}", "report.pdf", "download.jsp?id=7", "get", "a.doc", "a.wps", "a.xls", "a.htm", "a.jpeg", "a.txt")


def _picture(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, fmt)
    return buf.getvalue()


def _xlsx() -> bytes:
    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    return buf.getvalue()


def _samples(doc_file) -> dict[str, bytes]:
    real = [*sorted((ROOT / "data" / "raw").iterdir()), *sorted((ROOT / "tests" / "fixtures").glob("*.*")),
            ROOT / "toolkit" / "data" / "template-2021-blank.docx",
            *sorted((ROOT / "data" / "synthetic" / "reports" / "2023").iterdir())[:12]]
    if doc_file is not None:
        real.append(doc_file)
    out = {p.name: p.read_bytes() for p in real if p.is_file()}
    out.update({
        "scan.png": _picture("PNG"), "photo.jpg": _picture("JPEG"), "scan.tif": _picture("TIFF"),
        "book.xlsx": _xlsx(), "archive.zip": _zip(), "cut.docx": (ROOT / "toolkit/data/template-2021-blank.docx").read_bytes()[:300],
        "bom.html": b"\xef\xbb\xbf<!DOCTYPE html><html><body>404</body></html>",
        "junk.pdf": b"\r\n\r\n%PDF-1.4\n" + bytes(200), "ole.bin": OLE + bytes(600),
        "gbk.txt": "一、总体情况".encode("gbk"), "empty.txt": b"", "binary.bin": bytes(range(256)) * 4,
    })
    return out


def test_every_file_the_collector_keeps_is_read_under_the_same_format(doc_file, tmp_path):
    samples = _samples(doc_file)
    kept_formats, refusals = set(), 0
    for i, (own, data) in enumerate(samples.items()):
        body = tmp_path / f"body-{i}"
        body.write_bytes(data)
        for name in URL_NAMES:
            url = "http://127.0.0.1:8000/xxgk/" + name.format(own=own)
            for kind in ("report", "attachment"):
                fmt, why = content_of(body, url, kind)
                if not fmt:
                    assert why, (url, kind)
                    refusals += 1
                    continue
                assert fmt in READERS, (url, fmt)
                saved = tmp_path / "col" / file_name(body, fmt, url)
                saved.parent.mkdir(parents=True, exist_ok=True)
                saved.write_bytes(data)
                assert saved.suffix.lower() in SUFFIXES[fmt], (url, saved.name)
                assert sniff(saved.read_bytes(), str(saved)) == fmt, (url, kind, saved.name)
                kept_formats.add(fmt)
    assert kept_formats == set(READERS)  # the check covered every format a reader reads
    assert refusals > 0


@pytest.mark.parametrize("name, data", [("book.xlsx", "xlsx"), ("a.xls", OLE + bytes(600)),
                                        ("archive.zip", "zip"), ("binary.bin", bytes(range(256)) * 4)])
def test_what_the_collector_refuses_the_reader_refuses_too(tmp_path, name, data):
    data = {"xlsx": _xlsx, "zip": _zip}[data]() if isinstance(data, str) else data
    body = tmp_path / "body"
    body.write_bytes(data)
    fmt, why = content_of(body, f"http://127.0.0.1:8000/{name}", "report")
    assert fmt == "" and ("no reader" in why or "unknown format" in why), why
    with pytest.raises(UnknownFormatError) as err:
        sniff(data, name)
    assert err.value.problem == why and isinstance(err.value, ToolkitError)


def test_the_readers_the_sniffer_and_the_field_dictionary_name_the_same_formats():
    assert set(SUFFIXES) == set(READERS)
    for frame in ("cells", "files"):
        meaning = next(f["meaning"] for f in fields(frame) if f["name"] == "format")
        assert set(meaning.split(":")[0].split(" | ")) == set(READERS), (frame, meaning)
