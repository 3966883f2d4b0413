"""What a collect run returns: the manifest, and the counts and failures of this run, side by side.

The manifest is the collection's memory across runs (one row per URL, the
latest); the counts and the failure lines belong to one run only, so they are
fields of their own, never hidden on the frame.

Examples:
    >>> import pandas as pd
    >>> run = Collection(pd.DataFrame({"url": ["http://127.0.0.1/a.pdf"]}),
    ...                  RunStats(report=1, requests=2), ("http://127.0.0.1/b.pdf: http 404",))
    >>> run.stats.report, run.stats.failed, len(run.manifest)
    (1, 0, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class RunStats:
    """Counts of one run: URLs fetched now by kind, reused from an earlier run, failed, refused, and requests made."""

    list: int = 0
    report: int = 0
    attachment: int = 0
    reused: int = 0
    failed: int = 0
    refused: int = 0
    requests: int = 0


@dataclass(frozen=True)
class Collection:
    """The result of :func:`toolkit.collect.crawl.collect`.

    Attributes:
        manifest: one row per URL, the latest (what ``DIR/manifest.csv`` holds).
        stats: the counts of this run.
        failures: one line per URL that failed in this run (``URL: reason``).
    """

    manifest: pd.DataFrame
    stats: RunStats
    failures: tuple[str, ...] = ()
