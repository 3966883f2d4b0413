"""Command line: ``toolkit parse``, ``toolkit export``, ``toolkit validate``, ``toolkit codebook``, ``toolkit collect``.

A file that fails gets one line on stderr naming it and the reason; the rest
still run; the exit status is non-zero when any file failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from toolkit import codebook as cb
from toolkit.errors import ToolkitError
from toolkit.read.report import read_report
from toolkit.cli.validate import add_validate_parser

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


def _is_table_file(out: str | None) -> bool:
    return out is None or out == "-" or out.lower().endswith((".csv", ".parquet"))


def _parse(args) -> int:
    """Files → one CSV/Parquet table (``-o x.csv``/``x.parquet``/stdout), or → Parquet shards (``-o DIR``)."""
    from tqdm.auto import tqdm

    from toolkit.corpus import parse_to_parquet, read_reports

    engine = args.engine
    if engine == "process" and args.workers == 1:
        engine = "serial"
    options = dict(workers=args.workers, engine=engine, scheduler=args.scheduler, progress=not args.quiet,
                   chunk_size=args.chunk_size, force=args.force,
                   on_error=lambda msg: tqdm.write(f"error: {msg}", file=sys.stderr))
    if _is_table_file(args.output):
        corpus = read_reports(args.inputs, cache_dir=args.cache_dir, **options)
        if len(corpus.data):
            write_table(corpus.data, args.output)
        parsed, failed = corpus.stats["files"] - corpus.stats["failed"], corpus.stats["failed"]
        print(f"{parsed} parsed, {failed} failed", file=sys.stderr)
        return 1 if failed or not parsed else 0
    cache = False if args.no_cache else (args.cache_dir or True)
    stats = parse_to_parquet(args.inputs, args.output, cache_dir=cache, **options)
    from toolkit.corpus import load_table

    failed = len(load_table(args.output, "errors"))
    print(f"{stats['files']} files: {stats['resumed']} kept from an earlier run, {stats['parsed']} parsed, "
          f"{stats['cached']} from the cache, {failed} failed in all (see {Path(args.output) / 'errors.csv'}); "
          f"shards in {Path(args.output) / 'cells'}", file=sys.stderr)
    return 1 if failed or stats["files"] == failed else 0


def _export(args) -> int:
    """A parsed corpus (shard folder, or a tidy .parquet/.csv) → CSV (utf-8-sig), XLSX or Parquet."""
    from toolkit.corpus import load_cells
    from toolkit.corpus.schema import conform_tidy
    from toolkit.corpus.query import export, query
    from toolkit.corpus.wide import wide_table

    src = Path(args.source)
    if args.sql:
        if not src.is_dir():
            raise SystemExit(f"toolkit: --sql needs a shard folder (from 'toolkit parse DIR -o OUT_DIR'), not {src}")
        df = query(args.sql, src)
    else:
        if src.is_dir():
            import pyarrow.dataset as ds

            df = load_cells(src, filter=(ds.field("table") == args.table) if args.table else None)
        elif src.suffix.lower() == ".parquet":
            df = conform_tidy(pd.read_parquet(src))
        elif src.suffix.lower() == ".csv":
            df = conform_tidy(pd.read_csv(src, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"))
        else:
            raise SystemExit(f"toolkit: cannot export {src}: pass a shard folder or a tidy .parquet/.csv")
        if args.table:
            df = wide_table(df, args.table, values=args.values)
    try:
        path = export(df, args.output)
    except ValueError as exc:
        raise SystemExit(f"toolkit: {exc}") from None
    print(f"{len(df)} rows → {path}", file=sys.stderr)
    return 0


def _codebook(args) -> int:
    df = cb.codebook(args.lang)
    write_table(df, args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toolkit", description="Read 政府信息公开工作年度报告 into tidy tables.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse report files or folders into one tidy table, or into Parquet shards")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", help="a .csv (utf-8-sig) or .parquet file for one table (default: CSV on stdout), "
                   "or a folder for Parquet shards by year (resumable; plus errors.csv)")
    p.add_argument("--workers", type=int, default=None, help="parallel processes (default: the CPUs; 1: in this process)")
    p.add_argument("--engine", choices=("process", "serial", "dask"), default="process")
    p.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786) for --engine dask")
    p.add_argument("--cache-dir", help="parse cache folder (keyed by sha256 + parser version); "
                   "default for a shard folder: OUT_DIR/_cache")
    p.add_argument("--no-cache", action="store_true", help="shard output without a parse cache")
    p.add_argument("--force", action="store_true", help="re-parse every file (ignore the cache and earlier shards)")
    p.add_argument("--chunk-size", type=int, default=None, help="files per task")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_parse)
    e = sub.add_parser("export", help="export a parsed corpus to CSV (utf-8-sig), XLSX or Parquet")
    e.add_argument("source", help="a shard folder (toolkit parse DIR -o OUT_DIR) or a tidy .parquet/.csv")
    e.add_argument("-o", "--output", required=True, help="output .csv, .xlsx or .parquet")
    e.add_argument("--table", choices=cb.TABLES, help="wide view of one table: one row per report, one column per cell")
    e.add_argument("--values", choices=("value", "raw"), default="value", help="with --table: numbers or printed text")
    e.add_argument("--sql", help="export the result of a DuckDB query over the views cells, files, errors")
    e.set_defaults(func=_export)
    c = sub.add_parser("codebook", help="print the codebook")
    c.add_argument("--lang", choices=cb.LANGS, default="zh")
    c.add_argument("-o", "--output")
    c.set_defaults(func=_codebook)
    add_validate_parser(sub)
    from toolkit.collect.cli import add_parser as add_collect_parser

    add_collect_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("toolkit: interrupted", file=sys.stderr)
        return 130
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:  # a mistyped path: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
