"""Batch loading: a corpus of good, broken and non-report files; cache; resume after interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from support import ROOT
from support.corpora import BAD, assert_matches_truth, make_mixed_corpus

import toolkit
from toolkit.corpus import load_cells, load_table, parse_to_parquet, read_reports
from toolkit.synthetic.corpus import generate_corpus


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic-mixed")
    return root, make_mixed_corpus(root)


@pytest.mark.parametrize("engine,workers", [("serial", 1), ("process", 2)], ids=["serial", "process-2"])
def test_mixed_corpus_all_good_data_and_one_error_row_per_bad_file(mixed, engine, workers):
    root, sc = mixed
    corpus = read_reports(root, workers=workers, engine=engine, progress=False)
    data, errors = corpus  # unpacks as (data, errors)
    assert_matches_truth(data, sc.cells)
    bad_paths = {str(root / name) for name in BAD}
    assert sorted(errors["source_file"]) == sorted(bad_paths)  # exactly one row per bad file
    by_file = errors.set_index("source_file")
    for name, cls in BAD.items():
        row = by_file.loc[str(root / name)]
        assert cls is None or row["error_class"] == cls, (name, row.to_dict())
        assert row["message"].startswith(str(root / name) + ": ") and "\n" not in row["message"]
        assert issubclass(getattr(toolkit.errors, row["error_class"]), toolkit.ToolkitError)
    assert list(data.columns) == list(toolkit.read.tidy.TIDY_COLUMNS)
    assert data["row"].dtype == toolkit.codebook.category_dtype("row")
    assert corpus.stats["files"] == len(sc.paths) + len(BAD) == len(corpus.files)
    assert set(corpus.files.loc[corpus.files.status == "failed", "source_file"]) == bad_paths


def test_engines_agree(mixed):
    root, _ = mixed
    a = read_reports(root, engine="serial", progress=False)
    b = read_reports(root, workers=2, engine="process", chunk_size=3, progress=False)
    pd.testing.assert_frame_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.errors, b.errors)
    pd.testing.assert_frame_equal(a.files, b.files)


def test_cache_hit_skips_parsing(tmp_path):
    root = tmp_path / "synthetic"
    sc = generate_corpus(root, n_reports=8, agencies=4, years=[2020, 2023], formats=("text", "html"), seed=3)
    (root / "broken.txt").write_bytes(b"")
    cache = tmp_path / "cache"
    first = read_reports(root, workers=2, cache_dir=cache, progress=False)
    assert first.stats["parsed"] == 9 and first.stats["cached"] == 0
    second = read_reports(root, workers=2, cache_dir=cache, progress=False)
    assert second.stats["parsed"] == 0 and second.stats["cached"] == 9  # counted where read_report runs
    pd.testing.assert_frame_equal(first.data, second.data)
    pd.testing.assert_frame_equal(first.errors, second.errors)

    changed = sc.paths[0]
    changed.write_bytes(changed.read_bytes() + b"\n")
    (root / "2023" / "copy.html").write_bytes(next(p for p in sc.paths if p.suffix == ".html").read_bytes())
    third = read_reports(root, engine="serial", cache_dir=cache, progress=False)
    assert third.stats["parsed"] == 1 and third.stats["cached"] == 9  # the copy is a hit (same sha256)
    assert str(root / "2023" / "copy.html") in set(third.data["source_file"])  # with its own path

    forced = read_reports(root, engine="serial", cache_dir=cache, force=True, progress=False)
    assert forced.stats["parsed"] == 10 and forced.stats["cached"] == 0


def test_parser_version_keys_the_cache(tmp_path):
    from toolkit.corpus.cache import ParseCache

    data = toolkit.read_report(ROOT / "data/raw/ninghe-kejiju-2023.txt").data
    ParseCache(tmp_path, version="1").put_parsed("ab" * 32, data, {"n_cells": 200})
    assert ParseCache(tmp_path, version="1").get("ab" * 32)[0] == "parsed"
    assert ParseCache(tmp_path, version="2").get("ab" * 32) is None


def test_shards_round_trip_the_tidy_schema(mixed, tmp_path):
    root, sc = mixed
    stats = parse_to_parquet(root, tmp_path / "out", workers=2, progress=False)
    assert stats["failed"] == len(BAD) and stats["parsed"] == stats["files"]
    cells = load_cells(tmp_path / "out")
    pd.testing.assert_frame_equal(cells, read_reports(root, engine="serial", progress=False).data)
    years = sorted(p.name for p in (tmp_path / "out/cells").iterdir())
    assert years == [f"year={y}" for y in range(2019, 2025)]  # hive partitions by report year
    errors_csv = pd.read_csv(tmp_path / "out/errors.csv", encoding="utf-8-sig")
    assert len(errors_csv) == len(BAD)
    assert (tmp_path / "out/errors.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_resume_keeps_committed_chunks_and_drops_half_written_ones(mixed, tmp_path):
    root, sc = mixed
    out = tmp_path / "out"
    files = toolkit.corpus.discover(root)
    # an earlier run that stopped after the first chunks: its chunks are committed ...
    first = parse_to_parquet(files[:9], out, engine="serial", chunk_size=3, progress=False)
    assert first["parsed"] == 9
    # ... and a chunk that died after writing cells, before its files shard (the commit)
    orphan = out / "cells/year=2021/part-deadbeefdeadbeef.parquet"
    orphan.write_bytes(next((out / "cells").rglob("part-*.parquet")).read_bytes())
    second = parse_to_parquet(root, out, workers=2, chunk_size=3, progress=False)
    assert second["resumed"] == 9 and second["parsed"] == len(files) - 9
    assert not orphan.exists()
    clean = parse_to_parquet(root, tmp_path / "clean", engine="serial", progress=False)
    assert clean["resumed"] == 0
    pd.testing.assert_frame_equal(load_cells(out), load_cells(tmp_path / "clean"))
    pd.testing.assert_frame_equal(load_table(out, "errors"), load_table(tmp_path / "clean", "errors"))
    # a changed file re-parses its chunk only
    target = Path(load_table(out, "files").query("status == 'parsed'")["source_file"].iloc[0])
    target.write_bytes(target.read_bytes() + b"\n")
    third = parse_to_parquet(root, out, engine="serial", chunk_size=3, progress=False)
    assert 1 <= third["parsed"] + third["cached"] <= 3 and third["resumed"] >= len(files) - 3
    assert load_cells(out)["source_file"].value_counts().max() <= 200  # no duplicated report


def test_killed_cli_run_resumes(mixed, tmp_path):
    """A real interruption: the CLI is killed mid-run, rerun, and the result equals a clean run."""
    root, _ = mixed
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "toolkit.cli", "parse", str(root), "-o", str(out), "--workers", "1", "--chunk-size", "1", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "files").glob("part-*.parquet"))) >= 3:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()
    done_before = len(list((out / "files").glob("part-*.parquet")))
    assert done_before >= 3
    rerun = subprocess.run([a for a in cmd if a != "-q"], cwd=ROOT, capture_output=True, text=True)  # -q drops the summary
    assert rerun.returncode == 1  # the bad files failed (one stderr line each)
    assert sum(line.startswith("error: ") for line in rerun.stderr.splitlines()) <= len(BAD)
    assert f"{done_before} kept from an earlier run" in rerun.stderr or done_before == len(toolkit.corpus.discover(root))
    clean = parse_to_parquet(root, tmp_path / "clean", engine="serial", progress=False)
    assert clean["files"] == len(toolkit.corpus.discover(root))
    pd.testing.assert_frame_equal(load_cells(out), load_cells(tmp_path / "clean"))
    assert len(load_table(out, "errors")) == len(BAD)


def test_cli_single_table_output_keeps_its_behaviour(tmp_path):
    out = tmp_path / "cells.csv"
    r = subprocess.run([sys.executable, "-m", "toolkit.cli", "parse", "data/raw/ninghe-kejiju-2023.txt", "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 200
