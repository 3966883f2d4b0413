"""Link handling of the collector: seconds per list page as a list page grows (it should stay linear).

A list page on 127.0.0.1 holds ``n`` self links, ``n`` pager links (``index_1.html`` …) and
``n`` report links (refused by robots.txt, so only the list pages are requested); the crawl
follows ``--pages`` list pages. Printed for each ``n``: seconds, seconds per 1,000 links per
page, and requests. Linear link handling keeps the second column flat as ``n`` doubles (a
crawl that walked its queue once per pager link grew it with ``n``).

Run: ``.venv/bin/python benchmarks/collect_links.py --sizes 1000 2000 4000 --pages 10``.
Prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import toolkit  # noqa: E402
from tests.collect import site as mock  # noqa: E402


def one(n: int, pages: int) -> tuple[float, int]:
    links = "".join(f'<a href="index.html">首页</a><a href="index_{i}.html">{i % 1000 + 1}</a>'
                    f'<a href="/private/r{i}.html">某局{i}年政府信息公开工作年度报告</a>' for i in range(n))
    body = f"<html><head><title>政府信息公开年报</title></head><body>{links}</body></html>".encode()
    page = (200, {"Content-Type": "text/html; charset=utf-8"}, body)
    server = mock.start({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
                         "/big/index.html": page, **{f"/big/index_{i}.html": page for i in range(n)}})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            toolkit.collect([server.base + "/big/index.html"], Path(tmp) / "col", max_pages=pages, delay=0,
                            timeout=10, progress=False)
            return time.perf_counter() - t, len(server.log)
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    ap.add_argument("--pages", type=int, default=10)
    args = ap.parse_args()
    print(f"{'links of each kind':>18} {'seconds':>8} {'s per 1k links per page':>24} {'requests':>8}")
    for n in args.sizes:
        seconds, requests = one(n, args.pages)
        print(f"{n:>18} {seconds:>8.2f} {seconds / args.pages / (3 * n / 1000):>24.4f} {requests:>8}")


if __name__ == "__main__":
    main()
