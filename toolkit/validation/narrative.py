"""Which table cells a narrative statement restates (for W3).

The statements themselves are read with the report (:mod:`toolkit.read.narrative`)
and travel in the tidy column ``stated``; this module says which cells each
measure is the sum of.
"""

from __future__ import annotations

from toolkit.read.narrative import extract_numbers, parse_stated, statements
from toolkit.validation import structure as st

__all__ = ["extract_numbers", "measure_targets", "parse_stated", "statements"]


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
