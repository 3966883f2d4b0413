"""Shared fixtures; shared helpers and paths live in tests/support."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import ARTIFACTS
from support.fonts import fontconfig

TESTS = Path(__file__).resolve().parent

# What `make test-fast` (pytest -m "not slow") leaves out, besides the tests marked slow in their own
# files (a real browser, notebooks run by a kernel, the Dask cluster, the producer matrix, OCR and
# LibreOffice round trips, the wheel build). Each took seconds to a minute in a `--durations` run:
# OCR, LibreOffice conversions, whole batches and command-line runs over real PDFs, hostile servers
# and processes killed on purpose. Keyed on the file (and test name), so the test files stay as they
# are; tests/test_architecture.py checks that every file and test named here exists.
SLOW_FILES = {
    "read/test_ocr.py": "OCR of rendered scans and photographs",
    "read/test_pdf_layouts.py": "LibreOffice prints, WPS-like PDFs and OCR of broken text layers",
    "read/test_pdf_unruled.py": "LibreOffice prints of borderless tables",
    "corpus/test_hostile_batch.py": "whole batches run through the command line, disks filled, caches damaged",
    "corpus/test_corrections.py": "command-line round trips: review, parse, validate, export",
    "corpus/test_plain_script.py": "batches started from plain scripts in new interpreters",
    "corpus/test_workers_die.py": "a batch killed with kill -9",
    "collect/test_hostile_collect.py": "hostile servers and every bad option, one collector process each",
    "cli/test_registry_cli.py": "parse, export and validate of the real reports through the command line",
    "cli/test_setup_make.py": "uv resolves what make would install",
    "cli/test_spreadsheet_exports.py": "a real report with a formula through parse, shards, export and validate",
    "synthetic/test_reproducible_build.py": "the demo panel built twice, PDFs printed by LibreOffice",
}
SLOW_TESTS = {
    "read/test_hostile.py": {"test_hostile_batch_keeps_every_good_value_within_memory",
                             "test_converting_a_doc_that_links_a_picture_never_reaches_the_network",
                             "test_an_ocr_timeout_is_the_timeout_error_wherever_it_lands"},
    "read/test_source.py": {"test_show_hongze_writes_a_png_whose_boxed_number_reads_back_by_ocr",
                            "test_show_html_prints_the_row_and_draws_it"},
    "read/test_docx_reader.py": {"test_legacy_reads_like_docx"},
    "corpus/test_agencies.py": {"test_two_printed_names_are_one_agency_with_an_alias"},
    "corpus/test_corpus.py": {"test_killed_cli_run_resumes"},
    "collect/test_collect.py": {"test_killed_run_resumes_to_the_same_result", "test_parse_collected_reports_carry_their_source_url",
                                "test_second_run_downloads_nothing", "test_refresh_is_conditional",
                                "test_unreachable_start_url_is_a_failure"},
    "cli/test_cli_manners.py": {"test_progress_flag_forces_the_bar_and_quiet_drops_everything",
                                "test_terminal_gets_a_bar_and_colour_unless_no_color"},
    "synthetic/test_demo.py": {"test_committed_files_read_back_to_the_committed_panel_and_truth"},
}


def pytest_configure(config):
    # Everything the suite renders (LibreOffice, Chromium, poppler, in this process and
    # every one it starts) sees the fonts the project installs and no other, so that the
    # fonts of the machine cannot change a layout (tests/support/fonts.py).
    os.environ["FONTCONFIG_FILE"] = str(fontconfig())


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if not path.is_relative_to(TESTS):
            continue  # doctests in toolkit/
        rel = path.relative_to(TESTS).as_posix()
        if rel in SLOW_FILES or getattr(item, "originalname", item.name) in SLOW_TESTS.get(rel, ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _matplotlib_settings_per_test(request):
    """Every analyse test draws inside its own matplotlib settings and closes its figures: a test that changes
    rcParams (as a notebook's ``use_style`` does) never leaks into the next one. (Here, not in a conftest of
    tests/analyse: two conftest modules of one name collide in a full run.)"""
    if "analyse" not in request.path.parts:
        yield
        return
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context():
        yield
    plt.close("all")
