"""Traditional-script copies (big5 gateways, Taiwan-phrase mirrors) → simplified.

OpenCC ``tw2sp`` converts characters *and* reverses Taiwan phrasing, which the
mirrors apply (``规范性文件`` → ``規範性檔案``); plain t2s would leave ``档案``
and the row would not match (SPEC §6.3).
"""

from __future__ import annotations

from functools import cache

from .document import Document, Table

SAMPLE_CHARS = 4000
TRADITIONAL_SHARE = 0.02  # share of characters changed by conversion that marks a traditional text


@cache
def _converter():
    import opencc

    return opencc.OpenCC("tw2sp")


def is_traditional(text: str) -> bool:
    """Whether a text is written in traditional characters.

    Examples:
        >>> is_traditional("政府資訊公開工作年度報告"), is_traditional("政府信息公开工作年度报告")
        (True, False)
    """
    sample = text[:SAMPLE_CHARS]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return False
    converted = _converter().convert(sample)
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    return changed / han > TRADITIONAL_SHARE


def to_simplified(doc: Document) -> Document:
    """Convert a traditional-script document in place (paragraphs and cells)."""
    sample = "".join(b if isinstance(b, str) else "".join(c.text for row in b.rows[:4] for c in row) for b in doc.blocks[:60])
    if not is_traditional(sample):
        return doc
    convert = _converter().convert
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    cell.text = convert(cell.text)
        else:
            doc.blocks[i] = convert(block)
    doc.notes = [convert(n) for n in doc.notes]
    doc.notes.append("traditional script converted to simplified (OpenCC tw2sp)")
    return doc
