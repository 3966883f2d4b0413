"""Run the curated notebooks headless, and keep them committed without outputs.

::

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


def setup(reports=None, lang: str = "zh", scope: str = "members"):
    """The set-up cell of the curated notebooks: versions, chart style, the panel, and what ``SCOPE`` sums.

    Returns ``(panel, lang)``: the panel (:func:`toolkit.corpus.loaders.load_reports`) and the
    language charts will use (English, with a warning, when no CJK font is installed).
    """
    from toolkit.analyse import charts
    from toolkit.corpus.loaders import load_reports

    print(versions())
    lang = charts.use_style(lang)
    panel = load_reports(reports)
    print(charts.caption_of(panel, lang))
    print(scope_summary(panel, scope, lang))
    return panel, lang


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
