# MagicToolbox: `make run` to start everything locally, `make test` to run the whole suite.
# Dependencies are installed only when missing or when their lists change (stamp files).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMPS := .stamps
SITE_SOURCES := $(shell find static_site -type f -not -path 'static_site/dist/*' 2>/dev/null)

.PHONY: help install run test lint format typecheck bench reliability faults clean

help:
	@echo "make run        install what is missing, start Azurite + devhost on http://localhost:7071"
	@echo "make test       install what is missing, then lint and the whole test suite"
	@echo "make lint       ruff check + ruff format --check + mypy"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make bench      run the benchmarks and rewrite BENCHMARKS.md"
	@echo "make reliability  the full hostile and fault campaigns; rewrites RELIABILITY.md"
	@echo "make faults     the full fault campaigns only (workers killed, storage restarted)"
	@echo "make clean      remove the venv, node_modules, build output and local storage"

install: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/site

$(STAMPS)/python: requirements.txt requirements-dev.txt
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/site: $(STAMPS)/node $(SITE_SOURCES)
	@mkdir -p $(STAMPS)
	npm run --if-present build
	@touch $@

run: install
	$(PY) -m devhost

test: install lint
	$(PY) -m pytest

lint: $(STAMPS)/python
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

format: $(STAMPS)/python
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	$(PY) -m bench

# The whole hostile corpus and the full fault campaigns through the pipeline (make test
# runs a representative subset of each).
reliability: install
	rm -f .stamps/hostile.jsonl .stamps/faults.jsonl
	HOSTILE_FULL=1 HOSTILE_REPORT=.stamps/hostile.jsonl $(PY) -m pytest -q -p no:cacheprovider tests/hostile
	FAULTS_FULL=1 FAULTS_REPORT=.stamps/faults.jsonl $(PY) -m pytest -q -p no:cacheprovider tests/faults
	$(PY) -m tests.hostile.report .stamps/hostile.jsonl RELIABILITY.md .stamps/faults.jsonl

# Only the full fault campaigns (200 jobs with workers killed, storage restarted), no report.
faults: install
	FAULTS_FULL=1 $(PY) -m pytest -q -p no:cacheprovider tests/faults

clean:
	rm -rf $(VENV) node_modules static_site/dist $(STAMPS) .azurite .pytest_cache .ruff_cache .mypy_cache
