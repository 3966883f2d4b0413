"""Collect 政府信息公开年报 from agency websites: polite, resumable, with provenance.

``toolkit.collect(urls, out_dir, ...)`` (also ``toolkit collect URL... -o DIR``)
crawls a 政府信息公开年报 column: list pages and their pagination, report
pages and their attachments, each saved under ``DIR/files/`` and recorded in
``DIR/manifest.csv`` (:mod:`toolkit.collect.manifest`). ``toolkit parse DIR``
then carries each file's ``source_url`` and ``fetched_at`` into the tidy data.

Modules: :mod:`~toolkit.collect.fetch` (the polite client) over
:mod:`~toolkit.collect.transport` (one connection per request, a deadline per
response), :mod:`~toolkit.collect.urls` (malformed URLs, origins),
:mod:`~toolkit.collect.links` (links and pagination),
:mod:`~toolkit.collect.sniff` (what a file is), :mod:`~toolkit.collect.names`
(safe file names, one URL per name), :mod:`~toolkit.collect.manifest`,
:mod:`~toolkit.collect.lock` (one run per folder),
:mod:`~toolkit.collect.options` (what a run is given),
:mod:`~toolkit.collect.crawl` (the crawl), :mod:`~toolkit.collect.cli`.
"""

from __future__ import annotations

from toolkit.collect.crawl import CollectError, collect
from toolkit.collect.manifest import find_manifest, provenance, read_manifest, report_groups

__all__ = ["CollectError", "collect", "find_manifest", "provenance", "read_manifest", "report_groups"]

