"""The curated notebooks' kit, and their runner.

The kit, what every notebook imports (through :mod:`toolkit.analyse`):

- :func:`setup`: the set-up cell in one call (versions, chart style, the panel, where it comes from,
  what ``SCOPE`` sums); :func:`report_file` and :func:`reports_folder` say what ``REPORTS`` names.
- :func:`title`, :func:`by_year`, :func:`cases_by_year`, :func:`languages`: titles, tables and charts
  more than one notebook draws.

The runner, what ``make notebooks`` and the tests use::

    python -m toolkit.analyse.notebooks run notebooks --output-dir outputs     # what `make notebooks` runs
    python -m toolkit.analyse.notebooks run notebooks -p REPORTS='"/path/to/my/reports"'
    python -m toolkit.analyse.notebooks strip notebooks                         # before committing
    python -m toolkit.analyse.notebooks check notebooks                         # fails if any output is committed

Executed notebooks go to ``<output-dir>/notebooks/``, charts to
``<output-dir>/figures/`` (``save()`` reads ``TOOLKIT_FIGURES_DIR``).
Parameters are injected papermill-style: a cell tagged
``injected-parameters`` after the cell tagged ``parameters``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
DEFAULT_TIMEOUT = 180
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    """``text`` without ANSI colour codes (tracebacks from a kernel carry them).

    Examples:
        >>> plain("\x1b[0;31mValueError\x1b[0m: bad")
        'ValueError: bad'
    """
    return _ANSI.sub("", text)


def versions() -> str:
    """One line with the versions that shape the results (for the first cell of every notebook).

    Examples:
        >>> "toolkit" in versions()
        True
    """
    import matplotlib
    import pandas as pd

    import toolkit
    from toolkit.analyse import fonts

    f = fonts.cjk_font()
    font = f"{f.family} ({f.origin})" if f else "none (English labels)"
    return (f"toolkit {toolkit.__version__} · python {platform.python_version()} · pandas {pd.__version__} · "
            f"matplotlib {matplotlib.__version__} · CJK font: {font}")


def scope_summary(panel, scope: str = "members", lang: str = "zh") -> str:
    """What a notebook's ``SCOPE`` sums in this panel, and which scope shows the reports it leaves out.

    Examples:
        >>> from toolkit.corpus.loaders import load_reports
        >>> print(scope_summary(load_reports("data/raw"), "members", "en"))
        Scope 'Member agencies summed': 2 reports summed, 9 outside it (SCOPE = "aggregates" shows them)
    """
    from toolkit.analyse.facts import AGGREGATE_SCOPE
    from toolkit.labels import label

    if scope not in ("members", "aggregates"):
        raise ValueError(f"SCOPE must be 'members' or 'aggregates', not {scope!r}")
    key = "report_id" if "report_id" in panel.columns else "source_file"
    per = panel.drop_duplicates(key)
    agg = per["scope"].astype(str).eq(AGGREGATE_SCOPE) if "scope" in per else per[key].map(lambda _: False)
    n_in = int((agg if scope == "aggregates" else ~agg).sum())
    other = "members" if scope == "aggregates" else "aggregates"
    text = label("notebook.scope", lang, rule=label(f"scope_rule.{scope}", lang), n_in=n_in, n_out=len(per) - n_in, other=other)
    if n_in == 0:
        text += "\n" + label("notebook.scope_empty", lang, other=other)
    return text


BUNDLED = ("demo", "raw")


def reports_folder(reports=None, bundled: str = "demo") -> Path:
    """The folder a notebook's ``REPORTS`` names: a folder, a file's folder, or (None) the bundled data.

    The review page and the pictures of printed cells look for a cell's ``source_file`` here when it is
    not found as it is: the demo panel names its files relative to its folder.

    Args:
        reports: the notebook's ``REPORTS``.
        bundled: what ``None`` names: ``"demo"``, the SYNTHETIC demo panel, or ``"raw"``, the bundled real reports.

    Examples:
        >>> reports_folder(None, "raw").name, reports_folder("data/raw/huaian-city-2024.pdf").name
        ('raw', 'raw')
    """
    from toolkit.corpus.loaders import demo_dir, raw_dir

    if bundled not in BUNDLED:
        raise ValueError(f"bundled must be 'demo' or 'raw', not {bundled!r}")
    if reports is None:
        return demo_dir() if bundled == "demo" else raw_dir()
    path = Path(reports)
    return path if path.is_dir() else path.parent


def report_file(reports=None, default: str = "huaian-city-2024.pdf") -> Path:
    """The one report a single-report notebook reads.

    ``reports`` itself when it is a file, the first report of a folder (the order
    :func:`toolkit.corpus.discover` gives a batch), or (None) the bundled real report ``default`` in ``data/raw``.

    Examples:
        >>> report_file().name, report_file("data/raw").name
        ('huaian-city-2024.pdf', 'hongze-district-2023.pdf')
        >>> report_file("no/such/folder")
        Traceback (most recent call last):
        FileNotFoundError: no/such/folder: no such file or folder; set REPORTS to a report file or a folder of reports, or None
    """
    from toolkit.corpus import discover

    path = Path(reports) if reports is not None else reports_folder(None, "raw") / default
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder; set REPORTS to a report file or a folder of reports, or None")
    if path.is_dir():
        found = discover(path)
        if not found:
            raise FileNotFoundError(f"{path}: no report files in this folder")
        path = found[0]
    return path


def setup(reports=None, lang: str = "zh", scope: str | None = "members", *, bundled: str = "demo", with_files: bool = False):
    """The set-up cell of the curated notebooks, in one call.

    Prints the versions that shape the results, applies the chart style, loads the panel
    (:func:`toolkit.load_reports`), and prints where its numbers come from (real or SYNTHETIC,
    who published them) and what ``scope`` sums.

    Args:
        reports: the notebook's ``REPORTS``: a folder or a file of reports, or None for the bundled data.
        lang: ``LANG``: ``"zh"`` or ``"en"``.
        scope: ``SCOPE``: ``"members"`` or ``"aggregates"``; None for a notebook that sums nothing across agencies.
        bundled: what ``reports=None`` reads: ``"demo"``, the SYNTHETIC demo panel, or ``"raw"``, the bundled
            real reports (``data/raw``).
        with_files: also return the files table (one row per file, failures included: what coverage counts),
            and print how many files were found and how many reports read.

    Returns:
        ``(panel, lang)``, or ``(panel, files, lang)`` with ``with_files``. ``lang`` is the language charts
        will use: English, with a warning, when no CJK font is installed.
    """
    from toolkit.analyse import charts
    from toolkit.corpus.loaders import load_reports

    if scope is not None and scope not in ("members", "aggregates"):
        raise ValueError(f"SCOPE must be 'members' or 'aggregates', not {scope!r}")
    if bundled not in BUNDLED:
        raise ValueError(f"bundled must be 'demo' or 'raw', not {bundled!r}")
    print(versions())
    lang = charts.use_style(lang)
    # None is the demo panel for load_reports; the bundled real reports are a folder
    source = reports_folder(None, bundled) if reports is None and bundled == "raw" else reports
    loaded = load_reports(source, with_files=with_files)
    panel, files = loaded if with_files else (loaded, None)
    print(charts.caption_of(panel, lang))
    if scope is not None:
        print(scope_summary(panel, scope, lang))
    if with_files:
        from toolkit.labels import label

        print(label("notebook.files", lang, n_files=len(files), n_reports=panel["source_file"].nunique()))
        return panel, files, lang
    return panel, lang


def languages(wanted=("zh", "en")) -> list[str]:
    """The languages charts can be drawn in here, of ``wanted``: Chinese needs a CJK font, else English (warned).

    Examples:
        >>> languages(["en"])
        ['en']
    """
    from toolkit.analyse import fonts

    out = []
    for lang in wanted:
        drawn = fonts.resolve_lang(lang)
        if drawn not in out:
            out.append(drawn)
    return out


def title(what: str, lang: str = "zh", where: str | None = None) -> str:
    """A chart title from the labels table (``title.<what>``), followed by the agency or place it covers.

    Examples:
        >>> title("cases", "en")
        'Reconsideration and litigation cases'
        >>> title("volumes", "zh", where="平潭综合实验区")
        '政府信息公开申请数量：平潭综合实验区'
    """
    from toolkit.labels import label

    text = label(f"title.{what}", lang)
    return text if where is None else label("title.where", lang, title=text, where=where)


def by_year(frame, row: str, value: str = "count", lang: str | None = None):
    """A long measure as a table to read: one row per ``row`` value, one column per year.

    Rows keep the measure's own order (the codebook's), not the alphabet's; a cell no report
    printed stays empty (NaN), never 0. With ``lang``, rows are named by their chart labels.
    To chart a wide frame with its facts (complete, sources…) use :func:`toolkit.analyse.measures.pivot`.

    Examples:
        >>> import pandas as pd
        >>> long = pd.DataFrame({"year": [2023, 2023, 2024], "reason": ["unable_unclear", "notproc_repeat", "notproc_repeat"],
        ...                      "count": [5.0, 3.0, 1.0]})
        >>> by_year(long, "reason", lang="en")
                        2023  2024
        Still unclear    5.0   NaN
        Repeat request   3.0   1.0
    """
    if frame.duplicated([row, "year"]).any():
        raise ValueError(f"by_year needs one row per {row} and year: these rows have several (pick one agency, or a measure summed by year)")
    table = frame.pivot_table(index=row, columns="year", values=value, observed=True, sort=False, dropna=False, aggfunc="first")
    table = table.reindex(columns=sorted(table.columns))
    table.columns = [int(y) for y in table.columns]
    table.columns.name = None
    if lang is not None:
        from toolkit.analyse.charts import short_label

        table.index = [short_label(str(k), lang) for k in table.index]
    else:
        table.index.name = row
    return table


def cases_by_year(review, lang: str = "zh", where: str | None = None):
    """Reconsideration and lawsuits per year: one line per case type (``review_litigation`` rows by year).

    A year without a report is a gap; the caption names the reports and any cell not read.
    """
    from toolkit.analyse import charts
    from toolkit.analyse.facts import pivot

    cases = pivot(review, "year", "case_type", "total")  # one column per case type; the rows keep their facts
    return charts.trend_lines(cases, ["reconsideration", "litigation_total"], lang=lang, title=title("cases", lang, where),
                              ylabel=charts.short_label("cases", lang))


def notebooks_in(folder: str | os.PathLike) -> list[Path]:
    """The curated notebooks of a folder: ``NN_name.ipynb``, in order."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def inject(nb, parameters: dict[str, object] | None):
    """Add a cell setting ``parameters`` after the ``parameters`` cell (values are Python source or objects)."""
    import nbformat

    if not parameters:
        return nb
    lines = [f"{k} = {v if isinstance(v, str) else repr(v)}" for k, v in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
    cells = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    index = next((i for i, c in enumerate(cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), -1)
    cells.insert(index + 1, cell)
    nb.cells = cells
    return nb


@contextmanager
def _env(values: dict[str, str]):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute(path: str | os.PathLike, *, parameters: dict | None = None, output_dir: str | os.PathLike | None = None,
            timeout: int = DEFAULT_TIMEOUT, figure_formats: str | None = None):
    """Execute one notebook in its own folder with a fresh kernel; return the executed notebook.

    Args:
        path: the ``.ipynb``.
        parameters: ``{name: python source or value}`` injected after the parameters cell.
        output_dir: charts go to ``<output_dir>/figures`` and the executed
            notebook to ``<output_dir>/notebooks`` (nothing is written when None).
        timeout: seconds per cell.
        figure_formats: e.g. ``"png,svg"`` (``TOOLKIT_FIGURE_FORMATS``).
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = inject(nbformat.read(path, as_version=4), parameters)
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if output_dir is not None:
        env["TOOLKIT_FIGURES_DIR"] = str(Path(output_dir).resolve() / "figures")
    if figure_formats:
        env["TOOLKIT_FIGURE_FORMATS"] = figure_formats
    # The kernel process writes its own log lines ("Kernel is running over TCP without encryption",
    # "KeyboardInterrupt caught in kernel" at shutdown) to the terminal: they are not the notebook's
    # output, so they go to a log file, shown only if the kernel itself fails.
    with _env(env), tempfile.TemporaryFile("w+") as log:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent.resolve())}})
        try:
            client.execute(stdout=log, stderr=log)
        except Exception as exc:
            from nbclient.exceptions import CellExecutionError

            if not isinstance(exc, CellExecutionError):
                log.seek(0)
                tail = plain(log.read()).strip().splitlines()[-5:]
                raise RuntimeError(f"{path.name}: the kernel failed: {plain(str(exc)).strip()}"
                                   + ("".join(f"\n  kernel: {line}" for line in tail))) from exc
            raise
    if output_dir is not None:
        out = Path(output_dir) / "notebooks"
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / path.name)
    return nb


def problems(nb) -> list[str]:
    """Errors and stderr output (warnings) in an executed notebook, one line each."""
    found = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                found.append(plain(f"cell {i}: {o.get('ename')}: {o.get('evalue')}"))
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                found.append(plain(f"cell {i}: stderr: {o.get('text', '').strip()[:300]}"))
    return found


def strip(nb):
    """Remove outputs, execution counts and widget state (notebooks are committed clean)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def is_stripped(nb) -> bool:
    return all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code") \
        and "widgets" not in nb.metadata


def main(argv: list[str] | None = None) -> int:
    import nbformat

    ap = argparse.ArgumentParser(prog="python -m toolkit.analyse.notebooks", description="Run, strip or check the curated notebooks.")
    ap.add_argument("command", choices=["run", "strip", "check"])
    ap.add_argument("folder", nargs="?", default="notebooks")
    ap.add_argument("--output-dir", default="outputs")
    ap.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=PYTHON",
                    help='e.g. -p REPORTS=\'"/data/my-reports"\' -p LANG=\'"en"\'')
    ap.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    args = ap.parse_args(argv)
    paths = notebooks_in(args.folder)
    if not paths:
        print(f"{args.folder}: no NN_*.ipynb notebooks", file=sys.stderr)
        return 2
    if args.command == "strip":
        for p in paths:
            nbformat.write(strip(nbformat.read(p, as_version=4)), p)
        return 0
    if args.command == "check":
        dirty = [p.name for p in paths if not is_stripped(nbformat.read(p, as_version=4))]
        for name in dirty:
            print(f"{name}: has outputs; run `python -m toolkit.analyse.notebooks strip {args.folder}`", file=sys.stderr)
        return 1 if dirty else 0
    params = dict(p.split("=", 1) for p in args.parameter)
    status = 0
    for p in paths:
        t = time.time()
        try:
            nb = execute(p, parameters=params, output_dir=args.output_dir, timeout=args.timeout)
            found = problems(nb)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next notebook
            lines = [ln for ln in plain(str(exc)).strip().splitlines() if ln.strip()]
            found = [f"{type(exc).__name__}: {lines[-1] if lines else ''}"]
        print(f"{p.name}: {'ok' if not found else 'FAILED'} ({time.time() - t:.1f} s)")
        for line in found:
            print(f"  {line}")
        status |= bool(found)
    print(f"figures: {Path(args.output_dir) / 'figures'}")
    return int(status)


if __name__ == "__main__":
    raise SystemExit(main())
