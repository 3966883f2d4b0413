"""Analyse a panel: measures, charts, widgets, and the kit the curated notebooks import.

A notebook imports from here (or from ``toolkit``) and nowhere deeper::

    from toolkit.analyse import charts, setup, widgets
    from toolkit.analyse import measures as an

The modules (``measures``, ``charts``, ``widgets``…) are submodules; the names below load on
first use (PEP 562), so importing one submodule never loads matplotlib or the readers for another.
"""

from __future__ import annotations

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    # the notebook kit
    "notebooks": ["setup", "versions", "scope_summary", "languages", "report_file", "reports_folder", "title",
                  "by_year", "cases_by_year"],
    # the review page and the picture of a printed cell (notebook 40)
    "review": ["corrections_template", "flagged_checks", "review_html"],
    "sources": ["source_image"],
})
