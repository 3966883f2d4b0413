"""How batch worker processes start: forkserver, and why; started as early as a run can.

Light on purpose (no pandas): the command line starts the server before it imports the batch code, so the
server's preload (:mod:`toolkit.corpus._warm`, seconds of imports) runs while the driver imports its own.
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.context
import multiprocessing.forkserver

PRELOAD = ["toolkit.corpus._warm"]

# Why forkserver (and not fork or spawn):
# - fork copies the driver as it is, threads' locks included: the progress bar's monitor, a Dask client, a
#   notebook kernel's threads, Arrow's thread pools. A child can deadlock on a lock held by a thread it does
#   not have (Python 3.12 warns about it; 3.14 stopped making fork the default).
# - spawn starts a new interpreter per worker: each imports pandas, pyarrow and the readers (seconds), again
#   in every fresh pool.
# - forkserver forks each worker from one clean single-threaded server that imported the readers once
#   (toolkit.corpus._warm): a worker starts in milliseconds, shares those pages, and holds no driver thread.
# Like spawn, forkserver re-runs the caller's main script in every worker, which breaks a script without an
# ``if __name__ == "__main__":`` guard (each worker calls read_reports again, and dies). The workers need
# nothing from that script (they run toolkit.corpus.worker), so processes of this class are prepared without
# it (the server's patch in toolkit.corpus._warm, keyed by this class's name); a user's own pools are untouched.
class ToolkitParserProcess(multiprocessing.context.ForkServerProcess):
    """A batch worker: named so that the forkserver prepares it without the caller's ``__main__``."""


class _ParserContext(multiprocessing.context.ForkServerContext):
    Process = ToolkitParserProcess


def pool_context():
    """The start method of batch workers: forkserver (see above), spawn where there is none (Windows)."""
    if "forkserver" not in mp.get_all_start_methods():  # pragma: no cover - Windows
        return mp.get_context("spawn")
    ctx = _ParserContext()
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_early() -> None:
    """Start the forkserver now (it returns at once; the server imports its preload meanwhile)."""
    if "forkserver" in mp.get_all_start_methods():
        pool_context()
        multiprocessing.forkserver.ensure_running()
