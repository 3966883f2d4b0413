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
    """The hostile-input suite of issue 7, written into ``tmp_dir``."""
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
