"""A static explorer of the measures: ``toolkit site SOURCE… -o DIR`` and one embeddable chart page.

``sources`` reads report files, folders or a Parquet shard folder into tidy cells; ``views``
turns them into the rows of each view through :mod:`toolkit.analyse.measures` (one compact
data file, provenance per report); ``page`` writes ``index.html``, ``data.js``, ``vega.js`` and
``app.js`` (or one self-contained chart page). Nothing is fetched at run time: scripts load by
``<script>`` tags, so the site works from ``file://`` and any static host.
"""

#: The views, in menu order (light here so that ``toolkit --help`` does not load pandas and Vega).
MEASURES = ("volumes", "outcomes", "refusals", "applicants", "review", "coverage")


def build_site(panel, out_dir):
    """Write the explorer into ``out_dir``: :func:`toolkit.site.page.build_site`."""
    from toolkit.site.page import build_site as build

    return build(panel, out_dir)


def build_chart(panel, out_file, *, measure, agency):
    """Write one self-contained chart page: :func:`toolkit.site.page.build_chart`."""
    from toolkit.site.page import build_chart as build

    return build(panel, out_file, measure=measure, agency=agency)
