"""Workers die with their parent: ``kill -9`` of a running ``toolkit parse --workers 2`` leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import RAW, ROOT


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d.name))
    return kids


def descendants(pid: int) -> set[int]:
    kids, out, todo = _children(), set(), [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's bookkeeping is left


def test_kill_9_of_a_batch_leaves_no_worker(tmp_path):
    src = tmp_path / "reports"
    src.mkdir()
    for i in range(400):  # enough work that the batch is still running when it is killed
        shutil.copy(RAW / "ninghe-kejiju-2023.txt", src / f"r{i:03d}.txt")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "parse", str(src), "-o", str(tmp_path / "c.csv"),
                             "--workers", "2", "--chunk-size", "1", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            seen |= descendants(proc.pid)
            if len(seen) >= 3 and len(descendants(proc.pid)) >= 3:  # forkserver (+ resource tracker) + 2 workers
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the batch ended before it could be killed"
        time.sleep(1.0)  # workers busy parsing
        seen |= descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in seen):
            time.sleep(0.2)
        left = [p for p in seen if alive(p)]
        assert not left, f"still alive 10 s after kill -9 of the batch: {left}"
    finally:
        for p in seen:
            if alive(p):
                os.kill(p, signal.SIGKILL)
