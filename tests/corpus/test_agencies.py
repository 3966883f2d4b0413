"""The agency registry: one agency whatever name it printed, in the data, the files table and the coverage.

Real files only: data/raw with its SOURCES.csv and agencies.csv, and the real 洪泽区 2023 PDF
(tests/fixtures) with a copy whose title was edited to 淮安市洪泽区人民政府 (PyMuPDF).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import FIXTURES, RAW
from support.registry import cli, per_file

from toolkit.corpus import read_reports
from toolkit.corpus.agencies import (
    REGISTRY_FILE,
    annotate,
    read_registry,
    suggest_aliases,
)
from toolkit.corpus.coverage import coverage, coverage_matrix
from toolkit.corpus.loaders import demo_dir, load_demo, load_reports
from toolkit.spreadsheet import read_csv

HONGZE = FIXTURES / "hongze-district-2023.pdf"
HONGZE_REGISTRY = (
    "agency_id,agency_name,aliases,level,scope,region,parent,website\n"
    "js-huaian-hongze-gov,淮安市洪泽区人民政府,洪泽区人民政府,county,region_aggregate,洪泽区,,\n"
)



def _edit_title(src: Path, dst: Path, old: str, new: str) -> None:
    """A real PDF edit: the title's text removed (redaction) and the new text written in its place."""
    fitz = pytest.importorskip("fitz")
    doc = fitz.open(src)
    page = doc[0]
    box = page.search_for(old)[0]
    page.add_redact_annot(box)
    page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_NONE, graphics=0)
    size = box.height * 0.95
    width = fitz.get_text_length(new, fontname="china-s", fontsize=size)
    page.insert_text(((page.rect.width - width) / 2, box.y1 - size * 0.2), new, fontname="china-s", fontsize=size)
    doc.save(dst, garbage=3, deflate=True)


@pytest.fixture(scope="module")
def hongze_folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("hongze")
    shutil.copy(HONGZE, d / "hongze-2023.pdf")
    _edit_title(HONGZE, d / "hongze-2023-retitled.pdf", "洪泽区人民政府", "淮安市洪泽区人民政府")
    return d


def test_two_printed_names_are_one_agency_with_an_alias(hongze_folder, tmp_path):
    corpus = read_reports(hongze_folder, engine="serial", progress=False)
    printed = corpus.files.set_index(corpus.files["source_file"].map(lambda p: Path(p).name))["agency"]
    assert printed.to_dict() == {"hongze-2023.pdf": "洪泽区人民政府", "hongze-2023-retitled.pdf": "淮安市洪泽区人民政府"}
    # without a registry: two agencies, and the suggestion that they are one
    assert len(coverage_matrix(corpus)) == 2 and corpus.data["agency_id"].isna().all()
    pairs = suggest_aliases(printed.tolist())
    assert pairs[["name", "alias"]].values.tolist() == [["淮安市洪泽区人民政府", "洪泽区人民政府"]]
    r = cli("agencies", str(hongze_folder))
    assert r.returncode == 0, r.stderr
    assert "淮安市洪泽区人民政府 ~ 洪泽区人民政府" in r.stdout and "(not in the registry)" in r.stdout
    # with the alias in the folder's registry: one agency, in the data, the files table and the coverage
    folder = tmp_path / "with-registry"
    shutil.copytree(hongze_folder, folder)
    (folder / REGISTRY_FILE).write_text(HONGZE_REGISTRY, encoding="utf-8")
    panel, files = load_reports(folder, with_files=True)
    assert set(panel["agency"]) == {"洪泽区人民政府", "淮安市洪泽区人民政府"}  # printed names stay as printed
    assert set(panel["agency_id"]) == {"js-huaian-hongze-gov"} and set(panel["agency_name"]) == {"淮安市洪泽区人民政府"}
    m = coverage_matrix(files)
    # (flagged while the reader still misses rows of this PDF: identity does not depend on it)
    assert m.index.tolist() == ["淮安市洪泽区人民政府"] and m.loc["淮安市洪泽区人民政府", 2023] in ("parsed", "flagged")
    c = coverage(panel)  # a tidy frame as the notebooks hold it
    assert c[["agency", "agency_id", "year", "found"]].values.tolist() == [["淮安市洪泽区人民政府", "js-huaian-hongze-gov", 2023, 2]]
    from toolkit.analyse.charts import coverage_chart

    fig = coverage_chart(coverage(files), lang="en")
    assert len(fig.axes[0].get_yticks()) == 1  # one row in the chart, which drew two without the registry
    assert len(coverage_chart(coverage(corpus), lang="en").axes[0].get_yticks()) == 2
    r = cli("agencies", str(folder))
    assert r.stdout.count("js-huaian-hongze-gov") == 2 and "no alias to suggest" in r.stdout
    # the command line reads the folder the same way, and an explicit --registry does the same from elsewhere
    (tmp_path / "elsewhere.csv").write_text(HONGZE_REGISTRY, encoding="utf-8")
    out = tmp_path / "cells.csv"
    assert cli("parse", str(hongze_folder), "-o", str(out), "--workers", "1", "--registry",
               str(tmp_path / "elsewhere.csv")).returncode == 0
    assert set(read_csv(out, dtype=str)["agency_id"]) == {"js-huaian-hongze-gov"}


def test_names_match_whatever_the_spacing_and_export_can_map_again(tmp_path):
    reg = read_registry(RAW / REGISTRY_FILE)
    assert reg.id_of("淮安市 洪泽区人民政府") == reg.id_of("洪泽区人民政府") == "js-huaian-hongze-gov"
    assert reg.id_of("淮安市清江浦区人民政府") is None
    cells = load_reports(RAW / "ninghe-kejiju-2023.txt")
    edited = tmp_path / REGISTRY_FILE
    edited.write_text("agency_id,agency_name,aliases\nninghe-ke,宁河区科技局,宁河区科学技术局\n", encoding="utf-8")
    again = annotate(cells, read_registry(edited))
    assert set(again["agency_id"]) == {"ninghe-ke"} and set(again["agency_name"]) == {"宁河区科技局"}
    assert set(again["scope"]) == {"agency"}  # the registry leaves scope empty: what the file had stays


def test_the_demo_keeps_its_agencies_in_the_same_registry_format():
    from toolkit.synthetic.panel import agencies_table

    reg = read_registry(demo_dir() / REGISTRY_FILE)
    committed = reg.table()
    built = agencies_table().astype(str).replace({"None": ""})
    assert committed[built.columns].values.tolist() == built.values.tolist()  # what `build` writes, as committed
    panel = load_demo()
    assert panel["agency_id"].notna().all()
    names = panel.drop_duplicates("agency_id").set_index("agency_id")["agency_name"]
    assert names.to_dict() == {k: v["agency_name"] for k, v in reg.entries.items()}


def test_a_sources_row_names_the_agency_when_the_registry_lacks_the_printed_name(hongze_folder, tmp_path):
    folder = tmp_path / "sources"
    shutil.copytree(hongze_folder, folder)
    (folder / REGISTRY_FILE).write_text(HONGZE_REGISTRY.replace("洪泽区人民政府,county", ",county"), encoding="utf-8")
    (folder / "SOURCES.csv").write_text(
        "file,agency,level,scope,url\n"
        "hongze-2023.pdf,淮安市洪泽区人民政府,county_government,region_aggregate,https://example.org/hz-2023.pdf\n",
        encoding="utf-8")
    facts = per_file(load_reports(folder))
    assert facts.loc["hongze-2023.pdf", "agency_id"] == "js-huaian-hongze-gov"  # printed 洪泽区人民政府, no alias
    assert facts.loc["hongze-2023.pdf", "source_url"] == "https://example.org/hz-2023.pdf"
    assert facts.loc["hongze-2023-retitled.pdf", "agency_id"] == "js-huaian-hongze-gov"  # its printed name is canonical
    assert facts.loc["hongze-2023-retitled.pdf", "source_url"] is None


def test_a_shard_folder_follows_an_edited_registry(tmp_path):
    from toolkit.corpus import load_cells, parse_to_parquet

    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("ninghe-kejiju-2023.txt", "shanghai-gov-office-2019.html", "SOURCES.csv", REGISTRY_FILE):
        shutil.copy(RAW / name, folder / name)
    out = tmp_path / "shards"
    first = parse_to_parquet(folder, out, engine="serial", progress=False)
    assert first["parsed"] == 2
    assert parse_to_parquet(folder, out, engine="serial", progress=False)["resumed"] == 2  # nothing changed: kept
    reg = folder / REGISTRY_FILE
    reg.write_text(reg.read_text(encoding="utf-8").replace("tj-ninghe-kejiju", "tj-ninghe-sci"), encoding="utf-8")
    again = parse_to_parquet(folder, out, engine="serial", progress=False)
    assert again["resumed"] < 2 and again["cached"] >= 1  # re-read from the cache, not kept as it was
    ids = load_cells(out).drop_duplicates("source_file").set_index("agency")["agency_id"]
    assert ids.to_dict() == {"宁河区科学技术局": "tj-ninghe-sci", "上海市人民政府办公厅": "sh-gov-office"}


def test_a_registry_saved_by_a_chinese_excel_reads_too(tmp_path):
    path = tmp_path / REGISTRY_FILE
    path.write_bytes(HONGZE_REGISTRY.encode("gb18030"))
    assert read_registry(path).id_of("洪泽区人民政府") == "js-huaian-hongze-gov"
