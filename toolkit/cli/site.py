"""``toolkit site SOURCE… -o DIR`` (the explorer) and ``toolkit site SOURCE… --chart MEASURE --agency ID -o chart.html``.

SOURCE is report files, folders of them, or a Parquet shard folder written by ``toolkit parse``.
The site works from ``file://`` and any static host, with no network (:mod:`toolkit.site`).
"""

from __future__ import annotations

import argparse
import sys
import time

from toolkit.cli.usage import exit_status, footer


def add_site_parser(subparsers) -> argparse.ArgumentParser:
    from toolkit.site import MEASURES

    p = subparsers.add_parser(
        "site", help="build a static explorer of the measures (index.html + data), or one embeddable chart page",
        description="Write a static site (DIR/index.html, data.js, vega.js, app.js) showing request volumes, outcomes, "
                    "refusal reasons, applicants, reconsideration and litigation, and coverage, in Chinese and English; "
                    "it opens from file:// or any static host with no network. With --chart and --agency, write one "
                    "self-contained chart page for an iframe instead.",
        **footer(exit_status(None, "usage error, a path not found, or no readable report")))
    p.add_argument("inputs", nargs="+", metavar="SOURCE", help="report files, folders, or a Parquet shard folder")
    p.add_argument("-o", "--output", required=True, help="the site folder (or, with --chart, the .html file)")
    p.add_argument("--chart", choices=MEASURES, metavar="MEASURE", help=f"one chart page: {', '.join(MEASURES)}")
    p.add_argument("--agency", help="with --chart: the agency_id (or the printed name where there is no registry)")
    p.add_argument("--registry", help="agency registry (agencies.csv); default: the nearest one beside the files")
    p.add_argument("--quiet", action="store_true", help="no summary line")
    p.set_defaults(func=site_command)
    return p


def site_command(args) -> int:
    from toolkit.errors import ToolkitError
    from toolkit.site import build_chart, build_site
    from toolkit.site.sources import load

    if args.chart and not args.agency:
        print("error: --chart needs --agency ID (an agency_id, or the printed name)", file=sys.stderr)
        return 2
    if args.agency and not args.chart:
        print("error: --agency needs --chart MEASURE", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        panel = load(args.inputs, registry=args.registry)
        if args.chart:
            out = build_chart(panel, args.output, measure=args.chart, agency=args.agency)
        else:
            out = build_site(panel, args.output)
    except (ToolkitError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not args.quiet:
        n = panel["report_id"].nunique()
        print(f"site: {n} reports → {out} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0
