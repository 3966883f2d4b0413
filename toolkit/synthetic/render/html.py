"""Render a report as a government CMS page (HTML)."""

from __future__ import annotations

import html

import numpy as np

from toolkit.synthetic.render import layout
from toolkit.synthetic.render.layout import RCell
from toolkit.synthetic.render.perturb import Perturbation, vary_label
from toolkit.synthetic.values import ReportSpec

_CHROME_TOP = (
    '<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/xxgk/">信息公开年报</a></div>'
    '<table class="links"><tr><td><a href="/a">机构概况</a></td><td><a href="/b">政策文件</a></td></tr>'
    '<tr><td><a href="/c">规划计划</a></td><td><a href="/d">统计信息</a></td></tr></table>'
    '<script>var _hmt = _hmt || []; document.write("<p>统计</p>");</script>'
)
_CHROME_BOTTOM = '<div class="footer"><p>主办单位：示例人民政府办公室</p><p>网站标识码：0000000000</p></div>'


def _cell_html(cell: RCell, p: Perturbation, rng: np.random.Generator) -> str:
    attrs = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
    if not cell.text:
        body = "&nbsp;"
    elif p.split_spans and not cell.is_value:
        body = "".join(f'<span style="font-family:宋体">{html.escape(ch)}</span>' if ch != "\n" else "<br/>" for ch in cell.text)
    else:
        body = "<br/>".join(html.escape(part) for part in cell.text.split("\n"))
        if cell.is_value and p.nbsp_values:
            body = "&nbsp;" + body
    return f'<td{attrs}><p align="center">{body}</p></td>'


def _table_html(table: list[list[RCell]], p: Perturbation, rng, borders: bool = True) -> str:
    rows = "".join("<tr>" + "".join(_cell_html(c, p, rng) for c in row) + "</tr>" for row in table)
    return f'<table border="{1 if borders else 0}" cellspacing="0"><tbody>{rows}</tbody></table>'


def render_html(spec: ReportSpec, p: Perturbation | None = None, seed: int = 0, *, borders: bool = True) -> bytes:
    """A report as a CMS page; ``borders=False`` prints its tables without rules (``border="0"``)."""
    p = p or Perturbation()
    rng = np.random.default_rng(seed)

    def vary(label: str) -> str:
        return vary_label(label, rng) if p.label_variants and rng.random() < 0.5 else label

    tables = {
        "proactive": layout.proactive(spec, vary, split=p.split_proactive),
        "requests": [layout.requests(spec, vary)],
        "review_litigation": layout.review(spec, vary, split=p.split_review),
    }
    body = [f"<p style='text-align:center'><b>{html.escape(layout.title(spec))}</b></p>"]
    for key, (heading, text) in zip(["overview", *tables, "problems", "other"], layout.sections(spec)):
        body.append(f"<p>{html.escape(heading)}</p>")
        if text:
            body.append(f"<p>{html.escape(text)}</p>")
        body += [_table_html(t, p, rng, borders) for t in tables.get(key, [])]
    body.append(f"<p style='text-align:right'>{html.escape(spec.agency)}</p><p style='text-align:right'>{spec.sign_off_date or ''}</p>")
    content = "".join(body)
    if p.chrome:
        content = f"{_CHROME_TOP}<table width='100%'><tr><td class='side'>栏目导航</td><td>{content}</td></tr></table>{_CHROME_BOTTOM}"
    charset = f'<meta charset="{"gb2312" if p.encoding.lower() in ("gbk", "gb18030", "gb2312") else p.encoding}">' if p.charset_meta else ""
    page = f"<!DOCTYPE html><html><head>{charset}<title>{html.escape(layout.title(spec))}</title></head><body>{content}</body></html>"
    return page.encode(p.encoding)
