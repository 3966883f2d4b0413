"""``toolkit review FILE_OR_DIR... -o review.html``: one static page to review flagged reports.

Every report is read and validated together (as ``toolkit validate`` does); the
page (:mod:`toolkit.analyse.review`) lists every check of every report and, for
each failed or not-assessable check, the rule, the cells with their printed text
and a picture of their source. A file that cannot be read is one line on stderr
and in the page; the others are still reviewed. Exit 0: written (even with
flagged checks: reviewing them is the point); 2: nothing could be read, or a usage error.
"""

from __future__ import annotations

import sys

from toolkit.cli.usage import exit_status, footer

EXIT_OK, EXIT_ERROR = 0, 2


def add_review_parser(subparsers):
    p = subparsers.add_parser(
        "review", help="write one self-contained HTML page to review the checks of reports, with source pictures",
        description="Validate reports and write one static HTML page (pictures inline, no network, no script): "
                    "every check of every report, and for each failed or not-assessable one the rule, the cells "
                    "and pictures of where they were printed.",
        **footer(exit_status(None, "usage error, nothing readable, or a corrections template that cannot be written")))
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="report files or folders of reports")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write")
    p.add_argument("--no-pictures", action="store_true", help="leave out the pictures of the sources (a smaller page)")
    p.add_argument("--corrections-template", metavar="OUT_CSV", default=None,
                   help="also write a corrections file to fill in: one line per cell of every failed check, "
                        "prefilled with sha256, cell and printed text (see --corrections)")
    from toolkit.cli.corrections import add_corrections_option

    add_corrections_option(p)
    p.set_defaults(func=review_command)
    return p


def _read(inputs: list[str]):
    """Reports and one-line errors; source URLs from a collector's manifest when the files were collected."""
    from toolkit.collect.manifest import provenance
    from toolkit.corpus.files import discover
    from toolkit.errors import ToolkitError
    from toolkit.read.report import read_report

    files = discover(inputs)
    prov = provenance([str(f) for f in files])
    reports, unreadable = [], []
    for f in files:
        try:
            report = read_report(f)
        except ToolkitError as exc:
            unreadable.append(str(exc))
            print(f"error: {exc}", file=sys.stderr)
            continue
        if str(f) in prov:
            report.data["source_url"], report.data["fetched_at"] = prov[str(f)]
        reports.append(report)
    return files, reports, unreadable


def review_command(args) -> int:
    from toolkit.analyse.review import review_html

    if not args.output.lower().endswith((".html", ".htm")):
        print(f"error: {args.output}: the review is an HTML page: give a .html file name", file=sys.stderr)
        return EXIT_ERROR
    try:
        files, reports, unreadable = _read(args.inputs)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not files:
        print("error: no report files found in " + " ".join(args.inputs), file=sys.stderr)
        return EXIT_ERROR
    if not reports:
        print("error: none of the files could be read: no review written", file=sys.stderr)
        return EXIT_ERROR
    if args.corrections:
        from toolkit.cli.corrections import corrected_reports

        try:
            reports = corrected_reports(reports, args.corrections)
        except SystemExit as exc:
            return int(exc.code)
    from toolkit.validation.api import run_checks

    result = run_checks(reports)
    page = review_html(reports, unreadable=unreadable, pictures=not args.no_pictures, result=result)
    if args.corrections_template:
        from toolkit.analyse.review import corrections_template
        from toolkit.spreadsheet import write_csv

        try:
            write_csv(corrections_template(reports, result), args.corrections_template)
        except OSError as exc:
            print(f"error: {args.corrections_template}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
    try:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(page)
    except OSError as exc:
        print(f"error: {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"review: {len(reports)} reports, {len(unreadable)} unreadable → {args.output}", file=sys.stderr)
    return EXIT_OK
