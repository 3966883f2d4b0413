"""``toolkit validate FILE_OR_DIR... [--format text|csv|json]``.

Reads every report, validates the files together (so W1 and W5 see the whole
series) and prints the findings grouped by file. Exit status: 0 no errors,
1 errors found (warnings alone do not fail), 2 a file could not be read (wins
over 1, the other files are still validated).

Wire-up (in ``toolkit.cli.build_parser``)::

    from toolkit.cli.validate import add_validate_parser
    add_validate_parser(sub)       # sets func=validate_command
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from toolkit.cli.usage import exit_status, footer
from toolkit.errors import ToolkitError

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
REGISTRY_HELP = ("agency registry (agencies.csv) for every file; default: the nearest agencies.csv beside the files "
                 "(their folder or a parent), with the nearest SOURCES.csv")


def add_validate_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``validate`` sub-command to an argparse subparsers object."""
    p = subparsers.add_parser(
        "validate",
        help="check reports against their accounting identities (H1–H5) and cross-checks (W1–W6)",
        description="Check report files against the identities of their own tables and the cross-checks. "
                    "Exit 0: no errors; 1: errors found; 2: a file could not be read.",
        **footer(exit_status("errors found (warnings alone do not fail)",
                             "usage error, a path not found, or a file unreadable (wins over 1)")),
    )
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="report files or folders of reports")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text", help="output format (default text)")
    p.add_argument("--blanks", action="store_true", help="also list every cell the blank-cell rule filled (text)")
    p.add_argument("--checks", action="store_true",
                   help="write the checks table instead of the findings: one row per rule instance evaluated, with its "
                        "outcome (passed, failed, not_assessable, imputed) and reason (csv or json)")
    p.add_argument("-o", "--output", default=None, help="write to this file instead of standard output")
    p.add_argument("--registry", default=None, help=REGISTRY_HELP)
    from toolkit.cli.corrections import add_corrections_option

    add_corrections_option(p)
    p.set_defaults(func=validate_command)
    return p


def _text(issues: pd.DataFrame, summary: pd.DataFrame, unreadable: list[str], show_blanks: bool) -> str:
    import pandas as pd

    lines = []
    for rec in summary.to_dict("records"):
        rid = rec["report_id"]
        found = issues[issues["report_id"] == rid]
        head = f"== {rec['source_file']} · {rec['agency'] or '?'} {rec['year'] if pd.notna(rec['year']) else ''}".rstrip()
        lines.append(head)
        lines.append(
            f"   checked {rec['checked']} · passed {rec['passed']} · failed {rec['failed']} · "
            f"not assessable {rec['not_assessable']} · imputed {rec['imputed']} · "
            f"errors {rec['errors']} · warnings {rec['warnings']}"
        )
        for sev in ("error", "warning"):
            for r in found[found["severity"] == sev].to_dict("records"):
                where = r["location"] if isinstance(r["location"], str) and r["location"] else ""
                # identity and warning messages open with their rule; the others are named here
                rule = "" if str(r["message_zh"]).startswith(str(r["rule"])) else f"{r['rule']}  "
                lines.append(f"   {sev.upper():7} {rule}{r['message_zh']}")
                lines.append(f"           {r['message_en']}" + (f"  [{where}]" if where else ""))
                if isinstance(r["hint"], str) and r["hint"]:
                    lines.append(f"           hint: {r['hint']}")
        info = found[found["severity"] == "info"]
        if len(info):
            counts = info.groupby(["rule", info["table"].astype(str)]).size()
            text = ", ".join(f"{t} {n} {rule}" for (rule, t), n in counts.items())
            lines.append(f"   blank-cell rule (toolkit.validation.blanks): {text}")
            if show_blanks:
                lines += [f"           {m}" for m in info["message"]]
        lines.append("")
    for msg in unreadable:
        lines.append(f"== UNREADABLE {msg}")
    return "\n".join(lines).rstrip() + "\n"


def validate_command(args) -> int:
    """Run ``toolkit validate``; returns the exit status."""
    import pandas as pd

    from toolkit.corpus.agencies import annotate_report, facts_for
    from toolkit.corpus.files import discover  # the same file walker as `toolkit parse`
    from toolkit.read.report import read_report
    from toolkit.validation.api import run_checks
    from toolkit.validation.quality import quality_summary

    checks = getattr(args, "checks", False)
    if checks and getattr(args, "format", "text") == "text":
        print("error: --checks writes a table: add --format csv or --format json", file=sys.stderr)
        return EXIT_UNREADABLE
    reports, unreadable = [], []
    try:
        # what is found but not read (a FIFO, a device, a folder that cannot be listed) gets one line each
        files = discover(args.inputs, on_skip=lambda msg, lost: print(f"note: {msg}", file=sys.stderr))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:  # what the folders state (agencies.csv, SOURCES.csv), applied as `toolkit parse` applies it
        facts = facts_for([str(f) for f in files], getattr(args, "registry", None))
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for f in files:
        try:
            reports.append(annotate_report(read_report(f), *facts.get(str(f), (None, {}))))
        except ToolkitError as exc:
            unreadable.append(str(exc))
            print(f"error: {exc}", file=sys.stderr)
    if not files:
        print("error: no report files found in " + " ".join(args.inputs), file=sys.stderr)
        return EXIT_UNREADABLE
    if reports and getattr(args, "corrections", None):
        from toolkit.cli.corrections import corrected_reports

        try:
            reports = corrected_reports(reports, args.corrections)
        except SystemExit as exc:
            return int(exc.code)
    if reports:
        res = run_checks(reports)
        issues, summary = res.issues, quality_summary(res)
    else:
        from toolkit.validation.issues import issues_frame

        issues, summary = issues_frame([]), pd.DataFrame(columns=["report_id"])
    fmt = getattr(args, "format", "text")
    out = getattr(args, "output", None)
    if checks:
        from toolkit.validation.issues import checks_frame

        table = res.checks if reports else checks_frame([])
        table = table.merge(summary[["report_id", "source_file"]], on="report_id", how="left") if reports else \
            table.assign(source_file=pd.Series(dtype=str))
        table = table[["report_id", "source_file"] + [c for c in table.columns if c not in ("report_id", "source_file")]]
        if fmt == "csv":
            from toolkit.spreadsheet import protect_frame

            text = protect_frame(table).to_csv(index=False)
        else:
            text = json.dumps({"checks": json.loads(table.to_json(orient="records", force_ascii=False)),
                               "unreadable": unreadable}, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "text":
        text = _text(issues, summary, unreadable, getattr(args, "blanks", False))
    elif fmt == "csv":
        from toolkit.spreadsheet import protect_frame  # messages quote cells from the web: no formulas

        text = protect_frame(issues).to_csv(index=False)
    else:
        recs = json.loads(issues.to_json(orient="records", force_ascii=False))
        text = json.dumps({"issues": recs, "summary": json.loads(summary.to_json(orient="records", force_ascii=False)),
                           "unreadable": unreadable}, ensure_ascii=False, indent=1) + "\n"
    if out and out != "-":
        with open(out, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    if unreadable:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if (issues["severity"] == "error").any() else EXIT_OK
