"""Analyse a panel: measures, charts, widgets, and the kit the curated notebooks import.

A notebook imports from here (or from ``toolkit``) and nowhere deeper::

    from toolkit.analyse import charts, setup, widgets
    from toolkit.analyse import measures as an

The modules (``measures``, ``charts``, ``widgets``…) are submodules; the names below load on
first use (PEP 562), so importing one submodule never loads matplotlib or the readers for another.
"""

from __future__ import annotations

import importlib

_WHERE = {
    # the notebook kit (toolkit.analyse.notebooks)
    "setup": "notebooks", "versions": "notebooks", "scope_summary": "notebooks", "languages": "notebooks",
    "report_file": "notebooks", "reports_folder": "notebooks", "title": "notebooks", "by_year": "notebooks",
    "cases_by_year": "notebooks",
    # the review page and the picture of a printed cell (notebook 40)
    "corrections_template": "review", "flagged_checks": "review", "review_html": "review", "source_image": "sources",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"toolkit.analyse.{_WHERE[name]}"), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'toolkit.analyse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
