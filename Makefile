# Outreach, for developers. `make run` starts it with demo data; `make test` runs the tests.
#
# The virtualenv lives in .venv. `make run` installs requirements.txt (what the app needs to run);
# the test and lint targets install requirements-dev.txt (that, plus the test tools and linters).
# Each is installed again only when its files changed (stamp files under .make/ remember the last install).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make/requirements.stamp
DEV_STAMP := .make/requirements-dev.stamp
NODE_STAMP := node_modules/.package-lock.json
PORT ?= 8000

# test-postgres: a fresh database on a local PostgreSQL server (user postgres, trust auth).
PGHOST ?= 127.0.0.1
PGPORT ?= 5432
PGUSER ?= postgres
PGDATABASE ?= outreach_make
PG = --host=$(PGHOST) --port=$(PGPORT) --username=$(PGUSER) --no-password

PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test test-postgres test-browser lint fmt

help:
	@echo "make run            start http://127.0.0.1:$(PORT)/ with demo data (PORT=8001 for another port)"
	@echo "make test           run the tests on SQLite"
	@echo "make test-postgres  run the tests on a fresh PostgreSQL database at $(PGHOST):$(PGPORT)"
	@echo "make test-browser   run the browser tests (Playwright and Debian's Chromium); screenshots in artifacts/screenshots/"
	@echo "make lint           ruff check, ruff format --check, lint-imports (the import rule), missing migrations"
	@echo "make fmt            format the code and apply ruff's safe fixes"

$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Outreach needs Python 3.11 or newer, but '$(PYTHON)' is: $$($(PYTHON) --version 2>&1)." >&2; \
		echo "Install a newer Python and run, for example: make PYTHON=python3.12 $(MAKECMDGOALS)" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt $(VENV)/pyvenv.cfg
	@echo "Installing requirements.txt into $(VENV) ..."
	$(BIN)/python -m pip install -qq --disable-pip-version-check -r requirements.txt
	@mkdir -p $(@D)
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt $(VENV)/pyvenv.cfg
	@echo "Installing requirements-dev.txt into $(VENV) ..."
	$(BIN)/python -m pip install -qq --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p $(@D)
	@touch $@

# The feed tests read our calendars with ical.js (Thunderbird's parser), run by Node.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "The tests need Node.js and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

run: export DEBUG := 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo
	@echo "Outreach: http://127.0.0.1:$(PORT)/  (log in at /accounts/login/ with an account above; admin at /admin/)"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The tests run on SQLite, whatever DATABASE_URL the shell has; test-postgres is the other way.
test: $(DEV_STAMP) $(NODE_STAMP)
	env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP) $(NODE_STAMP)
	dropdb $(PG) --if-exists $(PGDATABASE)
	dropdb $(PG) --if-exists test_$(PGDATABASE)
	createdb $(PG) $(PGDATABASE)
	DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):$(PGPORT)/$(PGDATABASE) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`), on SQLite
# like `make test`; they are collected only with OUTREACH_BROWSER_TESTS=1. Screenshots: artifacts/screenshots/.
CHROMIUM ?= /usr/bin/chromium
test-browser: $(DEV_STAMP) $(NODE_STAMP)
	@test -x $(CHROMIUM) || { echo "The browser tests need Chromium at $(CHROMIUM) (Debian: apt-get install chromium)." >&2; exit 1; }
	env -u DATABASE_URL OUTREACH_BROWSER_TESTS=1 OUTREACH_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/browser -p no:xdist $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

fmt: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
