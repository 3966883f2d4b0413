"""Batch entry points: a corpus into one DataFrame, or into Parquet shards."""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit import limits
from toolkit.atomic import atomic_write, locked
from toolkit.corpus import engines, shards
from toolkit.corpus.agencies import Registry, facts_for
from toolkit.corpus.files import discover
from toolkit.corpus.schema import ERROR_COLUMNS, ERRORS_ARROW, FILES_ARROW, FILES_COLUMNS, empty_tidy, frame
from toolkit.corpus.worker import ChunkResult, ChunkTask
from toolkit.errors import WorkerCrashError, shown_path
from toolkit.spreadsheet import write_csv

PathsOrDirs = str | os.PathLike | Iterable[str | os.PathLike]


@dataclass
class Corpus:
    """What :func:`read_reports` returns. Unpacks as ``data, errors = read_reports(...)``.

    Attributes:
        data: tidy cells of every report parsed (schema of :mod:`toolkit.read.tidy`), in file order.
        errors: one row per file that could not be parsed: ``source_file``,
            ``error_class`` (the :class:`~toolkit.errors.ToolkitError` subclass),
            ``reason`` and ``message`` (one line naming the file).
        files: one row per file: status (``parsed``/``failed``), sha256, agency,
            year, format, templates, cell and issue counts (the input of
            :func:`toolkit.coverage`).
        stats: counts (``files``, ``parsed`` = files parsed now, ``cached`` =
            answered from the cache, ``failed``) and ``seconds``.
    """

    data: pd.DataFrame
    errors: pd.DataFrame
    files: pd.DataFrame
    stats: dict = field(default_factory=dict)

    def __iter__(self):
        yield self.data
        yield self.errors

    def __repr__(self) -> str:
        s = self.stats
        return (f"<Corpus {s.get('files', 0)} files: {s.get('files', 0) - s.get('failed', 0)} reports, "
                f"{len(self.data)} cells, {s.get('failed', 0)} errors>")


def _chunk_size(n: int, workers: int, chunk_size: int | None) -> int:
    if chunk_size:
        return max(1, int(chunk_size))
    return max(1, min(100, math.ceil(n / (4 * workers))))


def _collected(files: list[str]) -> tuple[list[str], dict, dict]:
    """Files from a collection (toolkit collect): each report page followed by its attachments, provenance, groups."""
    from toolkit.collect.manifest import provenance, report_groups

    prov = provenance(files)
    if not prov:
        return files, {}, {}
    groups = report_groups(files)
    member = {a for atts in groups.values() for a in atts}
    ordered = []
    for f in files:
        if f not in member:
            ordered += [f, *groups.get(f, [])]
    return ordered, prov, groups


def _tasks(files: list[str], size: int, provenance: dict | None = None, groups: dict | None = None,
           facts: dict | None = None, **common) -> list[ChunkTask]:
    tasks = []
    member = {a: page for page, atts in (groups or {}).items() for a in atts}
    i = 0
    while i < len(files):
        end = min(i + size, len(files))
        while end < len(files) and files[end] in member:  # never split a report page from its attachments
            end += 1
        paths = files[i:end]
        cid = hashlib.sha1(os.fsencode("\n".join(paths))).hexdigest()[:16]  # names may hold any bytes
        extra = {}
        if provenance:
            extra["provenance"] = {p: provenance[p] for p in paths if p in provenance}
            extra["groups"] = {p: groups[p] for p in paths if p in (groups or {})}
        if facts:
            extra["facts"] = {p: facts[p] for p in paths if p in facts}
        # The caller's limits travel with the task: worker processes do not share its settings.
        tasks.append(ChunkTask(order=(len(tasks),), chunk_id=cid, paths=paths, limits=limits.current(), **extra,
                               **common))
        i = end
    return tasks


def _progress(total: int, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="file", desc=desc, disable=not enabled, smoothing=0.1, dynamic_ncols=True)


def _workers(engine: str, workers: int | None, client, note: Callable[[str], None] = lambda m: None) -> int:
    if workers is not None:
        if isinstance(workers, bool) or int(workers) != workers or workers < 1:
            raise ValueError(f"workers must be a whole number of 1 or more, not {workers!r}")
        workers = int(workers)
        cpus = engines.default_workers()
        if engine == "process" and workers > cpus:  # more processes than CPUs only add memory
            note(f"{workers} workers asked for, {cpus} CPUs usable here: running {cpus}")
            return cpus
        return workers
    if engine == "serial":
        return 1
    if engine == "dask" and client is not None:
        return max(1, sum(client.nthreads().values()))
    return engines.default_workers()


def _found(paths_or_dirs: PathsOrDirs, stats: dict, on_note: Callable[[str], None] | None) -> list[str]:
    """The batch's files; what was skipped (one line each) goes to ``on_note`` and ``stats["skipped"]``."""
    stats.setdefault("skipped", [])
    stats.setdefault("unlisted", 0)

    def skip(message: str, lost: bool) -> None:
        stats["skipped"].append(message)
        stats["unlisted"] += lost
        if on_note is not None:
            on_note(message)

    return [str(p) for p in discover(paths_or_dirs, on_skip=skip)]


def _noter(stats: dict, on_note: Callable[[str], None] | None) -> Callable[[str], None]:
    stats.setdefault("notes", [])

    def note(message: str) -> None:
        stats["notes"].append(message)
        if on_note is not None:
            on_note(message)
    return note


def _early_pool(engine: str, workers: int, paths_or_dirs) -> engines.WorkerPool | None:
    """The process pool, started before the files are found: its workers start meanwhile (see engines.run).

    Not for one file (one task runs in this process): its start-up would be paid for nothing.
    """
    if engine != "process" or workers <= 1:
        return None
    if isinstance(paths_or_dirs, (str, os.PathLike)):
        inputs = [paths_or_dirs]
    elif isinstance(paths_or_dirs, (list, tuple)):
        inputs = paths_or_dirs
    else:  # an iterator is read once, by discover: the pool starts when the work does
        return None
    if len(inputs) <= 1 and not any(isinstance(p, (str, os.PathLike)) and Path(p).is_dir() for p in inputs):
        return None
    return engines.WorkerPool(workers)


def _drive(tasks, total, engine, workers, client, scheduler, progress, desc, on_error, stats, keep, note=None, pool=None):
    bar = _progress(total, progress, desc)
    reasons: set[str] = set()
    try:
        for result in engines.run(tasks, engine, workers, client, scheduler, pool=pool):
            stats["parsed"] += result.parsed
            stats["cached"] += result.cached
            stats["failed"] += len(result.errors)
            reasons.update(result.errors["reason"])
            if on_error is not None:
                for msg in result.errors["message"]:
                    on_error(msg)
            for msg in result.notes:
                if note is not None:
                    note(msg)
            keep(result)
            bar.update(len(result.files))
            bar.set_postfix(errors=stats["failed"], refresh=False)
    finally:
        bar.close()
        if pool is not None:  # also when the run never started (engines.run shuts it down otherwise)
            pool.shutdown()
    if total > 1 and stats["failed"] == total and reasons == {"worker_crash"}:
        # Not a fact about the files: a table of N identical crash rows would read as data. One error instead.
        where = os.path.commonpath([p for t in tasks for p in t.paths])
        raise WorkerCrashError(where, f"none of the {total} files was read: every parser process died "
                               f"(engine {engine!r}, {workers} workers); workers=1 reads them in this process")


def read_reports(
    paths_or_dirs: PathsOrDirs,
    workers: int | None = None,
    engine: str = "process",
    cache_dir: str | os.PathLike | None = None,
    *,
    force: bool = False,
    progress: bool = True,
    client=None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    validate: bool = False,
    on_error: Callable[[str], None] | None = None,
    registry: str | os.PathLike | Registry | None = None,
    on_note: Callable[[str], None] | None = None,
    corrections: str | os.PathLike | None = None,
) -> Corpus:
    """Read many reports in parallel into one tidy DataFrame and an errors DataFrame.

    One bad file never stops the batch: it becomes one row of ``errors``. Files
    are parsed in chunks (each chunk is one task), results are assembled in
    file order whatever the engine, so every engine returns the same frames.

    Args:
        paths_or_dirs: report files and/or folders (searched recursively, see
            :func:`toolkit.corpus.discover`).
        workers: parallel processes (default: the usable CPUs; for Dask the
            number of chunks kept in flight is twice this).
        engine: ``"process"`` (a local process pool), ``"serial"`` (this
            process; for debugging) or ``"dask"`` (a ``distributed`` cluster:
            ``client`` or ``scheduler``, else the current client).
        cache_dir: keep parsed results here, keyed by file sha256 and
            :data:`toolkit.version.PARSER_VERSION`; a rerun parses only new or
            changed files. ``None``: no cache.
        force: parse every file even if cached (and refresh the cache).
        progress: show a ``tqdm.auto`` progress bar (a widget in Jupyter);
            ``False`` for quiet.
        client: a ``distributed.Client`` for ``engine="dask"``.
        scheduler: a scheduler address (``"tcp://host:8786"``) for ``engine="dask"``.
            Dask workers must see the files (and the cache folder) under the same paths.
        chunk_size: files per task (default: about four tasks per worker, at most 100 files).
        validate: also run :func:`toolkit.validation.api.validate` and store each
            report's error count in ``files.n_validation_errors`` (slower).
        on_error: called with each error message as it arrives.
        registry: the agency registry (``agencies.csv``) for every file; default: each file's
            nearest ``agencies.csv`` (its folder or a parent). With the nearest ``SOURCES.csv`` it
            gives ``agency_id``, ``agency_name``, ``scope``, ``level`` and ``source_url``
            (:mod:`toolkit.corpus.agencies`).
        on_note: called with each note (one line): an entry found but not read
            (a FIFO, a device, a link that loops, a folder that cannot be listed:
            see :func:`toolkit.corpus.discover`), a damaged cache entry parsed
            again, workers capped at the CPUs. Also kept in ``stats["skipped"]``
            and ``stats["notes"]``; ``stats["unlisted"]`` counts folders that
            could not be listed.
        corrections: a corrections file (:mod:`toolkit.corpus.corrections`) applied to
            ``data``: corrected ``value``, the printed number in ``value_printed``,
            the reason in ``correction``; a stale or foreign line raises
            :class:`~toolkit.corpus.corrections.CorrectionsError`.

    Returns:
        :class:`Corpus`: ``.data``, ``.errors``, ``.files``, ``.stats``;
        ``data, errors = read_reports(...)`` also works.

    Examples:
        >>> data, errors = read_reports("data/raw", engine="serial", progress=False)
        >>> data.groupby("source_file", observed=True).size().tolist()
        [186, 200, 200, 198, 198, 200, 200, 200, 200, 200, 198]
        >>> len(errors)
        0
    """
    t0 = time.perf_counter()
    stats: dict = {"files": 0, "parsed": 0, "cached": 0, "failed": 0}
    note = _noter(stats, on_note)
    workers = _workers(engine, workers, client, note)
    pool = _early_pool(engine, workers, paths_or_dirs)
    try:
        files, prov, groups = _collected(_found(paths_or_dirs, stats, on_note))
        facts = facts_for(files, registry)
    except BaseException:
        if pool is not None:
            pool.shutdown()
        raise
    stats["files"] = len(files)
    cache = str(Path(cache_dir).resolve()) if cache_dir else None
    tasks = _tasks(files, _chunk_size(len(files), workers, chunk_size), prov, groups, facts, cache_dir=cache, force=force,
                   validate=validate)
    results: list[ChunkResult] = []
    _drive(tasks, len(files), engine, workers, client, scheduler, progress, "read", on_error, stats, results.append,
           note, pool)
    results.sort(key=lambda r: r.order)
    data = [r.data for r in results if r.data is not None and len(r.data)]
    out = Corpus(
        data=pd.concat(data, ignore_index=True) if data else empty_tidy(),
        errors=_concat([r.errors for r in results], ERROR_COLUMNS, ERRORS_ARROW),
        files=_concat([r.files for r in results], FILES_COLUMNS, FILES_ARROW),
        stats=stats,
    )
    if corrections is not None:
        from toolkit.corpus.corrections import apply_corrections

        out.data = apply_corrections(out.data, corrections)
    stats["seconds"] = time.perf_counter() - t0
    return out


def _concat(frames: list[pd.DataFrame], columns, arrow) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else frame([], columns, arrow)


def parse_to_parquet(
    paths_or_dirs: PathsOrDirs,
    out_dir: str | os.PathLike,
    workers: int | None = None,
    engine: str = "process",
    cache_dir: str | os.PathLike | None | bool = True,
    *,
    force: bool = False,
    progress: bool = True,
    client=None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    validate: bool = False,
    on_error: Callable[[str], None] | None = None,
    registry: str | os.PathLike | Registry | None = None,
    on_note: Callable[[str], None] | None = None,
) -> dict:
    """Parse a corpus into Parquet shards partitioned by report year; resumable; flat memory.

    Workers write their chunk's shards themselves (layout in
    :mod:`toolkit.corpus.shards`); the driver only counts. Run it again on the
    same ``out_dir`` after an interruption, or after files were added or
    changed: committed chunks whose files are unchanged are kept, everything
    else is parsed. The output mirrors the input: chunks holding files that are
    no longer part of the input are removed. ``errors.csv`` (utf-8-sig, spreadsheet-safe
    text: :mod:`toolkit.spreadsheet`) is
    rewritten at the end. Read the result with :func:`toolkit.corpus.load_cells`,
    :func:`toolkit.query` or :func:`toolkit.coverage`.

    Args:
        paths_or_dirs: report files and/or folders.
        out_dir: the output folder (created). With Dask it must be on storage
            the workers share, under the same path.
        workers, engine, client, scheduler, chunk_size, validate, on_error, progress:
            as in :func:`read_reports`.
        cache_dir: the parse cache: ``True`` (default) for ``out_dir/_cache``,
            a folder, or ``None``/``False`` for none.
        force: re-parse every file: drop the existing shards and bypass the cache.
        registry: as in :func:`read_reports`. A file whose stated facts changed since its shard
            was written (an edited ``agencies.csv`` or ``SOURCES.csv``) is parsed again (from the cache).
        on_note: as in :func:`read_reports`; also says which damaged shards were dropped and parsed again.

    One run writes to ``out_dir`` at a time (``out_dir/.lock``, see
    :func:`toolkit.atomic.locked`). Every shard kept from an earlier run is
    read back and validated first (:func:`toolkit.corpus.shards.check_chunks`).

    Raises:
        toolkit.atomic.FolderBusyError: another run is writing to ``out_dir``.
        NotADirectoryError: ``out_dir`` exists and is not a folder.

    Returns:
        counts: ``files`` (found), ``resumed`` (kept from an earlier run),
        ``parsed`` (parsed now), ``cached`` (from the cache), ``failed`` (in
        this run), ``chunks`` and ``seconds``.
    """
    t0 = time.perf_counter()
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{shown_path(out_dir)}: exists and is not a folder; shard output needs a folder "
                                 "(for one table, name a .csv or .parquet file)")
    out.mkdir(parents=True, exist_ok=True)
    stats: dict = {"files": 0, "resumed": 0, "parsed": 0, "cached": 0, "failed": 0, "chunks": 0}
    note = _noter(stats, on_note)
    workers = _workers(engine, workers, client, note)
    # One run writes to a folder at a time: a second one is refused before it reads, deletes or writes anything.
    with locked(out):
        pool = _early_pool(engine, workers, paths_or_dirs)
        try:
            files, prov, groups = _collected(_found(paths_or_dirs, stats, on_note))
            facts = facts_for(files, registry)
            if cache_dir is True:
                cache_dir = out / "_cache"
            cache = str(Path(cache_dir).resolve()) if cache_dir else None
            if force:
                shards.drop_chunks(out, {shards.chunk_of(p) for p in out.glob("*/**/part-*.parquet")})
            shards.drop_chunks(out, None)  # shards of chunks that never committed
            todo, stale, notes = shards.plan_resume(out, files, facts)
            for message in notes:
                note(message)
            if stale:
                shards.drop_chunks(out, stale)
            if todo != files:  # resumed: a page and its attachments are parsed again together
                todo, _, _ = _collected(todo)  # (files is in that order already: one manifest look-up per file saved)
        except BaseException:
            if pool is not None:
                pool.shutdown()
            raise
        tasks = _tasks(todo, _chunk_size(len(todo), workers, chunk_size), prov, groups, facts, cache_dir=cache, force=force,
                       out_dir=str(out), validate=validate)
        stats.update(files=len(files), resumed=len(files) - len(todo), chunks=len(tasks))
        _drive(tasks, len(todo), engine, workers, client, scheduler, progress, "parse", on_error, stats,
               lambda r: None, note, pool)
        errors = shards.load_table(out, "errors")
        # messages quote file names from the web: spreadsheet-safe
        atomic_write(out / "errors.csv", lambda tmp: write_csv(errors, tmp))
    stats["seconds"] = time.perf_counter() - t0
    return stats
