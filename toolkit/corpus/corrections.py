"""A researcher's corrections, kept as data and applied at every parse.

A corrections file is a CSV with the columns :data:`COLUMNS`, one line per
corrected cell: which file (``sha256`` of its bytes), which cell (codebook keys),
what it printed (``printed``, the cell's ``raw`` text exactly), what it should
hold (``corrected``), why, by whom and when. :func:`apply_corrections` applies
it to tidy cells: ``raw`` keeps the printed text, the new column
``value_printed`` the printed number, ``value`` becomes the corrected number and
``correction`` holds the reason (with by and date). Validation then runs on the
corrected values; the printed ones are never lost.

Nothing is applied to the wrong file or a cell that has changed: a line whose
sha256 is not among the files read, whose cell the report does not have, or
whose ``printed`` no longer equals the cell's printed text, is refused with one
line naming the corrections file and line (:class:`CorrectionsError`), and
nothing of the file is applied. A line whose ``corrected`` is empty (a template
line not filled in) is checked but not applied.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from toolkit import codebook as cb
from toolkit.errors import ToolkitError

COLUMNS = ("sha256", "table", "row", "column", "printed", "corrected", "reason", "by", "date")


class CorrectionsError(ToolkitError):
    """A corrections file that cannot be applied as it stands (one line: file, line, problem)."""

    reason = "corrections"


def read_corrections(path: str | os.PathLike) -> pd.DataFrame:
    """The corrections file as text columns, with ``line`` (its line number in the file, header = 1)."""
    from toolkit.spreadsheet import read_csv

    path = Path(path)
    try:
        df = read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False)
    except FileNotFoundError:
        raise CorrectionsError(path, "no such corrections file") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CorrectionsError(path, f"not a readable CSV ({exc})") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise CorrectionsError(path, f"missing columns {', '.join(missing)} (a corrections file has {','.join(COLUMNS)})")
    df = df[list(COLUMNS)].fillna("").apply(lambda s: s.str.strip())
    df.insert(0, "line", range(2, len(df) + 2))  # blank lines kept until here: the numbers are the file's
    return df[(df[list(COLUMNS)] != "").any(axis=1)].reset_index(drop=True)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def apply_corrections(data: pd.DataFrame, corrections: str | os.PathLike) -> pd.DataFrame:
    """``data`` (tidy cells of one or many reports) with the corrections of the file applied.

    Raises:
        CorrectionsError: ``FILE line N: …`` for the first line that cannot be
            applied; nothing is applied then.

    Examples:
        >>> from toolkit import read_report
        >>> import tempfile, pathlib
        >>> r = read_report("data/raw/ninghe-kejiju-2023.txt")
        >>> sha = r.meta["source_sha256"]
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "corrections.csv"
        >>> _ = f.write_text("sha256,table,row,column,printed,corrected,reason,by,date\\n"
        ...                  f"{sha},requests,new_received,total,0,1,misprint (example),A. Reader,2026-12-07\\n")
        >>> d = apply_corrections(r.data, f)
        >>> d.query("row == 'new_received' and column == 'total'")[["raw", "value", "value_printed"]].values.tolist()
        [['0', 1.0, 0.0]]
    """
    path = str(corrections)
    table = read_corrections(corrections)
    out = data.copy() if data.index.is_unique else data.reset_index(drop=True)
    for col in ("value_printed", "correction"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="Float64" if col == "value_printed" else "str")
    shas = out["source_sha256"].astype(str)
    known = set(shas.unique())
    keys = pd.Series(list(zip(shas, out["table"].astype(str), out["row"].astype(str), out["column"].astype(str))),
                     index=out.index)
    position = {k: i for i, k in keys.items()}
    changes: list[tuple[object, float, str]] = []
    for rec in table.to_dict("records"):
        where = f"line {rec['line']}"

        def refuse(problem: str, where: str = where) -> CorrectionsError:
            return CorrectionsError(path, f"{where}: {problem}")

        sha = rec["sha256"].lower()
        if sha not in known:
            raise refuse(f"sha256 {sha[:16]}… is not among the files read (a correction applies to one file's bytes)")
        t, r, c = rec["table"], rec["row"], rec["column"]
        if t not in cb.TABLES or r not in cb.keys(t, "row") or c not in cb.keys(t, "column"):
            raise refuse(f"unknown cell {t}/{r}/{c} (codebook keys: see toolkit codebook)")
        i = position.get((sha, t, r, c))
        if i is None:
            raise refuse(f"the report has no cell {t}/{r}/{c}")
        raw = out.at[i, "raw"]
        raw = "" if pd.isna(raw) else str(raw)
        if rec["printed"] != raw:
            raise refuse(f"{t}/{r}/{c} printed {raw!r}, not {rec['printed']!r} as the correction says: stale, not applied")
        if rec["corrected"] == "":
            continue  # a template line not filled in
        value = _number(rec["corrected"])
        if value is None:
            raise refuse(f"corrected {rec['corrected']!r} is not a number")
        if not rec["reason"]:
            raise refuse("a correction needs a reason")
        who = ", ".join(x for x in (rec["by"], rec["date"]) if x)
        changes.append((i, value, f"{rec['reason']} ({who})" if who else rec["reason"]))
    for i, value, why in changes:
        if pd.isna(out.at[i, "correction"]):  # applied again (an exported, corrected table): the printed number stays
            out.at[i, "value_printed"] = out.at[i, "value"]
        out.at[i, "value"] = value
        out.at[i, "correction"] = why
        if out.at[i, "status"] != "number":
            out.at[i, "status"] = "number"  # the cell now holds a number; raw keeps what was printed
    return out


def template(cells: pd.DataFrame) -> pd.DataFrame:
    """A corrections file to fill in: one line per cell, prefilled with sha256, cell and printed text.

    ``cells`` needs ``source_sha256``, ``table``, ``row``, ``column`` and ``raw``.
    """
    rows = [{"sha256": s, "table": str(t), "row": str(r), "column": str(c), "printed": "" if pd.isna(raw) else str(raw),
             "corrected": "", "reason": "", "by": "", "date": ""}
            for s, t, r, c, raw in cells[["source_sha256", "table", "row", "column", "raw"]].itertuples(index=False)]
    return pd.DataFrame(rows, columns=list(COLUMNS)).drop_duplicates(ignore_index=True)
