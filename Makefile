# The few verbs people type. Every target sets up what it needs on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test test-postgres lint bench browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(STAMP)

## run: migrate, load reference and demo data, print the admin login, serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/exportpilot db upgrade
	$(BIN)/exportpilot reference load
	$(BIN)/exportpilot demo load
	$(BIN)/exportpilot users ensure-admin
	$(BIN)/exportpilot serve --host $(HOST) --port $(PORT)

## browser: Debian's Chromium and Korean fonts for the browser tests (installed only when missing)
browser:
	@scripts/ensure-browser.sh

## test: the whole suite on the embedded database (SQLite), browser tests included
test: install browser
	$(BIN)/pytest -q

## test-postgres: the whole database suite again on a throw-away PostgreSQL cluster on loopback
test-postgres: install
	@URL=$$(scripts/postgres.sh start) && \
	  EXPORTPILOT_TEST_DATABASE_URL=$$URL $(BIN)/pytest -q -m "not browser"; \
	  status=$$?; scripts/postgres.sh stop; exit $$status

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: install
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache .mypy_cache
