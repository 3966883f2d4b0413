# Two commands on a fresh machine: `make lab` (the curated notebooks on the
# bundled data) and `make test` (the whole suite; `make test-fast` leaves out the slow tests). Both create .venv if needed.
# `make lab` installs the package's own dependencies only (what the notebooks
# need); `make test` adds the test extras (pytest, Playwright, PyMuPDF, …).
# The system packages are checked first: `python3 -m venv` needs python3-venv
# on Debian/Ubuntu.
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export UV_PYTHON_DOWNLOADS := never
# No __pycache__ folders in the checkout; the venv's packages are compiled once at install
# (--compile-bytecode), so each new process (the CLI, every worker) does not compile pandas again.
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: lab test test-fast notebooks site bench system-deps system-deps-lab venv venv-test clean

# $(1): what to install ("." or ".[test]"). A clear message, not a traceback,
# when this Python cannot make a venv (Debian without python3-venv).
define install
	@test -x $(PY) || python3 -c "import ensurepip, venv" 2>/dev/null || { \
	  echo "make: 'python3 -m venv' cannot work here (no ensurepip): install python3-venv" \
	       "(sudo apt-get install python3-venv, or: make system-deps-lab), then run make again" >&2; exit 1; }
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install -q uv
	$(UV) pip install --python $(PY) -q --compile-bytecode -e "$(1)"
	touch $@
endef

$(VENV)/.installed-base: pyproject.toml | system-deps-lab
	$(call install,.)

$(VENV)/.installed-test: pyproject.toml | system-deps
	$(call install,.[test])

venv: $(VENV)/.installed-base

venv-test: $(VENV)/.installed-test

system-deps-lab:
	bash scripts/system-deps.sh lab

system-deps:
	bash scripts/system-deps.sh test

# The kernels run in notebooks/; their figures go to outputs/figures of this checkout.
lab: system-deps-lab venv
	TOOLKIT_FIGURES_DIR="$(CURDIR)/outputs/figures" $(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

test: system-deps venv-test
	$(VENV)/bin/pytest

# The suite without the tests marked slow (a real browser, LibreOffice round trips, the Dask cluster,
# OCR, notebooks run by a kernel, the wheel build; tests/README.md): for the edit-test loop.
# `make test` runs everything and stays the check before a merge.
test-fast: system-deps venv-test
	$(VENV)/bin/pytest -m "not slow"

# `make notebooks REPORTS=folder LANG=zh|en SCOPE=members|aggregates`: parameters passed to every notebook.
# REPORTS is made absolute (the notebooks run in notebooks/); LANG only when given on the command line,
# since the shell's locale variable LANG (e.g. C.UTF-8) is no chart language. Figures are named by
# language (…-zh.png, …-en.png), so a zh run and an en run keep both sets.
NB_PARAMS := $(if $(REPORTS),-p REPORTS='"$(abspath $(REPORTS))"') $(if $(filter command line,$(origin LANG)),-p LANG='"$(LANG)"') \
	$(if $(SCOPE),-p SCOPE='"$(SCOPE)"')

# `make site`: the static explorer of the bundled real reports in outputs/site/ (open outputs/site/index.html;
# works from file:// and any static host, no network).
site: venv
	$(VENV)/bin/toolkit site data/raw -o outputs/site

notebooks: system-deps-lab venv
	$(PY) -m toolkit.analyse.notebooks run notebooks --output-dir outputs $(NB_PARAMS)

# readers.py: text/HTML parse time beside its floor, then the top costs per format (cProfile);
# corpus.py --text-html: the 2,000-report text/HTML batch (1 and 2 workers, start-up, memory at 5x).
bench: venv-test
	$(PY) benchmarks/readers.py
	$(PY) benchmarks/corpus.py --reports 2000 --text-html
	$(PY) benchmarks/readers_pdf_docx.py
	$(PY) benchmarks/ocr.py
	$(PY) benchmarks/corpus.py --reports 2000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis outputs test-artifacts
