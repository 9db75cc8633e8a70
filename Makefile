# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test screenshots lint messages serve install install-test tools clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test tools

## Tools: the outside readers the format tests use, in the project's .tools/ (never globally).
ARGDOWN_CLI := @argdown/cli@1.7.5
TOOLS       := .tools
$(TOOLS)/.installed-argdown-1.7.5:
	@command -v npm >/dev/null || { echo "tools: npm is needed for $(ARGDOWN_CLI)" >&2; exit 1; }
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error --silent $(ARGDOWN_CLI)
	@touch $@
tools: $(TOOLS)/.installed-argdown-1.7.5

## Run: create the environment, install, migrate, seed and serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Serve: production settings under gunicorn (set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL ...)
## WORKERS processes of THREADS threads each (gthread): a slow whole-map request holds one
## thread, not a whole worker. gunicorn.conf.py holds the settings bench/run_server.py shares.
WORKERS ?= 2
THREADS ?= 8
serve: install
	DJANGO_ENV=production $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_ENV=production $(BIN)/python manage.py migrate --noinput
	DJANGO_ENV=production THREADS=$(THREADS) $(BIN)/gunicorn debate.wsgi:application \
		--config gunicorn.conf.py --workers $(WORKERS) --bind $${BIND:-127.0.0.1:$(PORT)} \
		--access-logfile - --graceful-timeout 20

## Test: install what the tests need and run the whole suite (PostgreSQL when it answers), in
## TEST_WORKERS pytest-xdist processes (one per core, at most 4; TEST_WORKERS=0 runs in this
## process). Each worker has its own test database (<name>_gw0, _gw1 ...), live server and
## Chromium; tests sharing something outside the database take turns under a lock
## (tests/conftest.py SHARED_OUTSIDE).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
# Finds the database for `test` and `screenshots`: DATABASE_URL, else PostgreSQL on
# 127.0.0.1:5432, else SQLite (never on CI).
define find_database
if [ -z "$$DATABASE_URL" ]; then \
  if $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres; \
    echo "$@: PostgreSQL answers on 127.0.0.1:5432; the tests use it."; \
  elif [ "$$CI" = "true" ]; then \
    echo "$@: CI=true and no PostgreSQL on 127.0.0.1:5432: failing instead of using SQLite." >&2; exit 1; \
  else \
    echo "$@: no PostgreSQL found (set DATABASE_URL or start one on 127.0.0.1:5432): using SQLite."; \
  fi; \
else echo "$@: using DATABASE_URL."; fi
endef

test: install-test
	@set -e; $(find_database); \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Screenshots: the README's pictures (static/docs/screenshots/), taken by the browser tests
## marked `screenshots`. The suite itself writes them to pytest's tmp dir, never here.
SCREENSHOTS_DIR ?= static/docs/screenshots
screenshots: install-test
	@set -e; $(find_database); \
	SCREENSHOTS_DIR=$(SCREENSHOTS_DIR) $(BIN)/python -m pytest -m screenshots tests/browser $(PYTEST_ARGS)
	@echo "screenshots: written to $(SCREENSHOTS_DIR)/"

## Lint: what CI checks besides the tests.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	PYTHON=$(BIN)/python .ci/i18n-check
	DJANGO_ENV=production SECRET_KEY=ci-only-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))') \
		ALLOWED_HOSTS=debate.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

## Messages: gather the interface's strings into debate/locale/uk (new ones untranslated, for
## a translator to fill) and compile the .mo files that are committed beside them. Needs
## gettext (Debian's `gettext` package); `make run` and `make test` do not.
messages: install
	@set -e; for domain in django djangojs; do \
	  $(BIN)/python manage.py makemessages -d $$domain -l uk --no-location --no-obsolete \
	    -i staticfiles -i node_modules -i tests -i bench; \
	  msgfmt --check --statistics -o debate/locale/uk/LC_MESSAGES/$$domain.mo \
	    debate/locale/uk/LC_MESSAGES/$$domain.po; \
	done

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache .ruff_cache
