"""A folder with a clean synthetic report and one whose two published numbers were changed.

Made with the synthetic renderer (labelled synthetic: fictional agencies); the
review page, the corrections template and the corrections round trip use it.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.synthetic.render.html import render_html
from toolkit.synthetic.values import report_spec

CHANGED = [("new_received", "natural_person"), ("disclosed", "total")]  # requests cells, each printed +3
FAILING = {("H1", "natural_person"), ("H2", "new_received"), ("H2", "disclosed")}  # the checks that then fail


def changed_folder(d: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """Write clean.html and changed.html into ``d``; ``{(row, column): (printed, true value)}`` of the changed cells."""
    clean = report_spec(3, agency="甲市人民政府", year=2023, activity=8)
    changed = report_spec(4, agency="乙市人民政府", year=2023, activity=8)
    c = changed.cells
    out = {}
    for row, col in CHANGED:
        i = (c.table == "requests") & (c.row == row) & (c.column == col)
        true = c.loc[i, "value"].item()
        c.loc[i, ["value", "raw"]] = [true + 3, f"{true + 3:g}"]
        out[(row, col)] = (f"{true + 3:g}", f"{true:g}")
    (d / "clean.html").write_bytes(render_html(clean))
    (d / "changed.html").write_bytes(render_html(changed))
    return out
