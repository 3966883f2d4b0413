"""The fictional agencies of the demo panel: a province, a city, two counties, their offices,
departments and townships, and the regions whose aggregate reports sum them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Agency:
    slug: str
    agency: str
    level: str  # province | city | county | township (of the agency's government)
    kind: str  # aggregate | office | department | township
    region: str  # the region whose aggregate report counts this agency
    activity: float  # rough mean of non-zero cells (0 = an all-zero report)


def fictional_agencies() -> list[Agency]:
    """~45 fictional agencies: a province, a city, two counties, their offices, departments and townships."""
    A = Agency
    rows = [
        A("sheng-gov", "示例省人民政府", "province", "aggregate", "示例省", 0),
        A("sheng-office", "示例省人民政府办公厅", "province", "office", "示例省", 8),
        A("sheng-jiaoyu", "示例省教育厅", "province", "department", "示例省", 6),
        A("sheng-ziran", "示例省自然资源厅", "province", "department", "示例省", 12),
        A("sheng-gongan", "示例省公安厅", "province", "department", "示例省", 9),
        A("sheng-shichang", "示例省市场监督管理局", "province", "department", "示例省", 5),
        A("shi-gov", "示例市人民政府", "city", "aggregate", "示例市", 0),
        A("shi-office", "示例市人民政府办公室", "city", "office", "示例市", 10),
        A("shi-ziran", "示例市自然资源和规划局", "city", "department", "示例市", 45),
        A("shi-zhujian", "示例市住房保障和房产管理局", "city", "department", "示例市", 35),
        A("shi-gongan", "示例市公安局", "city", "department", "示例市", 20),
        A("shi-jiaoyu", "示例市教育局", "city", "department", "示例市", 4),
        A("shi-shengtai", "示例市生态环境局", "city", "department", "示例市", 3),
        A("shi-shichang", "示例市市场监督管理局", "city", "department", "示例市", 6),
        A("shi-renshe", "示例市人力资源和社会保障局", "city", "department", "示例市", 5),
        A("shi-tongji", "示例市统计局", "city", "department", "示例市", 0.6),
        A("shi-weijian", "示例市卫生健康委员会", "city", "department", "示例市", 3),
        A("qs-gov", "青山县人民政府", "county", "aggregate", "青山县", 0),
        A("qs-office", "青山县人民政府办公室", "county", "office", "青山县", 3),
        A("qs-ziran", "青山县自然资源局", "county", "department", "青山县", 6),
        A("qs-zhujian", "青山县住房保障局", "county", "department", "青山县", 4),
        A("qs-jiaoyu", "青山县教育局", "county", "department", "青山县", 1.5),
        A("qs-caizheng", "青山县财政局", "county", "department", "青山县", 0.8),
        A("qs-weijian", "青山县卫生健康局", "county", "department", "青山县", 1),
        A("qs-tongji", "青山县统计局", "county", "department", "青山县", 0),
        A("qs-baishi", "青山县白石镇人民政府", "township", "township", "青山县", 0.8),
        A("qs-dongling", "青山县东岭乡人民政府", "township", "township", "青山县", 0),
        A("qs-liuxi", "青山县柳溪镇人民政府", "township", "township", "青山县", 0),
        A("qs-songlin", "青山县松林镇人民政府", "township", "township", "青山县", 0.4),
        A("qs-hehua", "青山县荷花乡人民政府", "township", "township", "青山县", 0),
        A("lsx-gov", "绿水县人民政府", "county", "aggregate", "绿水县", 0),
        A("lsx-office", "绿水县人民政府办公室", "county", "office", "绿水县", 2),
        A("lsx-ziran", "绿水县自然资源局", "county", "department", "绿水县", 5),
        A("lsx-jiaoyu", "绿水县教育局", "county", "department", "绿水县", 1),
        A("lsx-shichang", "绿水县市场监督管理局", "county", "department", "绿水县", 1.5),
        A("lsx-minzheng", "绿水县民政局", "county", "department", "绿水县", 0.5),
        A("lsx-tongji", "绿水县统计局", "county", "department", "绿水县", 0),
        A("lsx-shiqiao", "绿水县石桥镇人民政府", "township", "township", "绿水县", 0.5),
        A("lsx-hekou", "绿水县河口乡人民政府", "township", "township", "绿水县", 0),
        A("lsx-yunling", "绿水县云岭镇人民政府", "township", "township", "绿水县", 0),
        A("lsx-zhuyuan", "绿水县竹园乡人民政府", "township", "township", "绿水县", 0),
        A("lsx-xiaba", "绿水县下坝镇人民政府", "township", "township", "绿水县", 0.3),
    ]
    return rows


#: Regions nest: a region's aggregate covers its own agencies and those of the regions below it.
PARENT_REGION = {"示例市": "示例省", "青山县": "示例市", "绿水县": "示例市", "示例省": None}


_SCOPE_OF_KIND = {"aggregate": "region_aggregate", "office": "government_office", "department": "agency", "township": "agency"}


def agencies_table() -> pd.DataFrame:
    """The fictional agencies of the demo panel as an agency registry (one row each).

    The columns of every agency registry (:mod:`toolkit.corpus.agencies`: ``agency_id`` = the
    slug, ``agency_name``, ``aliases``, ``level``, ``scope``, ``region``, ``parent`` = the
    ``agency_id`` of the government whose aggregate report counts it, ``website``), then the
    demo's own ``kind`` and ``activity``.

    Examples:
        >>> t = agencies_table()
        >>> t.query("kind == 'aggregate'")["agency_name"].tolist()
        ['示例省人民政府', '示例市人民政府', '青山县人民政府', '绿水县人民政府']
        >>> t.set_index("agency_id").loc[["qs-jiaoyu", "qs-gov"], "parent"].tolist()
        ['qs-gov', 'shi-gov']
    """
    agencies = fictional_agencies()
    government = {a.region: a.slug for a in agencies if a.kind == "aggregate"}
    rows = [{
        "agency_id": a.slug, "agency_name": a.agency, "aliases": "", "level": a.level, "scope": _SCOPE_OF_KIND[a.kind],
        "region": a.region,
        "parent": government.get(PARENT_REGION.get(a.region) or "", "") if a.kind == "aggregate" else government[a.region],
        "website": "", "kind": a.kind, "activity": a.activity,
    } for a in agencies]
    return pd.DataFrame(rows)


def covered_regions(region: str) -> set[str]:
    """``region`` and every region below it (:data:`PARENT_REGION`): what its aggregate report sums."""
    out = {region}
    changed = True
    while changed:
        changed = False
        for child, parent in PARENT_REGION.items():
            if parent in out and child not in out:
                out.add(child)
                changed = True
    return out
