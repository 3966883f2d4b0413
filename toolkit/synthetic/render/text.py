"""Render a report as Tika-style text (the seed report's format)."""

from __future__ import annotations

import numpy as np

from toolkit.synthetic.render import layout
from toolkit.synthetic.render.layout import RCell
from toolkit.synthetic.render.perturb import Perturbation, vary_label, wrap
from toolkit.synthetic.values import ReportSpec


def tika_rows(table: list[list[RCell]]) -> list[list[str]]:
    """Expand row spans the way Tika does: an empty cell in each covered row."""
    out: list[list[str]] = []
    pending: dict[int, int] = {}  # grid column -> rows still covered
    for row in table:
        texts: list[str] = []
        col = 0
        cells = iter(row)
        nxt = next(cells, None)
        while nxt is not None or any(c >= col for c in pending):
            if col in pending:
                texts.append("")
                pending[col] -= 1
                if not pending[col]:
                    del pending[col]
                col += 1
                continue
            if nxt is None:
                col = min(c for c in pending if c >= col)
                continue
            texts.append(nxt.text)
            if nxt.rowspan > 1:
                pending[col] = nxt.rowspan - 1
            col += nxt.colspan
            nxt = next(cells, None)
        out.append(texts)
    return out


def render_text(spec: ReportSpec, p: Perturbation | None = None, seed: int = 0) -> bytes:
    p = p or Perturbation()
    rng = np.random.default_rng(seed)

    def vary(label: str) -> str:
        label = vary_label(label, rng) if p.label_variants and rng.random() < 0.5 else label
        return wrap(label, rng) if p.wrap_labels and rng.random() < 0.3 else label

    lines = [layout.title(spec), ""]
    tables = {
        "proactive": layout.proactive(spec, vary, split=p.split_proactive),
        "requests": [layout.requests(spec, vary)],
        "review_litigation": layout.review(spec, vary, split=p.split_review),
    }
    for key, (heading, body) in zip(["overview", *tables, "problems", "other"], layout.sections(spec)):
        lines.append(heading)
        if body:
            lines.append(body)
        for table in tables.get(key, []):
            for row in tika_rows(table):
                for text in row:
                    if p.nbsp_values and text and text[0].isdigit():
                        text = "\u00a0" + text
                    first, *rest = text.split("\n")
                    lines.append("\t" + first)
                    lines.extend(rest)
                lines.append("")
            lines += ["", ""]
    lines += [spec.agency, spec.sign_off_date or ""]
    # GBK cannot encode U+00A0; GB18030 (its superset) is what such files really are.
    encoding = "gb18030" if p.encoding.lower() in ("gbk", "gb2312") else p.encoding
    return ("\n".join(lines) + "\n").encode(encoding)
