# Every target sets up what it needs itself, idempotently, from a fresh clone.
# Serving needs Python and the build's npm packages only; the test tools and Chromium come with
# the targets that use them (setup, test, lint, bench, screenshots).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
PORT ?= 5002
NPM_CI := npm ci --no-audit --no-fund --loglevel=error
BIOME := node_modules/.bin/biome
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)
export CHROMIUM

.PHONY: help setup build serve test test-fast lint format bench soak package screenshots clean

help:
	@echo "make serve       run the local Dify host with the demo bot on 127.0.0.1:$(PORT)"
	@echo "make test        lint + the whole test suite (pure, protocol, browser)"
	@echo "make lint        ruff (Python) and biome (client code, stylesheets)"
	@echo "make format      apply ruff's and biome's formatting"
	@echo "make bench       benchmarks against their budgets"
	@echo "make soak        a 10-minute soak of the plugin (memory, file descriptors)"
	@echo "make package     build chat-skins-<version>.difypkg"
	@echo "make screenshots render every skin to docs/screenshots"

$(STAMPS):
	@mkdir -p $(STAMPS)

# Python: a venv at the repository root with the runtime dependencies and the repository itself
# installed in editable mode (so chat_skins, localdify, bench, scripts and tests import without sys.path edits).
$(STAMPS)/venv: pyproject.toml | $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required, got " + sys.version'
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable .
	@touch $@

# The dev dependency group of pyproject.toml: test, lint and browser-driving tools.
$(STAMPS)/venv-dev: $(STAMPS)/venv
	$(PY) -m pip install --quiet --group dev
	@touch $@

# npm, from the lock only (`npm ci`). package.json's dependencies are what the build bundles;
# its devDependencies (lint and test tools) install only for the targets that use them.
$(STAMPS)/npm-build: package.json package-lock.json | $(STAMPS)
	$(NPM_CI) --omit=dev
	@touch $@

$(STAMPS)/npm-dev: $(STAMPS)/npm-build
	$(NPM_CI)
	@touch $@

# Debian's chromium and CJK fonts drive the browser tests (Playwright's own download does not work offline).
$(STAMPS)/chromium: | $(STAMPS)
	@if ! command -v chromium >/dev/null 2>&1 || { command -v dpkg >/dev/null && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; }; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@touch $@

# Everything the tests need.
setup: $(STAMPS)/venv-dev $(STAMPS)/npm-dev $(STAMPS)/chromium

# static/gen from static/js and static/css, and requirements.txt from pyproject.toml (both ship).
build: $(STAMPS)/venv $(STAMPS)/npm-build
	$(PYTHON) scripts/requirements.py
	node scripts/build.mjs

serve: build
	@test -f config/endpoints.yaml || cp config/endpoints.example.yaml config/endpoints.yaml
	$(PY) -m localdify --config config/endpoints.yaml --host 127.0.0.1 --port $(PORT)

lint: $(STAMPS)/venv-dev $(STAMPS)/npm-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(BIOME) check

format: $(STAMPS)/venv-dev $(STAMPS)/npm-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
	$(BIOME) format --write

test: setup build lint
	node --test tests/js/
	$(PY) -m pytest -q -n 2 --dist loadgroup

bench: setup build
	$(PY) -m bench

# Ten minutes of mixed traffic; fails when the plugin's memory or file descriptors keep growing.
soak: setup build
	$(PY) -m bench soak --minutes 10

package: build
	$(PY) -m scripts.package

screenshots: setup build
	$(PY) -m scripts.screenshots

clean:
	rm -rf static/gen $(STAMPS) *.difypkg
