"""Where a report's parse time goes: cProfile over ``read_cells`` (the batch path) per format, and
over a batch chunk (``run_chunk``: read, join the chunk's cells into one Arrow table, write shards).

Prints, per format, the functions with the most own time (ms per report and share of the
profiled total). cProfile adds a cost per Python call, so Python-heavy code looks heavier than
it runs; the shares say where to look, ``benchmarks/readers.py`` says how fast it is.
Run: ``.venv/bin/python benchmarks/profile_readers.py [--top N]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.read.report import read_cells  # noqa: E402


def _label(func: tuple[str, int, str]) -> str:
    file, line, name = func
    if file == "~":  # a builtin
        return name
    path = Path(file)
    try:
        file = str(path.relative_to(ROOT))
    except ValueError:
        file = "/".join(path.parts[-2:])
    return f"{file}:{line}({name})"


def top_costs(fn, items: list, top: int = 8, repeat: int = 2) -> tuple[float, list[tuple[str, float, float]]]:
    """``(profiled ms per item, [(function, own ms per item, share), …])`` of ``fn`` over ``items``."""
    fn(items[0])  # warm caches: a batch worker runs warm
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        for item in items:
            fn(item)
    prof.disable()
    stats = pstats.Stats(prof).stats
    n = repeat * len(items)
    total = sum(s[2] for s in stats.values())
    rows = sorted(((_label(f), s[2]) for f, s in stats.items()), key=lambda r: -r[1])[:top]
    return 1000 * total / n, [(name, 1000 * t / n, t / total) for name, t in rows]


def print_costs(title: str, fn, items: list, top: int) -> None:
    per, rows = top_costs(fn, items, top)
    print(f"\n{title}: {per:.2f} ms per report under cProfile; top own time:")
    for name, ms, share in rows:
        print(f"  {share:>5.1%} {ms:>7.3f} ms  {name}")


def chunk_runner(paths: list[Path]):
    """A function running one batch chunk of ``paths`` (writing shards to a temporary folder)."""
    from toolkit import limits
    from toolkit.corpus.worker import ChunkTask, run_chunk

    out = tempfile.mkdtemp(prefix="bench-profile-")

    def run(_):
        run_chunk(ChunkTask(order=(0,), chunk_id="p", paths=[str(p) for p in paths], out_dir=out, limits=limits.current()))

    return run


def profile_all(files: dict[str, list[Path]], top: int = 8) -> None:
    """Top costs of ``read_cells`` per format, and of a batch chunk of all the files."""
    for fmt, paths in files.items():
        print_costs(f"{fmt} ({len(paths)} files)", read_cells, paths, top)
    every = [p for paths in files.values() for p in paths]
    per, rows = top_costs(chunk_runner(every), [None], top)
    print(f"\nbatch chunk ({len(every)} files, shards written): {per / len(every):.2f} ms per report under cProfile; top own time:")
    for name, ms, share in rows:
        print(f"  {share:>5.1%} {ms / len(every):>7.3f} ms  {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--reports", type=int, default=40, help="synthetic reports per format")
    args = ap.parse_args()
    from readers import sample_files  # benchmarks/readers.py: the same files as the timing

    with tempfile.TemporaryDirectory() as tmp:
        profile_all(sample_files(Path(tmp), args.reports), args.top)


if __name__ == "__main__":
    main()
