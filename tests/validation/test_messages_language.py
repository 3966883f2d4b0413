"""Validation texts come from the labels table in both languages; a Chinese message holds no English words."""

from __future__ import annotations

import re

from support import RAW
from support.gaps import HONGZE_2023, row_removed, two_numbers_changed

from toolkit import read_report, validate
from toolkit.labels import table

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_validation_text_has_both_languages():
    df = table()
    texts = df[df["key"].str.match(r"^(msg|reason|rule)\.")]
    assert len(texts) > 30
    assert (texts["zh"].str.strip() != "").all() and (texts["en"].str.strip() != "").all()
    assert not texts["zh"].map(lambda t: bool(ENGLISH_WORD.search(re.sub(r"\{\w+\}", "", t)))).any()


def test_chinese_messages_of_real_and_broken_reports_hold_no_english(tmp_path):
    paths = [p for p in sorted(RAW.iterdir()) if p.suffix != ".csv"]
    paths += [HONGZE_2023, row_removed(tmp_path), two_numbers_changed(tmp_path)]
    found = validate([read_report(p) for p in paths])
    assert {"missing_row", "H4", "W3", "H2", "blank_as_zero"} <= set(found["rule"])
    english = found[found["message_zh"].map(lambda t: bool(ENGLISH_WORD.search(t)))]
    assert english.empty, english[["rule", "message_zh"]].to_string()
    # and the English ones say in English what the Chinese says
    assert not found["message_en"].str.contains("缺行|未识别|不成立|按0计").any()
