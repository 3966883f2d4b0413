"""A batch works from a plain script with no ``if __name__ == "__main__":`` guard (as a new user writes one).

Each script runs as ``python script.py`` in a new process: the way the worker processes start is what is tested.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from support import RAW, ROOT

import toolkit

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FILES = ("ninghe-kejiju-2023.txt", "shanghai-gov-office-2019.html", "pingtan-zone-2022.html",
         "pingtan-zone-2023.html")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    src = tmp_path_factory.mktemp("plain") / "raw"
    src.mkdir()
    for name in FILES:
        shutil.copy(RAW / name, src / name)
    shutil.copy(RAW / "agencies.csv", src / "agencies.csv")
    return src


@pytest.fixture(scope="module")
def expected(reports):
    cells, errors = toolkit.read_reports(reports, engine="serial", progress=False)
    assert len(errors) == 0
    return len(cells)


def run_script(tmp_path, body: str) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=ENV,
                          timeout=300)


def test_unguarded_script_gets_every_cell(tmp_path, reports, expected):
    proc = run_script(tmp_path, f"""
        import json
        import toolkit

        cells, errors = toolkit.read_reports({str(reports)!r}, workers=2, progress=False)
        stats = toolkit.parse_to_parquet({str(reports)!r}, "shards", workers=2, progress=False, force=True)
        panel, files = toolkit.load_reports({str(reports)!r}, with_files=True)
        print("script ran", flush=True)
        print(json.dumps({{"cells": len(cells), "errors": len(errors), "parsed": stats["parsed"],
                          "failed": stats["failed"], "panel_failed": int((files["status"] != "parsed").sum())}}))
    """)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "RuntimeError" not in proc.stderr, proc.stderr
    assert proc.stdout.count("script ran") == 1  # the workers did not run the script again
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"cells": expected, "errors": 0, "parsed": len(FILES), "failed": 0, "panel_failed": 0}
    assert len(toolkit.corpus.load_cells(tmp_path / "shards")) == expected


def test_start_method_that_cannot_falls_back_in_one_line(tmp_path, reports, expected):
    """spawn truly re-runs the script in every worker: the batch is read in the script's process instead."""
    proc = run_script(tmp_path, f"""
        import multiprocessing
        import toolkit
        import toolkit.corpus.engines

        toolkit.corpus.engines.pool_context = lambda: multiprocessing.get_context("spawn")
        cells, errors = toolkit.read_reports({str(reports)!r}, workers=2, progress=False)
        print(len(cells), len(errors))
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(expected), "0"]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "worker processes could not start" in lines[0] and "script.py" in lines[0]
    assert "reading the files in this process instead" in lines[0]


def _children_of(pid: int) -> list[int]:
    # The kernel's own list first (microseconds): a worker reads a small text file in a few milliseconds, and a
    # scan of all of /proc takes about as long, so a scan alone can let a worker finish its file.
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(k) for k in f.read().split()]
    except OSError:
        pass
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = open(f"/proc/{d}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(d))
    return kids


def test_every_worker_dying_is_one_error_not_a_table(reports):
    """Workers killed as soon as they start, for every file: one error, not N rows of the same crash."""
    import multiprocessing.forkserver
    import signal
    import threading

    from toolkit.corpus import batch, engines
    from toolkit.errors import WorkerCrashError

    pool = engines.WorkerPool(2)
    assert pool.ready()
    server = multiprocessing.forkserver._forkserver._forkserver_pid
    stop = threading.Event()

    def kill_every_worker():
        while not stop.is_set():
            for pid in _children_of(server):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            stop.wait(0.0002)

    killer = threading.Thread(target=kill_every_worker, daemon=True)
    killer.start()
    files = [str(reports / name) for name in FILES]
    stats = {"files": len(files), "parsed": 0, "cached": 0, "failed": 0}
    try:
        with pytest.raises(WorkerCrashError, match=f"none of the {len(files)} files was read"):
            batch._drive(batch._tasks(files, 1), len(files), "process", 2, None, None, False, "read", None, stats,
                         lambda r: None, pool=pool)
    finally:
        stop.set()
        killer.join()
    assert stats["failed"] == len(files)


def test_interactive_session_gets_every_cell(tmp_path, reports, expected):
    """Lines typed at the prompt (``python -i`` reading stdin): no main file at all."""
    typed = f"import toolkit\ncells, errors = toolkit.read_reports({str(reports)!r}, workers=2, progress=False)\n" \
            "print('cells', len(cells), len(errors))\n"
    proc = subprocess.run([sys.executable, "-i", "-q"], input=typed, capture_output=True, text=True, cwd=tmp_path,
                          env=ENV, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"cells {expected} 0" in proc.stdout
    assert "Traceback" not in proc.stderr and "could not start" not in proc.stderr
