"""The fonts the tests render with: those the project installs, and no other.

LibreOffice, Chromium and poppler choose fonts through fontconfig. A test
that renders with whatever fonts the machine has lays its pages out with
metrics nobody chose: the suite once passed only because a CJK font that
the project does not install happened to be present. So the suite sets
``FONTCONFIG_FILE`` (tests/conftest.py) to a configuration that sees only
the files in ``scripts/fonts.tsv`` (what ``scripts/system-deps.sh``
installs), for this process and every process it starts.

:func:`fontconfig` writes such a configuration: all the project's fonts
(the suite's default, WenQuanYi Micro Hei first for Chinese), or the Latin
fonts and one CJK font (the producer × font matrix). Every family a
document may ask for (宋体, 仿宋_GB2312, Times New Roman, sans-serif…) is
resolved among those files only, in the order given.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from support import ARTIFACTS, ROOT

FONTS_TSV = ROOT / "scripts" / "fonts.tsv"

# Families documents ask for: the Chinese faces of Word and WPS templates, the
# Latin faces of Word and the generic names of CSS and LibreOffice. None is
# installed, so each resolves as fontconfig's Debian defaults resolve it: DejaVu
# draws Latin letters and digits (DejaVu Sans for a Chinese face), the CJK font
# the Chinese characters DejaVu lacks.
CHINESE_FACES = (
    "宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312", "黑体", "SimHei",
    "楷体", "楷体_GB2312", "KaiTi", "微软雅黑", "Microsoft YaHei", "方正小标宋简体", "方正仿宋_GBK", "等线", "DengXian",
)
LATIN_FACES = ("Times New Roman", "Arial", "Calibri", "Cambria", "Liberation Serif", "Liberation Sans", "Noto Sans",
               "serif", "sans-serif", "monospace", "system-ui")
# The CJK fonts of the matrix, by short name: (families, in the order preferred).
CJK = {
    "wqy": ("WenQuanYi Micro Hei",),
    "noto": ("Noto Sans CJK SC", "Noto Serif CJK SC"),
    "uming": ("AR PL UMing CN",),
}
LATIN = ("DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono")


@dataclass(frozen=True)
class Font:
    package: str
    set: str  # lab | test
    family: str
    file: str


def project_fonts() -> list[Font]:
    """The font files the project installs (scripts/fonts.tsv)."""
    out = []
    for line in FONTS_TSV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(Font(*line.split("\t")))
    return out


def font_files(cjk: str | None = None) -> list[str]:
    """The files a configuration sees: every project font, or the Latin ones and one CJK font."""
    fonts = project_fonts()
    if cjk is None:
        return [f.file for f in fonts]
    return [f.file for f in fonts if f.family in LATIN or f.family in CJK[cjk]]


def missing_fonts() -> list[Font]:
    return [f for f in project_fonts() if not Path(f.file).exists()]


def fontconfig(cjk: str | None = None) -> Path:
    """A fonts.conf that sees only the project's fonts (all, or the Latin fonts and ``cjk``); its path.

    Written under test-artifacts/fontconfig/, with its own cache directory
    next to the system's (the system's cache of a font directory is valid for
    any configuration, so nothing is rescanned where it is up to date).
    """
    files = font_files(cjk)
    chinese = [fam for key in ([cjk] if cjk else list(CJK)) for fam in CJK[key]]
    prefer = "".join(f"<family>{html.escape(f)}</family>" for f in ["DejaVu Sans", *chinese, *LATIN])
    latin_first = "".join(f"<family>{html.escape(f)}</family>" for f in [*LATIN, *chinese])
    aliases = [f'<alias binding="same"><family>{html.escape(name)}</family><prefer>{order}</prefer></alias>'
               for faces, order in ((CHINESE_FACES, prefer), (LATIN_FACES, latin_first)) for name in faces]
    dirs = sorted({str(Path(f).parent) for f in files})
    text = "\n".join([
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<!-- Written by tests/support/fonts.py: only the fonts the project installs (scripts/fonts.tsv). -->",
        "<fontconfig>",
        *(f"  <dir>{html.escape(d)}</dir>" for d in dirs),
        "  <cachedir>/var/cache/fontconfig</cachedir>",
        f"  <cachedir>{html.escape(str(ARTIFACTS / 'fontconfig' / 'cache'))}</cachedir>",
        "  <selectfont>",
        "    <rejectfont><glob>*</glob></rejectfont>",
        "    <acceptfont>" + "".join(f"<glob>{html.escape(f)}</glob>" for f in files) + "</acceptfont>",
        "  </selectfont>",
        *(f"  {a}" for a in aliases),
        "  <config><rescan><int>0</int></rescan></config>",
        "</fontconfig>",
        "",
    ])
    name = cjk or "all"
    path = ARTIFACTS / "fontconfig" / name / "fonts.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Rewritten only when it changes: a running LibreOffice or Chromium may be reading it.
    if not path.exists() or hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(text.encode()).digest():
        path.write_text(text, encoding="utf-8")
    return path
