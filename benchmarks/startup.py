"""What a user waits for, each beside ``python -c pass`` in the same run: ``toolkit --version``,
``import toolkit``, and ``toolkit parse`` of a 2,000-file text/HTML corpus with 1 and 2 workers, end to
end (a new process, ``--force``, shards into a fresh folder), as a user runs it.

The corpus is the bundled 宁河 text report and 上海 HTML report (``data/raw``, real reports with their
SOURCES.csv rows), 1,000 copies of each, each copy made distinct by a trailing comment or blank line (so
no cache or hash can merge them); it is built in a temporary folder and removed afterwards.

Every figure is the fastest of ``--runs`` (a slow spell of a shared machine only ever adds time), with
the median beside it; 1- and 2-worker parses run in turn. The goals (issue: start-up at most 6x the
``python -c pass`` floor; a batch at >= 400 reports/s with 2 workers) are printed beside the figures;
nothing is asserted.

Run: ``.venv/bin/python benchmarks/startup.py [--files 2000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
PY = sys.executable


def build(dest: Path, n: int) -> Path:
    """``n`` distinct files: copies of the bundled text and HTML reports, alternating."""
    text = (RAW / "ninghe-kejiju-2023.txt").read_bytes()
    html = (RAW / "shanghai-gov-office-2019.html").read_bytes()
    for i in range(n):
        if i % 2:
            (dest / f"r{i:05d}.html").write_bytes(html + f"\n<!-- copy {i} -->\n".encode())
        else:
            (dest / f"r{i:05d}.txt").write_bytes(text + b"\n" * (1 + i % 7) + b" " * (i // 7 + 1) + b"\n")
    return dest


def seconds(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=ENV, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def row(label: str, times: list[float], floor: float | None = None, goal: float | None = None, n: int = 0) -> None:
    best, med = min(times), statistics.median(times)
    extra = ""
    if floor is not None:
        extra = f"  {best / floor:5.1f}x the floor"
        if goal is not None:
            extra += f" (goal <= {goal:g}x: {'met' if best / floor <= goal else 'NOT met'})"
    if n:
        extra += f"  {n / best:6.0f} reports/s (median {n / med:.0f})"
    print(f"{label:<44} {best:7.3f} s  median {med:7.3f} s{extra}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (the fastest is the figure)")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (a loaded machine makes these indicative only)")
    floor = [seconds([PY, "-c", "pass"]) for _ in range(max(5, args.runs))]
    version = [seconds([PY, "-m", "toolkit.cli", "--version"]) for _ in range(max(5, args.runs))]
    imp = [seconds([PY, "-c", "import toolkit"]) for _ in range(max(5, args.runs))]
    helps = [seconds([PY, "-m", "toolkit.cli", "parse", "--help"]) for _ in range(max(5, args.runs))]
    heavy = [seconds([PY, "-c", "import pandas"]) for _ in range(max(3, args.runs))]
    f0 = min(floor)
    row("python -c pass (the floor)", floor)
    row("toolkit --version", version, f0, 6)
    row("import toolkit", imp, f0, 6)
    row("toolkit parse --help", helps, f0, 6)
    row("python -c 'import pandas' (for scale)", heavy, f0)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        src = Path(tmp) / "reports"
        src.mkdir()
        build(src, args.files)
        out = Path(tmp) / "shards"
        runs: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.runs):
            for w in (1, 2):
                runs[w].append(seconds([PY, "-m", "toolkit.cli", "parse", str(src), "-o", str(out), "--workers", str(w),
                                        "--force", "-q"]))
                shutil.rmtree(out, ignore_errors=True)
        print(f"\ntoolkit parse of {args.files} text/HTML files to shards, a new process each, --force "
              f"(fastest of {args.runs}; python -c pass {f0:.3f} s in this run):")
        row("  --workers 1", runs[1], n=args.files)
        row("  --workers 2", runs[2], n=args.files)
        speed = [a / b for a, b in zip(runs[1], runs[2])]
        print(f"{'  speed-up 1 -> 2 workers (median of pairs)':<44} {statistics.median(speed):7.2f}")
        print(f"{'  goal: 2 workers >= 400 reports/s':<44} {'met' if args.files / min(runs[2]) >= 400 else 'NOT met'}")


if __name__ == "__main__":
    main()
