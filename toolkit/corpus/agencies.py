"""The agency registry: one agency, one id, whatever name its report printed.

A folder of reports may hold an ``agencies.csv`` (UTF-8 or GB18030) beside its
``SOURCES.csv``; it is found in the folder read or in a parent folder, or given explicitly
(``registry=`` in :func:`toolkit.read_reports` and :func:`toolkit.load_reports`,
``--registry`` on the command line). One row per agency:

=============  ==========================================================================
agency_id      a short stable id of your choosing (``js-huaian-hongze-gov``); required
agency_name    the canonical name; required, unique
aliases        other printed names of the same agency, separated by ``;``
level          province | city | county | township, or empty (then read from the name)
scope          agency | government_office | region_aggregate, or empty (read from the name)
region         the region whose government the agency belongs to (洪泽区)
parent         the ``agency_id`` of the body above it (a department's government), or empty
website        the agency's own website (never a report's URL: that is ``SOURCES.csv``'s ``url``)
=============  ==========================================================================

Other columns are kept (the synthetic panel's ``kind`` and ``activity``). A report is matched by
its printed name (the canonical name or an alias; whitespace and full-width forms do not
matter) or by the ``agency`` column of its ``SOURCES.csv`` row. Each cell then carries
``agency_id`` and ``agency_name`` beside the printed ``agency``.

What a folder states wins over what the reader guessed from the name, the most specific first:
the file's ``SOURCES.csv`` row (``scope``, ``level``, ``url``), then the registry (``scope``,
``level``), then the reader. ``source_url`` is the collector's manifest's URL where the file
was collected, else ``SOURCES.csv``'s ``url``.

Examples:
    >>> from toolkit.corpus.loaders import raw_dir
    >>> reg = read_registry(raw_dir() / REGISTRY_FILE)
    >>> reg.id_of("淮安市 洪泽区人民政府"), reg.id_of("洪泽区人民政府")
    ('js-huaian-hongze-gov', 'js-huaian-hongze-gov')
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.read.encoding import utf8_or_gb18030
from toolkit.read.meta import split_places
from toolkit.read.normalise import squash

REGISTRY_FILE = "agencies.csv"
SOURCES_FILE = "SOURCES.csv"
COLUMNS = ("agency_id", "agency_name", "aliases", "level", "scope", "region", "parent", "website")
LEVELS = ("province", "city", "county", "township")
SCOPES = ("agency", "government_office", "region_aggregate")
_ALIAS_SEP = re.compile(r"[;；|]")
#: The administrative level of a SOURCES.csv ``level`` (which may name the unit, e.g. ``county_department``).
_SOURCE_LEVEL = {"central": "province", "state": "province", "province": "province", "city": "city",
                 "prefecture": "city", "county": "county", "district": "county", "township": "township"}


class RegistryError(ToolkitError):
    """An ``agencies.csv`` that cannot be used as it is (one line naming the file and the row)."""

    reason = "registry"


def name_key(name) -> str:
    """The form names are matched in: NFKC, no whitespace or quote marks."""
    return squash(name) if isinstance(name, str) else ""


@dataclass(frozen=True)
class Registry:
    """A parsed ``agencies.csv``: ``entries`` by agency_id, ``names`` (name key → agency_id)."""

    path: str
    entries: dict[str, dict] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def id_of(self, name) -> str | None:
        """The agency_id of a printed name (canonical or alias), else None."""
        return self.names.get(name_key(name))

    def entry(self, agency_id) -> dict | None:
        return self.entries.get(agency_id) if isinstance(agency_id, str) else None

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.entries.values()))


def _read_table(path: str, what: str) -> pd.DataFrame:
    """A CSV as text columns: UTF-8 (with or without a BOM), else GB18030 (what Excel saves on Chinese Windows)."""
    text = utf8_or_gb18030(Path(path).read_bytes())
    if text is None:
        raise RegistryError(path, f"{what} is neither UTF-8 nor GB18030 text")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise RegistryError(path, f"not a readable {what} CSV ({' '.join(str(exc).split())[:120]})") from None


def read_registry(path: str | os.PathLike) -> Registry:
    """Read and check an ``agencies.csv`` (:class:`RegistryError` naming the file and row if it is wrong)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise RegistryError(p, f"cannot read the agency registry ({exc.strerror or exc})") from None
    return _read_registry(str(p), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _read_registry(path: str, _mtime: int, _size: int) -> Registry:
    df = _read_table(path, "agency registry")
    missing = [c for c in ("agency_id", "agency_name") if c not in df.columns]
    if missing:
        raise RegistryError(path, f"agency registry lacks the column(s) {', '.join(missing)} "
                                  f"(columns: {', '.join(COLUMNS)})")
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df = df[[*COLUMNS, *[c for c in df.columns if c not in COLUMNS]]]
    entries: dict[str, dict] = {}
    names: dict[str, str] = {}
    for i, rec in enumerate(df.to_dict("records"), start=2):  # line 1 is the header
        rec = {k: v.strip() for k, v in rec.items()}
        aid = rec["agency_id"]
        where = f"line {i}"
        if not aid or not rec["agency_name"]:
            raise RegistryError(path, f"{where}: agency_id and agency_name must not be empty")
        if aid in entries:
            raise RegistryError(path, f"{where}: agency_id {aid} is listed twice")
        if rec["level"] and rec["level"] not in LEVELS:
            raise RegistryError(path, f"{where}: level {rec['level']!r} is not one of {' | '.join(LEVELS)}")
        if rec["scope"] and rec["scope"] not in SCOPES:
            raise RegistryError(path, f"{where}: scope {rec['scope']!r} is not one of {' | '.join(SCOPES)}")
        for name in [rec["agency_name"], *_ALIAS_SEP.split(rec["aliases"])]:
            key = name_key(name)
            if key and names.get(key, aid) != aid:
                raise RegistryError(path, f"{where}: the name {name.strip()} already belongs to {names[key]}; "
                                          "one name can name one agency only")
            if key:
                names[key] = aid
        entries[aid] = rec
    for aid, rec in entries.items():
        if rec["parent"] and rec["parent"] not in entries:
            raise RegistryError(path, f"agency {aid}: parent {rec['parent']} is not an agency_id of this registry")
    return Registry(path, entries, names)


@lru_cache(maxsize=4096)
def _nearest(folder: str, name: str) -> Path | None:
    """``name`` in ``folder`` (resolved) or the nearest parent folder holding it."""
    for d in (Path(folder), *Path(folder).parents):
        if (d / name).is_file():
            return d / name
    return None


@lru_cache(maxsize=64)
def _sources(path: str, _mtime: int) -> dict[str, dict]:
    src = _read_table(path, "SOURCES.csv")
    if "file" not in src.columns:
        raise RegistryError(path, "SOURCES.csv lacks the column file")
    return {r["file"].strip().replace("\\", "/"): {k: v.strip() for k, v in r.items()} for r in src.to_dict("records")}


def facts_for(paths, registry: str | os.PathLike | Registry | None = None) -> dict[str, tuple[Registry | None, dict]]:
    """What the folders state about each file: ``{path: (registry, SOURCES.csv row)}``; files with neither are left out.

    ``registry`` (a path or a :class:`Registry`) is used for every file; else each file uses
    the nearest ``agencies.csv`` (its folder or a parent). A file's ``SOURCES.csv`` row is the
    nearest SOURCES.csv's row whose ``file`` is the file's path relative to it. Both are looked
    up once per folder, not once per file.
    """
    fixed = read_registry(registry) if isinstance(registry, (str, os.PathLike)) else registry
    folders: dict[str, tuple[Registry | None, dict, str]] = {}
    out = {}
    for path in paths:
        given = os.path.abspath(path)
        parent, name = os.path.split(given)
        if parent not in folders:
            real = Path(parent).resolve()
            reg = fixed
            if reg is None:
                found = _nearest(str(real), REGISTRY_FILE)
                reg = read_registry(found) if found is not None else None
            src = _nearest(str(real), SOURCES_FILE)
            rows = _sources(str(src), src.stat().st_mtime_ns) if src is not None else {}
            prefix = real.relative_to(src.parent).as_posix() + "/" if src is not None and real != src.parent else ""
            folders[parent] = (reg, rows, prefix)
        reg, rows, prefix = folders[parent]
        row = rows.get(prefix + name, {})
        if reg is not None or row:
            out[str(path)] = (reg, row)
    return out


def resolve(printed, scope, level, registry: Registry | None, row: dict) -> dict:
    """``agency_id, agency_name, scope, level`` of one report, and ``source_url`` stated for it (or None).

    The SOURCES.csv row's ``agency_id`` or ``agency`` names the agency when given, else the printed
    name does; scope and level come from the row, else the registry, else the reader.
    """
    aid = row.get("agency_id") or None
    if registry is not None and aid is None:
        aid = registry.id_of(row.get("agency")) or registry.id_of(printed)
    entry = registry.entry(aid) if registry is not None else None
    lv = _SOURCE_LEVEL.get((row.get("level") or "").split("_")[0], "")
    return {
        "agency_id": aid,
        "agency_name": entry["agency_name"] if entry else None,
        "scope": row.get("scope") or (entry or {}).get("scope") or scope,
        "level": lv or (entry or {}).get("level") or level,
        "source_url": row.get("url") or None,
    }


def restated(done: pd.DataFrame, facts: dict) -> list[bool]:
    """For each row of a committed files table: do the folders now state other facts than it holds?

    A shard folder resumed after ``agencies.csv`` or ``SOURCES.csv`` was edited re-parses those
    files instead of keeping the old ``agency_id``, canonical name, scope, level or URL.
    """
    if not facts and ("agency_id" not in done.columns or done["agency_id"].isna().all()):
        return [False] * len(done)  # nothing stated then or now: the common case, answered without a loop
    out = []
    cols = ["source_file", "status", "agency", "agency_id", "agency_name", "scope", "level", "source_url"]
    recs = done.reindex(columns=cols).astype(object)
    for rec in recs.where(recs.notna(), None).itertuples(index=False):
        f = facts.get(rec.source_file)
        if f is None:
            out.append(rec.agency_id is not None)
            continue
        now = resolve(rec.agency, rec.scope, rec.level, *f)
        keys = ("agency_id", "agency_name", "scope", "level") if rec.status == "parsed" else ("agency_id", "agency_name")
        out.append(any(now[k] != getattr(rec, k) for k in keys) or (now["source_url"] is not None and rec.source_url is None))
    return out


def annotate(df: pd.DataFrame, registry: Registry | None, row: dict | None = None) -> pd.DataFrame:
    """A tidy frame with ``agency_id``, ``agency_name``, ``scope``, ``level`` (and a missing ``source_url``) resolved.

    ``row`` is the SOURCES.csv row of the file the frame comes from (one report); without it the
    registry alone is applied to every printed name (any number of reports).
    """
    out = df.copy()
    row = row or {}
    if out.empty:
        return out
    for c in ("agency_id", "agency_name", "source_url"):
        if c not in out.columns:
            out[c] = pd.Series(None, index=out.index, dtype="str")
    keys = ["agency", "scope", "level"]
    # one resolution per (printed name, scope, level), spread back by group code: linear in the cells
    codes = out.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    combos = out[keys].iloc[first].astype(object)
    resolved = [resolve(*(None if pd.isna(v) else v for v in combo), registry, row)
                for combo in combos.itertuples(index=False)]
    for c in ("agency_id", "agency_name", "scope", "level", "source_url"):
        values = np.array([r[c] for r in resolved], dtype=object)[codes]
        if c == "source_url":  # where the file was fetched (the manifest) stays first
            values = np.where(out[c].isna().to_numpy(), values, out[c].astype(object).to_numpy())
        dtype = out[c].dtype if str(out[c].dtype) != "object" else "str"
        out[c] = pd.array(values, dtype=dtype)
    return out


def annotate_report(report, registry: Registry | None = None, row: dict | None = None):
    """A :class:`~toolkit.read.report.Report` with its folder's facts applied to ``data`` and ``meta``."""
    if registry is None and not row:
        return report
    report.data = annotate(report.data, registry, row)
    r = resolve(report.meta.get("agency"), report.meta.get("scope"), report.meta.get("level"), registry, row or {})
    report.meta.update({k: v for k, v in r.items() if k != "source_url"})
    if r["source_url"] and not report.meta.get("source_url"):
        report.meta["source_url"] = r["source_url"]
    return report


def names_found(files: pd.DataFrame) -> pd.DataFrame:
    """One row per printed name of a files table: ``agency, agency_id, agency_name, reports, years``."""
    f = files[files["status"].astype(str) == "parsed"] if "status" in files.columns else files
    f = f.assign(agency_id=f.get("agency_id"), agency_name=f.get("agency_name"))
    g = f.groupby("agency", dropna=True, sort=True)
    out = pd.DataFrame({
        "agency_id": g["agency_id"].first(),
        "agency_name": g["agency_name"].first(),
        "reports": g.size(),
        "years": g["year"].agg(lambda s: " ".join(str(int(y)) for y in sorted(s.dropna().unique()))),
    })
    return out.reset_index()


def suggest_aliases(names) -> pd.DataFrame:
    """Pairs of names that probably name one agency: same innermost region and same body, one place chain
    ending the other (洪泽区人民政府 ~ 淮安市洪泽区人民政府), not already one agency_id.

    Args:
        names: printed names, or the frame of :func:`names_found` (its ``agency_id`` is respected).

    Examples:
        >>> suggest_aliases(["洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市人民政府"])[["name", "alias"]].values.tolist()
        [['淮安市洪泽区人民政府', '洪泽区人民政府']]
    """
    if isinstance(names, pd.DataFrame):
        frame = names[["agency", "agency_id"]] if "agency_id" in names.columns else names[["agency"]].assign(agency_id=None)
    else:
        frame = pd.DataFrame({"agency": list(names), "agency_id": None})
    groups: dict[tuple[str, str], list[tuple[str, tuple, object]]] = {}
    for name, aid in frame.drop_duplicates("agency").itertuples(index=False):
        places, body = split_places(name)
        if places and body:
            groups.setdefault((places[-1], body), []).append((name, places, aid))
    rows = []
    for (region, body), members in sorted(groups.items()):
        members.sort(key=lambda m: (-len(m[1]), m[0]))  # the fullest name first: the suggested canonical name
        for i, (a, pa, ida) in enumerate(members):
            for b, pb, idb in members[i + 1:]:
                same = isinstance(ida, str) and ida == idb
                if not same and pa[len(pa) - len(pb):] == pb:
                    rows.append({"name": a, "alias": b, "region": region, "body": body,
                                 "agency_id": ida if isinstance(ida, str) else (idb if isinstance(idb, str) else None)})
    return pd.DataFrame(rows, columns=["name", "alias", "region", "body", "agency_id"])
