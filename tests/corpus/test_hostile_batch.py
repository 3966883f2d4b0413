"""Hostile batches: two runs into one folder, files that change, damaged caches and shards, odd
folder entries, a full disk and command-line misuse. Each ends in one line per problem, the
documented exit status, and nothing lost or counted twice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest
from support import RAW, ROOT

from toolkit.atomic import locked
from toolkit.corpus import ParseCache, load_table, parse_to_parquet

GOOD = ["ninghe-kejiju-2023.txt", "shanghai-gov-office-2019.html", "pingtan-zone-2022.html"]
CELLS = {"ninghe-kejiju-2023.txt": 200, "shanghai-gov-office-2019.html": 198, "pingtan-zone-2022.html": 200}


def cli(*args, timeout=240, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *map(str, args)], text=True, cwd=ROOT,
                          timeout=timeout, **kw)


def one_line_each(stderr: str) -> list[str]:
    """Every line of stderr is an error, a note or the summary: no traceback, no stray text."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    for line in lines:
        assert line.startswith(("error: ", "note: ")) or " parsed, " in line or " files: " in line, line
    return lines


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(RAW / name, folder / name)
    return folder


def files_rows(out: Path) -> pd.DataFrame:
    return load_table(out, "files")


# 4 --------------------------------------------------------------------------------------------


def test_a_second_run_into_a_folder_in_use_is_refused_and_touches_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    assert cli("parse", corpus, "-o", out, "--workers", 1).returncode == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    with locked(out):  # another run holds the folder (this test process: a real flock)
        proc = cli("parse", corpus, "-o", out, "--force")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [f"error: {out}: another run is writing to this folder (process {os.getpid()}); "
                                        "wait for it to finish, or write to another folder"]
    assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()) == before


def test_duplicated_files_left_by_an_old_race_are_parsed_once_again(corpus, tmp_path):
    out = tmp_path / "out"
    parse_to_parquet(corpus, out, engine="serial", progress=False, chunk_size=1)
    # What two unlocked runs used to leave: the same file committed in two chunks.
    part = sorted((out / "files").glob("part-*.parquet"))[0]
    cid = part.name[5:-8]
    for p in out.rglob(f"part-{cid}.parquet"):
        shutil.copy(p, p.with_name("part-0123456789abcdef.parquet"))
    notes = []
    stats = parse_to_parquet(corpus, out, engine="serial", progress=False, chunk_size=1, on_note=notes.append)
    assert notes == ["1 files were in more than one chunk: parsed again"]
    files = files_rows(out)
    assert sorted(files["source_file"]) == sorted(str(corpus / n) for n in GOOD) and stats["resumed"] == 2
    again = parse_to_parquet(corpus, out, engine="serial", progress=False, chunk_size=1)
    assert again["resumed"] == 3 and len(files_rows(out)) == 3


# 5 --------------------------------------------------------------------------------------------


def test_the_hash_stored_is_the_hash_of_the_bytes_parsed_while_the_file_changes(tmp_path):
    """A writer swaps the file between two reports while batches read it: no entry pairs one content's hash
    with the other's cells."""
    import hashlib

    a, b = (RAW / "ninghe-kejiju-2023.txt").read_bytes(), (RAW / "pingtan-zone-2022.html").read_bytes()
    year = {hashlib.sha256(a).hexdigest(): 2023, hashlib.sha256(b).hexdigest(): 2022}
    path, cache = tmp_path / "report.txt", tmp_path / "cache"
    path.write_bytes(a)
    stop = threading.Event()

    def swap():
        i = 0
        while not stop.is_set():
            tmp = tmp_path / ".next"
            tmp.write_bytes(b if i % 2 == 0 else a)
            os.replace(tmp, path)
            i += 1

    from toolkit.corpus import read_reports

    writer = threading.Thread(target=swap)
    writer.start()
    try:
        for _ in range(12):
            corpus = read_reports([path], engine="serial", cache_dir=cache, progress=False, force=True)
            for row in corpus.files.itertuples():
                assert year[row.sha256] == row.year
    finally:
        stop.set()
        writer.join()
    entries = list(cache.rglob("*.arrow.zst"))
    assert entries
    for entry in entries:
        sha = entry.name.split("-v")[0]
        hit = ParseCache(cache).get_table(sha)
        assert hit[2]["year"] == year[sha] and set(hit[1].column("source_sha256").to_pylist()) == {sha}


# 6 --------------------------------------------------------------------------------------------

FLIP_ENTRIES = r"""
import random, shutil, sys
from pathlib import Path
from toolkit.corpus import ParseCache
from toolkit.read.tidy import frame_of_table
root, sha = Path(sys.argv[1]), sys.argv[2]
entry = next(root.rglob("*.arrow.zst"))
good = entry.read_bytes()
cache, rng, outcomes = ParseCache(root), random.Random(5), {"miss": 0, "same": 0}
for i in range(300):
    data = bytearray(good)
    for _ in range(3):
        j = rng.randrange(len(data))
        data[j] ^= 1 << rng.randrange(8)
    entry.write_bytes(bytes(data))
    hit = cache.get_table(sha)
    if hit is None:
        outcomes["miss"] += 1
        continue
    frame_of_table(hit[1]).to_csv()  # what a batch does with a hit: it must not crash
    outcomes["same"] += 1
print(outcomes["miss"], outcomes["same"], len(cache.notes), len(set(n.split(" (")[0] for n in cache.notes)))
"""


def test_flipped_bits_in_a_cache_entry_are_a_miss_never_a_crash(tmp_path):
    from toolkit.corpus import read_reports

    src = RAW / "ninghe-kejiju-2023.txt"
    corpus = read_reports([src], engine="serial", cache_dir=tmp_path, progress=False)
    sha = corpus.files["sha256"].item()
    proc = subprocess.run([sys.executable, "-c", FLIP_ENTRIES, str(tmp_path), sha], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])  # never SIGSEGV (-11) nor a traceback
    miss, same, notes, kinds = map(int, proc.stdout.split())
    assert miss + same == 300 and miss >= 150 and notes == miss and kinds == 1


def test_foreign_or_empty_cache_entries_are_parsed_again_with_a_note(tmp_path):
    import pyarrow as pa

    src = RAW / "ninghe-kejiju-2023.txt"
    from toolkit.corpus import read_reports

    first = read_reports([src], engine="serial", cache_dir=tmp_path, progress=False)
    sha = first.files["sha256"].item()
    entry = next(tmp_path.rglob("*.arrow.zst"))
    foreign = pa.table({"x": [1, 2, 3]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, foreign.schema) as w:
        w.write_table(foreign)
    entry.write_bytes(pa.Codec("zstd").compress(sink.getvalue(), asbytes=True))  # a whole Arrow file, of another table
    notes = []
    again = read_reports([src], engine="serial", cache_dir=tmp_path, progress=False, on_note=notes.append)
    assert again.stats["parsed"] == 1 and len(again.data) == 200 and len(notes) == 1
    assert notes[0].startswith(f"damaged cache entry {entry.name} (") and notes[0].endswith("the file is parsed again")
    entry.unlink()
    (entry.parent / entry.name.replace(".arrow.zst", ".error.json")).write_text("{}")
    notes.clear()
    third = read_reports([src], engine="serial", cache_dir=tmp_path, progress=False, on_note=notes.append)
    assert third.stats["parsed"] == 1 and len(third.data) == 200 and len(notes) == 1 and sha in notes[0]


def test_a_cache_entry_of_the_earlier_layout_is_still_a_hit(tmp_path):
    import pyarrow as pa

    from toolkit.corpus import read_reports

    src = RAW / "shanghai-gov-office-2019.html"
    first = read_reports([src], engine="serial", cache_dir=tmp_path, progress=False)
    entry = next(tmp_path.rglob("*.arrow.zst"))
    table = pa.ipc.open_file(pa.CompressedInputStream(pa.OSFile(str(entry)), "zstd").read()).read_all()
    legacy = entry.with_suffix("")  # sha-vN.arrow: an IPC file whose buffers are compressed inside it
    with pa.OSFile(str(legacy), "wb") as sink, pa.ipc.new_file(sink, table.schema,
                                                              options=pa.ipc.IpcWriteOptions(compression="zstd")) as w:
        w.write_table(table)
    entry.unlink()
    notes = []
    again = read_reports([src], engine="serial", cache_dir=tmp_path, progress=False, on_note=notes.append)
    assert again.stats["cached"] == 1 and again.stats["parsed"] == 0 and not notes
    pd.testing.assert_frame_equal(again.data, first.data)


@pytest.mark.parametrize("damage", ["files", "errors", "cells"])
def test_damaged_shards_are_parsed_again_never_kept(corpus, tmp_path, damage):
    (corpus / "broken.html").write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert cli("parse", corpus, "-o", out, "--workers", 1, "--chunk-size", 1).returncode == 1
    shard = sorted((out / damage).rglob("part-*.parquet"))[0]
    shard.write_bytes(shard.read_bytes()[:100])
    proc = cli("parse", corpus, "-o", out, "--workers", 1, "--chunk-size", 1)
    lines = one_line_each(proc.stderr)
    assert proc.returncode == 1
    assert [x for x in lines if x.startswith("note:")] == [
        f"note: damaged shard {shard.relative_to(out)}: " + x.split(f"{shard.relative_to(out)}: ", 1)[1]
        for x in lines if x.startswith("note: damaged shard")]
    assert len([x for x in lines if x.startswith("note: damaged shard")]) == 1
    assert "3 kept from an earlier run" in lines[-1]
    files = files_rows(out)
    assert sorted(files["source_file"]) == sorted(str(p) for p in corpus.iterdir())
    exported = cli("export", out, "-o", tmp_path / "all.parquet")
    assert exported.returncode == 0, exported.stderr
    cells = pd.read_parquet(tmp_path / "all.parquet")
    assert cells.groupby("source_file").size().to_dict() == {str(corpus / n): c for n, c in CELLS.items()}


# 7 and 17 -------------------------------------------------------------------------------------


def _as_nobody():
    """Run a command as an unprivileged user (root reads any folder, whatever its mode)."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv to drop root")
def test_a_folder_that_cannot_be_listed_is_reported_and_fails_the_run():
    top = Path(tempfile.mkdtemp(prefix="toolkit-unlisted-"))
    try:
        top.chmod(0o755)
        (top / "ok").mkdir()
        (top / "secret").mkdir()
        shutil.copy(RAW / "ninghe-kejiju-2023.txt", top / "ok" / "a.txt")
        shutil.copy(RAW / "pingtan-zone-2022.html", top / "secret" / "b.html")
        (top / "secret").chmod(0)
        out = top / "cells.csv"
        top.chmod(0o777)
        proc = subprocess.run([*_as_nobody(), sys.executable, "-m", "toolkit.cli", "parse", str(top), "-o", str(out)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "HOME": str(top)})
        lines = one_line_each(proc.stderr)
        assert proc.returncode == 1, proc.stderr
        assert lines[0] == f"note: {top / 'secret'}: cannot list this folder (Permission denied): its files were not read"
        assert lines[-1] == "1 parsed, 0 failed; 1 skipped (see the notes above)"
        assert pd.read_csv(out, encoding="utf-8-sig")["source_file"].unique().tolist() == [str(top / "ok" / "a.txt")]
    finally:
        (top / "secret").chmod(0o755)
        shutil.rmtree(top)


def test_odd_folder_entries_are_skipped_in_one_line_each_and_names_cannot_forge_lines(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    good = (RAW / "ninghe-kejiju-2023.txt").read_bytes()
    gbk = os.fsencode(folder) + b"/" + "报告".encode("gbk") + b".txt"  # a name from an unzipped Chinese archive
    with open(gbk, "wb") as f:
        f.write(good)
    (folder / "x\nerror: forged line.txt").write_bytes(b"not a report at all")
    os.mkfifo(folder / "report.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")
    for argv in (["parse", folder, "-o", tmp_path / "cells.csv"], ["parse", folder, "-o", tmp_path / "shards"],
                 ["validate", folder]):
        proc = cli(*argv, timeout=120)
        lines = [x for x in proc.stderr.splitlines() if not x.startswith(("== ", "   "))]
        assert "Traceback" not in proc.stderr, proc.stderr
        assert sorted(x for x in lines if x.startswith("note:")) == [
            f"note: {folder}/a.txt: a symbolic link that loops: not read",
            f"note: {folder}/b.txt: a symbolic link that loops: not read",
            f"note: {folder}/report.txt: a FIFO (named pipe), not a regular file: not read",
            f"note: {folder}/sub/up: a symbolic link to a folder: not followed",
            f"note: {folder}/zero.txt: a character device, not a regular file: not read",
        ], (argv, proc.stderr)
        errors = [x for x in lines if x.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(f"error: {folder}/x\\nerror: forged line.txt: "), errors
        assert proc.returncode == (2 if argv[0] == "validate" else 1), proc.stderr
    cells = pd.read_csv(tmp_path / "cells.csv", encoding="utf-8-sig")
    assert cells["source_file"].unique().tolist() == [f"{folder}/\\xb1\\xa8\\xb8\\xe6.txt"] and len(cells) == 200
    named = cli("parse", folder / "report.txt", folder / "zero.txt", folder / "a.txt", "-o", tmp_path / "n.csv",
                timeout=120)  # named on the command line: refused unread, one error line each
    assert named.returncode == 1 and sorted(named.stderr.splitlines()[:-1]) == [
        f"error: {folder}/report.txt: a FIFO (named pipe), not a regular file: not read",
        f"error: {folder}/zero.txt: a character device, not a regular file: not read",
        f"note: {folder}/a.txt: a symbolic link that loops: not read",
    ], named.stderr
    again = cli("parse", folder, "-o", tmp_path / "shards", timeout=120)
    assert "2 kept from an earlier run" in again.stderr.splitlines()[-1], again.stderr  # the escaped name resumes


# 19 -------------------------------------------------------------------------------------------


def _can_mount_tmpfs() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                              capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs a private mount namespace (root) to fill a small disk")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_disk_during_shard_writing_is_one_line(corpus, tmp_path, workers):
    out = tmp_path / "out"
    out.mkdir()
    script = (f'mount -t tmpfs -o size=40k tmpfs "{out}" && exec "{sys.executable}" -m toolkit.cli parse "{corpus}" '
              f'-o "{out}" --no-cache --chunk-size 1 --workers {workers}')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=240)
    lines = one_line_each(proc.stderr)
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].endswith(": No space left on device (the disk is full: free some space and "
                                                 "run again)"), lines


# 21 -------------------------------------------------------------------------------------------


def test_command_line_misuse_is_one_line_with_the_documented_status(corpus, tmp_path):
    from toolkit.cli import build_parser

    PARSE_USAGE = " ".join(build_parser().subcommands["parse"].format_usage().split())  # noqa: N806
    one = corpus / GOOD[0]
    (tmp_path / "x.csv").mkdir()
    cases = [
        (["parse", one, "--workers", "-1"], {}, 2,
         "toolkit parse: error: argument --workers: a whole number of 1 or more, not '-1' (" + PARSE_USAGE + "; see toolkit parse --help)"),
        (["parse", one, "-o", "/dev/full"], {}, 2,
         "error: /dev/full: exists and is not a folder; shard output needs a folder (for one table, name a .csv or "
         ".parquet file)"),
        (["parse", one, "-o", tmp_path / "x.csv"], {}, 2,
         f"error: {tmp_path / 'x.csv'}: is a folder; name a new .csv or .parquet file (or give a folder without a "
         "table extension for Parquet shards)"),
        (["validate", one, "-o", "/dev/full"], {}, 2,
         "error: /dev/full: No space left on device (the disk is full: free some space and run again)"),
    ]
    for argv, kw, status, line in cases:
        proc = cli(*argv, **kw)
        assert (proc.returncode, proc.stderr.splitlines()) == (status, [line]), (argv, proc.stderr)
    with open("/dev/full", "w") as full:
        proc = cli("parse", one, stdout=full, stderr=subprocess.PIPE)
    assert (proc.returncode, proc.stderr.splitlines()) == (2, [
        "error: standard output: No space left on device (the disk is full: free some space and run again)"])
    closed = subprocess.run(f'exec "{sys.executable}" -m toolkit.cli parse "{one}" >&-', shell=True, cwd=ROOT,
                            stderr=subprocess.PIPE, text=True, timeout=120)
    assert (closed.returncode, closed.stderr.splitlines()) == (2, [
        "error: standard output is closed: nothing to write the table to (use -o FILE)"])
    many = cli("parse", *[corpus / n for n in GOOD], "--workers", "10000", "-o", tmp_path / "c.csv")
    cpus = len(os.sched_getaffinity(0))
    assert many.returncode == 0 and many.stderr.splitlines() == [
        f"note: 10000 workers asked for, {cpus} CPUs usable here: running {cpus}", "3 parsed, 0 failed"]


# 20 -------------------------------------------------------------------------------------------


def test_exports_escape_or_cut_what_a_format_cannot_hold_and_say_so(tmp_path):
    from openpyxl import load_workbook

    from toolkit import export, read_report

    cells = read_report(RAW / "ninghe-kejiju-2023.txt").data.head(5)
    raw = pd.Series(["BEL\x07ESC\x1bSOH\x01", "长" * 40_001, "lone \udcb1 half", "NUL\x00here", "0"], dtype=object)
    df = cells.assign(raw=raw)
    said = {}
    for ext in ("csv", "parquet", "xlsx"):
        notes = []
        export(df, tmp_path / f"x.{ext}", on_note=notes.append)
        said[ext] = notes
    assert said == {
        "csv": ["csv: 2 text cells held a NUL or a lone surrogate, written as an escape (\\x07, \\udcb1)"],
        "parquet": ["parquet: 1 text cell held a lone surrogate, written as an escape (\\x07, \\udcb1)"],
        "xlsx": ["xlsx: 3 text cells held a control character or a lone surrogate, written as an escape (\\x07, \\udcb1)",
                 "xlsx: 1 text cell longer than 32,767 characters (the XLSX limit) cut to fit; CSV and Parquet keep "
                 "the whole text"],
    }
    back = pd.read_parquet(tmp_path / "x.parquet")["raw"].tolist()
    assert back == ["BEL\x07ESC\x1bSOH\x01", "长" * 40_001, "lone \\udcb1 half", "NUL\x00here", "0"]  # raw exact
    from toolkit.spreadsheet import read_csv

    assert read_csv(tmp_path / "x.csv", dtype=str)["raw"].tolist() == [
        "BEL\x07ESC\x1bSOH\x01", "长" * 40_001, "lone \\udcb1 half", "NUL\\x00here", "0"]
    rows = list(load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True))
    sheet = [r[rows[0].index("raw")] for r in rows]
    assert sheet[0] == "raw" and sheet[1:] == ["BEL\\x07ESC\\x1bSOH\\x01", "长" * 32_767, "lone \\udcb1 half",
                                               "NUL\\x00here", "0"]
    # the command line: one note line, no traceback
    cells.assign(raw=pd.Series(["a\x07"] * 5, dtype=object)).to_parquet(tmp_path / "src.parquet")
    proc = cli("export", tmp_path / "src.parquet", "-o", tmp_path / "y.xlsx")
    assert proc.returncode == 0 and proc.stderr.splitlines()[0] == (
        "note: xlsx: 5 text cells held a control character or a lone surrogate, written as an escape (\\x07, \\udcb1)")


# 8 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_one_file_output_is_streamed_chunk_by_chunk_in_file_order(corpus, tmp_path, ext):
    """The streamed table is read_reports' table, row for row, whatever the chunking and the engine."""
    from toolkit.corpus import read_reports
    from toolkit.corpus.stream import parse_to_file

    (corpus / "broken.html").write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    for name in ("huaian-city-2024.pdf", "pingtan-zone-2019.html"):
        shutil.copy(RAW / name, corpus / f"a-{name}")  # years interleave across the chunks
    expected = read_reports(corpus, engine="serial", progress=False).data
    out = tmp_path / f"cells.{ext}"
    stats = parse_to_file(corpus, out, engine="process", workers=2, chunk_size=2, progress=False)
    assert stats["files"] == 6 and stats["failed"] == 1 and stats["cells"] == len(expected)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".toolkit-spool-")]  # the spool is gone
    if ext == "parquet":
        got = pd.read_parquet(out)
        pd.testing.assert_frame_equal(got, expected)
    else:
        from toolkit.spreadsheet import read_csv

        got = read_csv(out, dtype=str, keep_default_na=False, na_values=[""])
        assert got["source_file"].tolist() == expected["source_file"].astype(str).tolist()
        assert got["raw"].fillna("").tolist() == expected["raw"].fillna("").astype(str).tolist()
