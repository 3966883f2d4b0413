"""Split the narrative into the six fixed sections (一 … 六) by their headings.

Headings are matched by the codebook's section patterns, numbering optional
(``二、`` / ``2、`` / ``（二）`` / ``## 二、`` / ``—、``), and must appear in order:
a later paragraph that merely mentions 主动公开 does not reopen section 二.
"""

from __future__ import annotations

import re

from toolkit import codebook as cb
from toolkit.read.normalise import label_key, squash, starts_with_item

_ARTEFACT = re.compile(r"\[bookmark:[^\]]*\]")  # Tika's Word bookmark markers
MAX_HEADING = 40


def heading_of(paragraph: str) -> str | None:
    """The section key a paragraph is the heading of, else None.

    Examples:
        >>> heading_of("2、 主动公开政府信息情况")
        'proactive'
        >>> heading_of("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况")
        'review_litigation'
        >>> heading_of("2019年，通过门户网站主动公开政府信息1000条。") is None
        True
    """
    if len(paragraph) > 3 * MAX_HEADING:  # cheap test first: most paragraphs are long
        return None
    s = squash(paragraph)
    if len(s) > MAX_HEADING or not (starts_with_item(s.lstrip("#")) or len(s) <= 20):
        return None
    return cb.match("report", "section", label_key(s))


def clean(paragraph: str) -> str:
    return _ARTEFACT.sub("", paragraph).strip()


def split_sections(paragraphs: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return ({section key: text}, preamble paragraphs before the first heading)."""
    order = cb.keys("report", "section")
    current: int = -1
    parts: dict[str, list[str]] = {}
    preamble: list[str] = []
    for p in paragraphs:
        p = clean(p)
        if not p:
            continue
        key = heading_of(p)
        if key is not None and order.index(key) > current:
            current = order.index(key)
            parts[key] = []
            continue
        if current < 0:
            preamble.append(p)
        else:
            parts[order[current]].append(p)
    return {k: "\n".join(v) for k, v in parts.items()}, preamble
