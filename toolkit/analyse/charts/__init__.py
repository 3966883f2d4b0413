"""Publication charts from the frames of :mod:`toolkit.analyse.measures`, labelled in Chinese or English.

Every chart function takes an analysis frame, draws one figure and returns it
(``matplotlib.figure.Figure``), so the same figure renders in a script, a
notebook without widgets, or behind a widget. Labels come from the codebook
(:func:`toolkit.codebook.label`) and the labels table (:func:`toolkit.labels.label`);
``lang="zh"`` needs a CJK font (:mod:`toolkit.analyse.fonts`), else the chart is drawn
in English with a warning, never with boxes. Colours: the Okabe–Ito
colour-blind-safe palette; heatmaps use ``cividis``.

A chart resolves its language once (:func:`drawing`) and is styled while it is drawn:
matplotlib's global rcParams are the same after a chart as before (:func:`use_style` sets
them on purpose, for a notebook's own plots).

:func:`save` writes PNG, SVG and PDF with text kept as text (SVG
``fonttype none``, PDF Type 42 fonts) and a source caption.

The rooms: :mod:`.style` (palette, rcParams, the language of a figure), :mod:`.text`
(labels, wrapping, titles), :mod:`.caption`, :mod:`.canvas` (a figure from start to
finish), :mod:`.empty` (no-data and all-zero panels), the charts (:mod:`.bars`,
:mod:`.lines`, :mod:`.grids`) and :mod:`.export`.

Examples:
    >>> from toolkit import read_report, analysis
    >>> fig = outcome_bars(analysis.outcome_shares(read_report("data/raw/huaian-city-2024.pdf").data), lang="en")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2]
    ['Disclosed', 'Partly disclosed']
"""

from __future__ import annotations

# Modules notebooks reach through ``charts.`` (``charts.fonts.resolve_lang``, ``charts.label``).
from toolkit.analyse import fonts
from toolkit.analyse.captions import years_text
from toolkit.analyse.charts.bars import applicant_bars, outcome_bars, refusal_bars, review_bars
from toolkit.analyse.charts.canvas import finish, new_figure
from toolkit.analyse.charts.caption import add_caption, caption_of, source_of
from toolkit.analyse.charts.empty import NoDataWarning, all_zero_panel, no_data
from toolkit.analyse.charts.export import DEFAULT_FORMATS, describe_export, figures_dir, save, save_table
from toolkit.analyse.charts.grids import coverage_chart, heatmap
from toolkit.analyse.charts.lines import small_multiples, trend_lines
from toolkit.analyse.charts.style import (
    CAPTION_GID,
    CASE_COLOURS,
    COVERAGE_COLOURS,
    GREY,
    GROUP_COLOURS,
    HEATMAP_CMAP,
    INCOMPLETE_HATCH,
    NO_DATA_GID,
    NOT_READ_COLOUR,
    OKABE_ITO,
    OUTCOME_COLOURS,
    ZERO_COLOUR,
    chart,
    drawing,
    style,
    use_style,
)
from toolkit.analyse.charts.text import short_label, value_name, wrap, wrap_words
from toolkit.labels import label

__all__ = [
    "CAPTION_GID", "CASE_COLOURS", "COVERAGE_COLOURS", "DEFAULT_FORMATS", "GREY", "GROUP_COLOURS", "HEATMAP_CMAP",
    "INCOMPLETE_HATCH", "NO_DATA_GID", "NOT_READ_COLOUR", "OKABE_ITO", "OUTCOME_COLOURS", "ZERO_COLOUR", "NoDataWarning",
    "add_caption", "all_zero_panel", "applicant_bars", "caption_of", "chart", "coverage_chart", "describe_export", "drawing",
    "figures_dir", "finish", "fonts", "heatmap", "label", "new_figure", "no_data", "outcome_bars", "refusal_bars",
    "review_bars", "save", "save_table", "short_label", "small_multiples", "source_of", "style", "trend_lines",
    "use_style", "value_name", "wrap", "wrap_words", "years_text",
]
