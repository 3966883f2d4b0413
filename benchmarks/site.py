"""Build time of the explorer for data/raw (``toolkit site data/raw -o DIR``): reading, measures, writing.

Run: ``.venv/bin/python benchmarks/site.py [--repeat N]``. Prints seconds and the site's size;
nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.site import build_site  # noqa: E402
from toolkit.site.sources import load  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("source", nargs="?", default=str(ROOT / "data" / "raw"))
    args = ap.parse_args()
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            panel = load([args.source])
            t1 = time.perf_counter()
            build_site(panel, tmp)
            t2 = time.perf_counter()
            size = sum(p.stat().st_size for p in Path(tmp).iterdir())
            data = (Path(tmp) / "data.js").stat().st_size
        print(f"run {i + 1}: {panel['report_id'].nunique()} reports; read {t1 - t0:.1f} s, measures + write {t2 - t1:.1f} s, "
              f"total {t2 - t0:.1f} s; site {size / 1e6:.2f} MB (data.js {data / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
