# Two commands on a fresh machine: `make lab` (the curated notebooks on the
# bundled data) and `make test` (the whole suite). Both create .venv if needed.
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
EXTRAS ?= test
STAMP  := $(VENV)/.installed-$(EXTRAS)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: lab test notebooks bench system-deps venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install -q uv
	$(UV) pip install --python $(PY) -q -e ".[$(EXTRAS)]"
	touch $@

system-deps:
	bash scripts/system-deps.sh

lab: venv
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

test: venv system-deps
	$(VENV)/bin/pytest

notebooks: venv
	$(PY) -m toolkit.notebooks run notebooks --output-dir outputs

bench: venv
	$(PY) benchmarks/readers.py
	$(PY) benchmarks/readers_pdf_docx.py
	$(PY) benchmarks/ocr.py
	$(PY) benchmarks/corpus.py --reports 2000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis outputs test-artifacts
