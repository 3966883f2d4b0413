"""Read China's government-information-disclosure annual reports into tidy DataFrames.

Examples:
    >>> import toolkit
    >>> report = toolkit.read_report("data/raw/ninghe-kejiju-2023.txt")
    >>> report.meta["year"]
    2023
"""

from __future__ import annotations

from . import codebook
from .errors import ToolkitError
from .report import Report, read_report

__all__ = ["Report", "ToolkitError", "codebook", "read_report"]
__version__ = "0.1.0"
