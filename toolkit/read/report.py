"""``read_report``: one file in, a :class:`Report` with a tidy DataFrame out.

Flow: bytes → format reader → Document → tables mapped to codebook keys →
tidy rows with raw text, parsed value, unit and source location.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from toolkit import codebook as cb
from toolkit import fields, limits
from toolkit.errors import InternalError, LimitExceededError, NotAReportError, TableMissingError, ToolkitError, shown_path
from toolkit.read import meta as meta_mod
from toolkit.read.filebytes import read_source
from toolkit.read.formats import read_document
from toolkit.read.gaps import add_read_facts
from toolkit.read.normalise import strip_blanks
from toolkit.read.pictures import picture_issues
from toolkit.read.script import to_simplified
from toolkit.read.sections import split_sections
from toolkit.read.tables import map_document
from toolkit.read.tidy import tidy_frame
from toolkit.read.values import parse_value

ISSUE_COLUMNS = fields.columns("parse_issues")


@dataclass
class Report:
    """A parsed report: tidy cells, metadata, narrative sections and parse issues."""

    data: pd.DataFrame
    meta: dict
    sections: dict[str, str]
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))

    def source(self, table: str, row: str, column: str):
        """The printed row of one cell found again in its file (:func:`toolkit.read.source.find_source`)."""
        from toolkit.read.source import cell_row, find_source

        return find_source(cell_row(self.data, table, row, column, str(self.meta.get("source_file"))))

    def source_image(self, table: str, row: str, column: str, dpi: int | None = None):
        """A PIL image of the page region around one cell: its row and column headers, the cell boxed.

        For PDFs (text layer or scanned pages). A cell of an HTML, DOCX or text
        report has no page: :class:`~toolkit.read.source.CellNotFoundError` names
        its printed row (:meth:`source`); ``toolkit.analyse.sources.source_image``
        draws that row as a small table.

        Examples:
            >>> r = read_report("tests/fixtures/hongze-district-2023.pdf")
            >>> r.source_image("requests", "new_received", "total").width > 600
            True
        """
        from toolkit.read.source import DPI, page_image

        return page_image(self.source(table, row, column), dpi or DPI)

    def __repr__(self) -> str:
        m = self.meta
        return f"<Report {m.get('agency')} {m.get('year')} ({m.get('format')}): {len(self.data)} cells, {len(self.issues)} issues>"


def report_id(sha256: str) -> str:
    return sha256[:16]


def read_report(path: str | os.PathLike, *, partial: bool = False, sha256: str | None = None,
                data: bytes | None = None) -> Report:
    """Read one report file (text, HTML, DOCX, DOC/WPS or PDF) into tidy form.

    Args:
        path: the report file. Its format is detected from its content.
        partial: return what was found when a table is missing (listed in
            ``issues``) instead of raising :class:`~toolkit.errors.TableMissingError`.
            A scan or photograph (read by OCR) is always read this way: a picture
            of part of a report gives the cells it shows, and the tables and rows
            it does not show are listed in ``issues`` as missing.
        sha256: with ``data``: the sha256 of those bytes, when the caller has
            computed it already (the batch loader hashes every file for its parse
            cache). Without ``data`` the file is read once here and its hash is
            always taken from that read.
        data: the file's bytes, read by the caller (see
            :func:`toolkit.read.filebytes.read_source`); ``path`` then only names it.

    Raises:
        ToolkitError: (and only its subclasses) with a one-line message naming
            the file and the problem.

    Examples:
        >>> r = read_report("data/raw/ninghe-kejiju-2023.txt")
        >>> r.meta["agency"], r.meta["year"], len(r.data)
        ('宁河区科学技术局', 2023, 200)
        >>> float(r.data.query("table == 'requests' and row == 'new_received' and column == 'total'")["value"].item())
        0.0
    """
    if isinstance(path, pd.DataFrame):
        raise TypeError("read_report takes a path to a report file; you passed a DataFrame")
    path = Path(path)
    try:
        return _read(path, shown_path(path), partial, sha256, data)
    except ToolkitError:
        raise
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - only ToolkitError may escape a reader
        raise _wrapped(exc) or InternalError(path, f"could not be parsed ({type(exc).__name__}: {exc})") from exc


def read_cells(path: str | os.PathLike, *, partial: bool = False, sha256: str | None = None,
               data: bytes | None = None) -> tuple[dict[str, list], dict, list[dict]]:
    """What :func:`read_report` reads, as plain columns: ``(columns, meta, issues)``.

    ``columns`` maps every tidy column name to a list (``table``/``row``/``column``
    as key strings); :func:`toolkit.read.tidy.tidy_frame` turns it into
    ``Report.data``. The batch loader uses this to skip the per-report DataFrame
    (it joins a chunk's columns into one Arrow table). Same arguments and errors
    as :func:`read_report`.
    """
    path = Path(path)
    try:
        columns, meta, _, issues = _parse(path, shown_path(path), partial, sha256, data)
    except ToolkitError:
        raise
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - only ToolkitError may escape a reader
        raise _wrapped(exc) or InternalError(path, f"could not be parsed ({type(exc).__name__}: {exc})") from exc
    return columns, meta, issues


def _wrapped(exc: BaseException) -> ToolkitError | None:
    """A ToolkitError a library caught and wrapped in its own error (the OCR engine does: a timeout
    that fired inside it comes back as "ONNXRuntimeError" with a traceback as its message)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ToolkitError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _read(path: Path, name: str, partial: bool, sha256: str | None, data: bytes | None) -> Report:
    columns, meta, sections, issues = _parse(path, name, partial, sha256, data)
    if issues:
        issues_df = pd.DataFrame(issues, columns=[c for c in ISSUE_COLUMNS if c != "source_file"])
        issues_df.insert(0, "source_file", name)
    else:  # most reports: a copy of the empty frame, built once (building it costs as much as the parse)
        issues_df = _no_issues().copy()
    return Report(data=tidy_frame(columns), meta=meta, sections=sections, issues=issues_df)


def _parse(path: Path, name: str, partial: bool, sha256: str | None,
           data: bytes | None = None) -> tuple[dict, dict, dict, list[dict]]:
    if data is None:
        if path.is_dir():
            raise ToolkitError(name, "is a folder: read_report reads one file; toolkit.read_reports reads a folder "
                                     "(or `toolkit parse FOLDER`)")
        data, _ = read_source(path, name)
        sha256 = None  # the hash is of the bytes read here, never of an earlier read
    elif len(data) > limits.current().max_file_bytes:
        raise LimitExceededError(name, f"file is {len(data)} bytes, over the {limits.current().max_file_bytes}-byte "
                                       "limit (toolkit.limits)")
    if not data.strip():
        raise NotAReportError(name, "empty file")
    sha = sha256 or hashlib.sha256(data).hexdigest()
    doc = to_simplified(read_document(data, name))
    html_title = doc.title
    mapping = map_document(doc, name)
    asked_partial, partial = partial, partial or bool(doc.ocr_pages)
    sections, preamble = split_sections(doc.paragraphs)
    meta = meta_mod.extract(doc.paragraphs, html_title)
    found = set(mapping.table)
    if not found and doc.ocr_pages and not asked_partial:
        # A picture of part of a report is read for what it shows, but one that shows no
        # report table yields nothing: a failed file, never an empty success.
        pages = ", ".join(map(str, doc.ocr_pages))
        where = "scanned page" if doc.pages == 1 else f"scanned page{'s' if len(doc.ocr_pages) > 1 else ''} {pages}"
        raise TableMissingError(name, f"{where}: OCR found no report table")
    if not found:
        if not meta_mod.looks_like_report(doc.paragraphs, html_title) and not sections:
            raise NotAReportError(name, "not an annual report: no 政府信息公开工作年度报告 title and none of tables 二/三/四")
        if not partial:
            raise TableMissingError(name, "tables 二、三、四 not found (printed as images? OCR needed)")
    missing = [t for t in cb.TABLES if t not in found]
    issues = [{"code": "note", "table": None, "location": None, "message": n} for n in doc.notes]
    issues += mapping.issues
    if missing:
        names = "、".join(cb.label("report", "section", t).split("、")[0] for t in missing)
        if not partial:
            raise TableMissingError(name, f"table {names} ({', '.join(missing)}) not found")
        issues += [{"code": "table_missing", "table": t, "location": None, "message": f"table {t} not found"} for t in missing]
    meta.update(
        format=doc.format,
        encoding=doc.encoding,
        pages=doc.pages,
        source_file=name,
        source_sha256=sha,
        report_id=report_id(sha),
        templates=dict(mapping.templates),
        preamble="\n".join(preamble),
    )
    columns = _tidy_columns(mapping, meta, doc)
    if doc.ocr_pages:
        issues += picture_issues(tidy_frame(columns), mapping.templates, found)
    add_read_facts(columns, mapping.templates, mapping.issues, doc, sections)
    return columns, meta, sections, issues


@cache
def _no_issues() -> pd.DataFrame:
    issues_df = pd.DataFrame([], columns=[c for c in ISSUE_COLUMNS if c != "source_file"])
    issues_df.insert(0, "source_file", "")
    return issues_df


def _tidy_columns(mapping, meta: dict, doc=None) -> dict[str, list]:
    """The tidy columns of a report as plain lists, in :data:`TIDY_COLUMNS` order."""
    raw, locations = mapping.raw, mapping.location
    n = len(raw)
    parsed = [parse_value(r) for r in raw]
    # OCR'd cells: their confidence (by location, unique per printed cell) and method.
    ocr_pages = set(doc.ocr_pages) if doc is not None else set()
    if ocr_pages:
        conf = {c.location: c.confidence for t in doc.tables for row in t.rows for c in row}
        methods = ["ocr" if _page_of(loc) in ocr_pages else "text" for loc in locations]
        confidence = [conf.get(loc) if m == "ocr" else None for loc, m in zip(locations, methods)]
    else:
        methods, confidence = ["text"] * n, [None] * n
    templates = mapping.templates
    return {
        "report_id": [meta["report_id"]] * n,
        "agency": [meta["agency"]] * n,
        # Identity comes from the folder's agency registry, applied by the corpus loader.
        "agency_id": [None] * n,
        "agency_name": [None] * n,
        "year": [meta["year"]] * n,
        "scope": [meta["scope"]] * n,
        "level": [meta["level"]] * n,
        "table": mapping.table,
        "row": mapping.row,
        "column": mapping.column,
        "value": [p.value for p in parsed],
        "raw": [strip_blanks(r) for r in raw],
        "unit": [p.unit for p in parsed],
        "status": [p.status for p in parsed],
        "template": [templates.get(t) for t in mapping.table],
        "source_file": [meta["source_file"]] * n,
        "source_sha256": [meta["source_sha256"]] * n,
        "format": [meta["format"]] * n,
        "location": locations,
        "method": methods,
        "confidence": confidence,
        "source_url": [None] * n,  # filled in by the corpus loader from a collector's manifest
        "fetched_at": [None] * n,
        "note": [None] * n,  # the cells the reader lost and the narrative's statements: gaps.add_read_facts
        "stated": [None] * n,
        "value_printed": [None] * n,  # set only by a correction (toolkit.corpus.corrections)
        "correction": [None] * n,
    }


def _page_of(location: str) -> int | None:
    """The page named in a cell location ("table 2, row 5, col 3, page 4" → 4)."""
    head, _, page = location.rpartition(", page ")
    return int(page) if head and page.isdigit() else None
