"""Command line: ``toolkit parse``, ``toolkit validate``, ``toolkit codebook``.

A file that fails gets one line on stderr naming it and the reason; the rest
still run; the exit status is non-zero when any file failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import codebook as cb
from .errors import ToolkitError
from .report import read_report
from .validate_cli import add_validate_parser

REPORT_SUFFIXES = {".txt", ".htm", ".html", ".shtml", ".docx", ".doc", ".wps", ".pdf"}


def iter_files(inputs: list[str]) -> list[Path]:
    """Files named, and report files found under directories (sorted, hidden ones skipped)."""
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            files.append(p)
    return files


def write_table(df: pd.DataFrame, out: str | None) -> None:
    """CSV (utf-8-sig, opens in Excel on Chinese Windows) or Parquet, by extension."""
    if out is None or out == "-":
        df.to_csv(sys.stdout, index=False)
    elif out.lower().endswith(".parquet"):
        df.to_parquet(out, index=False)
    elif out.lower().endswith(".csv"):
        df.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        raise SystemExit(f"toolkit: cannot write {out}: use a .csv or .parquet file name")


def _parse(args) -> int:
    frames, failed = [], 0
    for f in iter_files(args.inputs):
        try:
            frames.append(read_report(f).data)
        except ToolkitError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
    if frames:
        write_table(pd.concat(frames, ignore_index=True), args.output)
    print(f"{len(frames)} parsed, {failed} failed", file=sys.stderr)
    return 1 if failed or not frames else 0


def _codebook(args) -> int:
    df = cb.codebook(args.lang)
    write_table(df, args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toolkit", description="Read 政府信息公开工作年度报告 into tidy tables.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse report files or folders into one tidy table")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", help="output .csv (utf-8-sig) or .parquet; default: CSV on stdout")
    p.set_defaults(func=_parse)
    c = sub.add_parser("codebook", help="print the codebook")
    c.add_argument("--lang", choices=cb.LANGS, default="zh")
    c.add_argument("-o", "--output")
    c.set_defaults(func=_codebook)
    add_validate_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("toolkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
