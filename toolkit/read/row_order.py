"""Rows a label pattern missed, found by the template's row order and a similarity score.

The 2019 and 2021 templates fix the order of a table's rows. Labels whose
pattern matched are anchors; a printed label that matched nothing (a typo,
a dropped or stray character: ``2.其他法律行政止公开`` for
``2.其他法律行政法规禁止公开``) can only name one of the rows the template puts
between its two neighbouring anchors and that were not found. Among those it
is given the row whose official label it resembles most (difflib's ratio on
the normalised labels), when that resemblance is clear:

- at least :data:`MIN_SIMILARITY`, so a stray line (a note, a subtotal) is
  never taken for a row;
- ahead of every other candidate of its gap by :data:`MARGIN`, so a label that
  fits two rows equally is left unread (reported missing) rather than guessed;
- in order: the labels of one gap take rows in the template's order, one row
  each.

Nothing here knows a label: the official labels and the order come from the
codebook.

Examples:
    >>> order = ("a", "b", "c", "d")
    >>> official = {"a": "予以公开", "b": "其他法律行政法规禁止公开", "c": "危及三安全一稳定", "d": "保护第三方合法权益"}
    >>> align(["a", None, "c", "d"], ["", "其他法律行政止公开", "", ""], order, official)
    {1: 'b'}
    >>> align(["a", None, "d"], ["", "属于", ""], ("a", "b", "c", "d"), {"a": "x", "b": "属于秘密", "c": "属于案卷", "d": "y"})
    {}
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import cache

from toolkit import codebook as cb
from toolkit.read.normalise import label_key

# A printed label must resemble its row's official label at least this much
# (difflib ratio: one changed character in a four-character label gives 0.75).
MIN_SIMILARITY = 0.6
# ... and resemble it this much more than any other row its position allows.
MARGIN = 0.1


def similarity(a: str, b: str) -> float:
    """difflib's ratio of two normalised labels (1.0 the same, 0.0 nothing in common).

    Examples:
        >>> round(similarity("其他法律行政止公开", "其他法律行政法规禁止公开"), 2)
        0.86
    """
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def by_template_order(table: str, found: list[str | None], labels: list[str], template: str) -> dict[int, str]:
    """:func:`align` against a table's row order in a template (2019 or 2021; both templates' rows otherwise)."""
    if template in ("2019", "2021"):
        order = tuple(k for _, rows, _ in cb.layout(table, template) for k in rows)
    else:
        order = cb.keys(table, "row")
    return align(found, labels, order, official_labels(table))


@cache
def official_labels(table: str) -> dict[str, str]:
    """Each row key's official label, normalised as printed labels are (:func:`label_key`)."""
    return {k: label_key(cb.label(table, "row", k)) for k in cb.keys(table, "row")}


def align(found: list[str | None], labels: list[str], order: tuple[str, ...], official: dict[str, str]) -> dict[int, str]:
    """Keys for the printed rows whose pattern matched nothing, by position and resemblance.

    Args:
        found: each printed row's key from its pattern, or None.
        labels: each printed row's normalised label (used where ``found`` is None).
        order: the template's row keys in printed order.
        official: each key's normalised official label.

    Returns:
        ``{index of a printed row: key}`` for the rows placed; a row left out
        stays unrecognised.
    """
    rank = {k: i for i, k in enumerate(order)}
    taken = {k for k in found if k is not None}
    out: dict[int, str] = {}
    i = 0
    while i < len(found):
        if found[i] is not None:
            i += 1
            continue
        j = i
        while j < len(found) and found[j] is None:
            j += 1
        before = next((rank[k] for k in reversed(found[:i]) if k in rank), -1)
        after = next((rank[k] for k in found[j:] if k in rank), len(order))
        candidates = [k for k in order[before + 1 : after] if k not in taken]
        out.update(_place(list(range(i, j)), [labels[u] for u in range(i, j)], candidates, official))
        i = j
    return out


def _place(rows: list[int], labels: list[str], candidates: list[str], official: dict[str, str]) -> dict[int, str]:
    """One gap: each label to its clearly best candidate, keeping order and one row each."""
    if not candidates:
        return {}
    placed: dict[int, str] = {}
    last = -1  # candidates are taken in order
    for row, label in zip(rows, labels):
        scores = sorted(((similarity(label, official[k]), n) for n, k in enumerate(candidates)), reverse=True)
        best, n = scores[0]
        runner_up = scores[1][0] if len(scores) > 1 else 0.0
        if best < MIN_SIMILARITY or best - runner_up < MARGIN or n <= last:
            continue
        placed[row] = candidates[n]
        last = n
    return placed
