"""Dask as the engine beyond one machine: a real LocalCluster (two worker processes) gives the local engine's output."""

from __future__ import annotations

import pandas as pd
import pytest
from support.corpora import BAD, make_mixed_corpus

from toolkit.corpus import load_cells, load_table, parse_to_parquet, read_reports

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster_client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic-dask")
    make_mixed_corpus(root)
    return root


def test_dask_without_client_or_scheduler_says_what_to_pass(corpus):
    if distributed.client._get_global_client() is not None:
        pytest.skip("a Dask client is active in this session")
    with pytest.raises(ValueError, match="scheduler"):
        read_reports(corpus, engine="dask", progress=False)


@pytest.mark.slow
def test_dask_in_memory_identical_to_local(cluster_client, corpus):
    local = read_reports(corpus, workers=2, engine="process", progress=False)
    dask = read_reports(corpus, engine="dask", client=cluster_client, chunk_size=3, progress=False)
    pd.testing.assert_frame_equal(local.data, dask.data)
    pd.testing.assert_frame_equal(local.errors, dask.errors)
    pd.testing.assert_frame_equal(local.files, dask.files)
    assert len(dask.errors) == len(BAD)


@pytest.mark.slow
def test_dask_shards_identical_to_local(cluster_client, corpus, tmp_path):
    parse_to_parquet(corpus, tmp_path / "local", workers=2, progress=False)
    stats = parse_to_parquet(corpus, tmp_path / "dask", engine="dask", scheduler=cluster_client.scheduler.address,
                             progress=False)
    assert stats["parsed"] == stats["files"]
    pd.testing.assert_frame_equal(load_cells(tmp_path / "local"), load_cells(tmp_path / "dask"))
    pd.testing.assert_frame_equal(load_table(tmp_path / "local", "errors"), load_table(tmp_path / "dask", "errors"))
    local_files = load_table(tmp_path / "local", "files")
    pd.testing.assert_frame_equal(local_files, load_table(tmp_path / "dask", "files"))
