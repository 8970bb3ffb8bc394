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

# Days the date-sensitive tests are repeated on (OMBUD_TEST_NOW moves the suite's clock there):
# the Friday before the 2026 Spring Festival (the next day is an adjusted working Saturday), 31 December
# (acceptance clocks run into 2027, whose arrangement is not loaded), and a day whose +60 days is a
# Sunday (2026-09-02 + 60 = Sunday 1 November).
MOVED_DAYS ?= 2026-02-13T17:30:00+08:00 2026-12-31T16:00:00+08:00 2026-09-02T10:00:00+08:00
DATE_SENSITIVE ?= tests/test_clock.py tests/test_case_deadlines.py tests/test_workdays.py tests/test_workflow.py \
	tests/test_portal.py tests/test_notifications.py tests/test_dates_everywhere.py tests/test_forms.py \
	tests/test_desk_case.py tests/test_correspondence.py tests/test_chinese_pages.py tests/test_browser.py \
	tests/test_browser_forms.py

.PHONY: install run test test-sqlite test-pg test-moved-clock messages bench clean

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

test-moved-clock: install
	@for day in $(MOVED_DAYS); do \
		echo "== date-sensitive tests on SQLite with the clock moved to $$day"; \
		OMBUD_TEST_NOW=$$day $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(DATE_SENSITIVE) || exit 1; \
	done

messages: install
	cd ombud && ../$(BIN)/ombud makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/ombud compilemessages

bench: install
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) var *.egg-info
