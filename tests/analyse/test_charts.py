"""Charts: Chinese labels without missing-glyph boxes, SVG text kept as text, PDF fonts Type 42.

Tofu check, three ways: (1) the CJK font's character map covers every Chinese
label a chart can draw; (2) the font matplotlib actually resolves for the chart
family is that font; (3) rendering two different Chinese labels gives two
different images with the chosen font, while a glyph-less font (DejaVu Sans)
draws both as the same row of boxes, and matplotlib warns of no missing glyph.
"""

from __future__ import annotations

import re
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import font_manager as fm
from support import RAW

from toolkit import codebook as cb
from toolkit import labels
from toolkit.analyse import charts, fonts, widgets
from toolkit.analyse import measures as an
from toolkit.corpus.loaders import load_demo
from toolkit.read.report import read_report

pytestmark = pytest.mark.filterwarnings("error::UserWarning")


@pytest.fixture(scope="module")
def huaian():
    return read_report(RAW / "huaian-city-2024.pdf").data


def _all_zh_labels() -> str:
    text = "".join(cb.codebook("zh")["label"])
    text += "".join(labels.table()["zh"])
    text += "示例省市县青山绿水镇乡人民政府办公厅室教育公安自然资源局" + charts.source_of(load_demo(), "zh")
    return "".join(sorted({c for c in text if ord(c) > 0x2E80}))


def test_cjk_font_is_found_and_covers_every_label():
    f = fonts.cjk_font()
    assert f is not None, "no CJK font: install the noto-cjk-sans-otc package or Debian fonts-noto-cjk"
    missing = [c for c in _all_zh_labels() if ord(c) not in fonts._cmap(f.path, f.family)]
    assert not missing, f"{f.family} ({f.path}) lacks {''.join(missing)}"


def test_matplotlib_resolves_the_chart_family_to_the_cjk_font():
    charts.use_style("zh")
    family = plt.rcParams["font.family"][0]
    assert family == fonts.cjk_font().family
    used = fm.findfont(fm.FontProperties(family=plt.rcParams["font.family"]), fallback_to_default=False)
    assert fonts._covers(used, family, _all_zh_labels()), used


def _render(text: str, family: str) -> np.ndarray:
    fig = plt.figure(figsize=(3, 0.6), dpi=100)
    fig.text(0.02, 0.3, text, family=family, fontsize=16)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., 0].copy()
    plt.close(fig)
    return img


def test_chinese_text_is_drawn_with_glyphs_not_boxes():
    family = fonts.cjk_font().family
    a, b = "予以公开", "不予处理"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DejaVu Sans warns of the missing glyphs: that is the control
        tofu_a, tofu_b = _render(a, "DejaVu Sans"), _render(b, "DejaVu Sans")
    assert np.array_equal(tofu_a, tofu_b), "control: a glyph-less font draws both labels as the same boxes"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail here
        real_a, real_b = _render(a, family), _render(b, family)
    assert not np.array_equal(real_a, real_b)
    assert not np.array_equal(real_a, tofu_a)


def test_chart_png_with_chinese_labels_warns_of_no_missing_glyph(tmp_path, huaian):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = charts.outcome_bars(an.outcome_shares(huaian), lang="zh", source="测试来源")
        png, *_ = charts.save(fig, "outcomes", ("png",), out_dir=tmp_path)  # then the chart data (CSV)
    glyph = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not glyph
    assert png.stat().st_size > 10_000
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:2] == ["予以公开", "部分公开"]
    assert all(t.get_fontfamily()[0] == fonts.cjk_font().family for t in fig.axes[0].get_legend().get_texts())


def test_svg_keeps_text_as_text(tmp_path, huaian):
    fig = charts.refusal_bars(an.refusal_breakdown(huaian), lang="zh", source="淮安市人民政府 2024")
    svg, *_ = charts.save(fig, "refusals", ("svg",), out_dir=tmp_path)  # then the chart data (CSV)
    text = svg.read_text(encoding="utf-8")
    assert text.count("<text") >= 20
    assert "本机关不掌握" in text
    assert "数据来源：淮安市人民政府 2024" in text  # the source caption
    # no glyph outlines for Chinese text: matplotlib names glyph paths <font>-<hex code point>
    glyphs = [int(h, 16) for h in re.findall(r'<path id="[^"]*-([0-9a-f]{4,5})"', text)]
    assert not [g for g in glyphs if 0x3400 <= g <= 0x9FFF]
    assert "font-family" in text or "font:" in text


def test_pdf_embeds_truetype_type42_fonts(tmp_path, huaian):
    fitz = pytest.importorskip("fitz")
    fig = charts.review_bars(an.review_litigation(huaian), lang="zh", source="淮安市人民政府 2024")
    pdf, *_ = charts.save(fig, "review", ("pdf",), out_dir=tmp_path)  # then the chart data (CSV)
    data = pdf.read_bytes()
    assert b"/FontFile2" in data
    assert b"/Type3" not in data and b"/Subtype /Type3" not in data
    doc = fitz.open(pdf)
    fonts_used = doc[0].get_fonts()
    assert fonts_used and all(f[1] in ("ttf", "cff") or f[2] in ("Type0", "TrueType") for f in fonts_used)
    assert any(fonts.cjk_font().family.replace(" ", "") in f[3] for f in fonts_used)  # the CJK font, embedded
    text = doc[0].get_text()
    assert "行政复议" in text and "结果纠正" in text  # extractable, i.e. real text
    assert "数据来源" in text


def test_save_writes_three_formats_with_editable_text(tmp_path, huaian):
    fig = charts.outcome_bars(an.outcome_shares(huaian), lang="en")
    paths = charts.save(fig, "three", out_dir=tmp_path, source="Huaian 2024")
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf", ".csv"]  # the figure, then the data it was drawn from
    assert {p.stem for p in paths} == {"three-en"}  # named with its language
    d = charts.describe_export(paths).set_index("format")
    assert d.loc["svg", "text_elements"] > 10
    assert "FontFile2" in d.loc["pdf", "fonts"] and "CIDFontType2" in d.loc["pdf", "fonts"]


def test_english_labels_and_a_warning_without_a_cjk_font(monkeypatch, huaian):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.warns(fonts.FontWarning, match="English labels"):
        assert fonts.resolve_lang("zh") == "en"
    with pytest.warns(fonts.FontWarning):
        fig = charts.outcome_bars(an.outcome_shares(huaian), lang="zh")
    assert {tuple(t.get_fontfamily()) for t in fig.findobj(matplotlib.text.Text)} == {("DejaVu Sans",)}
    with pytest.raises(ValueError, match="no CJK font"):
        charts.style("zh")  # the style of Chinese labels is refused without a font that draws them
    assert charts.style("en")["font.family"] == ["DejaVu Sans"]
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert "Disclosed" in " ".join(texts)
    assert not any(ord(c) > 0x2E80 for t in texts for c in t), "no Chinese text may reach a font without glyphs"


def test_a_chart_leaves_the_global_rcparams_as_they_were(tmp_path, huaian):
    """A chart styles itself while it is drawn: a notebook's own settings are the same after it, and
    every text of the chart, ticks made at saving time included, keeps the chart's font."""
    plt.rcParams["font.family"] = ["DejaVu Serif"]  # a notebook's own choice (the fixture restores it)
    plt.rcParams["axes.spines.top"] = True
    before = {k: str(v) for k, v in plt.rcParams.items()}
    demo = an.request_volumes(load_demo(), by=("agency", "year"))
    figs = [charts.outcome_bars(an.outcome_shares(huaian), lang="zh"),
            charts.refusal_bars(an.refusal_breakdown(huaian), lang="zh"),
            charts.review_bars(an.review_litigation(huaian), lang="en"),
            charts.applicant_bars(an.applicant_mix(huaian), lang="zh"),
            charts.trend_lines(an.request_volumes(load_demo(), by=("year",)), list(an.VOLUME_ROWS), lang="zh"),
            charts.small_multiples(demo[demo["agency"].isin(demo["agency"].unique()[:3])], "new_received", lang="zh"),
            charts.heatmap(demo, "new_received", lang="zh"),
            widgets.figure_for(load_demo(), "applicants", level="county", lang="en")]
    with pytest.warns(charts.NoDataWarning):
        figs.append(widgets.figure_for(load_demo(), "outcomes", agency="no such agency", lang="zh"))
    svgs = [charts.save(fig, f"chart{i}", ("svg",), out_dir=tmp_path, data=False, source="来源 Source")[0]
            for i, fig in enumerate(figs)]
    after = {k: str(v) for k, v in plt.rcParams.items()}
    assert [k for k in before if before[k] != after[k]] == []
    family = fonts.cjk_font().family
    for fig, svg in zip(figs, svgs):
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
        assert len(texts) >= 4 and {t.get_fontfamily()[0] for t in texts} == {family}
        assert "DejaVu Serif" not in svg.read_text(encoding="utf-8")
    assert not any(fig.axes[0].spines["top"].get_visible() for fig in figs[:-1])  # the charts' light axes, not the notebook's


# Machado, Oliveira & Fernandes (2009) matrices, severity 1.0, on linear RGB.
_CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}


def _lab(hex_colour: str, cvd: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a colour as seen with a colour-vision deficiency."""
    from matplotlib.colors import to_rgb

    srgb = np.array(to_rgb(hex_colour))
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    lin = np.clip(cvd @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("palette", ["OUTCOME_COLOURS", "CASE_COLOURS"])
@pytest.mark.parametrize("vision", list(_CVD))
def test_palette_stays_distinguishable_with_colour_blindness(palette, vision):
    # Colours that sit side by side in one chart must stay apart for readers with
    # each common colour-vision deficiency (CIE76 distance of at least 10).
    colours = sorted(set(getattr(charts, palette).values()))
    labs = [_lab(c, _CVD[vision]) for c in colours]
    closest = min((float(np.linalg.norm(a - b)), colours[i], colours[j])
                  for i, a in enumerate(labs) for j, b in enumerate(labs) if i < j)
    assert closest[0] >= 10, f"{palette} under {vision}: {closest[1]} and {closest[2]} are {closest[0]:.1f} apart"


def test_heatmaps_use_a_perceptually_uniform_colour_map():
    assert charts.HEATMAP_CMAP in ("cividis", "viridis")


@pytest.mark.parametrize("view", widgets.VIEWS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_view_draws_on_the_demo_panel(view, lang):
    fig = widgets.figure_for(load_demo(), view, level="county", lang=lang)
    assert fig.axes
    caption = [t.get_text() for t in fig.texts if t.get_gid() == charts.CAPTION_GID]
    assert caption and ("SYNTHETIC" in caption[0] or "合成" in caption[0])
