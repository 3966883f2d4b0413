"""Median parse time per report for Tika text and HTML, and its ratio to the raw floor.

Floor (the least any reader must do): read the file and build its tree —
``lxml.html`` parse for HTML; decode and split into lines for text.
Run: ``.venv/bin/python benchmarks/readers.py [--reports N]``. Prints figures;
nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import read_report  # noqa: E402
from toolkit.read.encoding import decode  # noqa: E402
from toolkit.synthetic.render.html import render_html  # noqa: E402
from toolkit.synthetic.render.perturb import Perturbation  # noqa: E402
from toolkit.synthetic.render.text import render_text  # noqa: E402
from toolkit.synthetic.values import report_spec  # noqa: E402


def floor_html(path: Path) -> None:
    text, _ = decode(path.read_bytes(), str(path))
    lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))


def floor_text(path: Path) -> None:
    decode(path.read_bytes(), str(path))[0].splitlines()


def median_ms(fn, paths, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        for p in paths:
            t = time.perf_counter()
            fn(p)
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=40, help="synthetic reports per format")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = {"text": [ROOT / "data/raw/ninghe-kejiju-2023.txt"], "html": [ROOT / "data/raw/shanghai-gov-office-2019.html"]}
        for i in range(args.reports):
            spec = report_spec(i, year=2019 + i % 6, activity=[0, 5, 200][i % 3])
            p = Perturbation(chrome=i % 2 == 0, split_spans=i % 4 == 0, encoding="gbk" if i % 5 == 0 else "utf-8")
            (tmp / f"{i}.html").write_bytes(render_html(spec, p, i))
            (tmp / f"{i}.txt").write_bytes(render_text(spec, Perturbation(wrap_labels=True), i))
            files["html"].append(tmp / f"{i}.html")
            files["text"].append(tmp / f"{i}.txt")
        read_report(files["html"][0])  # warm caches (codebook, regexes)
        print(f"{'format':<6} {'reports':>7} {'parse ms':>9} {'floor ms':>9} {'ratio':>6}  (goal: ratio <= 3)")
        for fmt, floor in (("text", floor_text), ("html", floor_html)):
            parse = median_ms(read_report, files[fmt], args.repeat)
            base = median_ms(floor, files[fmt], args.repeat)
            print(f"{fmt:<6} {len(files[fmt]):>7} {parse:>9.2f} {base:>9.3f} {parse / base:>6.1f}")


if __name__ == "__main__":
    main()
