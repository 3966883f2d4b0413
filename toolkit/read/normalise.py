"""Text normalisation for matching labels against the codebook.

We never fold Chinese to ASCII (cf. PUDL's normaliser): NFKC turns full-width
digits and brackets and the Kangxi-radical glyphs some PDFs use (⼀⼆⾃⼈) into
ordinary characters while keeping the Han text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Whitespace a report may contain inside a label, including U+00A0 and U+3000.
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# Quote marks in every font a Word export may use; labels are matched without them.
_QUOTES = re.compile("[\"'“”‘’「」『』〝〞＂]")
# Leading item numbering: 一、 / (一) / 1. / 1、 / 1) and the em-dash typo for 一 (—、).
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|—、|\([一二三四五六七八九十]+\)|\d+[.．、)]|\(\d+\))"
)
# Parenthetical instructions some provinces add to labels, e.g. (指2019年事项数).
_INSTRUCTION = re.compile(r"\((?:指|单位|历史|区分|设区|本列)[^)]*\)")


def nfkc(text: str) -> str:
    """NFKC-normalise and trim the outer whitespace.

    Examples:
        >>> nfkc("　（一）予以公开１２ ")
        '(一)予以公开12'
    """
    return unicodedata.normalize("NFKC", text or "").strip(" \t\r\n\u00a0\u3000")


def squash(text: str) -> str:
    """NFKC, then remove all whitespace and quote marks.

    Examples:
        >>> squash("商业\\n企业 ")
        '商业企业'
        >>> squash("3.危及“三安全一稳定”")
        '3.危及三安全一稳定'
    """
    return _QUOTES.sub("", _SPACE.sub("", unicodedata.normalize("NFKC", text or "")))


@lru_cache(maxsize=65536)  # labels repeat across a corpus: normalise each once
def label_key(text: str) -> str:
    """Normalise a label for codebook matching: squash, drop numbering and instructions.

    Examples:
        >>> label_key("（三）不予公开")
        '不予公开'
        >>> label_key("1、申请人无正当理由逾期不补正")
        '申请人无正当理由逾期不补正'
        >>> label_key("上一年项目数量(指2019年事项数)")
        '上一年项目数量'
    """
    s = squash(text)
    s = _INSTRUCTION.sub("", s)
    # Numbering can be stacked ("三、(一)予以公开" in flattened text); strip repeatedly.
    for _ in range(3):
        stripped = _NUMBERING.sub("", s)
        if stripped == s:
            break
        s = stripped
    return s
