"""Text normalisation for matching labels against the codebook.

We never fold Chinese to ASCII (cf. PUDL's normaliser): NFKC turns full-width
digits and brackets and the Kangxi-radical glyphs some PDFs use (⼀⼆⾃⼈) into
ordinary characters while keeping the Han text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The blank characters a cell or label is padded with: ASCII white space, NBSP, the
# ideographic space. Every reader strips these and only these around a cell's text.
BLANKS = " \t\r\n\u00a0\u3000"
# Whitespace a report may contain inside a label (also zero-width space and BOM).
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# Quote marks in every font a Word export may use; labels are matched without them.
_QUOTES = re.compile("[\"'“”‘’「」『』〝〞＂]")
# The grammar of item numbering, on NFKC text (full-width brackets and digits folded):
# 一、 / 一. (han), (一) (paren), 1. / 1、 / 1) (digit), (1) (paren_digit), and the
# em-dash typo for 一 (—、). Sections, tables, the PDF stitcher and the charts all use it.
_NUMBERING_STYLES = (
    ("han", r"([一二三四五六七八九十]+)[、.．]"),
    ("han", r"(—)、"),
    ("paren", r"\(([一二三四五六七八九十]+)\)"),
    ("digit", r"(\d+)[.．、)]"),
    ("paren_digit", r"\((\d+)\)"),
)
_NUMBERING = re.compile("^(?:" + "|".join(f"(?:{p})" for _, p in _NUMBERING_STYLES) + ")")
_NUMBERING_EACH = tuple((style, re.compile("^" + p)) for style, p in _NUMBERING_STYLES)
# Parenthetical instructions some provinces add to labels, e.g. (指2019年事项数).
_INSTRUCTION = re.compile(r"\((?:指|单位|历史|区分|设区|本列)[^)]*\)")


def strip_blanks(text: str) -> str:
    """The text without the blank padding of a cell (:data:`BLANKS`).

    Examples:
        >>> strip_blanks("\u00a0\u00a012\u3000")
        '12'
    """
    return (text or "").strip(BLANKS)


def numbering(text: str) -> tuple[str, str] | None:
    """``(style, number)`` of the item numbering a label starts with, else None.

    Examples:
        >>> numbering("（三）不予公开"), numbering("2.其他"), numbering("四、结转")
        (('paren', '三'), ('digit', '2'), ('han', '四'))
        >>> numbering("本年新收") is None
        True
    """
    s = squash(text)
    for style, pattern in _NUMBERING_EACH:
        m = pattern.match(s)
        if m:
            return style, m.group(1)
    return None


def starts_with_item(text: str) -> bool:
    """Whether a (squashed) label starts with item numbering.

    Examples:
        >>> starts_with_item("(六)其他处理"), starts_with_item("其他处理")
        (True, False)
    """
    return _NUMBERING.match(squash(text)) is not None


def strip_numbering(text: str) -> str:
    """The label without its leading item numbering (stacked numbering included).

    The numbering is recognised on NFKC text, but the rest of the label is
    returned as printed (a chart keeps its full-width punctuation).

    Examples:
        >>> strip_numbering("（一）予以公开"), strip_numbering("三、(一)予以公开，其他")
        ('予以公开', '予以公开，其他')
    """
    s = strip_blanks(text)
    # Numbering can be stacked ("三、(一)予以公开" in flattened text); strip repeatedly.
    for _ in range(3):
        folded = [unicodedata.normalize("NFKC", ch) for ch in s]
        m = _NUMBERING.match("".join(folded))
        if not m:
            break
        # map the end of the match in the folded text back to the printed text
        end, length = 0, 0
        while length < m.end():
            length += len(folded[end])
            end += 1
        s = s[end:].lstrip(BLANKS)
    return s


def nfkc(text: str) -> str:
    """NFKC-normalise and trim the outer whitespace.

    Examples:
        >>> nfkc("　（一）予以公开１２ ")
        '(一)予以公开12'
    """
    return unicodedata.normalize("NFKC", text or "").strip(BLANKS)


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
    return strip_numbering(_INSTRUCTION.sub("", squash(text)))
