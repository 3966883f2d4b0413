"""Command line: ``toolkit parse``, ``toolkit export``, ``toolkit validate``, ``toolkit codebook``, ``toolkit collect``,
``toolkit agencies``, ``toolkit site``.

A file that fails gets one line on stderr naming it and the reason; the rest
still run; the exit status is non-zero when any file failed.

Unix manners: progress bars only when stderr is a terminal (``--progress`` /
``--no-progress`` override), a one-line summary at the end (``--quiet`` drops
both), no ANSI codes into files or pipes or when ``NO_COLOR`` is set, and no
traceback when the reader of stdout goes away (``| head``).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from toolkit import codebook as cb
from toolkit.cli.agencies import add_agencies_parser
from toolkit.cli.corrections import add_corrections_option, corrected
from toolkit.cli.site import add_site_parser
from toolkit.cli.usage import Formatter, UsageError, exit_status, footer
from toolkit.cli.validate import REGISTRY_HELP, add_validate_parser
from toolkit.errors import ToolkitError

_UNWRITABLE = ("an output that cannot be written (disk full, a folder where a file is wanted,\n"
               "       standard output closed), or an output folder in use by another parse run")
EXIT_CODES = exit_status("a file failed to parse (parse), a folder could not be listed (parse),\n"
                         "       errors found (validate), nothing parsed",
                         "usage error, a path not found, a file unreadable (validate),\n       " + _UNWRITABLE)
PARSE_EXIT = exit_status("a file failed to parse, a folder could not be listed, or nothing was parsed",
                         "usage error, a path not found,\n       " + _UNWRITABLE)
EXPORT_EXIT = exit_status(None, "usage error, a path not found, a folder that holds no shards,\n       "
                                "or an output that cannot be written")
CODEBOOK_EXIT = exit_status(None)


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (``toolkit parse: error: …``), exit status 2."""

    def error(self, message: str):
        # One line that still shows the subcommand's own usage (a mistyped option is answered with the
        # options of the command it was typed for), so logs and pipes get one line per problem.
        usage = " ".join(self.format_usage().split())
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} ({usage}; see {self.prog} --help)\n")


def _workers_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more, not {text!r}")
    return n


def color_enabled(stream=None) -> bool:
    """ANSI colour only on a terminal, never with ``NO_COLOR`` set (https://no-color.org) or ``TERM=dumb``."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def error_line(msg: str) -> str:
    """``error: …``, the prefix in red on a colour terminal."""
    return f"\x1b[31merror:\x1b[0m {msg}" if color_enabled() else f"error: {msg}"


def write_table(df: pd.DataFrame, out: str | None) -> None:
    """CSV (utf-8-sig, opens in Excel on Chinese Windows) or Parquet, by extension.

    CSV text fields are spreadsheet-safe (:mod:`toolkit.spreadsheet`); Parquet keeps the exact text.
    """
    from toolkit.spreadsheet import write_csv

    if out is None or out == "-":
        write_csv(df, sys.stdout)
    elif out.lower().endswith(".parquet"):
        df.to_parquet(out, index=False)
    elif out.lower().endswith(".csv"):
        write_csv(df, out)
    else:
        raise UsageError(f"cannot write {out}: use a .csv or .parquet file name")


def _is_table_file(out: str | None) -> bool:
    return out is None or out == "-" or out.lower().endswith((".csv", ".parquet"))


def _parse(args) -> int:
    """Files → one CSV/Parquet table (``-o x.csv``/``x.parquet``/stdout), or → Parquet shards (``-o DIR``)."""
    if args.engine == "process" and args.workers != 1 and (len(args.inputs) > 1 or os.path.isdir(args.inputs[0])):
        # The workers' server imports the readers while this process imports pandas and finds the files.
        from toolkit.corpus.processes import start_early

        start_early()
    from tqdm.auto import tqdm

    from toolkit.corpus import parse_to_parquet, read_reports

    engine = args.engine
    if engine == "process" and args.workers == 1:
        engine = "serial"
    # A bar redraws with carriage returns: only for a person at a terminal, never into a log file.
    progress = not args.quiet and (args.progress if args.progress is not None else sys.stderr.isatty())
    # What was found but not read (a FIFO, a folder that cannot be listed, …) gets one line each.
    options = dict(workers=args.workers, engine=engine, scheduler=args.scheduler, progress=progress,
                   chunk_size=args.chunk_size, force=args.force, registry=args.registry,
                   on_error=lambda msg: tqdm.write(error_line(msg), file=sys.stderr),
                   on_note=lambda msg: tqdm.write(f"note: {msg}", file=sys.stderr))
    summary = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
    if _is_table_file(args.output):
        _need_stdout(args.output)
        if args.corrections:  # a corrected table is built whole (corrections name cells of any report), then written
            corpus = read_reports(args.inputs, cache_dir=args.cache_dir, **options)
            write_table(corrected(corpus.data, args.corrections), args.output)  # always: a header only when no file gave a cell
            stats = corpus.stats
        else:
            from toolkit.corpus.stream import parse_to_file

            stats = parse_to_file(args.inputs, args.output, cache_dir=args.cache_dir, **options)
        parsed, failed = stats["files"] - stats["failed"], stats["failed"]
        summary(f"{parsed} parsed, {failed} failed" + _skipped(stats))
        return 1 if failed or not parsed or stats.get("unlisted") else 0
    if args.corrections:
        print(error_line("--corrections applies to a table (-o x.csv/x.parquet); for shards: toolkit export "
                         "OUT_DIR -o x.parquet --corrections FILE"), file=sys.stderr)
        return 2
    cache = False if args.no_cache else (args.cache_dir or True)
    stats = parse_to_parquet(args.inputs, args.output, cache_dir=cache, **options)
    from toolkit.corpus import load_table

    failed = len(load_table(args.output, "errors"))
    summary(f"{stats['files']} files: {stats['resumed']} kept from an earlier run, {stats['parsed']} parsed, "
          f"{stats['cached']} from the cache, {failed} failed in all (see {Path(args.output) / 'errors.csv'}); "
          f"shards in {Path(args.output) / 'cells'}" + _skipped(stats))
    return 1 if failed or stats["files"] == failed or stats["unlisted"] else 0


def _skipped(stats: dict) -> str:
    n = len(stats.get("skipped", []))
    return f"; {n} skipped (see the notes above)" if n else ""


def _need_stdout(output: str | None) -> None:
    if (output is None or output == "-") and sys.stdout is None:
        raise _OutputError("standard output is closed: nothing to write the table to (use -o FILE)")


class _OutputError(Exception):
    """An output that cannot be written: one line, exit status 2."""


def _export(args) -> int:
    """A parsed corpus (shard folder, or a tidy .parquet/.csv) → CSV (utf-8-sig), XLSX or Parquet."""
    from toolkit.corpus import load_cells
    from toolkit.corpus.query import export, query
    from toolkit.corpus.schema import conform_tidy
    from toolkit.corpus.wide import wide_table

    src = Path(args.source)
    if not src.exists():
        raise FileNotFoundError(f"{src}: no such file or folder")
    if args.sql:
        if not src.is_dir():
            raise UsageError(f"--sql needs a shard folder (from 'toolkit parse DIR -o OUT_DIR'), not {src}")
        _shard_folder(src)
        df = query(args.sql, src)
    else:
        if src.is_dir():
            import pyarrow as pa
            import pyarrow.dataset as ds

            _shard_folder(src)
            try:
                df = load_cells(src, filter=(ds.field("table") == args.table) if args.table else None)
            except pa.ArrowException as exc:  # a shard damaged since it was written: a rerun of parse repairs it
                raise SystemExit(f"toolkit: {src}: a shard cannot be read ({' '.join(str(exc).split())[:200]}); "
                                 f"run 'toolkit parse' into it again to re-parse damaged chunks") from None
        elif src.suffix.lower() == ".parquet":
            import pandas as pd

            df = conform_tidy(pd.read_parquet(src))
        elif src.suffix.lower() == ".csv":
            from toolkit.spreadsheet import read_csv  # undoes the spreadsheet protection: the printed text, exactly

            df = conform_tidy(read_csv(src, dtype=str, keep_default_na=False, na_values=[""]))
        else:
            raise UsageError(f"cannot export {src}: pass a shard folder or a tidy .parquet/.csv")
        if args.registry:  # names mapped again with an edited registry (parse applied the one in force then)
            from toolkit.corpus.agencies import annotate, read_registry

            df = annotate(df, read_registry(args.registry))
        df = corrected(df, args.corrections)
        if args.table:
            df = wide_table(df, args.table, values=args.values)
    try:
        path = export(df, args.output, on_note=lambda msg: print(f"note: {msg}", file=sys.stderr))
    except ValueError as exc:  # an output format export does not write (x.docx)
        raise UsageError(str(exc)) from None
    print(f"{len(df)} rows → {path}", file=sys.stderr)
    return 0


def _shard_folder(src: Path) -> None:
    """A folder export can read: one that ``toolkit parse DIR -o OUT_DIR`` wrote (its ``files`` shards)."""
    if not any((src / "files").glob("part-*.parquet")):  # a bad input, like a path not found: one line, exit 2
        raise ToolkitError(src, "holds no shards: export reads a folder written by 'toolkit parse DIR -o OUT_DIR' "
                                "(or a tidy .parquet/.csv); run 'toolkit parse' on report files first")


def _codebook(args) -> int:
    df = cb.codebook(args.lang)
    write_table(df, args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from toolkit import __version__
    from toolkit.version import PARSER_VERSION

    parser = _Parser(prog="toolkit", description="Read 政府信息公开工作年度报告 into tidy tables.",
                     epilog=EXIT_CODES, formatter_class=Formatter)
    parser.add_argument("--version", action="version", version=f"toolkit {__version__} (parser {PARSER_VERSION})")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse report files or folders into one tidy table, or into Parquet shards",
                       **footer(PARSE_EXIT))
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="report files, or folders searched for them")
    p.add_argument("-o", "--output", help="a .csv (utf-8-sig) or .parquet file for one table (default: CSV on stdout), "
                   "or a folder for Parquet shards by year (resumable; plus errors.csv)")
    p.add_argument("--workers", type=_workers_arg, default=None,
                   help="parallel processes (default: the CPUs, and never more; 1: in this process)")
    p.add_argument("--engine", choices=("process", "serial", "dask"), default="process",
                   help="where files are parsed: a local process pool (default), this process, or a Dask cluster")
    p.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786) for --engine dask")
    p.add_argument("--cache-dir", help="parse cache folder (keyed by sha256 + parser version); "
                   "default for a shard folder: OUT_DIR/_cache")
    p.add_argument("--no-cache", action="store_true", help="shard output without a parse cache")
    p.add_argument("--force", action="store_true", help="re-parse every file (ignore the cache and earlier shards)")
    p.add_argument("--chunk-size", type=int, default=None, help="files per task")
    p.add_argument("--registry", help=REGISTRY_HELP)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line (errors still print)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show a progress bar even when stderr is not a terminal")
    bar.add_argument("--no-progress", dest="progress", action="store_false",
                     help="no progress bar (default when stderr is a file or a pipe); the summary line stays")
    add_corrections_option(p)
    p.set_defaults(func=_parse)
    e = sub.add_parser("export", help="export a parsed corpus to CSV (utf-8-sig), XLSX or Parquet",
                       description="CSV and XLSX are safe to open in a spreadsheet: XLSX strings are text cells, "
                                   "and a CSV text field a spreadsheet would evaluate (=…, @…, +x, -x) gets a leading '; "
                                   "a CSV given as the source is read back with that rule undone. Parquet keeps the exact text.",
                       **footer(EXPORT_EXIT))
    e.add_argument("source", help="a shard folder (toolkit parse DIR -o OUT_DIR) or a tidy .parquet/.csv")
    e.add_argument("-o", "--output", required=True, help="output .csv, .xlsx or .parquet")
    e.add_argument("--table", choices=cb.TABLES, help="wide view of one table: one row per report, one column per cell")
    e.add_argument("--values", choices=("value", "raw"), default="value", help="with --table: numbers or printed text")
    e.add_argument("--sql", help="export the result of a DuckDB query over the views cells, files, errors")
    add_corrections_option(e)
    e.add_argument("--registry", help="map the printed agency names again with this agency registry (agencies.csv); "
                                      "default: keep agency_id and agency_name as parsed")
    e.set_defaults(func=_export)
    c = sub.add_parser("codebook", help="print the codebook", **footer(CODEBOOK_EXIT),
                       description="The codebook: every table, row and column key with its label, template, block "
                                   "and kind (toolkit/data/codebook.csv), as CSV.")
    c.add_argument("--lang", choices=cb.LANGS, default="zh", help="language of the label column (default zh)")
    c.add_argument("-o", "--output", help="a .csv (utf-8-sig) or .parquet file (default: CSV on stdout)")
    c.set_defaults(func=_codebook)
    add_validate_parser(sub)
    from toolkit.cli.show import add_show_parser

    add_show_parser(sub)
    from toolkit.cli.review import add_review_parser

    add_review_parser(sub)
    add_agencies_parser(sub)
    add_site_parser(sub)
    from toolkit.collect.cli import add_parser as add_collect_parser

    add_collect_parser(sub)
    parser.subcommands = sub.choices  # name -> its parser: a usage error shows the subcommand's own usage
    return parser


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None:  # started with stdout closed (>&-): keep fd 1 from being reused by a file we open
        _silence_stdout()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    own = parser.subcommands[args.command]
    if extra:  # argparse leaves unknown options to the top-level parser, whose usage does not help
        own.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        status = args.func(args)
        if sys.stdout is not None:
            sys.stdout.flush()  # a closed pipe or a full disk shows here, not at interpreter exit where it cannot be caught
        return status
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except KeyboardInterrupt:
        print("toolkit: interrupted", file=sys.stderr)
        return 130
    except _OutputError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return 2
    except ToolkitError as exc:  # e.g. an agencies.csv that cannot be used: one line naming it
        print(error_line(str(exc)), file=sys.stderr)
        return 2
    except OSError as exc:  # a mistyped path, a full disk, a folder where a file is wanted: one line, no traceback
        print(error_line(_os_error(exc, getattr(args, "output", None))), file=sys.stderr)
        if exc.errno == errno.ENOSPC or getattr(exc, "filename", None) is None:
            _silence_stdout()  # what is still buffered for stdout cannot be written either
        return 2
    except UsageError as exc:
        own.error(str(exc))  # exits 2
    except RuntimeError as exc:
        from toolkit.atomic import FolderBusyError

        if not isinstance(exc, FolderBusyError):
            raise
        print(error_line(str(exc)), file=sys.stderr)
        return 2


def _os_error(exc: OSError, output: str | None) -> str:
    """One line for an OSError: the file it concerns, what happened, and what a full disk means."""
    from toolkit.errors import shown_path

    if exc.errno is None:  # raised by the toolkit with its own one-line message
        return " ".join(str(exc).split())
    where = exc.filename if exc.filename is not None else (output if output not in (None, "-") else "standard output")
    text = f"{shown_path(where)}: {exc.strerror or exc}"
    if exc.errno == errno.ENOSPC:
        text += " (the disk is full: free some space and run again)"
    return text


def _silence_stdout() -> None:
    """The reader of stdout is gone (``| head``): point stdout at /dev/null so Python's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests): nothing left to flush
        pass


if __name__ == "__main__":
    sys.exit(main())
