# Two commands matter on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# postgres://postgres@127.0.0.1:5432/ombud is this machine's PostgreSQL (trust auth).
PG_URL ?= postgres://postgres@127.0.0.1:5432/ombud
# auto: run the suite on PostgreSQL too when it answers; require: fail when it does not; 0: SQLite only.
OMBUD_TEST_PG ?= auto
PYTEST_WORKERS ?= 2

.PHONY: install run test test-sqlite test-pg messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ombud migrate --noinput
	$(BIN)/ombud demo
	@echo "Serving Ombud on http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)"
	$(BIN)/ombud run_huey --workers 1 --quiet & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn ombud.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

test: install test-sqlite test-pg

test-sqlite:
	@echo "== test suite on SQLite"
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

test-pg:
	@if [ "$(OMBUD_TEST_PG)" = "0" ]; then echo "== PostgreSQL run skipped (OMBUD_TEST_PG=0)"; exit 0; fi; \
	if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL"; \
		DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --create-db; \
	elif [ "$(OMBUD_TEST_PG)" = "require" ]; then \
		echo "PostgreSQL at $(PG_URL) does not answer, and OMBUD_TEST_PG=require" >&2; exit 1; \
	else echo "== PostgreSQL not reachable at $(PG_URL): suite ran on SQLite only"; fi

messages: install
	cd ombud && ../$(BIN)/ombud makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/ombud compilemessages

bench: install
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) var *.egg-info
