"""``--corrections FILE`` for ``toolkit parse``, ``validate`` and ``export``: a researcher's fixes applied.

See :mod:`toolkit.corpus.corrections` for the file and the rules. A file that
cannot be applied (a stale ``printed``, a sha256 not among the inputs) is one
line on stderr naming the corrections file and line, exit 2; nothing is written.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the handlers that use it: --help and usage errors stay light
    import pandas as pd

EXIT_REFUSED = 2
HELP = ("a corrections CSV (sha256,table,row,column,printed,corrected,reason,by,date): value becomes the corrected "
        "number, value_printed keeps the printed one, correction the reason; a stale line is refused (exit 2)")


def add_corrections_option(parser) -> None:
    parser.add_argument("--corrections", metavar="FILE", default=None, help=HELP)


def refused(exc) -> SystemExit:
    """Print the one-line refusal and return the exit to raise."""
    print(f"error: {exc}", file=sys.stderr)
    return SystemExit(EXIT_REFUSED)


def corrected(df: pd.DataFrame, path: str | None) -> pd.DataFrame:
    """``df`` with the corrections of ``path`` applied (unchanged without one); exits 2 when refused."""
    if not path:
        return df
    from toolkit.corpus.corrections import CorrectionsError, apply_corrections

    try:
        return apply_corrections(df, path)
    except CorrectionsError as exc:
        raise refused(exc) from None


def corrected_reports(reports: list, path: str | None) -> list:
    """Report objects whose ``data`` carry the corrections (checked against all of them at once)."""
    if not path or not reports:
        return reports
    import pandas as pd

    frames = [r.data.assign(_n=i) for i, r in enumerate(reports)]
    both = corrected(pd.concat(frames, ignore_index=True), path)
    for i, r in enumerate(reports):
        r.data = both[both["_n"] == i].drop(columns="_n").reset_index(drop=True)
    return reports
