"""A corpus into one CSV or Parquet file (or CSV on standard output), chunk by chunk, in flat memory.

What ``toolkit parse DIR -o x.csv`` (or ``x.parquet``, or stdout) runs. The
workers write each chunk's cells to Parquet shards in a spool folder beside the
output (as :func:`toolkit.corpus.parse_to_parquet` does), and the driver then
appends the chunks to the output one at a time, in file order: nothing holds
more than a chunk, however large the corpus. A file output is written under a
temporary name and renamed into place at the end, so an interrupted run leaves
no half-written table; the spool folder is removed whatever happens, and one
that a killed run left behind (its name carries its owner, see
:func:`toolkit.atomic.sweep`) is removed by the next run into that folder. With Dask, the
spool (beside the output file, or in ``$TMPDIR`` for stdout) must be on storage the
workers share, under the same path, as for :func:`toolkit.corpus.parse_to_parquet`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from toolkit.atomic import atomic_write, owned_prefix, sweep_once
from toolkit.corpus import batch, shards
from toolkit.corpus.schema import conform_tidy, empty_tidy
from toolkit.errors import shown_path
from toolkit.read.tidy import TIDY_ARROW, frame_of_table

SPOOL_PREFIX = ".toolkit-spool-"


def parse_to_file(paths_or_dirs: batch.PathsOrDirs, out: str | os.PathLike | None, workers: int | None = None,
                  engine: str = "process", cache_dir: str | os.PathLike | None = None, *, force: bool = False,
                  progress: bool = True, client=None, scheduler: str | None = None, chunk_size: int | None = None,
                  on_error: Callable[[str], None] | None = None,
                  on_note: Callable[[str], None] | None = None,
                  registry: str | os.PathLike | batch.Registry | None = None) -> dict:
    """Parse a corpus into one tidy table: ``out`` a ``.csv`` (utf-8-sig, spreadsheet-safe) or
    ``.parquet`` file, or ``None``/``"-"`` for CSV on standard output.

    The rows and columns are those of :func:`toolkit.read_reports` ``.data``, in
    the same order; the file is written even when no report parsed (a header, or
    an empty Parquet table). Arguments as in :func:`toolkit.read_reports`.

    Returns:
        counts: ``files``, ``parsed`` (now), ``cached``, ``failed``, plus ``skipped``,
        ``unlisted`` and ``notes`` as in :func:`toolkit.read_reports`, ``cells`` and ``seconds``.
    """
    t0 = time.perf_counter()
    to_stdout = out is None or str(out) == "-"
    if not to_stdout:
        out = Path(out)
        if out.is_dir():
            raise IsADirectoryError(f"{shown_path(out)}: is a folder; name a new .csv or .parquet file "
                                    "(or give a folder without a table extension for Parquet shards)")
    stats: dict = {"files": 0, "parsed": 0, "cached": 0, "failed": 0}
    note = batch._noter(stats, on_note)
    workers = batch._workers(engine, workers, client, note)
    files, prov, groups = batch._collected(batch._found(paths_or_dirs, stats, on_note))
    facts = batch.facts_for(files, registry)
    stats["files"] = len(files)
    cache = str(Path(cache_dir).resolve()) if cache_dir else None
    spool_parent = None if to_stdout else out.resolve().parent
    if spool_parent is not None:
        spool_parent.mkdir(parents=True, exist_ok=True)
    sweep_once(spool_parent or tempfile.gettempdir(), SPOOL_PREFIX)  # spools of runs that were killed
    spool = Path(tempfile.mkdtemp(prefix=owned_prefix(SPOOL_PREFIX), dir=spool_parent))
    try:
        tasks = batch._tasks(files, batch._chunk_size(len(files), workers, chunk_size), prov, groups, facts,
                             cache_dir=cache, force=force, out_dir=str(spool))
        batch._drive(tasks, len(files), engine, workers, client, scheduler, progress, "read", on_error, stats,
                     lambda r: None, note)
        write = _writer(tasks, spool, stats, on_note)
        if to_stdout:
            write(sys.stdout, "csv")
        else:
            kind = "parquet" if out.suffix.lower() == ".parquet" else "csv"
            atomic_write(out, lambda tmp: write(tmp, kind))
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    stats["seconds"] = time.perf_counter() - t0
    return stats


def _writer(tasks, spool: Path, stats: dict, on_note):
    parts: dict[str, list[Path]] = defaultdict(list)
    for p in (spool / "cells").rglob("part-*.parquet") if (spool / "cells").is_dir() else []:
        parts[shards.chunk_of(p)[:16]].append(p)  # a chunk retried file by file wrote "<chunk>-<j>" parts

    def chunks():
        for t in tasks:
            if parts.get(t.chunk_id):
                yield _chunk_frame(parts.pop(t.chunk_id), [shown_path(p) for p in t.paths])

    def write(target, kind: str) -> None:
        stats["cells"] = 0
        if kind == "parquet":
            schema = pa.Table.from_pandas(empty_tidy(), preserve_index=False).schema
            with pq.ParquetWriter(target, schema, compression="zstd") as w:
                for df in chunks():
                    w.write_table(pa.Table.from_pandas(df, schema=schema, preserve_index=False))
                    stats["cells"] += len(df)
            return
        from toolkit.spreadsheet import write_csv

        said: set[str] = set()

        def once(message: str) -> None:  # one line per kind of change, not one per chunk
            kind = message.split(" ", 2)[-1]
            if kind not in said:
                said.add(kind)
                batch._noter(stats, on_note)(message)

        own = isinstance(target, (str, os.PathLike))
        fh = open(target, "w", encoding="utf-8-sig", newline="") if own else target
        try:
            header = True
            for df in chunks():
                write_csv(df, fh, header=header, on_note=once)
                header = False
                stats["cells"] += len(df)
            if header:
                write_csv(empty_tidy(), fh)
        finally:
            if own:
                fh.close()
    return write


def _chunk_frame(paths: list[Path], order: list[str]):
    """One chunk's cells from its year shards, in the order of its files (a report keeps its cell order)."""
    tables = []
    for p in paths:
        with pq.ParquetFile(p) as f:
            table = f.read()
        year = p.parent.name.split("=", 1)[1]
        value = None if year == shards.NULL_PARTITION else int(year)
        table = table.append_column("year", pa.array([value] * table.num_rows, pa.int64()))
        tables.append(table.select(TIDY_ARROW.names).cast(TIDY_ARROW))
    table = pa.concat_tables(tables)
    if len(tables) > 1:
        position = pc.index_in(table.column("source_file"), value_set=pa.array(order))
        table = table.take(pc.sort_indices(pa.table({"p": position}), sort_keys=[("p", "ascending")]))
    return conform_tidy(frame_of_table(table))
