"""The unit of work of a batch: parse one chunk of files (in any process or on any Dask worker).

A chunk returns small tables (files, errors) and either its tidy cells (for
:func:`toolkit.read_reports`) or nothing, having written its cells to Parquet
shards itself (for :func:`toolkit.corpus.parse_to_parquet`), so the driver
never holds the corpus.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import select
import threading
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit import limits
from toolkit.corpus import shards
from toolkit.corpus.agencies import resolve
from toolkit.corpus.cache import ParseCache
from toolkit.corpus.schema import (
    ERROR_COLUMNS,
    ERRORS_ARROW,
    FILES_ARROW,
    FILES_COLUMNS,
    empty_tidy,
    frame,
)
from toolkit.errors import ToolkitError, shown_path
from toolkit.read.filebytes import read_source
from toolkit.read.report import read_cells
from toolkit.read.tidy import REPORT_COLUMNS, TIDY_ARROW, frame_of_table, tidy_table


@dataclass
class ChunkTask:
    """Files to parse together, and where results go.

    Attributes:
        order: position of the chunk in the batch (results are assembled in this order).
        chunk_id: names the chunk's shard files (stable for the same files).
        paths: the files, as strings.
        cache_dir: the :class:`~toolkit.corpus.cache.ParseCache` folder, or ``None``.
        force: parse even when the cache has an entry (and overwrite it).
        out_dir: write shards here and return no cells; ``None`` returns the cells.
        validate: run :func:`toolkit.validation.api.validate` on the chunk and count errors per file.
        limits: the :class:`~toolkit.limits.Limits` in force where the batch was started.
    """

    order: tuple[int, ...]
    chunk_id: str
    paths: list[str]
    cache_dir: str | None = None
    force: bool = False
    out_dir: str | None = None
    validate: bool = False
    limits: limits.Limits | None = None
    provenance: dict | None = None  # path -> (source_url, fetched_at) of collected files (toolkit collect)
    groups: dict | None = None  # report page -> its attachments (one report: the attachment is preferred)
    facts: dict | None = None  # path -> (agency registry, SOURCES.csv row): what the folder states (corpus.agencies)

    def split(self) -> list[ChunkTask]:
        """One task per file (to isolate a file that crashes its worker)."""
        # A report page and its attachments stay together: which one is used depends on both.
        units, member = [], {a: page for page, atts in (self.groups or {}).items() for a in atts}
        for p in self.paths:
            if p in member and units and member[p] in units[-1]:
                units[-1].append(p)
            else:
                units.append([p])
        return [replace(self, order=(*self.order, j), chunk_id=f"{self.chunk_id}-{j}", paths=u)
                for j, u in enumerate(units)]


@dataclass
class ChunkResult:
    order: tuple[int, ...]
    chunk_id: str
    files: pd.DataFrame
    errors: pd.DataFrame
    data: pd.DataFrame | None = None
    parsed: int = 0  # files read_report actually ran on (cache misses)
    cached: int = 0  # files answered from the cache
    notes: list[str] = dataclasses.field(default_factory=list)  # one line each: damaged cache entries met


def _templates(t: dict) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(t.items()))


def _error(path: str, exc: ToolkitError) -> dict:
    return {"error_class": type(exc).__name__, "reason": exc.reason, "problem": exc.problem}


def error_row(path: str, err: dict) -> dict:
    name = shown_path(path)
    return {"source_file": name, "error_class": err["error_class"], "reason": err["reason"],
            "message": f"{name}: {err['problem']}"}


def parse_file(path: str, cache: ParseCache | None, force: bool) -> tuple[dict, dict | pa.Table | None, dict | None, bool]:
    """Parse (or fetch from the cache) one file: ``(file row, cells, error, parsed_now)``.

    The file is read once: the bytes hashed for the cache are the bytes parsed,
    and size and modification time come from the same open file.
    The cells are plain columns (:func:`toolkit.read.report.read_cells`) when the file
    was parsed now without a cache, else an Arrow table of
    :data:`~toolkit.read.tidy.TIDY_ARROW`; either way with ``source_file`` = the path as shown
    (:func:`toolkit.errors.shown_path`).
    """
    name = shown_path(path)
    row = dict.fromkeys(FILES_COLUMNS)
    row["source_file"] = name
    sha = data = None
    try:
        data, st = read_source(path, name)
    except ToolkitError as exc:
        outcome = ("failed", None, _error(path, exc))
        try:
            st = os.stat(path)
            row["size_bytes"], row["mtime_ns"] = st.st_size, st.st_mtime_ns
        except OSError:
            pass
        return _finish(row, outcome, name, sha), None, outcome[2], True
    row["size_bytes"], row["mtime_ns"] = st.st_size, st.st_mtime_ns
    if cache is not None:
        sha = hashlib.sha256(data).hexdigest()
    hit = cache.get_table(sha) if (cache is not None and sha and not force) else None
    parsed_now = hit is None
    if hit is None:
        try:
            with limits.deadline(name):  # a file that hangs a reader is reported; the batch goes on
                columns, m, issues = read_cells(path, sha256=sha, data=data)
        except ToolkitError as exc:
            outcome = ("failed", None, _error(path, exc))
        else:
            summary = {
                "report_id": m["report_id"], "sha256": m["source_sha256"], "agency": m.get("agency"),
                "year": m.get("year"), "scope": m.get("scope"), "level": m.get("level"), "format": m.get("format"),
                "templates": _templates(m.get("templates") or {}), "n_cells": len(columns["location"]),
                "n_issues": sum(1 for i in issues if i["code"] != "note"),
            }
            outcome = ("parsed", columns, summary)
            sha = m["source_sha256"]
        if cache is not None and sha:
            if outcome[0] == "parsed":
                # The cache stores a table per file content; the chunk reuses it.
                outcome = ("parsed", tidy_table(outcome[1]), outcome[2])
                cache.put_parsed(sha, outcome[1], outcome[2])
            else:
                cache.put_failed(sha, outcome[2])
    else:
        outcome = hit
    del data
    row = _finish(row, outcome, name, sha)
    status, cells, info = outcome
    if status == "parsed":
        if isinstance(cells, pa.Table) and not parsed_now:  # a cache entry may hold another copy's path
            cells = _set_column(cells, "source_file", name)
        return row, cells, None, parsed_now
    return row, None, info, parsed_now


def _finish(row: dict, outcome: tuple, name: str, sha: str | None) -> dict:
    status, _, info = outcome
    if status == "parsed":
        row.update({k: info[k] for k in ("report_id", "sha256", "agency", "year", "scope", "level", "format",
                                           "templates", "n_cells", "n_issues")})
        row["status"] = "parsed"
    else:
        row.update(status="failed", sha256=sha, error_class=info["error_class"])
    return row


def _set_column(table: pa.Table, name: str, value) -> pa.Table:
    """``table`` with one value in every row of column ``name`` (made by Arrow from the value, not a list)."""
    i = table.schema.get_field_index(name)
    field, n = table.schema.field(i), table.num_rows
    return table.set_column(i, field, pa.nulls(n, field.type) if value is None else pa.repeat(pa.scalar(value, field.type), n))


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Parse a chunk; write its shards when ``task.out_dir`` is set."""
    if task.limits is not None:
        with limits.configured(**dataclasses.asdict(task.limits)):
            return _run_chunk(task)
    return _run_chunk(task)


def _with_facts(row: dict, data, facts: tuple | None):
    """Apply what the folder states (registry, SOURCES.csv row) to a file's row and cells: the one place it is done."""
    if not facts:
        return row, data
    r = resolve(row.get("agency"), row.get("scope"), row.get("level"), *facts)
    r["source_url"] = row.get("source_url") or r["source_url"]  # the manifest (where it was fetched) first
    if row.get("status") != "parsed":  # nothing was read: only who it is and where it came from
        r = {k: r[k] for k in ("agency_id", "agency_name", "source_url")}
    row.update(r)
    if isinstance(data, pa.Table):
        for name, value in r.items():
            data = _set_column(data, name, value)
    elif data is not None:
        n = len(data["location"])
        for name, value in r.items():
            data[name] = [value] * n
    return row, data


def _with_provenance(row: dict, data, source: tuple[str, str] | None):
    # Always set from the current manifest (a cache entry may hold another copy's provenance).
    url, when = source if source else (None, None)
    row["source_url"], row["fetched_at"] = url, when
    if isinstance(data, pa.Table):
        data = _set_column(_set_column(data, "source_url", url), "fetched_at", when)
    elif data is not None:
        n = len(data["location"])
        data["source_url"], data["fetched_at"] = [url] * n, [when] * n
    return row, data


class _Cells:
    """A chunk's cells in file order: plain columns appended file by file, cut into an Arrow
    table only where a cached table comes between them; :meth:`table` joins them once.

    The columns that hold one value per report (:data:`~toolkit.read.tidy.REPORT_COLUMNS`)
    are kept once per report and repeated by Arrow (``take``), not copied cell by cell.
    """

    def __init__(self):
        self.tables: list[pa.Table] = []
        self._reset()

    def _reset(self) -> None:
        self.cells: dict[str, list] = {c: [] for c in TIDY_ARROW.names if c not in REPORT_COLUMNS}
        self.reports: dict[str, list] = {c: [] for c in REPORT_COLUMNS}
        self.counts: list[int] = []

    def _flush(self) -> None:
        if not self.counts:
            return
        repeat = pa.array(np.repeat(np.arange(len(self.counts)), self.counts))
        arrays = [pa.array(self.reports[c], f.type).take(repeat) if c in self.reports else pa.array(self.cells[c], f.type)
                  for c, f in zip(TIDY_ARROW.names, TIDY_ARROW)]
        self.tables.append(pa.Table.from_arrays(arrays, schema=TIDY_ARROW))
        self._reset()

    def add(self, cells) -> None:
        if isinstance(cells, pa.Table):
            self._flush()
            self.tables.append(cells)
            return
        n = len(cells["location"])
        if not n:
            return
        if any(cells[c].count(cells[c][0]) != n for c in REPORT_COLUMNS):  # not one value per report after all
            self._flush()
            self.tables.append(tidy_table(cells))
            return
        for name, values in self.reports.items():
            values.append(cells[name][0])
        for name, values in self.cells.items():
            values.extend(cells[name])
        self.counts.append(n)

    def table(self) -> pa.Table:
        self._flush()
        return pa.concat_tables(self.tables) if self.tables else TIDY_ARROW.empty_table()


def _superseded(row: dict, by: str) -> dict:
    return {**row, "status": "superseded", "superseded_by": by, "error_class": None}


def _run_chunk(task: ChunkTask) -> ChunkResult:
    cache = ParseCache(task.cache_dir) if task.cache_dir else None
    provenance, groups, facts = task.provenance or {}, task.groups or {}, task.facts or {}
    results: dict[str, tuple] = {}
    parsed = cached = 0
    for path in task.paths:
        row, data, err, now = parse_file(path, cache, task.force)
        parsed += now
        cached += not now
        row, data = _with_provenance(row, data, provenance.get(path))
        row, data = _with_facts(row, data, facts.get(path))
        results[path] = (row, data, err)
    # A report page and its attachments are one report: the first attachment that parsed is used,
    # else the page; the other copies are recorded as superseded, not counted twice or as failures.
    for page, atts in groups.items():
        members = [p for p in (*atts, page) if p in results]
        used = next((p for p in members if results[p][0]["status"] == "parsed"), None)
        if used is None:
            continue
        for p in members:
            if p != used:
                results[p] = (_superseded(results[p][0], used), None, None)
    rows, cells, errors = [], _Cells(), []
    for path in task.paths:
        row, data, err = results[path]
        rows.append(row)
        if data is not None:
            cells.add(data)
        if err is not None:
            errors.append(error_row(path, err))
    table = cells.table()  # the chunk's cells: one Arrow table, no per-report DataFrame
    data = None
    if task.validate and table.num_rows:
        data = frame_of_table(table)
        _count_validation_errors(data, rows)
    files = frame(rows, FILES_COLUMNS, FILES_ARROW)
    errs = frame(errors, ERROR_COLUMNS, ERRORS_ARROW)
    if task.out_dir is not None:
        shards.write_chunk(task.out_dir, task.chunk_id, table, files, errs)
        return ChunkResult(task.order, task.chunk_id, files, errs, None, parsed, cached, _notes(cache))
    if data is None:
        data = frame_of_table(table) if table.num_rows else empty_tidy()
    return ChunkResult(task.order, task.chunk_id, files, errs, data, parsed, cached, _notes(cache))


def _notes(cache: ParseCache | None) -> list[str]:
    return list(cache.notes) if cache is not None else []


def _count_validation_errors(data: pd.DataFrame, rows: list[dict]) -> None:
    from toolkit.validation.api import validate  # imported lazily: only when asked for

    issues = validate(data)
    counts = issues[issues["severity"] == "error"].groupby("source_file").size()
    for row in rows:
        if row["status"] == "parsed":
            row["n_validation_errors"] = int(counts.get(row["source_file"], 0))


def watch_parent(pid: int) -> None:
    """Exit this worker process as soon as process ``pid`` (the batch driver) has died.

    A pool worker blocks on its task queue, whose write end it holds itself, so
    it never sees the driver go; with ``kill -9`` no handler in the driver runs
    either. The worker therefore watches the driver: a pidfd that turns readable
    when the process exits (Linux ≥ 5.3), else a poll of the pid. The
    forkserver lives while a worker holds its "alive" pipe, so it follows.
    Runs as the pool's ``initializer``, in a daemon thread.
    """

    def wait_then_exit() -> None:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:  # gone before this worker started
            os._exit(1)
        except (AttributeError, OSError):  # no pidfd here: poll
            fd = None
        if fd is not None:
            select.select([fd], [], [])
        else:
            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:  # pragma: no cover - still there, owned by someone else
                    pass
                time.sleep(0.5)
        os._exit(1)  # no cleanup to wait for: the driver that wanted the results is gone

    threading.Thread(target=wait_then_exit, name="toolkit-watch-parent", daemon=True).start()


def crashed_result(task: ChunkTask, exc: BaseException) -> ChunkResult:
    """What a file gets when its worker process died while parsing it (after a retry on its own)."""
    rows, errors = [], []
    for path in task.paths:
        row = dict.fromkeys(FILES_COLUMNS)
        row.update(source_file=path, status="failed", error_class="WorkerCrashError")
        try:
            st = os.stat(path)
            row["size_bytes"], row["mtime_ns"] = st.st_size, st.st_mtime_ns
        except OSError:
            pass
        rows.append(row)
        problem = " ".join(f"the parser process died ({type(exc).__name__}: {exc})".split())
        errors.append(error_row(path, {"error_class": "WorkerCrashError", "reason": "worker_crash", "problem": problem}))
    result = ChunkResult(task.order, task.chunk_id, frame(rows, FILES_COLUMNS, FILES_ARROW),
                         frame(errors, ERROR_COLUMNS, ERRORS_ARROW), empty_tidy() if task.out_dir is None else None)
    if task.out_dir is not None:
        shards.write_chunk(task.out_dir, task.chunk_id, empty_tidy(), result.files, result.errors)
    return result

