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

import sys
import types

import lazy_loader

# Names load on first use (PEP 562): ``toolkit collect --help`` and ``import toolkit`` do not pay for httpx and lxml.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    "crawl": ["CollectError", "collect"],
    "result": ["Collection"],
    "manifest": ["find_manifest", "provenance", "read_manifest", "report_groups"],
})


class _Package(types.ModuleType):
    """``toolkit.collect(urls, out_dir, ...)`` calls :func:`toolkit.collect.crawl.collect`.

    ``toolkit.collect`` is both this package and the function: once any submodule is imported, Python binds the
    package to the parent's attribute ``collect``, so the package itself must be callable.
    """

    def __call__(self, *args, **kwargs):
        from toolkit.collect.crawl import collect

        return collect(*args, **kwargs)


sys.modules[__name__].__class__ = _Package

