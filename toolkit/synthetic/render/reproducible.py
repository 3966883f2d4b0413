"""Byte-reproducible renders: fixed timestamps in DOCX archives and PDF metadata.

Rendering the same specs twice must give the same bytes, so that rebuilding the
committed demo panel leaves ``git status`` clean. The only time-dependent parts
are the ZIP members' modification times of a DOCX and the ``/CreationDate``,
``/ModDate`` and ``/ID`` that LibreOffice writes into a PDF. They are set from
``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/)
when it is set, else from a fixed date.

Examples:
    >>> build_time().isoformat()
    '2024-01-01T00:00:00+00:00'
    >>> fix_pdf(b"%PDF-1.7 /CreationDate(D:20261202000826Z') /ID [ <61BA><61BA> ]")
    b"%PDF-1.7 /CreationDate(D:20240101000000Z') /ID [ <03B6><03B6> ]"
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from datetime import UTC, datetime

DEFAULT_EPOCH = 1704067200  # 2024-01-01T00:00:00Z: any fixed date will do; this one is inside the panel's years


def build_time() -> datetime:
    """The timestamp written into rendered files: ``$SOURCE_DATE_EPOCH``, else :data:`DEFAULT_EPOCH` (UTC)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        epoch = int(raw) if raw else DEFAULT_EPOCH
    except ValueError:
        raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {raw!r}") from None
    return datetime.fromtimestamp(max(epoch, 315532800), UTC)  # ZIP cannot store dates before 1980


def zip_info(name: str, compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A ZIP member header with the build time (``ZipFile.writestr(name, …)`` would stamp the current time)."""
    info = zipfile.ZipInfo(name, date_time=build_time().timetuple()[:6])
    info.compress_type = compress_type
    info.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else (0o644 << 16)
    return info


_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:\d{14})([^)]*)\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")  # LibreOffice's, over content that includes the time


def _utc_tail(tail: bytes) -> bytes:
    """A UTC offset written like ``tail`` and as long (byte offsets in the xref table must not move)."""
    for utc in (b"Z'", b"Z", b"+00'00'", b"+00'00", b"Z00'00'", b"Z00'00"):
        if len(utc) == len(tail):
            return utc
    return tail


def fix_pdf(data: bytes) -> bytes:
    """The PDF with its dates set to the build time, its ``/ID`` (and LibreOffice's ``/DocChecksum``)
    derived from its content; every field keeps its length."""
    stamp = build_time().strftime("D:%Y%m%d%H%M%S").encode()

    def date(m: re.Match) -> bytes:
        return b"/%s(%s%s)" % (m.group(1), stamp, _utc_tail(m.group(3)))

    data = _DATE.sub(date, data)
    digest = hashlib.sha256(_CHECKSUM.sub(b"", _ID.sub(b"", data))).hexdigest().upper().encode() * 4
    m = _ID.search(data)
    if m:
        a, b = m.group(1), m.group(2)
        data = data[:m.start(1)] + digest[:len(a)] + data[m.end(1):m.start(2)] + digest[:len(b)] + data[m.end(2):]
    return _CHECKSUM.sub(lambda c: b"/DocChecksum /" + digest[:len(c.group(1))], data)
