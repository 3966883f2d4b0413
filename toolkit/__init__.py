"""Read China's government-information-disclosure annual reports into tidy DataFrames.

Examples:
    >>> import toolkit
    >>> report = toolkit.read_report("data/raw/ninghe-kejiju-2023.txt")
    >>> report.meta["year"]
    2023
"""

from __future__ import annotations

# read → normalise → tidy
# corpora
from toolkit import codebook, corpus

# analyse (charts and widgets stay submodules: they import matplotlib and ipywidgets)
from toolkit.analyse import measures as analysis

# collect (a function: the package stays reachable as toolkit.collect's module via sys.modules)
from toolkit.collect import collect
from toolkit.corpus import Corpus, parse_to_parquet, read_reports
from toolkit.corpus.coverage import coverage, coverage_matrix
from toolkit.corpus.loaders import load_demo, load_reports
from toolkit.corpus.query import export, query
from toolkit.corpus.wide import proactive_table, requests_table, review_table, wide_table
from toolkit.errors import ToolkitError
from toolkit.read.report import Report, read_report
from toolkit.validation.api import ValidationResult, run_checks, validate

# validate
from toolkit.validation.blanks import apply_blank_rule
from toolkit.validation.quality import quality_summary
from toolkit.version import PARSER_VERSION

__all__ = [
    "Corpus", "PARSER_VERSION", "collect", "Report", "ToolkitError", "ValidationResult",
    "analysis", "apply_blank_rule", "codebook", "corpus", "coverage", "coverage_matrix", "export",
    "load_demo", "load_reports", "parse_to_parquet", "proactive_table", "quality_summary", "query",
    "read_report", "read_reports", "requests_table", "review_table", "run_checks", "validate", "wide_table",
]
__version__ = "0.1.0"
