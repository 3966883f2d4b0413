"""Collect 政府信息公开年报 from agency websites: polite, resumable, with provenance.

``toolkit.collect(urls, out_dir, ...)`` (also ``toolkit collect URL... -o DIR``)
crawls a 政府信息公开年报 column: list pages and their pagination, report
pages and their attachments, each saved under ``DIR/files/`` and recorded in
``DIR/manifest.csv`` (:mod:`toolkit.collect.manifest`). ``toolkit parse DIR``
then carries each file's ``source_url`` and ``fetched_at`` into the tidy data.
The call returns a :class:`~toolkit.collect.result.Collection`: ``.manifest``,
``.stats`` (this run's counts) and ``.failures``.

Modules: :mod:`~toolkit.collect.fetch` (the polite client) over
:mod:`~toolkit.collect.transport` (one connection per request, a deadline per
response), :mod:`~toolkit.collect.urls` (malformed URLs, origins),
:mod:`~toolkit.collect.links` (links and pagination),
:mod:`~toolkit.collect.keep` (what is kept: what the reader's sniffer reads), :mod:`~toolkit.collect.names`
(safe file names, one URL per name), :mod:`~toolkit.collect.manifest`,
:mod:`~toolkit.collect.lock` (one run per folder),
:mod:`~toolkit.collect.options` (what a run is given),
:mod:`~toolkit.collect.crawl` (the crawl), :mod:`~toolkit.collect.result` (what a run
returns: the manifest with this run's counts), :mod:`~toolkit.collect.cli`.
"""

from __future__ import annotations

import importlib
import sys
import types

# Names load on first use (PEP 562): ``toolkit collect --help`` and ``import toolkit`` do not pay for httpx and lxml.
_WHERE = {"CollectError": "crawl", "Collection": "result", "collect": "crawl", "find_manifest": "manifest", "provenance": "manifest",
          "read_manifest": "manifest", "report_groups": "manifest"}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"toolkit.collect.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit.collect' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``toolkit.collect(urls, out_dir, ...)`` calls :func:`toolkit.collect.crawl.collect`.

    ``toolkit.collect`` is both this package and the function: once any submodule is imported, Python binds the
    package to the parent's attribute ``collect``, so the package itself must be callable.
    """

    def __call__(self, *args, **kwargs):
        from toolkit.collect.crawl import collect

        return collect(*args, **kwargs)


sys.modules[__name__].__class__ = _Package

