"""Bad input: one clear line naming the file and the problem, never a traceback."""

from __future__ import annotations

import pytest
from support import RAW, TEMPLATE

from toolkit import ToolkitError, read_report
from toolkit.errors import EncodingError, NotAReportError, TableMissingError, UnknownFormatError
from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.values import report_spec

NOT_A_REPORT = """<html><head><meta charset="utf-8"><title>政务公开</title></head><body>
<table><tr><td>姓名</td><td>电话</td></tr><tr><td>张三</td><td>123</td></tr></table>
<p>欢迎访问本网站。</p></body></html>""".encode()


def _without_table(html: bytes, marker: str) -> bytes:
    """Drop the table whose text contains ``marker``."""
    import re

    text = html.decode()
    tables = re.findall(r"<table.*?</table>", text, flags=re.S)
    victim = next(t for t in tables if marker in t)
    return text.replace(victim, "").encode()


CASES = [
    ("empty.txt", b"", NotAReportError, "empty file"),
    ("blank.txt", b"  \n\n  ", NotAReportError, "empty file"),
    ("zip.docx", b"PK\x03\x04garbage", ToolkitError, "ZIP"),
    ("binary.bin", bytes(range(256)) * 4, UnknownFormatError, "unknown format"),
    ("page.html", NOT_A_REPORT, NotAReportError, "not an annual report"),
    ("mixed.txt", "政府信息公开".encode("gbk") + b"\xff\xff\x80", EncodingError, "unreadable encoding"),
]


@pytest.mark.parametrize("name,content,error,words", CASES, ids=[c[0] for c in CASES])
def test_bad_file_gets_one_line_error(tmp_path, name, content, error, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_report(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and words in message


def test_missing_table_is_named(tmp_path):
    html = _without_table(render_html(report_spec(4)), "自然人")
    path = tmp_path / "no-table-3.html"
    path.write_bytes(html)
    with pytest.raises(TableMissingError, match=r"table 三 \(requests\) not found"):
        read_report(path)
    partial = read_report(path, partial=True)
    assert set(partial.data["table"].astype(str)) == {"proactive", "review_litigation"}
    assert (partial.issues["code"] == "table_missing").sum() == 1


def test_blank_template_is_empty_not_zero():
    # The official blank template (all value cells empty) must come out missing, never 0.
    report = read_report(TEMPLATE)
    assert len(report.data) == 200
    assert report.data["value"].isna().all()
    assert set(report.data["status"]) == {"blank"}


def test_dataframe_instead_of_path_is_explained():
    with pytest.raises(TypeError, match="you passed a DataFrame"):
        read_report(read_report(RAW / "ninghe-kejiju-2023.txt").data)


def test_wrong_extension_is_noted(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes((RAW / "shanghai-gov-office-2019.html").read_bytes())
    report = read_report(path)
    assert len(report.data) == 198
    assert report.issues["message"].str.contains("content is html although the file is named .pdf").any()


def test_traditional_script_copy_reads_like_the_original(tmp_path):
    # Mirrors re-host reports in traditional script with Taiwan phrasing (规范性文件 → 規範性檔案).
    import opencc

    spec = report_spec(11, agency="示例市生态环境局", year=2020, templates="2019")
    page = render_html(spec).decode()
    traditional = opencc.OpenCC("s2twp").convert(page)
    assert "規範性檔案" in traditional
    path = tmp_path / "big5-mirror.html"
    path.write_text(traditional, encoding="utf-8")
    report = read_report(path)
    got = report.data.astype({"table": str, "row": str, "column": str}).set_index(["table", "row", "column"])["value"]
    want = spec.cells.set_index(["table", "row", "column"])["value"]
    assert (got.reindex(want.index).astype(float) == want).all()
    assert report.meta["agency"] == "示例市生态环境局"
    assert report.issues["message"].str.contains("traditional script").any()
