"""Write the explorer (``index.html`` + ``data.js`` + ``vega.js`` + ``app.js``) or one self-contained chart page.

Vega, Vega-Lite and vega-embed come from the bundle ``vl-convert-python`` ships
(``vl_convert.javascript_bundle()``): one classic script that sets ``window.vegaEmbed``, no
module loader, no network, pinned by the wheel's version. Data is a ``<script>`` that sets
``window.OGI_SITE`` (browsers refuse ``fetch`` of ``file://``). Fonts are named, never shipped.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.labels import label
from toolkit.site.views import MEASURES, site_data

ASSETS = "site/assets"


def _asset(name: str) -> str:
    return resources.files("toolkit").joinpath(f"{ASSETS}/{name}").read_text(encoding="utf-8")


def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script (``window.vegaEmbed``)."""
    try:
        import vl_convert
    except ImportError as e:  # a default dependency; a broken install gets one line, not a traceback
        raise ToolkitError("toolkit site", "needs vl-convert-python (pip install vl-convert-python)") from e
    return vl_convert.javascript_bundle()


def _script_json(obj) -> str:
    """JSON safe inside ``<script>``: ``</`` and U+2028/2029 escaped."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inline(js: str) -> str:
    return js.replace("</script", "<\\/script")


def _page(title: str, body_data: str, scripts: str, config: dict) -> str:
    return (
        "<!doctype html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{_asset('site.css')}</style>\n</head>\n<body>\n"
        f"{_asset('body.html')}\n"
        f"<script>window.OGI_CONFIG = {_script_json(config)};</script>\n{body_data}\n{scripts}\n</body>\n</html>\n"
    )


def build_site(panel: pd.DataFrame, out_dir: str | os.PathLike) -> Path:
    """Write the explorer for a tidy panel into ``out_dir``; return the path of ``index.html``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = site_data(panel)
    (out / "data.js").write_text("window.OGI_SITE = " + _script_json(data) + ";\n", encoding="utf-8")
    (out / "vega.js").write_text(vega_bundle(), encoding="utf-8")
    (out / "app.js").write_text(_asset("app.js"), encoding="utf-8")
    page = _page(label("site.title", "zh"), '<script src="data.js"></script>',
                 '<script src="vega.js"></script>\n<script src="app.js"></script>', {"embed": False})
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def build_chart(panel: pd.DataFrame, out_file: str | os.PathLike, *, measure: str, agency: str) -> Path:
    """One self-contained page (scripts and data inlined) showing one measure of one agency, for an iframe.

    ``agency`` is an ``agency_id`` (or the printed name where there is no registry).
    """
    if measure not in MEASURES:
        raise ToolkitError(f"--chart {measure}", f"not a measure; choose one of {', '.join(MEASURES)}")
    data = site_data(panel)
    ids = {r[1] for r in data["reports"]} | {r[2] for r in data["reports"]}
    if agency not in ids:
        raise ToolkitError(f"--agency {agency}", "no report of that agency_id or name; found: " + f"{', '.join(sorted({r[1] for r in data['reports']}))}")
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    scripts = f"<script>{_inline(vega_bundle())}</script>\n<script>{_inline(_asset('app.js'))}</script>"
    page = _page(label("site.title", "zh"), f"<script>window.OGI_SITE = {_script_json(data)};</script>", scripts,
                 {"embed": True, "measure": measure, "agency": agency})
    out.write_text(page, encoding="utf-8")
    return out
