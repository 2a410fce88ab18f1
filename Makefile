# Two commands matter: `make run` (set up everything and serve the demo) and `make test`.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py

.PHONY: install run test demo lint format e2e print-check fuzz messages bench clean prod-smoke \
	mutation

install: $(STAMP)

# Re-installs only when the dependency files change.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools<81" wheel
	# XStatic-Bootstrap is published only as an sdist whose setup.py imports pkg_resources,
	# which setuptools 81 removed: build it against the setuptools pinned above.
	$(BIN)/pip install -q --no-build-isolation -c requirements.lock XStatic-Bootstrap
	$(BIN)/pip install -q -c requirements.lock -e ".[dev]"
	touch $(STAMP)

# Static files as production serves them (core/staticfiles.py): hashed names, gzip and
# brotli, cached for ten years. After editing a file in static/, collect again (or restart
# `make run`); `rm -rf staticfiles` goes back to serving the files as they are, uncached.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) runserver 127.0.0.1:8000

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

# On every core (pytest-xdist): each worker has its own test database and Redis database.
# TEST_WORKERS=0 runs in one process (for a debugger or -x on the first failure in order).
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -m "not e2e" -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The production recipe end to end: gunicorn, a Celery worker and beat on PostgreSQL and
# Redis, a login over HTTP, a weekly pack asked for, built and downloaded (scripts/prod_smoke.sh).
prod-smoke: install
	bash scripts/prod_smoke.sh

e2e: install
	bash scripts/ensure_browser.sh
	bash scripts/ensure_libreoffice.sh
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# The packs on paper: every attachment of the demo county converted to PDF by LibreOffice
# headless and read back (9-point text, 附件N, 第 X 页 共 Y 页); the PDFs are kept in
# test-results/print/. Part of `make e2e` too.
# Every list page's query parameters, a few hundred hypothesis cases per page (the regular
# suite runs 25): no 500 for any value (tests/security/test_parameters.py).
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(BIN)/pytest tests/security/test_parameters.py -k no_query $(PYTEST_ARGS)

print-check: install
	bash scripts/ensure_libreoffice.sh
	$(BIN)/pytest tests/e2e/test_print.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract new strings into the zh_Hans catalogue and compile it (needs GNU gettext);
# `.venv/bin/python scripts/translate.py FILE.json` also fills in translations from FILE.
messages: install
	$(BIN)/python scripts/translate.py

# Benchmarks at province size (docs/performance.md): on DATABASE_URL, else a SQLite file in
# var/; BENCH_INSTITUTIONS institutions (default 50000), generated when the database has none.
bench: install
	mkdir -p var
	export DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-$${BENCH_INSTITUTIONS:-50000}.sqlite3}" DEBUG=0 \
	&& $(MANAGE) migrate --noinput -v0 && $(MANAGE) collectstatic --noinput -v0 \
	&& $(MANAGE) bench $(BENCH_ARGS)

# Mutation testing (issue 20; not part of make test: it is slow): mutmut breaks the rule
# engine, the facts builder, the disposal level rules and the 清零 target, and the pack
# selectors one small change at a time, runs the tests that reach each change, and
# scripts/mutation.py prints each area's score against its target (docs/policy-trace.md,
# "Mutation testing"); it fails below a target. MUTATION_AREAS picks areas (engine facts
# disposal packs), MUTATION_CHILDREN how many mutants run at once (default 1). The verdicts
# are kept in docs/mutation-verdicts.json (commit it) with the hash of each function, so a
# run on any machine tests only the functions changed since; after writing tests for
# survivors, `.venv/bin/python scripts/mutation.py --survivors` tests them again.
MUTATION_AREAS ?=
mutation: install
	MUTATION_CHILDREN=$${MUTATION_CHILDREN:-1} $(BIN)/python scripts/mutation.py $(MUTATION_AREAS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles mutants
