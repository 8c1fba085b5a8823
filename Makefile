# Two commands on a fresh machine: `make run` and `make test` (both set up .venv first).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) main.py $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .

test: lint
	$(PY) -m pytest

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
