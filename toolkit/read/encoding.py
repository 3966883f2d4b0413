"""Decode report bytes: strict UTF-8 first, then a declared charset, then GB18030.

``charset-normalizer`` misreads short GBK text, and government CMS pages often
declare a charset they do not use, so we try the strict decoders in this order
and never guess.
"""

from __future__ import annotations

import codecs
import re

from toolkit.errors import EncodingError

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK are subsets of GB18030: decode with the superset.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def declared_charset(data: bytes) -> str | None:
    """The charset named in an HTML ``<meta>`` tag near the top, if any.

    Examples:
        >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
        'gb18030'
    """
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def utf8_or_gb18030(data: bytes) -> str | None:
    """Strict UTF-8 (a BOM dropped), else GB18030, else None: what Chinese government files and headers use,
    never a guess (a registry saved by Excel on Chinese Windows, a GBK file name in a header).

    Examples:
        >>> utf8_or_gb18030("洪泽区".encode("gbk")), utf8_or_gb18030(codecs.BOM_UTF8 + "区".encode())
        ('洪泽区', '区')
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding) or raise :class:`EncodingError`.

    Examples:
        >>> decode("年度报告".encode("gbk"), "x.html")
        ('年度报告', 'gb18030')
        >>> decode(b"\\xef\\xbb\\xbf2023", "x.txt")
        ('2023', 'utf-8')
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    candidates = ["utf-8"]
    declared = declared_charset(data)
    if declared and declared not in candidates:
        candidates.append(declared)
    if "gb18030" not in candidates:
        candidates.append("gb18030")
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise EncodingError(path, "unreadable encoding: not UTF-8, GB18030 or the declared charset")
