"""Parsed results cached on disk, keyed by file content and parser version.

An entry is the outcome of ``read_report`` for one file content: the tidy cells
and a summary of the report (an Arrow IPC file compressed whole with zstd,
``.arrow.zst``; ``zstd -d`` gives the Arrow file), or the error it raised (JSON).
The key is ``sha256(file bytes)`` + :data:`toolkit.version.PARSER_VERSION`,
so a renamed or copied file is a hit, an edited file is a miss, and a new
parser version starts afresh. Paths are not part of an entry: the current path
is written back into ``source_file`` and into error messages on load.

An entry is written by :func:`toolkit.atomic.write_bytes` (a temporary name renamed into place), so concurrent
workers and interrupted runs never see a half-written entry. Unlike shards,
entries are not flushed to disk one by one: ``fsync`` (two per entry: the file
and its folder) was the largest cost of a batch outside parsing, and an entry
that a power cut leaves empty or torn fails the checks below and is parsed
again, which is all a cache owes. An entry is compressed whole (one zstd frame),
not buffer by buffer inside the Arrow file: a tenth of the CPU to write, a
twelfth to read, half the size. Entries of the earlier layout (``.arrow``,
buffers compressed inside) are still read.

What is read back is checked before use: the Arrow file is
read into memory (never mapped: a file cut short under a map kills the process)
and validated in full (``Table.validate(full=True)``), its schema must be the
tidy schema, its summary must hold every field and its row count must equal the
summary's ``n_cells``; an error entry must hold its three fields as text. A
damaged or foreign entry is a miss with a one-line note in :attr:`ParseCache.notes`,
and the file is parsed again (which overwrites it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from toolkit.atomic import write_bytes
from toolkit.read.tidy import TIDY_ARROW
from toolkit.version import PARSER_VERSION

_ZSTD = pa.Codec("zstd")
# What the batch reads from a parsed entry's summary, and from a failed entry.
SUMMARY_KEYS = ("report_id", "sha256", "agency", "year", "scope", "level", "format", "templates", "n_cells", "n_issues")
ERROR_KEYS = ("error_class", "reason", "problem")


class _Damaged(Exception):
    pass


class ParseCache:
    """A directory of cached parse results.

    Args:
        root: the cache folder (created when needed).
        version: the parser version the keys carry (default :data:`PARSER_VERSION`).

    Attributes:
        notes: one line per damaged entry met (and treated as a miss) since the cache was opened.

    Examples:
        >>> import tempfile
        >>> c = ParseCache(tempfile.mkdtemp())
        >>> c.get("0" * 64) is None
        True
    """

    def __init__(self, root: str | os.PathLike, version: str = PARSER_VERSION):
        self.root = Path(root)
        self.version = version
        self.notes: list[str] = []

    def _base(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}-v{self.version}"

    def _load(self, sha256: str, full: bool = False) -> tuple[str, pa.Table | None, dict] | None:
        """The stored entry: ``("parsed", Arrow table, summary)``, ``("failed", None, error)`` or ``None``.

        ``full``: the summary must hold every field the batch reads (:data:`SUMMARY_KEYS`).
        """
        base = self._base(sha256)
        for suffix, read in ((".arrow.zst", lambda p: self._parsed(p, full, True)),
                             (".arrow", lambda p: self._parsed(p, full)), (".error.json", self._failed)):
            path = Path(str(base) + suffix)
            try:
                return read(path)
            except FileNotFoundError:
                continue
            except (_Damaged, OSError, ValueError, TypeError, KeyError, pa.ArrowException, MemoryError) as exc:
                why = " ".join(str(exc).split())[:160] or type(exc).__name__
                self.notes.append(f"damaged cache entry {path.name} ({why}): ignored, the file is parsed again")
                return None
        return None

    @staticmethod
    def _parsed(path: Path, full: bool, zst: bool = False) -> tuple[str, pa.Table, dict]:
        data = path.read_bytes()
        if zst:
            data = pa.CompressedInputStream(pa.BufferReader(data), "zstd").read()
        table = pa.ipc.open_file(pa.BufferReader(data)).read_all()
        table.validate(full=True)
        meta = table.schema.metadata or {}
        if b"toolkit_summary" not in meta:
            raise _Damaged("no toolkit summary: not a cache entry")
        summary = json.loads(meta[b"toolkit_summary"])
        if not isinstance(summary, dict):
            raise _Damaged("summary is not a mapping")
        missing = [k for k in SUMMARY_KEYS if k not in summary] if full else []
        if missing:
            raise _Damaged(f"summary lacks {', '.join(missing)}")
        if full and summary["sha256"] != path.name.split("-v", 1)[0]:
            raise _Damaged("stored under another file's hash")
        if "n_cells" in summary and summary["n_cells"] != table.num_rows:
            raise _Damaged(f"{table.num_rows} rows where the summary says {summary['n_cells']}")
        absent = [n for n in TIDY_ARROW.names if n not in table.schema.names]
        if absent:
            raise _Damaged(f"not the tidy schema (no {', '.join(absent[:3])})")
        return "parsed", table.replace_schema_metadata(None), summary

    @staticmethod
    def _failed(path: Path) -> tuple[str, None, dict]:
        error = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(error, dict) or not all(isinstance(error.get(k), str) for k in ERROR_KEYS):
            raise _Damaged(f"an error entry needs {', '.join(ERROR_KEYS)} as text")
        return "failed", None, error

    def get(self, sha256: str) -> tuple[str, pd.DataFrame | None, dict] | None:
        """``("parsed", cells, summary)``, ``("failed", None, error)`` or ``None`` on a miss."""
        hit = self._load(sha256)
        if hit is None or hit[0] == "failed":
            return hit
        return "parsed", hit[1].to_pandas(), hit[2]

    def get_table(self, sha256: str) -> tuple[str, pa.Table | None, dict] | None:
        """As :meth:`get`, with the cells as an Arrow table of :data:`~toolkit.read.tidy.TIDY_ARROW`
        (what a batch chunk joins; no DataFrame per file)."""
        hit = self._load(sha256, full=True)
        if hit is None or hit[0] == "failed":
            return hit
        try:  # entries written from a DataFrame hold the axes as dictionaries: cast to plain strings
            cells = hit[1].select(TIDY_ARROW.names).cast(TIDY_ARROW)
        except (KeyError, pa.ArrowException) as exc:
            self.notes.append(f"damaged cache entry for {sha256[:16]} ({type(exc).__name__}): ignored, the file is parsed again")
            return None
        return "parsed", cells, hit[2]

    def put_parsed(self, sha256: str, cells: pd.DataFrame | pa.Table, summary: dict) -> None:
        table = cells if isinstance(cells, pa.Table) else pa.Table.from_pandas(cells, preserve_index=False)
        table = table.replace_schema_metadata({b"toolkit_summary": json.dumps(summary, ensure_ascii=False).encode()})

        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
        # Not flushed to disk (durable=False): see the module's note.
        write_bytes(str(self._base(sha256)) + ".arrow.zst", _ZSTD.compress(sink.getvalue(), asbytes=True), durable=False)

    def put_failed(self, sha256: str, error: dict) -> None:
        write_bytes(str(self._base(sha256)) + ".error.json", json.dumps(error, ensure_ascii=False).encode(), durable=False)
