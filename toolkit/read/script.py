"""Traditional-script copies (big5 gateways, Taiwan-phrase mirrors) → simplified.

OpenCC ``tw2sp`` converts characters *and* reverses Taiwan phrasing, which the
mirrors apply (``规范性文件`` → ``規範性檔案``); plain t2s would leave ``档案``
and the row would not match (docs/format.md §6.3).
"""

from __future__ import annotations

import re
from functools import cache

from toolkit.read.document import Document, Table

SAMPLE_CHARS = 2000
TRADITIONAL_SHARE = 0.02  # share of characters changed by conversion that marks a traditional text


@cache
def converter():
    import opencc

    return opencc.OpenCC("tw2sp")


_HAN = re.compile("[\u4e00-\u9fff]")


@cache
def traditional_chars() -> re.Pattern[str]:
    """A character class of the Han characters that exist only in traditional script."""
    import opencc

    han = "".join(chr(c) for c in range(0x4E00, 0xA000))
    simplified = opencc.OpenCC("t2s").convert(han)
    return re.compile("[" + "".join(a for a, b in zip(han, simplified) if a != b) + "]")


def is_traditional(text: str) -> bool:
    """Whether a text is written in traditional characters.

    Examples:
        >>> is_traditional("政府資訊公開工作年度報告"), is_traditional("政府信息公开工作年度报告")
        (True, False)
    """
    sample = text[:SAMPLE_CHARS]
    traditional = len(traditional_chars().findall(sample))
    if not traditional:  # nearly every report: no traditional-only character, and no Han count needed
        return False
    han = len(sample) - len(_HAN.sub("", sample))  # counted without a list of every Han character
    return traditional / han > TRADITIONAL_SHARE


def to_simplified(doc: Document) -> Document:
    """Convert a traditional-script document in place (paragraphs and cells)."""
    sample = "".join(b if isinstance(b, str) else "".join(c.text for row in b.rows[:4] for c in row) for b in doc.blocks[:60])
    if not is_traditional(sample):
        return doc
    convert = converter().convert
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    cell.text = convert(cell.text)
        else:
            doc.blocks[i] = convert(block)
    doc.notes = [convert(n) for n in doc.notes]
    doc.title = convert(doc.title) if doc.title else doc.title
    doc.notes.append("traditional script converted to simplified (OpenCC tw2sp)")
    return doc
