"""A CJK font for matplotlib, found once and registered by path.

Order of search:

1. a CJK font with TrueType (``glyf``) outlines: Debian ``fonts-wqy-microhei``
   (WenQuanYi Micro Hei, Apache 2.0 / GPLv3 with font exception, installed by
   ``scripts/system-deps.sh``). matplotlib embeds a font in a PDF as
   "TrueType" (Type 42) whatever its outlines; Noto CJK's outlines are CFF,
   so its PDFs carry a CFF font under a TrueType label, which poppler reports
   ("CID Type 0C (OT)", "Mismatch between font type and embedded font
   file"). A glyf font is embedded as what it is: CID TrueType, text
   selectable and searchable;
2. the PyPI package ``noto-cjk-sans-otc`` (a project dependency, SIL OFL):
   its ``NotoSansCJK-Regular.ttc`` is registered with
   ``matplotlib.font_manager.fontManager.addfont``, which also sidesteps a
   stale font cache (fine for PNG and SVG; PDFs get the warning above);
3. other system fonts (Debian ``fonts-noto-cjk``): well-known files, then
   families matplotlib already knows.

A font counts only if its character map covers :data:`PROBE` (common report
characters), so a font that would draw boxes is never chosen. When none is
found, :func:`resolve_lang` warns (:class:`FontWarning`) and charts fall back
to English labels.
"""

from __future__ import annotations

import glob
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: Families tried, in order, among fonts matplotlib knows.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
#: CJK fonts with TrueType outlines, tried first (see the module docstring).
TRUETYPE_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
SYSTEM_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
#: Characters a usable font must cover (labels of the three tables, digits, punctuation).
PROBE = "政府信息公开工作年度报告申请予以部分不予无法提供处理其他总计自然人法人组织行政复议诉讼结果维持纠正尚未审结年度（）：、，"


class FontWarning(UserWarning):
    """No CJK font: charts use English labels."""


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str
    origin: str  # "pypi:noto-cjk-sans-otc" | "system"

    @property
    def truetype(self) -> bool:
        """Whether the outlines are TrueType (``glyf``): a PDF then embeds the font without a type mismatch."""
        return _has_glyf(self.path)


@cache
def _has_glyf(path: str) -> bool:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.lower().endswith((".ttc", ".otc")):
            return all("glyf" in face for face in TTCollection(path, lazy=True).fonts)
        return "glyf" in TTFont(path, lazy=True)
    except Exception:  # noqa: BLE001 - unreadable: not TrueType as far as we know
        return False


@cache
def _cmap(path: str, family: str) -> frozenset[int]:
    """Code points mapped by the face named ``family`` in a font file (empty when unreadable)."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.lower().endswith((".ttc", ".otc")):
            holder = TTCollection(path, lazy=True)
            faces = holder.fonts
        else:
            holder = TTFont(path, lazy=True)
            faces = [holder]
        try:
            for face in faces:
                names = {face["name"].getDebugName(1), face["name"].getDebugName(16)}
                if family in names or len(faces) == 1:
                    return frozenset((face.getBestCmap() or {}).keys())
        finally:
            holder.close()
    except Exception:  # noqa: BLE001 - an unreadable font is just not usable
        return frozenset()
    return frozenset()


def _covers(path: str, family: str, text: str = PROBE) -> bool:
    """Whether the face named ``family`` in the font file maps every character of ``text``."""
    cmap = _cmap(path, family)
    return bool(cmap) and all(ord(ch) in cmap for ch in text if not ch.isspace())


def _register(path: str) -> list[str]:
    """Register a font file with matplotlib; return the families it added."""
    from matplotlib import font_manager as fm

    before = {f.fname for f in fm.fontManager.ttflist}
    if path not in before:
        fm.fontManager.addfont(path)
    return sorted({f.name for f in fm.fontManager.ttflist if f.fname == path})


def _pick(families: list[str]) -> str | None:
    for fam in CJK_FAMILIES:
        if fam in families:
            return fam
    return None


@cache
def cjk_font() -> CJKFont | None:
    """The CJK font charts use, registered with matplotlib; None when there is none.

    Examples:
        >>> f = cjk_font()
        >>> f is None or f.family.startswith(("Noto", "Source", "WenQuanYi"))
        True
    """
    candidates: list[tuple[str, str]] = [(p, "system") for p in TRUETYPE_FILES]
    try:
        import noto_cjk_sans_otc  # type: ignore[import-not-found]

        candidates.append((str(noto_cjk_sans_otc.FONT_PATH), "pypi:noto-cjk-sans-otc"))
    except Exception:  # noqa: BLE001 - optional
        pass
    for pattern in SYSTEM_FILES:
        candidates += [(p, "system") for p in glob.glob(pattern)]
    for path, origin in candidates:
        if not Path(path).exists():
            continue
        try:
            fam = _pick(_register(path))
        except Exception:  # noqa: BLE001
            continue
        if fam and _covers(path, fam):
            return CJKFont(fam, path, origin)
    from matplotlib import font_manager as fm

    known = {f.name: f.fname for f in fm.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in known and _covers(known[fam], fam):
            return CJKFont(fam, known[fam], "system")
    return None


def resolve_lang(lang: str) -> str:
    """The label language charts can draw: ``lang``, or ``"en"`` with a :class:`FontWarning`.

    Examples:
        >>> resolve_lang("en")
        'en'
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    if lang == "zh" and cjk_font() is None:
        warnings.warn(
            "no CJK font found (install Debian fonts-wqy-microhei, or the noto-cjk-sans-otc package): "
            "charts use English labels instead of Chinese",
            FontWarning,
            stacklevel=3,
        )
        return "en"
    return lang


def can_draw(text: str) -> bool:
    """Whether ``text`` can be drawn without boxes (ASCII always; CJK with a CJK font that covers it)."""
    if all(ord(ch) < 0x2E80 for ch in str(text)):
        return True
    f = cjk_font()
    return f is not None and _covers(f.path, f.family, str(text))


def font_families() -> list[str]:
    """``font.family`` for charts: the CJK family first (it has Latin too), DejaVu Sans as fallback."""
    f = cjk_font()
    return [f.family, "DejaVu Sans"] if f else ["DejaVu Sans"]
