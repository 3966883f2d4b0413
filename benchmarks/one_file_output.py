"""Peak memory of ``toolkit parse DIR -o x.csv`` (or ``x.parquet``, or CSV on stdout) on a large corpus.

One-file output is streamed (:mod:`toolkit.corpus.stream`): workers spool each chunk to Parquet, and
the driver appends chunk after chunk to the output, so memory should not grow with the corpus. The
goal: 20,000 reports under 1 GiB.

The corpus is LABELLED SYNTHETIC (``toolkit.synthetic.corpus.generate_corpus``, text and HTML
reports, half each), kept in ``--corpus-dir`` and reused by later runs with the same size and seed.
Generating and parsing 20,000 distinct reports takes over an hour on two shared cores, so by default
``--distinct 1000`` reports are generated and the batch holds ``--reports`` files: symlinks to them
under distinct folders, read with a fresh parse cache (each distinct report is parsed once, every
other copy is a cache hit). The output is the same size as for distinct reports (every file's cells
are written); only the parse work is smaller. ``--distinct 20000`` measures the full parse.
The command runs as a user runs it (a subprocess), and the peak is the summed RSS of the command's
whole process tree (driver, forkserver, workers), sampled every 0.2 s; the driver's own peak
(``ru_maxrss``) is printed beside it, with the output's size.

Run: ``.venv/bin/python benchmarks/one_file_output.py --reports 20000 [--output csv|parquet|stdout]``.
Prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.synthetic.corpus import generate_corpus  # noqa: E402


def corpus(n: int, seed: int, folder: str | None) -> Path:
    out = Path(folder or Path(tempfile.gettempdir()) / f"toolkit-bench/synthetic-text-html-{n}-s{seed}")
    done = out / ".complete"
    if done.exists():
        print(f"corpus: reusing {out} ({n} reports)")
        return out
    t = time.perf_counter()
    generate_corpus(out, n_reports=n, seed=seed, format_weights={"text": 0.5, "html": 0.5}, workers=2,
                    chunk_size=200, progress=False)
    done.write_text("")
    print(f"corpus: generated {n} synthetic reports in {time.perf_counter() - t:.0f} s into {out}")
    return out


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in (proc, *proc.children(recursive=True)):
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measure(cmd: list[str], stdout) -> tuple[int, int, float, int]:
    """(peak summed RSS of the process tree, the driver's own ru_maxrss in bytes, seconds, exit status)."""
    t = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak, stop = 0, threading.Event()
    proc = psutil.Process(child.pid)

    def sample():
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, tree_rss(proc))
            except psutil.NoSuchProcess:
                return
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    print(f"  {tail[0]}")
    return peak, usage.ru_maxrss * 1024, time.perf_counter() - t, child.returncode


def rows(out: Path, kind: str) -> int:
    if not out.exists():
        return 0
    if kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(out).metadata.num_rows
    n = 0
    with open(out, "rb") as f:  # CSV: records, not lines (a text field may hold a newline)
        import csv
        import io

        n = sum(1 for _ in csv.reader(io.TextIOWrapper(f, encoding="utf-8-sig", newline=""))) - 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--distinct", type=int, default=1000, help="distinct reports generated (the rest are symlinks)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus-dir")
    ap.add_argument("--output", choices=("csv", "parquet", "stdout"), default="csv")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    distinct = min(args.distinct, args.reports)
    root = corpus(distinct, args.seed, args.corpus_dir)
    with tempfile.TemporaryDirectory(prefix="toolkit-one-file-") as tmp:
        batch = root
        if distinct < args.reports:
            batch = Path(tmp) / "synthetic-batch"
            names = sorted(p.relative_to(root) for p in root.rglob("*") if p.suffix in (".txt", ".html"))
            for k in range(args.reports):
                link = batch / f"copy{k // len(names):03d}" / names[k % len(names)]
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(root / names[k % len(names)])
            print(f"batch: {args.reports} files, symlinks to {len(names)} distinct reports, fresh parse cache")
        out = Path(tmp) / f"cells.{'parquet' if args.output == 'parquet' else 'csv'}"
        cmd = [sys.executable, "-m", "toolkit.cli", "parse", str(batch), "--no-progress",
               "--cache-dir", str(Path(tmp) / "cache")]
        cmd += ["--workers", str(args.workers)] if args.workers else []
        print(f"toolkit parse {args.reports} reports -> {args.output}:")
        if args.output == "stdout":
            with open(out, "wb") as sink:
                peak, driver, seconds, status = measure(cmd, sink)
        else:
            peak, driver, seconds, status = measure([*cmd, "-o", str(out)], subprocess.DEVNULL)
        size = out.stat().st_size if out.exists() else 0
        print(f"  exit {status}, {seconds:.0f} s, output {size / 2**20:.0f} MiB, {rows(out, args.output):,} cells")
        print(f"  peak RSS, whole process tree: {peak / 2**30:.2f} GiB (goal: under 1 GiB)")
        print(f"  peak RSS, driver alone:       {driver / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
