"""Versions that key cached results.

``PARSER_VERSION`` names the behaviour of :func:`toolkit.read_report`: the batch
loader's cache (:mod:`toolkit.corpus.cache`) keys every parsed file by its
sha256 *and* this string, so bump it whenever a change to a reader, the
codebook or the tidy schema changes what a file parses to. Old cache entries
are then ignored (and can be deleted).

Examples:
    >>> from toolkit.version import PARSER_VERSION
    >>> isinstance(PARSER_VERSION, str) and "/" not in PARSER_VERSION
    True
"""

from __future__ import annotations

PARSER_VERSION = "5"
