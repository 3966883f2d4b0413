"""The suite renders with the fonts the project installs and no other (tests/support/fonts.py).

fontconfig is asked, in a child process that inherits the suite's environment
as LibreOffice and Chromium do, which fonts it can see: exactly the files of
scripts/fonts.tsv, whatever else this machine has installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.fonts import CJK, font_files, fontconfig, missing_fonts, project_fonts

pytestmark = pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig (fc-list) not installed")


def _fc(*args: str, env: dict | None = None) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, env=env, timeout=60).stdout


def _files(env: dict | None = None) -> set[str]:
    return {line for line in _fc("fc-list", "--format", "%{file}\n", env=env).splitlines() if line}


def test_the_project_fonts_are_installed():
    missing = missing_fonts()
    assert not missing, ("fonts the tests render with are missing: run scripts/system-deps.sh test "
                         f"(apt-get install {' '.join(sorted({f.package for f in missing}))})")


def test_the_suite_sees_only_the_project_fonts():
    # Set by tests/conftest.py for this process; fc-list inherits it like any renderer does.
    assert os.environ["FONTCONFIG_FILE"] == str(fontconfig())
    assert _files() == {f.file for f in project_fonts()}


def test_the_machine_has_other_fonts_the_suite_does_not_see():
    """Without the restriction fontconfig lists more (here at least DejaVu's extra faces or
    Ghostscript's URW fonts, which Debian installs with ghostscript): the restriction is doing the work."""
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    unrestricted = _files(env)
    if unrestricted <= {f.file for f in project_fonts()}:
        pytest.skip("this machine has no font beyond the project's")
    assert not (_files() - unrestricted)
    assert unrestricted - _files()


@pytest.mark.parametrize("cjk", sorted(CJK))
def test_each_matrix_font_alone(cjk):
    """A matrix configuration sees DejaVu and one CJK font; every Chinese face a document asks for is that font."""
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(cjk)))
    files = _files(env)
    assert files == set(font_files(cjk))
    cjk_files = {f.file for f in project_fonts() if f.family in CJK[cjk]}
    for face in ("宋体", "仿宋_GB2312", "SimSun", "黑体"):
        # Chinese characters of a Chinese face: the CJK font; its digits and Latin letters: DejaVu Sans.
        assert _fc("fc-match", "--format", "%{file}", f"{face}:charset=4e2d 6587", env=env) in cjk_files, face
        assert Path(_fc("fc-match", "--format", "%{file}", face, env=env)).name == "DejaVuSans.ttf", face
    assert Path(_fc("fc-match", "--format", "%{file}", "Times New Roman", env=env)).name.startswith("DejaVuSerif")


def test_the_suites_chinese_font_is_wenquanyi():
    """With every project font visible, Chinese text is drawn in WenQuanYi Micro Hei (the font `make lab` installs)."""
    assert Path(_fc("fc-match", "--format", "%{file}", "宋体:charset=4e2d 6587")).name == "wqy-microhei.ttc"


def test_charts_draw_chinese_with_a_project_font():
    """matplotlib does not go through fontconfig: toolkit.analyse.fonts picks its CJK font by path,
    and on a machine set up by the project that is WenQuanYi Micro Hei, one of the project's files."""
    from toolkit.analyse.fonts import cjk_font

    font = cjk_font()
    assert font is not None and font.path == next(f.file for f in project_fonts() if f.family == "WenQuanYi Micro Hei")
