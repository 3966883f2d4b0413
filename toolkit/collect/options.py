"""What a collect run is given, checked before anything is requested: URLs, numbers, the User-Agent.

Every bad value is refused in one line (:class:`CollectError`; ``toolkit
collect`` exits 2): a start URL that is not a valid http(s) URL, a number out
of range, ``inf`` or ``nan`` (``--delay nan`` would never wait, ``--timeout
inf`` never time out).

Examples:
    >>> check_number("--delay", float("nan"), low=0)
    Traceback (most recent call last):
    ...
    toolkit.collect.options.CollectError: --delay nan: must be a finite number ≥ 0
    >>> check_url("http://[::1/x")
    Traceback (most recent call last):
    ...
    toolkit.collect.options.CollectError: http://[::1/x: not a valid URL (Invalid IPv6 URL)
"""

from __future__ import annotations

import math
from importlib import metadata
from urllib.parse import quote, urlsplit

from toolkit.collect.links import normalise_url
from toolkit.collect.urls import url_problem


class CollectError(ValueError):
    """Bad input to :func:`collect` (a URL, a pattern, the output folder), in one line."""


def user_agent(contact: str | None) -> str:
    """The User-Agent: the toolkit, its version and how to reach whoever runs it.

    Examples:
        >>> user_agent("data@example.org").startswith("ogi-toolkit/")
        True
    """
    try:
        version = metadata.version("ogi-toolkit")
    except metadata.PackageNotFoundError:
        version = "unknown"
    # A header is ASCII on one line: a non-ASCII contact is percent-encoded, line breaks are folded.
    contact = quote(" ".join((contact or "").split()), safe="@:/.+-_~?=&#%;, ")
    extra = f"; +{contact}" if contact else ""
    return f"ogi-toolkit/{version} (OGI annual-report collector{extra})"


def check_url(url: str) -> str:
    shown = " ".join(str(url).split())
    problem = url_problem(str(url).strip())
    if problem:
        raise CollectError(f"{shown}: not a valid URL ({problem})")
    parts = urlsplit(str(url).strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CollectError(f"{shown}: not an http(s) URL (write it with http:// or https://)")
    return normalise_url(url)


def check_number(option: str, value, *, low: float, high: float = math.inf, above: bool = False,
                  whole: bool = False) -> None:
    """Refuse an option value out of range, not finite, or not a number, in one line."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CollectError(f"{option} {value!r}: not a number") from None
    ok = math.isfinite(number) and (number > low if above else number >= low) and number <= high
    if whole and ok:
        ok = number == int(number)
    if not ok:
        kind = "a whole number" if whole else "a finite number"
        bound = f"> {low:g}" if above else f"≥ {low:g}"
        if high < math.inf:
            bound += f" and ≤ {high:g}"
        shown = f"{number:g}" if isinstance(value, float) and math.isfinite(number) else value
        raise CollectError(f"{option} {shown}: must be {kind} {bound}")
