"""Whole-corpus loading: reports/s for 1 and 2 local workers and for Dask, peak memory, and the
per-report cost against the single-file figure of ``benchmarks/readers.py``.

The corpus is LABELLED SYNTHETIC (``toolkit.synthetic.corpus.generate_corpus``), mixed formats:
by default 45 % text, 45 % HTML, 9 % DOCX, 1 % PDF. PDF rendering goes through LibreOffice
(seconds per batch), so only ``--pdf-renders`` distinct PDFs are rendered and the other PDFs are
byte copies of them with a distinct trailing comment (said in the output). The corpus is kept
in ``--corpus-dir`` and reused by later runs with the same size and seed.

Each run parses the whole corpus into Parquet shards (``toolkit parse DIR -o OUT_DIR``'s path,
no parse cache, fresh output folder). Memory: the peak, over the whole run, of the summed RSS
and PSS (shared pages counted once) of this process and every child (pool workers, forkserver,
Dask scheduler/nanny/workers), sampled every 0.2 s.

The batch goals (≥ 400 text/HTML reports/s with 2 workers, a 1 → 2 worker speed-up ≥ 1.8, peak
memory growing ≤ 10% when the batch grows) run on a text/HTML corpus of ``--reports`` reports (``--text-html``):
reports/s with 1 and 2 local workers, the speed-up, and peak memory for that batch and for
``--scale`` times as many files (symlinks to the same reports under other names: the batch
grows, the parse work per file is the same). 1 and 2 workers run in turn, ``--runs`` pairs: the
speed-up is the median of the pairs' ratios (a pair shares the machine's slow or fast spell),
reports/s the fastest 2-worker run; beside the speed-up, this machine's own speed-up from 1 to 2
plain processes reading the same files (the most a batch can gain here). Memory comes from runs
of its own (1 and 2 workers, and 2 workers on the scaled folder): sampling every process's
smaps costs CPU the timed runs must not lose. The forkserver's start-up (its preload,
:mod:`toolkit.corpus._warm`) is paid once per driver process: it is measured on its own, with
and without the preload, and the timed runs start with it running.

Run: ``.venv/bin/python benchmarks/corpus.py --reports 10000``. Prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import read_report  # noqa: E402
from toolkit.corpus import parse_to_parquet  # noqa: E402
from toolkit.synthetic.corpus import generate_corpus  # noqa: E402

MIX = {"text": 0.45, "html": 0.45, "docx": 0.09, "pdf": 0.01}


class MemoryMonitor:
    """Peak summed RSS/PSS of this process tree, sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak_rss, self.peak_pss, self.peak_procs = interval, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        rss = pss = 0
        procs = [me, *me.children(recursive=True)]
        for p in procs:
            try:
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(procs))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


def gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def corpus(args, mix: dict | None = None, name: str = "corpus") -> tuple[Path, pd.DataFrame]:
    mix = mix or MIX
    default = Path(tempfile.gettempdir()) / f"toolkit-bench/synthetic-{name}-{args.reports}-s{args.seed}"
    out = Path(args.corpus_dir or default) if mix is MIX else default
    manifest = out / "reports.csv"
    if manifest.exists():
        reports = pd.read_csv(manifest, encoding="utf-8-sig", keep_default_na=False)
        if len(reports) == args.reports:
            print(f"corpus: reusing {out} ({len(reports)} reports)")
            return out, reports
    t = time.perf_counter()
    sc = generate_corpus(out, n_reports=args.reports, seed=args.seed, format_weights=mix, pdf_renders=args.pdf_renders,
                         workers=2, chunk_size=100, progress=not args.quiet)
    print(f"corpus: generated {len(sc.reports)} reports in {time.perf_counter() - t:.0f} s into {out}")
    return out, sc.reports.drop(columns="source_file")


def single_file_ms(root: Path, reports: pd.DataFrame, per_format: int = 60) -> dict[str, float]:
    """Median in-process ``read_report`` time per format (the readers benchmark's method)."""
    read_report(root / reports["file"].iloc[0])  # warm caches
    out = {}
    for fmt, group in reports.groupby("format"):
        files = [root / f for f in group["file"].head(per_format)]
        times = []
        for f in files:
            t = time.perf_counter()
            try:
                read_report(f)
            except Exception:  # noqa: BLE001 - errors cost time too
                pass
            times.append(time.perf_counter() - t)
        out[fmt] = statistics.median(times) * 1000
    return out


def run(label: str, root: Path, n: int, **kw) -> float:
    wall, _, stats = parse_once(root, **kw)
    print(f"{label:<30} {n:>7} {wall:>8.1f} {n / wall:>10.1f} {stats['failed']:>7}")
    return wall


def parse_once(root: Path, monitor: bool = False, **kw) -> tuple[float, MemoryMonitor | None, dict]:
    """Wall seconds of one parse of the folder into fresh shards, its memory monitor when asked, its counts.

    Timed runs go unmonitored: a sample reads every process's smaps (about 14 ms of CPU per
    sample, five samples a second), which takes from the workers when they fill both cores and
    not when one worker leaves a core idle, and so would understate the speed-up.
    """
    with tempfile.TemporaryDirectory(prefix="bench-shards-") as out, \
            (MemoryMonitor() if monitor else contextlib.nullcontext()) as mem:
        t = time.perf_counter()
        stats = parse_to_parquet(root, out, cache_dir=None, progress=False, **kw)
        wall = time.perf_counter() - t
    return wall, mem, stats


def _read_all(paths: list[str]) -> int:
    """The reading work alone, in a plain process (no chunks, no shards, no driver)."""
    from toolkit.read.report import read_cells

    for p in paths:
        read_cells(p)
    return len(paths)


def machine_speedup(paths: list[str]) -> float:
    """This machine's own speed-up from 1 to 2 processes on the batch's reading work: the
    same files read by ``read_cells`` in one process, then split between two."""
    from concurrent.futures import ProcessPoolExecutor

    from toolkit.corpus.engines import pool_context

    with ProcessPoolExecutor(2, mp_context=pool_context()) as pool:
        list(pool.map(_read_all, [paths[:20], paths[20:40]]))  # both workers started and warm
        t = time.perf_counter()
        pool.submit(_read_all, paths).result()
        one = time.perf_counter() - t
        t = time.perf_counter()
        list(pool.map(_read_all, [paths[0::2], paths[1::2]]))
        two = time.perf_counter() - t
    return one / two


_START = """
import sys, time
t = time.perf_counter()
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp
ctx = mp.get_context("forkserver")
ctx.set_forkserver_preload(sys.argv[1:])
from toolkit.corpus.worker import ChunkTask, run_chunk
task = ChunkTask(order=(0,), chunk_id="x", paths=[{path!r}])
with ProcessPoolExecutor(2, mp_context=ctx) as pool:
    list(pool.map(run_chunk, [task, task]))  # both workers have read a file
    first = time.perf_counter() - t
    t = time.perf_counter()
with ProcessPoolExecutor(2, mp_context=ctx) as pool:  # a second pool: the forkserver is running
    list(pool.map(run_chunk, [task, task]))
print(first, time.perf_counter() - t)
"""


def start_up(path: Path) -> None:
    """Seconds until 2 fresh workers have each read one file, with and without the forkserver preload."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print("\nstart-up (a fresh driver; 2 workers each read one file):")
    for label, preload in (("preload toolkit.corpus._warm", ["toolkit.corpus._warm"]), ("no preload", [])):
        out = subprocess.run([sys.executable, "-c", _START.format(path=str(path)), *preload], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
        first, again = float(out[0]), float(out[1])
        print(f"  {label:<30} first pool {first:5.2f} s, next pool {again:5.2f} s")


def warm_forkserver() -> float:
    """Start the forkserver (and its preload) as every batch does; the timed runs then start warm."""
    from concurrent.futures import ProcessPoolExecutor

    from toolkit.corpus.engines import pool_context

    t = time.perf_counter()
    with ProcessPoolExecutor(1, mp_context=pool_context()) as pool:
        pool.submit(os.getpid).result()
    return time.perf_counter() - t


def scaled(root: Path, files: list[str], times: int, dest: Path) -> Path:
    """``times`` copies of a corpus as symlinks under distinct folders (distinct file names)."""
    for k in range(times):
        for f in files:
            link = dest / f"copy{k}" / f
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(root / f)
    return dest


def floor_rate(root: Path, reports: pd.DataFrame) -> float:
    """Reports/s of the floor in this process: read each file and build its tree (lxml parse for
    HTML, decode and split lines for text), as ``benchmarks/readers.py`` defines it."""
    from readers import floor_html, floor_text

    paths = [(root / f, fmt) for f, fmt in zip(reports["file"], reports["format"])]
    t = time.perf_counter()
    for path, fmt in paths:
        (floor_html if fmt == "html" else floor_text)(path)
    return len(paths) / (time.perf_counter() - t)


def text_html(args) -> None:
    """The batch goals: a text/HTML batch with 1 and 2 workers, speed-up, memory as the batch grows."""
    root, reports = corpus(args, {"text": 0.5, "html": 0.5, "docx": 0.0, "pdf": 0.0}, "text-html")
    n = len(reports)
    print(f"formats: {reports['format'].value_counts().to_dict()}")
    start_up(root / reports["file"].iloc[0])
    print(f"forkserver start-up with its preload in this run: {warm_forkserver():.2f} s (paid once per driver process)")
    # 1 and 2 workers in turn, --runs pairs: a pair shares the machine's spell, so its ratio is
    # the speed-up; the fastest run of each gives reports/s (slow spells only ever add time).
    print(f"\n{'run (text/HTML)':<30} {'reports':>7} {'1 worker s':>11} {'2 workers s':>12} {'speed-up':>9} {'machine':>8}")
    paths = [str(root / f) for f in reports["file"]]
    pairs, machine = [], []
    for i in range(args.runs):
        w1, _, s1 = parse_once(root, workers=1, engine="process")
        w2, _, s2 = parse_once(root, workers=2, engine="process")
        pairs.append((w1, w2))
        machine.append(machine_speedup(paths))
        failed = f"   ({s1['failed']} + {s2['failed']} files failed)" if s1["failed"] or s2["failed"] else ""
        print(f"{f'pair {i + 1}':<30} {n:>7} {w1:>11.2f} {w2:>12.2f} {w1 / w2:>9.2f} {machine[-1]:>8.2f}{failed}")
    w1, w2 = min(p[0] for p in pairs), min(p[1] for p in pairs)
    speedup = statistics.median(a / b for a, b in pairs)
    ceiling = statistics.median(machine)
    # Memory from runs of their own, monitored: 1 and 2 workers, and 2 workers on --scale times the files.
    _, mem1, _ = parse_once(root, monitor=True, workers=1, engine="process")
    _, mem2, _ = parse_once(root, monitor=True, workers=2, engine="process")
    peak2 = mem2.peak_pss
    with tempfile.TemporaryDirectory(prefix="synthetic-scaled-") as sub:
        big = scaled(root, list(reports["file"]), args.scale, Path(sub))
        wb, memb, _ = parse_once(big, monitor=True, workers=2, engine="process")
    print(f"{f'2 workers, {args.scale}x files':<30} {n * args.scale:>7} {'':>11} {wb:>12.2f}   (memory monitored)")
    rate = n / w2
    floor = floor_rate(root, reports)
    print(f"\nfloor: the same {n} files read and parsed by lxml (HTML) or split into lines (text) in one "
          f"process: {floor:.0f} reports/s ({1000 / floor:.2f} ms per report)")
    print(f"per report, 1 worker: {1000 * w1 / n:.2f} ms = {floor * w1 / n:.1f}x the floor "
          f"(the batch reads, maps, checks and writes Parquet shards; the floor only parses)")
    print(f"machine: read_cells over the same files in 1 process, then split between 2 plain processes: "
          f"{ceiling:.2f}x (median of {args.runs}; the most any 2-worker batch can gain here)")
    print(f"\n{'goal':<44} {'measured':>10} {'floor/goal':>12}  met")
    print(f"{'text/HTML batch, 2 workers (reports/s)':<44} {rate:>10.0f} {'>= 400':>12}  {'yes' if rate >= 400 else 'NO'}"
          f"   (fastest of {args.runs}; floor on 2 cores: {2 * floor:.0f} reports/s)")
    print(f"{'speed-up 1 -> 2 workers':<44} {speedup:>10.2f} {'>= 1.8':>12}  {'yes' if speedup >= 1.8 else 'NO'}"
          f"   (median of {args.runs} pairs; the machine's own: {ceiling:.2f})")
    grow = memb.peak_pss / peak2
    print(f"{f'peak PSS {n * args.scale} / {n} reports':<44} {grow:>10.2f} {'<= 1.10':>12}  {'yes' if grow <= 1.10 else 'NO'}"
          f"   ({gib(memb.peak_pss)} vs {gib(peak2)}; RSS {gib(memb.peak_rss)} vs {gib(mem2.peak_rss)}; "
          f"1 worker {gib(mem1.peak_pss)})")
    print(f"{n * args.scale} files at {n * args.scale / wb:.0f} reports/s with 2 workers")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pdf-renders", type=int, default=20, help="distinct PDFs rendered; other PDFs are copies")
    ap.add_argument("--corpus-dir", help="where the synthetic corpus is written (path must contain 'synthetic')")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--text-html", action="store_true", help="the text/HTML goals run only")
    ap.add_argument("--scale", type=int, default=5, help="--text-html: memory checked on this many times the files")
    ap.add_argument("--runs", type=int, default=5, help="--text-html: pairs of 1- and 2-worker runs")
    args = ap.parse_args()
    if args.text_html:
        text_html(args)
        return

    root, reports = corpus(args)
    n = len(reports)
    mix = reports["format"].value_counts().to_dict()
    copies = int((reports["copy_of"].astype(str) != "").sum())
    print(f"formats: {mix}; PDFs: {mix.get('pdf', 0) - copies} rendered by LibreOffice, {copies} byte copies of them")

    single = single_file_ms(root, reports)
    mean_single = sum(single[f] * c for f, c in mix.items()) / n
    print("single file (median ms, in process): " + ", ".join(f"{f} {v:.1f}" for f, v in sorted(single.items()))
          + f"; corpus mix {mean_single:.1f} ms/report")

    print(f"\n{'run':<26} {'reports':>7} {'wall s':>8} {'reports/s':>10} {'errors':>7}")
    with MemoryMonitor() as mem:
        w1 = run("local, 1 worker", root, n, workers=1, engine="process")
        w2 = run("local, 2 workers", root, n, workers=2, engine="process")
        th = reports[reports["format"].isin(["text", "html"])]
        with tempfile.TemporaryDirectory(prefix="synthetic-text-html-") as sub:
            # the text/HTML part alone: symlinks, so the files are the same
            for f in th["file"]:
                dest = Path(sub, f)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.symlink_to(root / f)
            wth = run("local, 2 workers, txt/html", Path(sub), len(th), workers=2, engine="process")
        wd = None
        if not args.no_dask:
            from distributed import Client, LocalCluster

            t = time.perf_counter()
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                print(f"{'(Dask LocalCluster start-up':<26} {time.perf_counter() - t:>16.1f} s)")
                wd = run("dask, 2 worker processes", root, n, engine="dask", client=client)
    print(f"\nspeed-up 1 → 2 workers, mixed formats: {w1 / w2:.2f}x (one run each, memory sampled meanwhile; the text/HTML goal is read from unmonitored pairs)"
          + (f"; Dask vs local 2 workers: {w2 / wd:.2f}x" if wd else ""))
    print(f"10,000 text/HTML reports at the 2-worker rate: {10000 * wth / len(th):.0f} s (goal < 120 s)")
    print(f"per-report time, 1 worker: {1000 * w1 / n:.2f} ms = {1000 * w1 / n / mean_single:.2f} x the single-file "
          f"figure ({mean_single:.2f} ms, readers' method)")
    print(f"peak memory of the whole run: RSS {gib(mem.peak_rss)} summed over up to {mem.peak_procs} processes, "
          f"PSS {gib(mem.peak_pss)} (goal < 1 GiB)")


if __name__ == "__main__":
    main()
