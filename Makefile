# Trantib — the two commands: `make run` and `make test`.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs in this process (pdb, -x).
PYTEST_WORKERS ?= auto
VENV := .venv
PY := $(VENV)/bin/python
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 poppler-utils
TEST_PACKAGES := chromium poppler-utils

.PHONY: run test lint bench system-run system-test

# Debian's python3 needs python3-venv for `python3 -m venv`; pyenv's Python has it built in.
$(VENV)/bin/activate:
	@python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), "Trantib needs Python 3.11, found " + sys.version.split()[0]'
	@python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || scripts/ensure-packages python3-venv
	python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

system-run:
	@scripts/ensure-packages $(RUN_PACKAGES)

system-test: system-run
	@scripts/ensure-packages $(TEST_PACKAGES)

run: system-run $(VENV)/.installed
	$(VENV)/bin/trantib migrate --noinput
	$(VENV)/bin/trantib demo
	$(VENV)/bin/trantib serve --host $(HOST) --port $(PORT)

test: system-test $(VENV)/.installed
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy trantib
	$(PY) manage.py check

bench: system-run $(VENV)/.installed
	$(PY) bench/run.py
	$(PY) bench/load_pages.py
	$(PY) bench/load_cluster.py
