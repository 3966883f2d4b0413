"""Where chunks run: in this process, in a local process pool, or on a Dask cluster.

Every engine takes the same :class:`~toolkit.corpus.worker.ChunkTask` list and
yields :class:`~toolkit.corpus.worker.ChunkResult` objects as they finish (in
completion order; the caller sorts by ``order``). At most ``2 × workers``
chunks are in flight, so memory does not grow with the corpus. A chunk whose
worker dies (a crash in a native library, a killed process) is retried one
file per task; a file that kills its worker again gets an error row
(``WorkerCrashError``) and the batch goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from toolkit.corpus.processes import pool_context
from toolkit.corpus.worker import ChunkResult, ChunkTask, crashed_result, run_chunk, watch_parent

ENGINES = ("process", "serial", "dask")


def default_workers() -> int:
    """Usable CPUs (the affinity mask where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(tasks: list[ChunkTask], engine: str = "process", workers: int | None = None,
        client=None, scheduler: str | None = None, pool: WorkerPool | None = None) -> Iterator[ChunkResult]:
    """Run chunks on an engine, yielding results as they complete.

    ``pool``: a :class:`WorkerPool` started earlier (while the driver found the files); used for the
    ``process`` engine, and shut down here whatever happens.
    """
    try:
        if engine == "serial" or (engine == "process" and len(tasks) <= 1):  # no pool for a single task
            yield from (run_chunk(t) for t in tasks)
        elif engine == "process":
            pool = pool or WorkerPool(workers or default_workers())
            if pool.ready():
                yield from _process(tasks, pool)
            else:  # the workers could not start: the batch is read here rather than lost
                print(f"toolkit: {pool.problem}; reading the files in this process instead", file=sys.stderr)
                yield from (run_chunk(t) for t in tasks)
        elif engine == "dask":
            yield from _dask(tasks, workers, client, scheduler)
        else:
            raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    finally:
        if pool is not None:
            pool.shutdown()

def ready() -> int:
    """A worker's first task: it answers once it has started (with its pid)."""
    return os.getpid()


class WorkerPool:
    """A process pool started ahead of the work: the workers start while the driver finds files and reads the
    cache, so the batch pays their start-up once and in parallel. Each worker exits when the driver dies,
    whatever killed it (kill -9 included)."""

    def __init__(self, workers: int):
        if getattr(mp.current_process(), "_inheriting", False):
            # A new process running the caller's main script again (spawn, or a forkserver not started here):
            # starting a pool now is refused by multiprocessing with a long traceback. This process ends quietly;
            # the driver sees its workers fail to start, says so in one line and reads the files itself.
            raise SystemExit(1)
        self.workers = workers
        self.problem = ""
        self.executor = _executor(workers)
        self._probes = [self.executor.submit(ready) for _ in range(workers)]  # each submit starts one worker

    def ready(self) -> bool:
        """Whether the workers started; if not, ``problem`` says why (one line)."""
        try:
            for probe in self._probes:
                probe.result()
        except BrokenProcessPool:
            main = getattr(sys.modules.get("__main__"), "__file__", None)
            why = f": they run {main} again, whose work is not under `if __name__ == '__main__':`" if main else ""
            self.problem = f"worker processes could not start{why}"
            return False
        return True

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _executor(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(),
                               initializer=watch_parent, initargs=(os.getpid(),))


def _process(tasks: list[ChunkTask], first: WorkerPool) -> Iterator[ChunkResult]:
    queue = deque(tasks)
    workers = first.workers
    while queue:
        retry: list[tuple[ChunkTask, BaseException]] = []
        # The first round runs on the pool started ahead; a round after a crash gets a fresh pool.
        executor, first = (first.executor, None) if first is not None else (_executor(workers), None)
        with executor as pool:
            inflight: dict = {}
            broken = False
            while (queue or inflight) and not broken:
                while queue and len(inflight) < 2 * workers and not broken:
                    t = queue.popleft()
                    try:
                        inflight[pool.submit(run_chunk, t)] = t
                    except (BrokenProcessPool, OSError) as exc:
                        # A worker died between two submissions. While the pool starts its replacement the dead
                        # worker's pipes may already be closed: the start then fails with EBADF (an OSError),
                        # not BrokenProcessPool. Either way this pool is done.
                        broken = True
                        retry.append((t, exc))
                if not inflight:
                    break
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in done:
                    t = inflight.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool as exc:
                        broken = True
                        retry.append((t, exc))
            if broken:  # every chunk still in flight died with the pool
                for fut, t in inflight.items():
                    fut.cancel()
                    retry.append((t, BrokenProcessPool("pool broken")))
        for t, exc in retry:
            if len(t.paths) > 1:
                queue.extend(t.split())
            elif getattr(t, "_second", False):
                yield crashed_result(t, exc)
            else:
                t._second = True  # one more try on its own, in a fresh pool
                queue.append(t)


def _dask(tasks: list[ChunkTask], workers: int | None, client, scheduler: str | None) -> Iterator[ChunkResult]:
    from distributed import Client, KilledWorker, as_completed, get_client
    from distributed.client import FutureCancelledError

    own = None
    if client is None:
        if scheduler:
            client = own = Client(scheduler)
        else:
            try:
                client = get_client()
            except ValueError:
                raise ValueError("engine='dask' needs a distributed.Client (client=...) or a scheduler address "
                                 "(scheduler='tcp://host:8786'); none is running") from None
    try:
        limit = 2 * (workers or max(1, sum(client.nthreads().values())))
        queue = deque(tasks)
        pending = as_completed()
        owner: dict = {}

        def submit(t: ChunkTask) -> None:
            fut = client.submit(run_chunk, t, pure=False)
            owner[fut.key] = t
            pending.add(fut)

        while queue and pending.count() < limit:
            submit(queue.popleft())
        for fut in pending:
            t = owner.pop(fut.key)
            try:
                result = fut.result()
            except (KilledWorker, FutureCancelledError) as exc:  # a worker died (repeatedly) or the task was lost
                if len(t.paths) > 1:
                    queue.extend(t.split())
                else:
                    result = crashed_result(t, exc)
                    yield result
            else:
                yield result
            fut.release()
            while queue and pending.count() < limit:
                submit(queue.popleft())
    finally:
        if own is not None:
            own.close()
