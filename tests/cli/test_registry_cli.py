"""The agency registry on the command line: `toolkit parse`, `export` and `validate` state what
`load_reports` (the notebooks) states, on the real files of data/raw; an unusable registry is one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from support import RAW
from support.registry import cli, per_file

from toolkit.corpus.agencies import REGISTRY_FILE, RegistryError, read_registry
from toolkit.corpus.loaders import load_reports
from toolkit.spreadsheet import read_csv


@pytest.fixture(scope="module")
def notebook_view():
    return per_file(load_reports(RAW))


def test_parse_csv_and_shards_state_what_load_reports_states(tmp_path, notebook_view):
    out = tmp_path / "x.csv"
    r = cli("parse", "data/raw", "-o", str(out), "--workers", "1", "--cache-dir", str(tmp_path / "cache"))
    assert r.returncode == 0, r.stderr
    parsed = per_file(read_csv(out, dtype=str, keep_default_na=False, na_values=[""]))
    pd.testing.assert_frame_equal(parsed, notebook_view)
    # the zone-wide 平潭 reports: what SOURCES.csv states, not what the name suggests; their own URLs
    pingtan = notebook_view.loc[notebook_view.index.str.startswith("pingtan-zone")]
    assert len(pingtan) == 7 and set(pingtan["scope"]) == {"region_aggregate"} and set(pingtan["level"]) == {"city"}
    assert set(pingtan["agency_id"]) == {"fj-pingtan-zone"}
    assert pingtan["source_url"].str.startswith("https://www.pingtan.gov.cn/").all()
    assert notebook_view.loc["ninghe-kejiju-2023.txt", "agency_name"] == "天津市宁河区科学技术局"  # printed 宁河区科学技术局
    assert notebook_view.loc["ninghe-kejiju-2023.txt", "source_url"] is None  # SOURCES.csv knows no URL for it
    # shards, then export: the same facts again
    shards, exported = tmp_path / "shards", tmp_path / "export.csv"
    assert cli("parse", "data/raw", "-o", str(shards), "--workers", "1", "-q").returncode == 0
    assert cli("export", str(shards), "-o", str(exported)).returncode == 0
    pd.testing.assert_frame_equal(per_file(read_csv(exported, dtype=str, keep_default_na=False, na_values=[""])),
                                  notebook_view)


def test_validate_uses_the_same_facts():
    r = cli("validate", "data/raw", "--format", "json")

    summary = pd.DataFrame(json.loads(r.stdout)["summary"])
    scopes = summary.assign(file=summary["source_file"].map(lambda p: Path(p).name)).set_index("file")["scope"]
    assert scopes["pingtan-zone-2019.html"] == "region_aggregate"  # the reader alone says "agency"
    assert scopes["ninghe-kejiju-2023.txt"] == "agency"


@pytest.mark.parametrize(("text", "says"), [
    ("agency_name,level\n示例,city\n", "lacks the column(s) agency_id"),
    ("agency_id,agency_name\na,甲县人民政府\na,乙县人民政府\n", "line 3: agency_id a is listed twice"),
    ("agency_id,agency_name,aliases\na,甲县人民政府,\nb,乙县人民政府,甲县人民政府\n", "already belongs to a"),
    ("agency_id,agency_name,level\na,甲县人民政府,County\n", "level 'County' is not one of"),
    ("agency_id,agency_name,parent\na,甲县人民政府,z\n", "parent z is not an agency_id"),
])
def test_a_registry_that_cannot_be_used_is_one_line_naming_it(tmp_path, text, says):
    path = tmp_path / REGISTRY_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError, match=re.escape(says)):
        read_registry(path)
    r = cli("parse", "data/raw/ninghe-kejiju-2023.txt", "-o", str(tmp_path / "x.csv"), "--registry", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and str(path) in r.stderr and says.split(":")[-1].strip() in r.stderr


def test_agencies_lists_each_printed_name_with_its_id(tmp_path):
    out = tmp_path / "names.csv"
    r = cli("agencies", "data/raw", "--format", "csv", "-o", str(out))
    assert r.returncode == 0, r.stderr
    names = read_csv(out, dtype=str, keep_default_na=False).set_index("agency")
    assert names.loc["宁河区科学技术局", "agency_id"] == "tj-ninghe-kejiju"
    assert names.loc["宁河区科学技术局", "agency_name"] == "天津市宁河区科学技术局"
    assert names.loc["平潭综合实验区", ["reports", "years"]].tolist() == ["7", "2019 2020 2021 2022 2023 2024 2025"]
    assert set(names["suggested_alias_of"]) == {""}
