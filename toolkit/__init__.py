"""Read China's government-information-disclosure annual reports into tidy DataFrames.

Examples:
    >>> import toolkit
    >>> report = toolkit.read_report("data/raw/ninghe-kejiju-2023.txt")
    >>> report.meta["year"]
    2023
"""

from __future__ import annotations

import importlib

# Every public name loads on first use (PEP 562, as lazy_loader does for scientific Python): ``import toolkit``
# and ``toolkit --version`` cost milliseconds, and pandas, pyarrow, httpx and the readers load when a name needs them.
_WHERE = {
    # read → normalise → tidy
    "Report": "toolkit.read.report", "read_report": "toolkit.read.report",
    # validate
    "ValidationResult": "toolkit.validation.api", "run_checks": "toolkit.validation.api",
    "validate": "toolkit.validation.api", "apply_blank_rule": "toolkit.validation.blanks",
    "quality_summary": "toolkit.validation.quality",
    # corpora
    "Corpus": "toolkit.corpus.batch", "parse_to_parquet": "toolkit.corpus.batch", "read_reports": "toolkit.corpus.batch",
    "coverage": "toolkit.corpus.coverage", "coverage_matrix": "toolkit.corpus.coverage",
    "load_demo": "toolkit.corpus.loaders", "load_reports": "toolkit.corpus.loaders", "raw_dir": "toolkit.corpus.loaders",
    "export": "toolkit.corpus.query", "query": "toolkit.corpus.query",
    "proactive_table": "toolkit.corpus.wide", "requests_table": "toolkit.corpus.wide",
    "review_table": "toolkit.corpus.wide", "wide_table": "toolkit.corpus.wide",
    "ToolkitError": "toolkit.errors", "PARSER_VERSION": "toolkit.version",
}
# Modules given under a public name (charts and widgets stay submodules: they import matplotlib and ipywidgets).
# ``collect`` is the package toolkit.collect, callable as the collector: toolkit.collect(urls, out_dir, ...).
_MODULES = {"analysis": "toolkit.analyse.measures", "codebook": "toolkit.codebook", "corpus": "toolkit.corpus",
            "collect": "toolkit.collect"}

__all__ = sorted([*_WHERE, *_MODULES], key=str.lower)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
