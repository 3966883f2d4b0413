"""What every subcommand shares: its exit-status footer, and usage errors found after parsing.

A usage error exits 2 with the usage of the subcommand it concerns (``toolkit parse --ouput``
shows ``parse``'s usage): argparse does it for what it checks; a handler that finds a bad value
later (``export -o x.docx``) raises :class:`UsageError` and :func:`toolkit.cli.main` does the same.
"""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """A bad option value or argument found by a handler: exit 2 with the subcommand's usage."""


def exit_status(one: str | None, two: str = "usage error, or a path not found") -> str:
    """The ``exit status:`` footer of a subcommand's ``--help``: what 1 and 2 mean for it."""
    lines = ["exit status:", "  0    success"]
    if one:
        lines.append(f"  1    {one}")
    lines += [f"  2    {two}", "  130  interrupted (Ctrl-C)",
              "  141  standard output closed early (e.g. piped into head); nothing is printed"]
    return "\n".join(lines)


class Formatter(argparse.HelpFormatter):
    """Descriptions wrapped to the terminal; the exit-status footer laid out as written."""

    def _fill_text(self, text, width, indent):
        if text.startswith("exit status:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def footer(text: str) -> dict:
    """``add_parser`` keywords for a subcommand whose ``--help`` ends with the footer ``text``."""
    return {"epilog": text, "formatter_class": Formatter}
