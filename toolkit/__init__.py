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
]
__version__ = "0.1.0"
