"""Parquet shards of a parsed corpus, and what makes a run resumable.

Layout of an output folder::

    OUT/cells/year=2023/part-<chunk>.parquet   tidy cells, hive-partitioned by report year
    OUT/cells/year=__HIVE_DEFAULT_PARTITION__/  reports whose year was not found
    OUT/errors/part-<chunk>.parquet            one row per file that failed
    OUT/files/part-<chunk>.parquet             one row per file of the chunk (written last)
    OUT/errors.csv                             all errors, utf-8-sig, rewritten at the end of a run
    OUT/_cache/                                the parse cache (see :mod:`toolkit.corpus.cache`)

A chunk is committed when its ``files`` shard exists: every shard is written
under a temporary name and renamed into place, cells and errors first. A run
that restarts reads the committed ``files`` shards, deletes shards of chunks
that never committed, drops whole chunks whose files changed or vanished
since, and parses only what is left.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from toolkit.corpus.schema import (
    CELLS_ARROW,
    ERROR_COLUMNS,
    ERRORS_ARROW,
    FILES_ARROW,
    FILES_COLUMNS,
    arrow_to_frame,
    conform_tidy,
)

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".parquet")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_chunk(out_dir: str | os.PathLike, chunk_id: str, cells: pd.DataFrame | pa.Table, files: pd.DataFrame,
                errors: pd.DataFrame) -> None:
    """Write one chunk's cells (one file per year), errors, then its files shard (the commit).

    ``cells``: a tidy DataFrame, or an Arrow table of :data:`~toolkit.read.tidy.TIDY_ARROW`
    (what a batch chunk builds: written without a detour through pandas).
    """
    out = Path(out_dir)
    name = f"part-{chunk_id}.parquet"
    if isinstance(cells, pa.Table):
        _write_cells_table(out, name, cells)
    elif len(cells):
        flat = cells.astype({"table": str, "row": str, "column": str})
        years = flat["year"]
        for year in pd.unique(years):
            part = flat[years.isna()] if pd.isna(year) else flat[years == year]
            table = pa.Table.from_pandas(part.drop(columns="year"), schema=CELLS_ARROW, preserve_index=False)
            _write(table, out / "cells" / f"year={NULL_PARTITION if pd.isna(year) else int(year)}" / name)
    if len(errors):
        _write(pa.Table.from_pandas(errors[list(ERROR_COLUMNS)], schema=ERRORS_ARROW, preserve_index=False),
               out / "errors" / name)
    _write(pa.Table.from_pandas(files[list(FILES_COLUMNS)], schema=FILES_ARROW, preserve_index=False),
           out / "files" / name)


def _write_cells_table(out: Path, name: str, cells: pa.Table) -> None:
    if not cells.num_rows:
        return
    years = cells.column("year")
    body = cells.drop_columns(["year"]).select(CELLS_ARROW.names).cast(CELLS_ARROW)
    # One shard per report year, in order of first appearance (as the DataFrame path writes them).
    for year in pc.unique(years).to_pylist():
        mask = pc.is_null(years) if year is None else pc.fill_null(pc.equal(years, year), False)
        _write(body.filter(mask), out / "cells" / f"year={NULL_PARTITION if year is None else int(year)}" / name)


def chunk_of(path: Path) -> str:
    return path.name[len("part-"):-len(".parquet")]


def committed_files(out_dir: str | os.PathLike) -> pd.DataFrame:
    """The files table of every committed chunk, with a ``chunk_id`` column."""
    folder = Path(out_dir) / "files"
    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    if not parts:
        return arrow_to_frame(FILES_ARROW.empty_table(), FILES_COLUMNS).assign(chunk_id=pd.Series([], dtype="str"))
    frames = [arrow_to_frame(pq.read_table(p, schema=FILES_ARROW), FILES_COLUMNS).assign(chunk_id=chunk_of(p)) for p in parts]
    return pd.concat(frames, ignore_index=True)


def drop_chunks(out_dir: str | os.PathLike, chunk_ids: set[str] | None = None) -> int:
    """Delete the shards of the given chunks (``None``: every chunk without a files shard) and temporaries."""
    out = Path(out_dir)
    if chunk_ids is None:
        committed = {chunk_of(p) for p in (out / "files").glob("part-*.parquet")}
        doomed = lambda cid: cid not in committed  # noqa: E731
    else:
        doomed = lambda cid: cid in chunk_ids  # noqa: E731
    n = 0
    for sub in ("cells", "errors", "files"):
        base = out / sub
        if not base.is_dir():
            continue
        for p in base.rglob(".tmp-*"):
            p.unlink(missing_ok=True)
        for p in base.rglob("part-*.parquet"):
            if doomed(chunk_of(p)):
                p.unlink()
                n += 1
    return n


def plan_resume(out_dir: str | os.PathLike, files: list[str], facts: dict | None = None) -> tuple[list[str], set[str]]:
    """Which of ``files`` still need parsing, and which committed chunks must be dropped.

    A committed chunk stays only if every file in it is still part of the batch
    with the same size and modification time, and (``facts``, from
    :func:`toolkit.corpus.agencies.facts_for`) what the folders state about it is
    what it holds; otherwise it is dropped and all its files are parsed again (the
    cache makes the unchanged ones cheap).
    """
    done = committed_files(out_dir)
    wanted = set(files)
    if not len(done):
        return list(files), set()
    stat = {}
    for f in done["source_file"]:
        try:
            st = os.stat(f)
            stat[f] = (st.st_size, st.st_mtime_ns)
        except OSError:
            stat[f] = None
    same = [
        f in wanted and stat[f] == (size, mtime)
        for f, size, mtime in zip(done["source_file"], done["size_bytes"], done["mtime_ns"])
    ]
    if facts is not None:
        from toolkit.corpus.agencies import restated

        same = [s and not r for s, r in zip(same, restated(done, facts))]
    done = done.assign(_same=same)
    ok = done.groupby("chunk_id")["_same"].all()
    stale = set(ok.index[~ok])
    kept = set(done.loc[done["chunk_id"].isin(set(ok.index[ok])), "source_file"])
    return [f for f in files if f not in kept], stale


def load_cells(out_dir: str | os.PathLike, *, columns: list[str] | None = None, filter=None) -> pd.DataFrame:
    """The tidy cells of a shard folder, with the exact tidy schema (categoricals restored).

    Rows come sorted by ``source_file`` (stable: a report's cells keep their order).

    Args:
        out_dir: the folder written by :func:`~toolkit.corpus.parse_to_parquet`.
        columns: read only these tidy columns (default all).
        filter: a ``pyarrow.dataset`` expression, e.g. ``pyarrow.dataset.field("year") == 2023``.
    """
    folder = Path(out_dir) / "cells"
    if not folder.is_dir():
        df = conform_tidy(pd.DataFrame(columns=list(CELLS_ARROW.names) + ["year"]))
        return df[columns] if columns else df
    part = ds.partitioning(pa.schema([("year", pa.int64())]), flavor="hive")
    dataset = ds.dataset(folder, format="parquet", partitioning=part, schema=CELLS_ARROW.append(pa.field("year", pa.int64())),
                         exclude_invalid_files=False, ignore_prefixes=[".", "_"])
    want = None if columns is None else list(dict.fromkeys([*columns, "source_file"]))
    table = dataset.to_table(columns=want, filter=filter)
    df = table.to_pandas()
    df = df.sort_values("source_file", kind="stable", ignore_index=True)
    full = conform_tidy(df) if columns is None else _conform_some(df, columns)
    return full


def _conform_some(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    full = conform_tidy(df)
    return full[columns]


def load_table(out_dir: str | os.PathLike, name: str) -> pd.DataFrame:
    """The ``files`` or ``errors`` table of a shard folder (sorted by file)."""
    columns, schema = {"files": (FILES_COLUMNS, FILES_ARROW), "errors": (ERROR_COLUMNS, ERRORS_ARROW)}[name]
    parts = sorted((Path(out_dir) / name).glob("part-*.parquet"))
    if not parts:
        return arrow_to_frame(schema.empty_table(), columns)
    df = arrow_to_frame(pa.concat_tables([pq.read_table(p, schema=schema) for p in parts]), columns)
    return df.sort_values("source_file", kind="stable", ignore_index=True)
