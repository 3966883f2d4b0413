"""Read China's government-information-disclosure annual reports into tidy DataFrames.

Examples:
    >>> import toolkit
    >>> report = toolkit.read_report("data/raw/ninghe-kejiju-2023.txt")
    >>> report.meta["year"]
    2023
"""

from __future__ import annotations

# read → normalise → tidy
from . import codebook
from .errors import ToolkitError
from .report import Report, read_report

# validate
from .blanks import apply_blank_rule
from .quality import quality_summary
from .validate import ValidationResult, run_checks, validate

# corpora
from . import corpus
from .corpus import Corpus, parse_to_parquet, read_reports
from .coverage import coverage, coverage_matrix
from .query import export, query
from .version import PARSER_VERSION
from .wide import proactive_table, requests_table, review_table, wide_table

# analyse (charts and widgets stay submodules: they import matplotlib and ipywidgets)
from . import analysis


def __getattr__(name: str):
    # The demo loaders are imported on first use, so that `python -m toolkit.demo`
    # does not find its own module already imported.
    if name in ("load_demo", "load_reports"):
        from . import demo

        return getattr(demo, name)
    if name == "collect":
        # The collector (httpx) loads on first use; the package is callable: toolkit.collect(urls, out_dir).
        import importlib

        return importlib.import_module(".collect", __name__)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


__all__ = [
    "Corpus", "PARSER_VERSION", "collect", "Report", "ToolkitError", "ValidationResult",
    "analysis", "apply_blank_rule", "codebook", "corpus", "coverage", "coverage_matrix", "export",
    "load_demo", "load_reports", "parse_to_parquet", "proactive_table", "quality_summary", "query",
    "read_report", "read_reports", "requests_table", "review_table", "run_checks", "validate", "wide_table",
]
__version__ = "0.1.0"
