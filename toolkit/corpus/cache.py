"""Parsed results cached on disk, keyed by file content and parser version.

An entry is the outcome of ``read_report`` for one file content: the tidy cells
and a summary of the report (Arrow IPC, zstd-compressed), or the error it raised
(JSON). The key is ``sha256(file bytes)`` + :data:`toolkit.version.PARSER_VERSION`,
so a renamed or copied file is a hit, an edited file is a miss, and a new
parser version starts afresh. Paths are not part of an entry: the current path
is written back into ``source_file`` and into error messages on load.

Writes go to a temporary name and are renamed into place, so concurrent
workers and interrupted runs never leave a half-written entry.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa

from toolkit.read.tidy import TIDY_ARROW
from toolkit.version import PARSER_VERSION

_IPC = pa.ipc.IpcWriteOptions(compression="zstd")


class ParseCache:
    """A directory of cached parse results.

    Args:
        root: the cache folder (created when needed).
        version: the parser version the keys carry (default :data:`PARSER_VERSION`).

    Examples:
        >>> import tempfile
        >>> c = ParseCache(tempfile.mkdtemp())
        >>> c.get("0" * 64) is None
        True
    """

    def __init__(self, root: str | os.PathLike, version: str = PARSER_VERSION):
        self.root = Path(root)
        self.version = version

    def _base(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}-v{self.version}"

    def _load(self, sha256: str) -> tuple[str, pa.Table | None, dict] | None:
        """The stored entry: ``("parsed", Arrow table, summary)``, ``("failed", None, error)`` or ``None``."""
        base = self._base(sha256)
        try:
            with pa.memory_map(str(base) + ".arrow") as source:
                table = pa.ipc.open_file(source).read_all()
        except FileNotFoundError:
            pass
        except (OSError, pa.ArrowInvalid):
            return None  # a damaged entry is a miss; it is overwritten on the next put
        else:
            summary = json.loads(table.schema.metadata[b"toolkit_summary"])
            return "parsed", table.replace_schema_metadata(None), summary
        try:
            return "failed", None, json.loads(Path(str(base) + ".error.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing or damaged: a miss
            return None

    def get(self, sha256: str) -> tuple[str, pd.DataFrame | None, dict] | None:
        """``("parsed", cells, summary)``, ``("failed", None, error)`` or ``None`` on a miss."""
        hit = self._load(sha256)
        if hit is None or hit[0] == "failed":
            return hit
        return "parsed", hit[1].to_pandas(), hit[2]

    def get_table(self, sha256: str) -> tuple[str, pa.Table | None, dict] | None:
        """As :meth:`get`, with the cells as an Arrow table of :data:`~toolkit.read.tidy.TIDY_ARROW`
        (what a batch chunk joins; no DataFrame per file)."""
        hit = self._load(sha256)
        if hit is None or hit[0] == "failed":
            return hit
        try:  # entries written from a DataFrame hold the axes as dictionaries: cast to plain strings
            cells = hit[1].select(TIDY_ARROW.names).cast(TIDY_ARROW)
        except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # not an entry of this schema: a miss, overwritten on the next put
        return "parsed", cells, hit[2]

    def put_parsed(self, sha256: str, cells: pd.DataFrame | pa.Table, summary: dict) -> None:
        table = cells if isinstance(cells, pa.Table) else pa.Table.from_pandas(cells, preserve_index=False)
        table = table.replace_schema_metadata({b"toolkit_summary": json.dumps(summary, ensure_ascii=False).encode()})
        def write(path):
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema, options=_IPC) as w:
                w.write_table(table)
        self._atomic(str(self._base(sha256)) + ".arrow", write)

    def put_failed(self, sha256: str, error: dict) -> None:
        data = json.dumps(error, ensure_ascii=False)
        self._atomic(str(self._base(sha256)) + ".error.json", lambda p: Path(p).write_text(data, encoding="utf-8"))

    def _atomic(self, path: str, write) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=Path(path).parent, prefix=".tmp-")
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
