"""Compare two Parquet shard folders written by ``toolkit parse`` / ``parse_to_parquet``, cell by cell.

Proves that a parser change kept the output: the same shard files (same chunk
ids and year partitions), each with the same Arrow schema (field names, types,
order) and the same values, row by row; the tidy frames ``load_cells`` returns
equal; the ``files`` and ``errors`` tables equal; ``errors.csv`` byte for byte.
Schema metadata (pandas' own notes about the frame a shard was written from) is
reported but is not data.

Run: ``.venv/bin/python benchmarks/compare_shards.py BEFORE_DIR AFTER_DIR``; exit status 1 on
any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.corpus.shards import load_cells, load_table  # noqa: E402


def compare(before: Path, after: Path) -> list[str]:
    """Every difference between two shard folders (empty when they hold the same data)."""
    problems: list[str] = []
    parts = {p.relative_to(before) for p in before.glob("*/**/part-*.parquet")}
    parts_after = {p.relative_to(after) for p in after.glob("*/**/part-*.parquet")}
    for p in sorted(parts ^ parts_after):
        problems.append(f"shard only in {'before' if p in parts else 'after'}: {p}")
    metadata_differs = 0
    for p in sorted(parts & parts_after):
        a, b = pq.read_table(before / p), pq.read_table(after / p)
        if a.schema.remove_metadata() != b.schema.remove_metadata():
            problems.append(f"{p}: schema differs:\n{a.schema.remove_metadata()}\nvs\n{b.schema.remove_metadata()}")
            continue
        metadata_differs += a.schema.metadata != b.schema.metadata
        if a.num_rows != b.num_rows:
            problems.append(f"{p}: {a.num_rows} rows before, {b.num_rows} after")
            continue
        for name in a.column_names:
            x, y = a.column(name).to_pylist(), b.column(name).to_pylist()
            bad = [i for i, (u, v) in enumerate(zip(x, y)) if u != v and not (u != u and v != v)]  # NaN == NaN
            if bad:
                problems.append(f"{p}: column {name}: {len(bad)} cells differ, first at row {bad[0]}: "
                                f"{x[bad[0]]!r} vs {y[bad[0]]!r}")
    try:
        pd.testing.assert_frame_equal(load_cells(before), load_cells(after))
    except AssertionError as exc:
        problems.append(f"load_cells differs: {exc}")
    for name in ("files", "errors"):
        try:
            pd.testing.assert_frame_equal(load_table(before, name), load_table(after, name))
        except AssertionError as exc:
            problems.append(f"{name} table differs: {exc}")
    csv_a, csv_b = before / "errors.csv", after / "errors.csv"
    if csv_a.exists() != csv_b.exists() or (csv_a.exists() and csv_a.read_bytes() != csv_b.read_bytes()):
        problems.append("errors.csv differs")
    print(f"{len(parts & parts_after)} shard files compared; schema metadata differs in {metadata_differs} "
          f"(not data); {len(problems)} differences")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    args = ap.parse_args()
    problems = compare(args.before, args.after)
    for line in problems:
        print(line)
    print("same data" if not problems else "DIFFERENT")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
