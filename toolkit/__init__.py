"""Read China's government-information-disclosure annual reports into tidy DataFrames.

Examples:
    >>> import toolkit
    >>> report = toolkit.read_report("data/raw/ninghe-kejiju-2023.txt")
    >>> report.meta["year"]
    2023
"""

from __future__ import annotations

from . import codebook
from .blanks import apply_blank_rule
from .errors import ToolkitError
from .quality import quality_summary
from .report import Report, read_report
from .validate import ValidationResult, run_checks, validate
from . import corpus
from .corpus import Corpus, parse_to_parquet, read_reports
from .coverage import coverage, coverage_matrix
from .query import export, query
from .version import PARSER_VERSION
from .wide import proactive_table, requests_table, review_table, wide_table
from . import analysis
from .demo import load_demo, load_reports

__all__ = [
    "Report",
    "ToolkitError",
    "ValidationResult",
    "apply_blank_rule",
    "codebook",
    "quality_summary",
    "read_report",
    "run_checks",
    "validate",
    "Corpus",
    "PARSER_VERSION",
    "corpus",
    "coverage",
    "coverage_matrix",
    "export",
    "parse_to_parquet",
    "proactive_table",
    "query",
    "read_reports",
    "requests_table",
    "review_table",
    "wide_table",
    "analysis",
    "load_demo",
    "load_reports",
]
__version__ = "0.1.0"
