"""``toolkit show FILE --cell TABLE/ROW/COLUMN [-o cell.png]``: a value next to its source.

Prints the printed row of the cell (label and every cell, the chosen one marked
▶…◀) and its location. With ``-o``: a PNG of the page region around the cell for
PDFs and scans (its row and column headers, the cell boxed), or of the printed row
drawn as a small table for HTML, DOCX and text. An unknown key, a cell the report
does not have, or an unreadable file: one line on stderr, exit 2.
"""

from __future__ import annotations

import sys

from toolkit.cli.usage import exit_status, footer

EXIT_OK, EXIT_ERROR = 0, 2


def add_show_parser(subparsers):
    p = subparsers.add_parser(
        "show", help="show where a value was printed: its row, and a picture of its page region (-o PNG)",
        description="Find one cell of a report in its source file.",
        **footer(exit_status(None, "usage error, an unknown key, a cell the report does not have, or a file that "
                                   "cannot be read")))
    p.add_argument("file", metavar="FILE", help="a report file")
    p.add_argument("--cell", required=True, metavar="TABLE/ROW/COLUMN",
                   help="codebook keys, e.g. requests/new_received/total (see toolkit codebook)")
    p.add_argument("-o", "--output", help="write a PNG picture of the cell in its source")
    p.add_argument("--dpi", type=int, default=None, help="picture resolution (default 200)")
    p.set_defaults(func=show_command)
    return p


def show_command(args) -> int:
    from toolkit.errors import ToolkitError
    from toolkit.read.report import read_report
    from toolkit.read.source import DPI, parse_key

    try:
        table, row, column = parse_key(args.cell)
        report = read_report(args.file, partial=True)
        src = report.source(table, row, column)
        print(src.text())
        if args.output:
            from toolkit.analyse.sources import image_of

            if not args.output.lower().endswith(".png"):
                raise ToolkitError(args.output, "the picture is written as PNG: give a .png file name")
            image_of(src, args.dpi or DPI).save(args.output, format="PNG")
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"error: {args.output or args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK
