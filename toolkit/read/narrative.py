"""Numbers the narrative sections state about the tables (checked by W3).

Reports restate their tables in prose ("现行有效行政规范性文件393件" restates table 二): "共受理政府信息公开申请859件", "答复3050件
（含上年度结转申请34件，另有103件顺延到下年度答复）", "行政复议7件，诉讼9件",
"予以公开及部分公开258件". :func:`extract_numbers` finds such statements;
:func:`stated_cells` gives each statement the cell it is about (the first cell it
restates), which is where the reader keeps it: the tidy column ``stated`` holds
the statements about a cell as ``measure=value「snippet」`` lines, so that a tidy
frame carries what the narrative says (:mod:`toolkit.validation.narrative` says
which cells each measure restates). Outcome-group keywords are taken from the
codebook labels of table 三 (（三）不予公开 …).

Text is NFKC-normalised and all whitespace removed first, so PDF text with
spaces around numbers and line breaks inside words reads as printed.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from toolkit import codebook as cb
from toolkit.read.normalise import label_key, squash

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
    for group in cb.keys("requests", "group"):
        pats.append((f"group:{group}", rf"{_short('requests', 'group', group)}{_GAP}{{0,6}}?(?P<n>\d+)件"))
    pats.append(("row:disclosed", rf"(?<!不){disclosed}{_GAP}{{0,6}}?(?P<n>\d+)件"))
    pats.append(("row:partly_disclosed", rf"{partly}{_GAP}{{0,6}}?(?P<n>\d+)件"))
    return tuple((m, re.compile(p)) for m, p in pats)


def statements(text: str) -> list[tuple[str, int, str, int]]:
    """Statements of counts in narrative text as ``(measure, value, snippet, start)``, in text order.

    Examples:
        >>> [(m, v) for m, v, _, _ in statements("全年共受理政府信息公开申请 3119 件，答\\n复 3050 件")]
        [('received', 3119), ('processed', 3050)]
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
    found.sort(key=lambda f: f[3])
    return found


def extract_numbers(text: str) -> pd.DataFrame:
    """:func:`statements` as a DataFrame: measure, value, snippet, start.

    Examples:
        >>> t = ("市政府办公厅代表市政府共受理政府信息公开申请859件；答复政府信息公开申请805件"
        ...      "（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复）。"
        ...      "予以公开及部分公开258件，占33.9%；不予公开35件。信息公开类行政复议7件，诉讼9件，均获维持。")
        >>> extract_numbers(t)[["measure", "value"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
        [['received', 859], ['processed', 805], ['carried_in', 18], ['carried_forward', 72],
         ['disclosed_or_partly', 258], ['group:withheld', 35], ['reconsideration', 7], ['litigation', 9]]
    """
    return pd.DataFrame(statements(text), columns=["measure", "value", "snippet", "start"])


@cache
def _anchors() -> dict[str, tuple[str, str, str]]:
    """The cell each measure is about: the first cell it restates (``validation.narrative.measure_targets``)."""
    req, rev, pro, tot = "requests", "review_litigation", "proactive", "total"
    rows = cb.keys(req, "row")
    blocks = cb.keys(rev, "row")
    recon = [b for b in blocks if label_key(cb.label(rev, "row", b)) == "行政复议"]
    lit = [b for b in blocks if b not in recon]
    out = {
        "received": (req, "new_received", tot),
        "processed": (req, "total_processed", tot),
        "carried_in": (req, "carried_in", tot),
        "carried_forward": (req, "carried_forward", tot),
        "reconsideration": (rev, recon[0], tot),
        "litigation": (rev, lit[0], tot),
        "review_and_litigation": (rev, blocks[0], tot),
        "disclosed_or_partly": (req, rows[rows.index("carried_in") + 1], tot),
        "docs_in_force": (pro, "normative_docs", "in_force"),
        "docs_issued": (pro, "normative_docs", "issued"),
        "docs_repealed": (pro, "normative_docs", "repealed"),
    }
    entries = cb.entries(req, "row")
    for group in cb.keys(req, "group"):
        out[f"group:{group}"] = (req, entries.loc[entries["block"] == group, "key"].iloc[0], tot)
    for row in ("disclosed", "partly_disclosed"):
        out[f"row:{row}"] = (req, row, tot)
    return out


def anchor(measure: str) -> tuple[str, str, str]:
    """The (table, row, column) a statement of ``measure`` is kept on.

    Examples:
        >>> anchor("received"), anchor("litigation")
        (('requests', 'new_received', 'total'), ('review_litigation', 'litigation_direct', 'total'))
    """
    return _anchors()[measure]


_LINE = re.compile(r"^(?P<measure>[a-z_:]+)=(?P<value>\d+)「(?P<snippet>.*)」$")


def stated_cells(text: str) -> dict[tuple[str, str, str], str]:
    """The ``stated`` column's text by anchor cell: one ``measure=value「snippet」`` line per statement.

    Examples:
        >>> stated_cells("共受理政府信息公开申请21件，答复21件")[("requests", "new_received", "total")]
        'received=21「共受理政府信息公开申请21件,答」'
    """
    out: dict[tuple[str, str, str], list[str]] = {}
    for measure, value, snippet, _ in statements(text):
        out.setdefault(anchor(measure), []).append(f"{measure}={value}「{snippet}」")
    return {k: "\n".join(v) for k, v in out.items()}


def parse_stated(text: str | None) -> list[tuple[str, int, str]]:
    """The statements of one ``stated`` cell as ``(measure, value, snippet)``.

    Examples:
        >>> parse_stated("received=21「共受理申请21件」\\nreceived=22「收到申请22件」")
        [('received', 21, '共受理申请21件'), ('received', 22, '收到申请22件')]
        >>> parse_stated(None)
        []
    """
    if not isinstance(text, str) or not text:
        return []
    out = []
    for line in text.split("\n"):
        m = _LINE.match(line)
        if m:
            out.append((m["measure"], int(m["value"]), m["snippet"]))
    return out
