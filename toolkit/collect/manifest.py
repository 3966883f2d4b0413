"""``DIR/manifest.csv``: one row per URL requested or refused, written so that no kill loses a row.

The manifest is the collector's memory and the provenance of every collected
file. Rows are appended one line at a time and flushed to disk once the file
they describe is in place (link texts are folded onto one line, so a row is
always one line, and a line cut by a kill is dropped on the next open). At the
end of a run the manifest is rewritten with one row per URL (the latest).
Text from the web goes through :mod:`toolkit.spreadsheet` (a link text
``=HYPERLINK(…)`` never runs in Excel) and is read back through its inverse.

Corpus code calls :func:`find_manifest` and :func:`provenance` to give each
parsed report its ``source_url`` and ``fetched_at``, and :func:`report_groups`
to treat a report page and its attachments as one report.

Examples:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> m = ManifestWriter(d)
    >>> m.append(new_row(url="http://127.0.0.1/a.pdf", status=200, path="files/127.0.0.1/a.pdf",
    ...                  link_text="=HYPERLINK(1)", kind="report", fetched_at="2024-01-01T00:00:00Z"))
    >>> m.close()
    >>> "'=HYPERLINK(1)" in (d / "manifest.csv").read_text(encoding="utf-8-sig")
    True
    >>> m = read_manifest(d)
    >>> int(m.loc[0, "status"]), m.loc[0, "link_text"]
    (200, '=HYPERLINK(1)')
    >>> provenance([d / "files/127.0.0.1/a.pdf"])[str(d / "files/127.0.0.1/a.pdf")]
    ('http://127.0.0.1/a.pdf', '2024-01-01T00:00:00Z')
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

from toolkit import atomic, spreadsheet

MANIFEST = "manifest.csv"
COLUMNS = ("url", "final_url", "status", "content_type", "bytes", "sha256", "fetched_at", "path", "found_on",
           "link_text", "kind", "error", "detail", "etag", "last_modified")
INT_COLUMNS = ("status", "bytes")
# Errors that are refusals by rule, recorded but not failures.
REFUSALS = frozenset({"robots", "off-site"})


def new_row(**values) -> dict:
    """A manifest row: every column present, text on one line."""
    row = {c: values.get(c) for c in COLUMNS}
    for c in COLUMNS:
        v = row[c]
        if c in INT_COLUMNS:
            row[c] = None if v is None or v == "" else int(v)
        else:
            row[c] = "" if v is None else " ".join(str(v).split())
    return row


def good(status) -> bool:
    """A status whose row needs no new request: 2xx, or 304 after a conditional request."""
    try:
        s = int(status)
    except (TypeError, ValueError):
        return False
    return 200 <= s < 300 or s == 304


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in COLUMNS:
        df[c] = df[c].astype("Int64") if c in INT_COLUMNS else df[c].fillna("").astype("str")
    return df


def _csv_text(df: pd.DataFrame, header: bool) -> str:
    buf = io.StringIO()
    spreadsheet.write_csv(df, buf, header=header, lineterminator="\n")
    return buf.getvalue()


def _csv_line(row: dict) -> bytes:
    """One row as a CSV line, as :func:`_csv_text` writes it, without building a DataFrame per row.

    A crawl appends a row per URL (a list page can link thousands): a frame per
    row cost tens of milliseconds each, this costs microseconds.
    """
    cells = []
    for c in COLUMNS:
        v = row.get(c)
        if c in INT_COLUMNS:
            cells.append("" if v is None or pd.isna(v) else str(int(v)))
        else:
            cells.append(spreadsheet.protect("" if v is None else str(v)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue().encode("utf-8")


class ManifestWriter:
    """Appends rows to ``DIR/manifest.csv`` (created with its header), each flushed to disk at once."""

    def __init__(self, out_dir: str | os.PathLike):
        self.path = Path(out_dir) / MANIFEST
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = _csv_text(_frame([]), header=True).encode("utf-8")
        if not self.path.exists() or self.path.stat().st_size < len(header) + 3:
            atomic.write_bytes(self.path, b"\xef\xbb\xbf" + header)
        else:
            _drop_cut_line(self.path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def append(self, row: dict) -> None:
        """Append one row; a row naming a saved file is on disk (fsync) before this returns.

        Rows without a file (refusals, failures) are written, not synced: a
        kill cannot lose them (they are in the system's cache), a power cut
        only makes the rerun ask again.
        """
        os.write(self._fd, _csv_line(row))
        if row.get("path"):
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _drop_cut_line(path: Path) -> None:
    """Remove a last line cut short by a kill (every complete row ends with a newline)."""
    with open(path, "rb+") as f:
        data = f.read()
        if data and not data.endswith(b"\n"):
            f.truncate(data.rfind(b"\n") + 1)


def read_manifest(out_dir: str | os.PathLike, latest: bool = True) -> pd.DataFrame:
    """The manifest of a collection folder (or a path to ``manifest.csv``) as a DataFrame.

    Args:
        out_dir: the folder given to ``toolkit collect -o``, or the manifest itself.
        latest: keep only the last row per URL (a rerun appends a new row for a URL it fetched again).

    Raises:
        FileNotFoundError: there is no manifest.
        ValueError: the file is not a manifest (a column is missing), in one line.
    """
    path = Path(out_dir)
    if path.is_dir():
        path = path / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such manifest")
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
    try:
        df = spreadsheet.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable manifest ({' '.join(str(exc).split())})") from None
    missing = [c for c in ("url", "status", "path", "kind", "error") if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: not a collector manifest (missing columns {', '.join(missing)})")
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df = df[list(COLUMNS)]
    for c in INT_COLUMNS:
        df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce").astype("Int64")
    for c in COLUMNS:
        if c not in INT_COLUMNS:
            df[c] = df[c].fillna("").astype("str")
    if latest:
        df = df.drop_duplicates("url", keep="last").reset_index(drop=True)
    return df


def write_manifest(out_dir: str | os.PathLike, df: pd.DataFrame) -> Path:
    """Rewrite the manifest atomically (spreadsheet-safe, utf-8-sig)."""
    path = Path(out_dir) / MANIFEST
    text = _csv_text(_frame(df.to_dict("records")), header=True)
    atomic.write_bytes(path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def compact(out_dir: str | os.PathLike) -> pd.DataFrame:
    """One row per URL (the latest), in the order URLs were first seen; rewritten atomically."""
    rows = read_manifest(out_dir, latest=False)
    order = {u: i for i, u in reversed(list(enumerate(rows["url"])))}
    last = rows.drop_duplicates("url", keep="last")
    last = last.iloc[sorted(range(len(last)), key=lambda i: order[last["url"].iloc[i]])].reset_index(drop=True)
    write_manifest(out_dir, last)
    return last


# -- for corpus code -------------------------------------------------------------------------------------

def find_manifest(path: str | os.PathLike) -> Path | None:
    """The manifest of the collection a file or folder belongs to, if any.

    A collected file lives under ``DIR/files/``; the manifest is ``DIR/manifest.csv``.
    """
    p = Path(path).resolve()
    for folder in (p, *p.parents) if p.is_dir() else p.parents:
        candidate = folder / MANIFEST
        if candidate.is_file():
            if p == folder or p.is_relative_to(folder / "files"):
                return candidate
    return None


def _collection(manifest: Path) -> dict[str, dict]:
    """Good rows with a saved file, by absolute path."""
    try:
        df = read_manifest(manifest)
    except (OSError, ValueError):
        return {}
    root = manifest.parent.resolve()
    out = {}
    for row in df.to_dict("records"):
        if row["path"] and good(row["status"]) and row["kind"] in ("report", "attachment"):
            out[str((root / row["path"]).resolve())] = row
    return out


def _rows_for(paths) -> dict[str, dict]:
    """Manifest row of each path collected (paths as given → row)."""
    cache: dict[Path, dict] = {}
    # Files of one folder share their manifest: looked up once per folder, not once per file
    # (walking up the parents cost the batch driver 0.2 ms a file). A folder is resolved
    # once too; only a file that is itself a symbolic link is resolved on its own.
    manifests: dict[Path, Path | None] = {}
    real_folders: dict[str, Path] = {}
    out = {}
    for p in paths:
        given = os.path.abspath(p)
        if os.path.islink(given):
            resolved = Path(given).resolve()
        else:
            parent = os.path.dirname(given)
            if parent not in real_folders:
                real_folders[parent] = Path(parent).resolve()
            resolved = real_folders[parent] / os.path.basename(given)
        folder = resolved.parent
        if folder not in manifests:
            manifests[folder] = find_manifest(resolved)
        manifest = manifests[folder]
        if manifest is None:
            continue
        if manifest not in cache:
            cache[manifest] = _collection(manifest)
        row = cache[manifest].get(str(resolved))
        if row is not None:
            out[str(p)] = row
    return out


def provenance(paths) -> dict[str, tuple[str, str]]:
    """``{path: (source_url, fetched_at)}`` for the collected files among ``paths`` (others are left out).

    ``source_url`` is the URL the bytes came from (after redirects).
    """
    return {p: (row["final_url"] or row["url"], row["fetched_at"]) for p, row in _rows_for(paths).items()}


def report_groups(paths) -> dict[str, list[str]]:
    """``{report page: [its attachments]}`` among ``paths``: one report published twice.

    A report page and the attachments found on it hold the same report; the
    parser keeps an attachment when it holds the tables, else the page.
    """
    rows = _rows_for(paths)
    by_url = {}
    for p, row in rows.items():
        if row["kind"] == "report":
            for u in {row["url"], row["final_url"]} - {""}:
                by_url[u] = p
    groups: dict[str, list[str]] = {}
    for p in paths:
        row = rows.get(str(p))
        if row is not None and row["kind"] == "attachment" and row["found_on"] in by_url:
            groups.setdefault(by_url[row["found_on"]], []).append(str(p))
    return groups
