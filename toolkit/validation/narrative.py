"""Numbers the narrative sections state about requests, reconsideration and litigation (for W3).

Reports restate their tables in prose ("现行有效行政规范性文件393件" restates table 二): "共受理政府信息公开申请859件", "答复3050件
（含上年度结转申请34件，另有103件顺延到下年度答复）", "行政复议7件，诉讼9件",
"予以公开及部分公开258件". :func:`extract_numbers` finds such statements;
:func:`measure_targets` says which table cells each one restates. Outcome-group
keywords are taken from the codebook labels of table 三 (（三）不予公开 …).

Text is NFKC-normalised and all whitespace removed first, so PDF text with
spaces around numbers and line breaks inside words reads as printed.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from toolkit import codebook as cb
from toolkit.read.normalise import label_key, squash
from toolkit.validation import structure as st

_STOP = "。；;，,！!？?"
_GAP = rf"[^\d{_STOP}]"


def _short(table: str, axis: str, key: str) -> str:
    """A codebook label as it is written in prose: no numbering, no parenthetical note."""
    return re.sub(r"\(.*", "", label_key(cb.label(table, axis, key)))


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(measure, pattern) in matching order; group 'n' is the number. Earlier matches claim their text."""
    disclosed, partly = _short("requests", "row", "disclosed"), _short("requests", "row", "partly_disclosed")
    docs = "(?:行政)?规范性文件"
    pats = [
        # table 二's normative documents (W3: "现行有效行政规范性文件393件" against 现行有效件数)
        ("docs_in_force", rf"现行有效(?:的)?{docs}{_GAP}{{0,6}}?(?P<n>\d+)件"),
        ("docs_issued", rf"制发(?:的)?{docs}{_GAP}{{0,6}}?(?P<n>\d+)件"),
        ("docs_repealed", rf"废止(?:的)?{docs}{_GAP}{{0,6}}?(?P<n>\d+)件"),
        ("review_and_litigation", rf"行政复议(?:和|及|与|、)?(?:提起)?行政诉讼{_GAP}{{0,12}}?(?P<n>\d+)件"),
        ("disclosed_or_partly", rf"{disclosed}(?:及|和|与|、|或)?{partly}{_GAP}{{0,6}}?(?P<n>\d+)件"),
        ("carried_in", rf"(?:上一?年度?|去年)(?:结转|转结){_GAP}{{0,10}}?(?P<n>\d+)件"),
        ("carried_forward", rf"(?:结转|转结|顺延)(?:至|到)?下一?年度?{_GAP}{{0,10}}?(?P<n>\d+)件"),
        ("carried_forward", rf"(?P<n>\d+)件{_GAP}{{0,16}}?(?:结转|转结|顺延)(?:至|到)?下一?年"),
        ("received", rf"(?:受理|收到|新收|接收|接到)(?:[^\d{_STOP}]{{0,16}}?)申请{_GAP}{{0,8}}?(?P<n>\d+)件"),
        ("processed", rf"(?<!不予)(?<!其他)(?:办结|答复|办理|处理)(?!结果){_GAP}{{0,14}}?(?P<n>\d+)件"),
        ("reconsideration", rf"行政复议(?:申请)?{_GAP}{{0,6}}?(?P<n>\d+)件"),
        ("litigation", rf"(?:行政)?诉讼(?:案件)?{_GAP}{{0,6}}?(?P<n>\d+)件"),
    ]
    for group in st.groups():
        pats.append((f"group:{group}", rf"{_short('requests', 'group', group)}{_GAP}{{0,6}}?(?P<n>\d+)件"))
    pats.append(("row:disclosed", rf"(?<!不){disclosed}{_GAP}{{0,6}}?(?P<n>\d+)件"))
    pats.append(("row:partly_disclosed", rf"{partly}{_GAP}{{0,6}}?(?P<n>\d+)件"))
    return tuple((m, re.compile(p)) for m, p in pats)


def extract_numbers(text: str) -> pd.DataFrame:
    """Statements of counts in narrative text: measure, value, snippet, start.

    Examples:
        >>> t = ("市政府办公厅代表市政府共受理政府信息公开申请859件；答复政府信息公开申请805件"
        ...      "（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复）。"
        ...      "予以公开及部分公开258件，占33.9%；不予公开35件。信息公开类行政复议7件，诉讼9件，均获维持。")
        >>> extract_numbers(t)[["measure", "value"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
        [['received', 859], ['processed', 805], ['carried_in', 18], ['carried_forward', 72],
         ['disclosed_or_partly', 258], ['group:withheld', 35], ['reconsideration', 7], ['litigation', 9]]
        >>> extract_numbers("全年共受理政府信息公开申请 3119 件，答\\n复 3050 件")["value"].tolist()
        [3119, 3050]
    """
    s = squash(text)
    taken: list[tuple[int, int]] = []
    found = []
    for measure, pattern in _patterns():
        for m in pattern.finditer(s):
            a, b = m.span("n")
            if any(a < e and b > s0 for s0, e in taken):
                continue
            taken.append((a, b))
            found.append((measure, int(m.group("n")), s[max(0, m.start() - 8): m.end() + 2], a))
    df = pd.DataFrame(found, columns=["measure", "value", "snippet", "start"])
    return df.sort_values("start", kind="stable").reset_index(drop=True)


def measure_targets(measure: str) -> list[list[tuple[str, str, str]]]:
    """The table cells a measure restates, as alternatives (any one sum matching is agreement).

    Each alternative is a list of (table, row, column) cells whose sum is the
    stated number. "受理" is new requests in some reports and new + carried-in
    in others (docs/format.md §5 W3), so ``received`` has both.

    Examples:
        >>> measure_targets("received")
        [[('requests', 'new_received', 'total')], [('requests', 'new_received', 'total'), ('requests', 'carried_in', 'total')]]
        >>> measure_targets("litigation")
        [[('review_litigation', 'litigation_direct', 'total'), ('review_litigation', 'litigation_after_reconsideration', 'total')]]
    """
    req, rev, tot, pro = st.REQUESTS, st.REVIEW, st.TOTAL, st.PROACTIVE

    def cells(table, rows):
        return [(table, r, tot) for r in rows]

    flows = {
        "received": [cells(req, [st.NEW_RECEIVED]), cells(req, [st.NEW_RECEIVED, st.CARRIED_IN])],
        "processed": [cells(req, [st.TOTAL_PROCESSED])],
        "carried_in": [cells(req, [st.CARRIED_IN])],
        "carried_forward": [cells(req, [st.CARRIED_FORWARD])],
        "reconsideration": [cells(rev, st.reconsideration_blocks())],
        "litigation": [cells(rev, st.litigation_blocks())],
        "review_and_litigation": [cells(rev, st.review_blocks())],
        "disclosed_or_partly": [cells(req, st.ungrouped_outcome_rows())],
        "docs_in_force": [[(pro, st.NORMATIVE_DOCS, st.IN_FORCE)]],
        "docs_issued": [[(pro, st.NORMATIVE_DOCS, st.ISSUED)]],
        "docs_repealed": [[(pro, st.NORMATIVE_DOCS, st.REPEALED)]],
    }
    if measure in flows:
        return flows[measure]
    kind, _, key = measure.partition(":")
    if kind == "group":
        return [cells(req, st.group_rows(key))]
    if kind == "row":
        return [cells(req, [key])]
    raise KeyError(measure)
