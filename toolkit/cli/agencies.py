"""``toolkit agencies FILE_OR_DIR... [--registry agencies.csv] [--format text|csv]``.

Lists the agency names the reports print, with the agency_id the registry gives each
(:mod:`toolkit.corpus.agencies`), and suggests aliases: two names with the same innermost
region and the same body, one place chain ending the other (洪泽区人民政府 ~
淮安市洪泽区人民政府). A suggestion is only that: add the alias to ``agencies.csv`` to make
the two one agency.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from toolkit.cli.usage import exit_status, footer

if TYPE_CHECKING:
    import pandas as pd


def add_agencies_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "agencies", help="list the agency names found in reports and suggest aliases for the agency registry",
        description="List the agency names printed in the reports, the agency_id the registry (agencies.csv) gives each, "
                    "and names that probably name one agency (same region and body).",
        **footer(exit_status(None, "usage error, a path not found, or no report file found")))
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="report files, or folders searched for them")
    p.add_argument("--registry", help="agency registry (agencies.csv); default: the nearest one beside the files")
    p.add_argument("--format", choices=("text", "csv"), default="text",
                   help="text for reading (default), or csv: one row per name, with suggested_alias_of")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.set_defaults(func=agencies_command)
    return p


def agencies_command(args) -> int:
    from toolkit.corpus import read_reports
    from toolkit.corpus.agencies import names_found, suggest_aliases

    corpus = read_reports(args.inputs, progress=False, registry=args.registry,
                          on_error=lambda msg: print(f"error: {msg}", file=sys.stderr))
    if not corpus.stats["files"]:
        print("error: no report files found in " + " ".join(args.inputs), file=sys.stderr)
        return 2
    names = names_found(corpus.files)
    pairs = suggest_aliases(names)
    if args.format == "csv":
        from toolkit.spreadsheet import write_csv

        alias_of = dict(zip(pairs["alias"], pairs["name"]))
        table = names.assign(suggested_alias_of=names["agency"].map(alias_of))
        write_csv(table, args.output or sys.stdout)
        return 0
    text = _text(names, pairs)
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _text(names: pd.DataFrame, pairs: pd.DataFrame) -> str:
    lines = [f"{len(names)} agency names printed in {int(names['reports'].sum())} reports:"]
    for r in names.itertuples(index=False):
        aid = r.agency_id if isinstance(r.agency_id, str) else "(not in the registry)"
        if isinstance(r.agency_name, str) and r.agency_name != r.agency:
            aid += f" = {r.agency_name}"
        lines.append(f"  {r.agency}\t{aid}\t{r.reports} report{'s' if r.reports != 1 else ''}\t{r.years}")
    if len(pairs):
        lines.append("")
        lines.append("suggested aliases (same region and body): add the second name to the aliases of the first in agencies.csv")
        for r in pairs.itertuples(index=False):
            lines.append(f"  {r.name} ~ {r.alias}\t({r.region}, {r.body})")
    else:
        lines.append("")
        lines.append("no alias to suggest")
    return "\n".join(lines) + "\n"
