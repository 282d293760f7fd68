# Every target sets up what it needs itself, idempotently, from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
PORT ?= 5002
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)
export CHROMIUM

.PHONY: help setup build serve test test-fast lint format bench package screenshots clean

help:
	@echo "make serve       run the local Dify host with the demo bot on 127.0.0.1:$(PORT)"
	@echo "make test        lint + the whole test suite (pure, protocol, browser)"
	@echo "make bench       benchmarks against their budgets"
	@echo "make package     build chat-skins-<version>.difypkg"
	@echo "make screenshots render every skin to docs/screenshots"

$(STAMPS):
	@mkdir -p $(STAMPS)

# Python: a venv at the repository root with the runtime and dev dependencies of pyproject.toml.
$(STAMPS)/venv: pyproject.toml | $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required, got " + sys.version'
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(d["project"]["dependencies"] + d["dependency-groups"]["dev"]))' > $(STAMPS)/requirements.txt
	$(PY) -m pip install --quiet -r $(STAMPS)/requirements.txt
	@touch $@

# Front-end libraries come from npm at pinned versions; the build copies them into static/gen.
$(STAMPS)/node: package.json | $(STAMPS)
	@# Not `npm ci`: a transitive "latest" range in lighthouse's tree makes ci refuse any lock file.
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's chromium drives the browser tests (Playwright's own download does not work offline).
$(STAMPS)/chromium: | $(STAMPS)
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi; \
	fi
	@touch $@

setup: $(STAMPS)/venv $(STAMPS)/node $(STAMPS)/chromium

build: $(STAMPS)/venv $(STAMPS)/node
	node scripts/build.mjs

serve: setup build
	@test -f config/endpoints.yaml || cp config/endpoints.example.yaml config/endpoints.yaml
	$(PY) -m localdify --config config/endpoints.yaml --host 127.0.0.1 --port $(PORT)

lint: $(STAMPS)/venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMPS)/venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: setup build lint
	node --test tests/js/
	$(PY) -m pytest -q -n 2 --dist loadgroup

bench: setup build
	$(PY) -m bench

package: setup build
	$(PY) scripts/package.py

screenshots: setup build
	$(PY) scripts/screenshots.py

clean:
	rm -rf static/gen $(STAMPS) *.difypkg
