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
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from toolkit.atomic import atomic_write
from toolkit.corpus.schema import (
    CELLS_ARROW,
    ERROR_COLUMNS,
    ERRORS_ARROW,
    FILES_ARROW,
    FILES_COLUMNS,
    arrow_to_frame,
    conform_tidy,
)
from toolkit.errors import shown_path

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write(table: pa.Table, path: Path) -> None:
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


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


def _read_checked(path: Path, schema: pa.Schema) -> pa.Table:
    """A shard read in full and validated; raises if it is damaged or of another schema."""
    with pq.ParquetFile(path) as f:  # the file alone: no partition key guessed from its folder
        table = f.read()
    table.validate(full=True)
    got = pa.schema([table.schema.field(n) for n in table.schema.names])
    if not got.remove_metadata().equals(schema.remove_metadata()):
        raise ValueError("not the schema of this shard folder")
    return table


def _damage(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def check_chunks(out_dir: str | os.PathLike) -> tuple[pd.DataFrame, dict[str, str]]:
    """The files table of every committed chunk (with ``chunk_id``), and the damaged chunks.

    Every shard is read back in full and validated: a files, errors or cells shard that
    is cut short, altered or of another schema, or a chunk whose cells or errors do not
    number what its files shard says, is returned in ``damaged`` (chunk id → reason).
    """
    out = Path(out_dir)
    frames, damaged = [], {}
    for p in sorted((out / "files").glob("part-*.parquet")):
        try:
            frames.append(arrow_to_frame(_read_checked(p, FILES_ARROW), FILES_COLUMNS).assign(chunk_id=chunk_of(p)))
        except (OSError, ValueError, pa.ArrowException, MemoryError) as exc:
            damaged[chunk_of(p)] = f"{p.relative_to(out)}: {_damage(exc)}"
    if frames:
        done = pd.concat(frames, ignore_index=True)
    else:
        done = arrow_to_frame(FILES_ARROW.empty_table(), FILES_COLUMNS).assign(chunk_id=pd.Series([], dtype="str"))
    want_cells = done[done["status"] == "parsed"].groupby("chunk_id")["n_cells"].sum()
    want_errors = done[done["status"] == "failed"].groupby("chunk_id").size()
    for sub, schema, want in (("errors", ERRORS_ARROW, want_errors), ("cells", CELLS_ARROW, want_cells)):
        rows: dict[str, int] = defaultdict(int)
        for p in sorted((out / sub).rglob("part-*.parquet")) if (out / sub).is_dir() else []:
            cid = chunk_of(p)
            if cid in damaged:
                continue
            try:
                rows[cid] += _read_checked(p, schema).num_rows
            except (OSError, ValueError, pa.ArrowException, MemoryError) as exc:
                damaged[cid] = f"{p.relative_to(out)}: {_damage(exc)}"
        for cid in set(done["chunk_id"]) - set(damaged):
            if rows.get(cid, 0) != int(want.get(cid, 0)):
                damaged[cid] = f"{sub}: {rows.get(cid, 0)} rows where the files shard says {int(want.get(cid, 0))}"
    return done[~done["chunk_id"].isin(set(damaged))].reset_index(drop=True), damaged


def committed_files(out_dir: str | os.PathLike) -> pd.DataFrame:
    """The files table of every committed chunk, with a ``chunk_id`` column (damaged chunks left out)."""
    return check_chunks(out_dir)[0]


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


def plan_resume(out_dir: str | os.PathLike, files: list[str], facts: dict | None = None) -> tuple[list[str], set[str], list[str]]:
    """Which of ``files`` still need parsing, which committed chunks must be dropped, and notes.

    A committed chunk stays only if its shards read back whole (:func:`check_chunks`)
    and every file in it is still part of the batch with the same size and
    modification time, in no other chunk, and (``facts``, from
    :func:`toolkit.corpus.agencies.facts_for`) what the folders state about it is
    what it holds; otherwise it is dropped and all its files are parsed again (the
    cache makes the unchanged ones cheap). The notes say, one line each, which
    damaged chunks and duplicated files were dropped.
    """
    done, damaged = check_chunks(out_dir)
    notes = [f"damaged shard {why}: its chunk is parsed again" for why in damaged.values()]
    if not len(done):
        return list(files), set(damaged), notes
    real = {shown_path(f): f for f in files}  # source_file holds the name as shown
    stat = {}
    for f in done["source_file"]:
        try:
            st = os.stat(real.get(f, f))
            stat[f] = (st.st_size, st.st_mtime_ns)
        except OSError:
            stat[f] = None
    twice = done["source_file"].duplicated(keep=False)
    if twice.any():  # only two runs writing at once could do this (the folder is locked now): parse them once again
        notes.append(f"{done.loc[twice, 'source_file'].nunique()} files were in more than one chunk: parsed again")
    same = [
        not dup and f in real and stat[f] == (size, mtime)
        for f, size, mtime, dup in zip(done["source_file"], done["size_bytes"], done["mtime_ns"], twice)
    ]
    if facts is not None:
        from toolkit.corpus.agencies import restated

        same = [s and not r for s, r in zip(same, restated(done, facts))]
    done = done.assign(_same=same)
    ok = done.groupby("chunk_id")["_same"].all()
    stale = set(ok.index[~ok]) | set(damaged)
    kept = set(done.loc[done["chunk_id"].isin(set(ok.index[ok])), "source_file"])
    return [f for f in files if shown_path(f) not in kept], stale, notes


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
