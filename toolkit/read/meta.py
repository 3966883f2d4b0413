"""Report metadata: agency, report year, scope and level, each with where it was found.

The title (``…2023年政府信息公开工作年度报告``, sometimes split over two lines)
gives the year and usually the agency; a sign-off line (agency name above the
date at the end) gives the agency's full name and wins when present. Scope and
level are heuristics over the agency name (docs/format.md §5, W5).
"""

from __future__ import annotations

import re

from toolkit.read.normalise import squash

_TITLE = re.compile(r"(?P<pre>.*?)(?P<year>(?:19|20)\d{2})年(?:度)?(?P<post>.*?)政府信息公开(?:工作)?(?:年度)?(?:工作)?报告")
_PERIOD = re.compile(r"统计期限(?:为|从|自)?((?:19|20)\d{2})年1月1日")
_DATE = re.compile(r"^((?:19|20)\d{2})年\d{1,2}月\d{1,2}日$")
_ORG_SUFFIX = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|厅|政府|中心|办事处|街道|镇|乡|院|所|站|队|会|处|部|署|馆|办|集团|公司)$"
)
_REGION = re.compile(r"(?:[^省市县区旗镇乡州盟]{1,12}?(?:自治区|自治州|自治县|省|市|州|盟|地区|县|区|旗|街道|镇|乡))")
# Words of an office's name that a place name never contains.
_NOT_A_PLACE = re.compile(r"城乡|^城市$|和|局|委|办|厅|部|中心|政府")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# Page chrome (navigation, footers) can surround the report on CMS pages.
TITLE_LINES = 30
SIGN_OFF_LINES = 15


def _title(paragraphs: list[str], html_title: str | None) -> tuple[str, str | None, int | None]:
    """(where, agency, year) from the first lines, joined to undo a wrapped title."""
    for where, text in _title_candidates(paragraphs, html_title):
        m = _TITLE.search(text)
        if m:
            agency = (m.group("pre") or m.group("post")).strip("《》:：")
            return where, agency or None, int(m.group("year"))
    return "", None, None


def _title_candidates(paragraphs: list[str], html_title: str | None):
    """(where, squashed text): the HTML title, then each of the first lines joined to the next.

    Lazy: the title is nearly always in the first lines, and the search stops at it.
    """
    if html_title:
        yield "html title", squash(html_title)
    lines = (squash(p) if len(p) < 200 else "" for p in paragraphs[:TITLE_LINES])
    line, i = next(lines, None), 1
    while line is not None:
        following = next(lines, None)
        yield f"title line {i}", line + (following or "")
        line, i = following, i + 1


def _sign_off(paragraphs: list[str]) -> str | None:
    """An agency name printed right above a date in the last lines."""
    tail = [s for s in (squash(p) for p in paragraphs[-SIGN_OFF_LINES:] if len(p) < 100) if s]
    for prev, line in zip(tail, tail[1:]):
        if _DATE.match(line) and 3 <= len(prev) <= 30 and _ORG_SUFFIX.search(prev):
            return prev
    return None


def level_of(agency: str | None) -> str:
    """Administrative level of the agency's government, from its name.

    Examples:
        >>> level_of("天津市宁河区科学技术局"), level_of("上海市人民政府办公厅"), level_of("淮安市人民政府")
        ('county', 'province', 'city')
        >>> level_of("某县某镇人民政府"), level_of("示例市住房和城乡建设局")
        ('township', 'city')
    """
    if not agency:
        return "unknown"
    level, pos = "unknown", 0
    # Only the place names at the start of the name count: 住房和城乡建设局 is no township.
    while (m := _REGION.match(agency, pos)) and not _NOT_A_PLACE.search(m.group(0)):
        unit = m.group(0)
        if unit.endswith(("省", "自治区")) or unit in _MUNICIPALITIES:
            level = "province"
        elif unit.endswith(("市", "自治州", "州", "盟", "地区")):
            level = "city" if level in ("unknown", "province") else level
        elif unit.endswith(("县", "区", "旗", "自治县")):
            level = "county"
        elif unit.endswith(("镇", "乡", "街道")):
            level = "township"
        pos = m.end()
    return level


def split_places(agency: str | None) -> tuple[tuple[str, ...], str]:
    """The place names an agency's name starts with, and the rest (the body itself).

    The same reading of place names as :func:`level_of`.

    Examples:
        >>> split_places("淮安市洪泽区人民政府"), split_places("洪泽区人民政府")
        ((('淮安市', '洪泽区'), '人民政府'), (('洪泽区',), '人民政府'))
        >>> split_places("示例市住房和城乡建设局")
        (('示例市',), '住房和城乡建设局')
    """
    places, pos = [], 0
    while agency and (m := _REGION.match(agency, pos)) and not _NOT_A_PLACE.search(m.group(0)):
        places.append(m.group(0))
        pos = m.end()
    return tuple(places), (agency or "")[pos:]


def scope_of(agency: str | None, level: str) -> str:
    """agency | government_office | region_aggregate (docs/format.md §5 W5).

    Examples:
        >>> scope_of("淮安市人民政府", "city"), scope_of("上海市人民政府办公厅", "province")
        ('region_aggregate', 'government_office')
        >>> scope_of("天津市宁河区科学技术局", "county"), scope_of("某镇人民政府", "township")
        ('agency', 'agency')
    """
    if not agency:
        return "agency"
    if re.search(r"人民政府办公(?:厅|室)$|政府办$", agency):
        return "government_office"
    if agency.endswith("人民政府") and level in ("province", "city", "county"):
        return "region_aggregate"
    return "agency"


def extract(paragraphs: list[str], html_title: str | None = None) -> dict:
    where, agency, year = _title(paragraphs, html_title)
    meta: dict = {"agency": agency, "agency_source": where or None, "year": year, "year_source": where or None}
    signed = _sign_off(paragraphs)
    if signed:
        meta["agency_in_title"] = agency
        meta["agency"], meta["agency_source"] = signed, "sign-off"
    if meta["year"] is None:
        for p in paragraphs[:TITLE_LINES]:
            m = _PERIOD.search(squash(p))
            if m:
                meta["year"], meta["year_source"] = int(m.group(1)), "statistics period"
                break
    meta["level"] = level_of(meta["agency"])
    meta["scope"] = scope_of(meta["agency"], meta["level"])
    return meta


def looks_like_report(paragraphs: list[str], html_title: str | None = None) -> bool:
    return _title(paragraphs, html_title)[2] is not None
