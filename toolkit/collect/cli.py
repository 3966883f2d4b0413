"""``toolkit collect URL... -o DIR``: the command line of the collector.

Exit status: 0 when every fetch succeeded (refusals by rule, ``robots`` and
``off-site``, are recorded but are no failure), 1 when a fetch failed (HTTP
error, timeout, too large, not a report file, a malformed URL), 2 on bad input
(an option out of range, a start URL that is not a valid http(s) URL) or when
another run is writing to the folder: one line on stderr, before any request.
"""

from __future__ import annotations

import argparse
import sys

# The footer every `toolkit` subcommand ends its --help with (toolkit.cli.usage; this layer is below the CLI's).
EXIT_STATUS = """exit status:
  0    success: every fetch succeeded (refusals by robots.txt or off-site rules are recorded, not failures)
  1    a fetch failed (HTTP error, timeout, too large, not a report file, a malformed URL)
  2    usage error (an option out of range, a start URL that is not http(s)), or another run writing to DIR
  130  interrupted (Ctrl-C)"""


class _Formatter(argparse.HelpFormatter):
    def _fill_text(self, text, width, indent):  # the footer as written, the description wrapped
        if text.startswith("exit status:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``collect`` on the ``toolkit`` command's subparsers."""
    from toolkit.collect.links import DEFAULT_MATCH

    p = subparsers.add_parser(
        "collect", help="download 政府信息公开年报 from agency websites (polite, resumable, with a manifest)",
        description="Follow a 政府信息公开年报 column (list pages, report pages, attachments) and save the reports "
                    "under DIR/files/, one row per URL in DIR/manifest.csv. robots.txt is honoured; one request at a "
                    "time per host, --delay apart; only the start URLs' hosts (and --allow-host) are requested.",
        epilog=EXIT_STATUS, formatter_class=_Formatter)
    p.add_argument("urls", nargs="+", metavar="URL", help="a list page, a report page or a report file")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the collection folder (a rerun resumes it)")
    p.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                   help="minimum interval between two requests to one host (default 1.0)")
    p.add_argument("--max-pages", type=int, default=50, metavar="N", help="list pages followed per start URL (default 50)")
    p.add_argument("--match", metavar="REGEX",
                   help=f"what counts as a report link, in its text or title (default {DEFAULT_MATCH!r})")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST[:PORT]",
                   help="another host that may be requested (repeatable)")
    p.add_argument("--refresh", action="store_true",
                   help="fetch again what is already there (conditional requests where the server allows)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="seconds to connect and for each read (default 30); a whole response gets 10 times this, "
                        "plus a second per 16 KiB received")
    p.add_argument("--contact", metavar="TEXT", help="an e-mail or URL put in the User-Agent")
    p.add_argument("--retries", type=int, default=3, metavar="N",
                   help="retries on 429, 5xx and timeouts (0-3, default 3)")
    p.add_argument("--backoff", type=float, default=1.0, metavar="SECONDS",
                   help="first pause before a retry, doubling each time (default 1.0)")
    p.add_argument("--retry-after-cap", type=float, default=60.0, metavar="SECONDS",
                   help="longest Retry-After honoured (default 60)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)

    def one_line_error(message: str):
        # argparse prints the usage too: a bad option value gets one line, like every other bad input.
        print(f"error: toolkit collect: {' '.join(message.split())}", file=sys.stderr)
        raise SystemExit(2)

    p.error = one_line_error
    return p


def run(args) -> int:
    from tqdm.auto import tqdm

    from toolkit.collect.crawl import CollectError, collect

    def failure(line: str) -> None:
        tqdm.write(f"error: {line}", file=sys.stderr)

    try:
        done = collect(args.urls, args.output, delay=args.delay, max_pages=args.max_pages, match=args.match,
                           allow_hosts=args.allow_host, refresh=args.refresh, timeout=args.timeout,
                           contact=args.contact, retries=args.retries, backoff=args.backoff,
                           retry_after_cap=args.retry_after_cap,
                           progress=None if not args.quiet else False, on_failure=failure)
    except CollectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    s = done.stats
    print(f"collected {s.list} list pages, {s.report} reports, {s.attachment} attachments; "
          f"{s.failed} errors, {s.refused} refused (robots/off-site), {s.reused} already there; "
          f"{s.requests} requests → {args.output}/manifest.csv", file=sys.stderr)
    return 1 if s.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="toolkit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
