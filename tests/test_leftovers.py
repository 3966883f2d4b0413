"""What a killed run leaves behind is removed by the next run, and a live run's temporaries never are.

Every test runs real processes with a private $TMPDIR (under tmp_path), kills one with SIGKILL mid-way
(as the OOM killer or a power cut would), keeps another running, then starts a third and looks at the
folder. Nothing outside tmp_path is touched, except the shared folder of the cross-user test, made and
removed by that test.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support import RAW, ROOT

from toolkit import atomic

WAIT_S = 120  # bound on every wait below: a test fails rather than hangs

# Fills the temporary file of an atomic write halfway, says so, then waits to be killed or released.
HOLD_WRITE = """
import sys
from toolkit.atomic import atomic_write
def write(tmp):
    open(tmp, "w").write("half a table")
    print(tmp, flush=True)
    sys.stdin.read()
atomic_write(sys.argv[1], write)
"""

# A live LibreOffice user: converts once (its private profile stays until it exits), then waits.
HOLD_SOFFICE = """
import sys
from toolkit.read.formats import soffice
soffice.convert({"a.html": b"<p>2023</p>"}, "docx", "a.html", infilter="HTML (StarWriter)")
print(soffice._profile_dir(), flush=True)
sys.stdin.read()
"""

CONVERT = """
from toolkit.read.formats import soffice
out = soffice.convert({"a.html": "<p>2023年政府信息公开工作年度报告</p>".encode()}, "docx", "a.html", infilter="HTML (StarWriter)")
assert out["a.html"][:2] == b"PK", out
"""

# A live run's spool, named as parse_to_file names it, held until released.
HOLD_SPOOL = """
import sys, tempfile
from toolkit.atomic import owned_prefix
from toolkit.corpus.stream import SPOOL_PREFIX
print(tempfile.mkdtemp(prefix=owned_prefix(SPOOL_PREFIX), dir=sys.argv[1]), flush=True)
sys.stdin.read()
"""


def env_with_tmp(tmp: Path) -> dict:
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}


def start(code_or_args, env, **kw) -> subprocess.Popen:
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.Popen([sys.executable, *map(str, args)], env=env, cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def first_line(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline().strip()
    assert line, proc.stderr.read()
    return line


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and every child it started (soffice, workers), and wait until all are gone."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=WAIT_S)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("the killed run's children did not die")


def release(proc: subprocess.Popen) -> None:
    _, err = proc.communicate("", timeout=WAIT_S)
    assert proc.returncode == 0, err


def wait_for(predicate, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(0.01)
    raise AssertionError(f"never saw {what}")


def test_atomic_write_removes_what_a_killed_writer_left_and_spares_a_live_writer(tmp_path):
    env = env_with_tmp(tmp_path / "tmp")
    out = tmp_path / "out"
    live = start(["-c", HOLD_WRITE, out / "b.csv"], env)
    try:
        live_tmp = Path(first_line(live))
        dead = start(["-c", HOLD_WRITE, out / "a.csv"], env)
        dead_tmp = Path(first_line(dead))
        kill_group(dead)
        assert dead_tmp.exists() and live_tmp.exists()  # a kill leaves the temporary: the sweep has work to do
        dead_tag = dead_tmp.name[len(atomic.TMP_PREFIX):].rsplit("-", 1)[0]
        # What is not provably a dead run's own stays: a name without an owner, a link (and what it points at).
        (out / ".tmp-unowned.csv").write_text("someone else's")
        outside = tmp_path / "precious"
        outside.mkdir()
        (outside / "keep.txt").write_text("keep")
        (out / f".tmp-{dead_tag}-link").symlink_to(outside)
        # A dead run's folder holding a link: removed, the link's target is not followed.
        (out / f".tmp-{dead_tag}-dir").mkdir()
        (out / f".tmp-{dead_tag}-dir" / "up").symlink_to(outside)
        # The same process id started at another time is another process: its owner is dead.
        me = atomic.owner_tag().split("-")
        reused = f".tmp-{me[0]}-{int(me[1]) + 1}-{me[2]}-{me[3]}-x.csv"
        (out / reused).write_text("older")
        # This process's very id and start time, but of an earlier boot of this machine: long dead.
        earlier_boot = f".tmp-{me[0]}-{me[1]}-{me[2]}-00000000-x.csv"
        (out / earlier_boot).write_text("before the power cut")
        # Another machine's (or container's) temporary cannot be judged from here.
        foreign = f".tmp-{me[0]}-{int(me[1]) + 1}-00000000-{me[3]}-x.csv"
        (out / foreign).write_text("theirs")

        third = subprocess.run([sys.executable, "-c", "import sys; from toolkit.atomic import write_bytes; "
                                "write_bytes(sys.argv[1], b'x')", out / "c.csv"],
                               env=env, cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
        assert third.returncode == 0 and third.stderr == "", third.stderr  # nothing said on the terminal
        names = sorted(p.name for p in out.iterdir())
        assert not dead_tmp.exists() and not (out / f".tmp-{dead_tag}-dir").exists() and reused not in names
        assert earlier_boot not in names
        assert live_tmp.exists() and live_tmp.read_text() == "half a table"
        assert {".tmp-unowned.csv", f".tmp-{dead_tag}-link", foreign, "c.csv"} <= set(names)
        assert (outside / "keep.txt").read_text() == "keep"
    finally:
        release(live)
    assert (out / "b.csv").read_text() == "half a table" and not live_tmp.exists()


# Runs as `nobody`: the toolkit is imported as root (the interpreter's own files may be root's alone), then
# the process gives up root for good before it writes anything.
AS_NOBODY = """
import os, sys
from toolkit import atomic
os.setgroups([]); os.setgid(65534); os.setuid(65534)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run as two users")
def test_a_live_run_of_another_user_in_a_shared_folder_is_left_alone(tmp_path):
    """In a folder every user may write to (mode 777, a team's output folder), a run by `nobody` removes its
    own killed run's temporary and leaves a live root run's temporary, which it could remove but belongs to a
    process it can see and not signal."""
    shared = Path(tempfile.mkdtemp(prefix="toolkit-test-shared-", dir="/tmp"))
    try:
        shared.chmod(0o777)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(shared)}
        live = start(["-c", HOLD_WRITE, shared / "b.csv"], env)
        try:
            live_tmp = Path(first_line(live))
            dead = start(["-c", AS_NOBODY + HOLD_WRITE, shared / "a.csv"], env)
            dead_tmp = Path(first_line(dead))
            kill_group(dead)
            assert dead_tmp.exists() and live_tmp.exists() and dead_tmp.stat().st_uid == 65534
            third = subprocess.run([sys.executable, "-c", AS_NOBODY + "atomic.write_bytes(sys.argv[1], b'x')",
                                    shared / "c.csv"], env=env, cwd=ROOT, capture_output=True, text=True,
                                   timeout=WAIT_S)
            assert third.returncode == 0, third.stderr
            assert (shared / "c.csv").stat().st_uid == 65534
            assert not dead_tmp.exists() and live_tmp.exists()
        finally:
            release(live)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_libreoffice_conversion_killed_mid_way_leaves_nothing_for_the_next_run(tmp_path):
    from toolkit.read.formats.soffice import PROFILE_PREFIX, WORK_PREFIX

    tmp = tmp_path / "tmp"
    env = env_with_tmp(tmp)
    dead = start(CONVERT, env)
    # Killed once its profile is in place and its conversion folder holds the input: soffice is starting.
    profile = wait_for(lambda: [p for p in tmp.glob(f"{PROFILE_PREFIX}*/user/registrymodifications.xcu")],
                       "the profile")[0].parents[1]
    kill_group(dead)
    work = [p for p in tmp.iterdir() if p.name.startswith(WORK_PREFIX) and p != profile]
    assert profile.is_dir() and len(work) == 1 and (work[0] / "in" / "a.html").exists()

    live = start(HOLD_SOFFICE, env)
    try:
        live_profile = Path(first_line(live))
        third = subprocess.run([sys.executable, "-c", CONVERT], env=env, cwd=ROOT, capture_output=True, text=True,
                               timeout=WAIT_S)
        assert third.returncode == 0, third.stderr
        assert not profile.exists() and not work[0].exists()
        assert (live_profile / "user" / "registrymodifications.xcu").exists()
        assert sorted(tmp.iterdir()) == [live_profile]  # the third run cleaned up after itself at exit
    finally:
        release(live)
    assert list(tmp.iterdir()) == []


def test_a_streamed_table_killed_mid_way_leaves_no_spool_for_the_next_run(tmp_path):
    env = env_with_tmp(tmp_path / "tmp")
    out = tmp_path / "out"
    out.mkdir()
    table = out / "cells.csv"
    dead = start(["-m", "toolkit.cli", "parse", RAW, "-o", table, "--workers", "1"], env)
    spool = wait_for(lambda: [p for p in out.iterdir() if p.name.startswith(".toolkit-spool-")], "the spool")[0]
    kill_group(dead)
    assert spool.is_dir() and not table.exists()

    live = start(["-c", HOLD_SPOOL, out], env)
    try:
        live_spool = Path(first_line(live))
        corpus = tmp_path / "in"
        corpus.mkdir()
        shutil.copy(RAW / "ninghe-kejiju-2023.txt", corpus)
        third = subprocess.run([sys.executable, "-m", "toolkit.cli", "parse", corpus, "-o", table, "--workers", "1"],
                               env=env, cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
        assert third.returncode == 0, third.stderr
        assert "spool" not in third.stderr  # removed without a word on the terminal
        assert not spool.exists() and live_spool.is_dir()
        assert sorted(p.name for p in out.iterdir()) == sorted(["cells.csv", live_spool.name])
    finally:
        release(live)


# A live collector's robots.txt body, named as the collector names it, held until released.
HOLD_PART = """
import sys, tempfile
from toolkit.atomic import owned_prefix
from toolkit.collect.fetch import PART_PREFIX
print(tempfile.mkstemp(prefix=owned_prefix(PART_PREFIX))[1], flush=True)
sys.stdin.read()
"""


def test_a_collect_run_killed_while_reading_robots_txt_leaves_no_body_for_the_next_run(tmp_path):
    """robots.txt is read into $TMPDIR (no output folder is locked yet when it is asked for)."""
    import itertools

    from collect import rawsite

    from toolkit.collect.fetch import PART_PREFIX

    tmp = tmp_path / "tmp"
    env = env_with_tmp(tmp)
    rules = b"User-agent: *\nDisallow: /private/\n"
    slow = rules * 200
    head = rawsite.response(200, slow, "text/plain")[:-len(slow)]
    server = rawsite.start({
        "/robots.txt": lambda srv, req: itertools.chain([head + slow[:64]], rawsite.drip(slow[64:], 0.05, srv)),
        "/index.html": rawsite.response(200, "<html><body><p>没有报告</p></body></html>".encode())})
    args = ["-m", "toolkit.cli", "collect", server.base + "/index.html", "--delay", "0", "--timeout", "60", "-q"]
    live = None
    try:
        dead = start([*args, "-o", tmp_path / "first"], env)
        part = wait_for(lambda: [p for p in tmp.iterdir() if p.name.startswith(PART_PREFIX)], "robots.txt arriving")[0]
        kill_group(dead)
        assert part.exists()
        live = start(["-c", HOLD_PART], env)
        live_part = Path(first_line(live))
        server.routes["/robots.txt"] = rawsite.response(200, rules, "text/plain")
        third = subprocess.run([sys.executable, *args, "-o", tmp_path / "second"], env=env, cwd=ROOT,
                               capture_output=True, text=True, timeout=WAIT_S)
        assert "Traceback" not in third.stderr and (tmp_path / "second" / "manifest.csv").exists(), third.stderr
        assert not part.exists() and sorted(tmp.iterdir()) == [live_part]
    finally:
        if live is not None:
            release(live)
        server.close()
