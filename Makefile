# Liftoff: `make run` to try it, `make test` to check it. `make help` lists everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.DEFAULT_GOAL := help
.PHONY: help install install-dev migrate demo run test lint format bench check-deploy clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Liftoff needs Python 3.11 or newer (set PYTHON=python3.x).")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

# axe-core for the browser tests' accessibility checks (package.json); they skip without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks of the browser tests will skip"; fi

install: $(VENV)/.installed ## Create .venv and install the app's dependencies

install-dev: $(VENV)/.installed-dev ## Install the app plus test and lint tools

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo organisation, practice and users
	$(PY) manage.py load_demo

run: demo ## Set up everything and start the web server, a Celery worker and beat (Ctrl-C stops all)
	$(PY) manage.py serve 127.0.0.1:8000

test: install-dev node_modules/.installed ## Run the whole test suite (real-service and browser tests included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	@# pytest exits 5 when a selection collects no test: say so rather than fail the build.
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected for '$(PYTEST_ARGS)'"; exit 0; fi; exit $$rc

lint: install-dev ## ruff, the import layers (import-linter) and the code-shape tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q tests/test_architecture.py

format: install-dev ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev ## Run the benchmarks in bench/ (prints figures and ratios)
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

check-deploy: install ## Django's deployment checks with production settings
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-check-deploy-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} \
	LIFTOFF_AUDIT_KEY=$${LIFTOFF_AUDIT_KEY:-check-deploy-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} \
	LIFTOFF_TOKEN_KEYS=$${LIFTOFF_TOKEN_KEYS:-$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')} \
	DJANGO_ALLOWED_HOSTS=liftoff.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache node_modules
