"""Hostile and broken report files, generated (nothing hostile is committed).

Each case: file name, bytes, and what must happen — the exception class for a
one-line error, or ``None`` for a safe parse that keeps every good value.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np

from support import RAW
from toolkit import errors
from toolkit.synthetic.render import render
from toolkit.synthetic.values import report_spec

SECRET = "TOP-SECRET-7f3a9c"  # content of a local file an external entity points at


def _docx_with_xml(docx: bytes, edit) -> bytes:
    """Rewrite word/document.xml of a DOCX with ``edit(xml: str) -> str``."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def with_doctype(xml: str, doctype: str, ref: str) -> str:
    """Insert a DOCTYPE and an entity reference in the first text run."""
    xml = re.sub(r"^(<\?xml[^>]*\?>)", lambda m: m.group(1) + doctype, xml, count=1)
    return xml.replace("</w:t>", ref + "</w:t>", 1)


def zip_bomb(member_mb: int = 60) -> bytes:
    """A DOCX whose document.xml unpacks from ~60 KB to 60 MB (ratio ~1000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b" " * (1024 * 1024)
            for _ in range(member_mb):
                f.write(chunk)
    return out.getvalue()


def billion_laughs(docx: bytes) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    return _docx_with_xml(docx, lambda x: with_doctype(x, f"<!DOCTYPE w:document [{entities}]>", "&lol9;"))


def external_entity(docx: bytes, secret_path: str) -> bytes:
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
    return _docx_with_xml(docx, lambda x: with_doctype(x, doctype, "&xxe;"))


def big_table_html(html: bytes, rows: int = 20_000) -> bytes:
    junk = "<table>" + "<tr><td>附件</td><td>1</td><td>2</td></tr>" * rows + "</table>"
    return html.replace(b"</body>", junk.encode() + b"</body>")


def cases(tmp_dir) -> list[tuple[str, bytes, type | None]]:
    """The hostile inputs (each must end in one clear error or exact data, never a traceback), written into ``tmp_dir``."""
    rng = np.random.default_rng(7)
    spec = report_spec(5)
    docx = render(spec, "docx")
    html = render(spec, "html")
    pdf = (RAW / "huaian-city-2024.pdf").read_bytes()
    secret = tmp_dir / "secret.txt"
    secret.write_text(SECRET)
    no_table_3 = re.sub(rb"<table(?:(?!</table>).)*?\xe8\x87\xaa\xe7\x84\xb6\xe4\xba\xba.*?</table>", b"", html, count=1, flags=re.S)
    return [
        ("empty.txt", b"", errors.NotAReportError),
        ("random.bin", rng.bytes(64 * 1024), errors.UnknownFormatError),
        ("random-text.txt", bytes(rng.integers(0x80, 0xFF, 4096, dtype=np.uint8)), errors.ToolkitError),
        ("truncated.docx", docx[: len(docx) // 2], errors.CorruptFileError),
        ("truncated.pdf", pdf[: len(pdf) * 2 // 5], errors.ToolkitError),
        ("zip-bomb.docx", zip_bomb(), errors.LimitExceededError),
        ("billion-laughs.docx", billion_laughs(docx), errors.UnsafeInputError),
        ("external-entity.docx", external_entity(docx, str(secret)), errors.UnsafeInputError),
        ("html-saved-as.pdf", html, None),
        ("not-a-report.html", b"<html><body><h1>\xe9\xa6\x96\xe9\xa1\xb5</h1><table><tr><td>a</td><td>1</td></tr></table></body></html>", errors.NotAReportError),
        ("missing-table-3.html", no_table_3, errors.TableMissingError),
        ("big-table.html", big_table_html(html), None),
        ("deep-nesting.html", b"<html><body>" + b"<div>" * 50_000 + b"x" + b"</div>" * 50_000 + b"</body></html>", errors.LimitExceededError),
        ("docx-named.doc", docx, None),
        ("pdf-named.txt", pdf, None),
    ]


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(head: bytes, data: bytes) -> bytes:
    return b"<< " + head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pixel_bomb_pdf(side: int = 40_000) -> bytes:
    """An A4 page with no text: a 300×300-pixel 'scan' two inches wide, and a stamp 0.83 inch wide of
    ``side``×``side`` pixels (1 bit each, all white: a few hundred KB that decode to gigabytes)."""
    import zlib

    pack = zlib.compressobj(9)
    row = b"\xff" * ((side + 7) // 8)
    block = row * max(1, (1 << 20) // len(row))
    rows_per_block = len(block) // len(row)
    stamp = bytearray()
    for start in range(0, side, rows_per_block):
        stamp += pack.compress(block if start + rows_per_block <= side else row * (side - start))
    stamp += pack.flush()
    scan = zlib.compress(b"\x80" * (300 * 300))
    content = b"q 144 0 0 144 72 600 cm /Scan Do Q q 60 0 0 60 400 700 cm /Stamp Do Q"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Scan 5 0 R /Stamp 6 0 R >> >> >>",
        _stream(b"", content),
        _stream(b"/Type /XObject /Subtype /Image /Width 300 /Height 300 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode", scan),
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 1 /Filter /FlateDecode" % (side, side), bytes(stamp)),
    ])
