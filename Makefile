# Two commands do all the set-up on a fresh machine:
#   make run   - virtualenv, install, migrate, demo data, serve http://127.0.0.1:8000
#   make test  - virtualenv, install, run the whole suite
# Without DATABASE_URL both use the embedded PostgreSQL in .data/pg/; without REDIS_URL,
# Celery tasks run in process and the cache is local memory.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint format check worker beat db-status db-stop db-reset backup restore load clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py scan_flags
	@echo
	@echo "  Early-Access Tracker: http://$(HOST):$(PORT)/   (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Demo logins are listed above. Stop with Ctrl-C."
	@echo
	@# Without Redis the beat schedule runs in a process of its own beside the server (scans,
	@# webhook retries, digests); with REDIS_URL, run `make worker` and `make beat` instead.
	@if [ -z "$${REDIS_URL:-}" ]; then \
		mkdir -p .data; \
		DEBUG=$${DEBUG:-1} $(PY) manage.py run_schedule > .data/schedule.log 2>&1 & SCHEDULE=$$!; \
		trap 'kill $$SCHEDULE 2>/dev/null' EXIT INT TERM; \
		echo "  Scheduled jobs run in the background (log: .data/schedule.log)."; \
	fi; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py check
	DEBUG=$${DEBUG:-1} $(PY) manage.py makemigrations --check --dry-run

# With REDIS_URL set, tasks go to Redis and need a worker (and beat for the schedule).
worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

db-status: install
	@$(PY) -m config.embedded_db status || true

db-stop: install
	$(PY) -m config.embedded_db stop

db-reset: install
	$(PY) -m config.embedded_db reset

# Backups of the database in use (DATABASE_URL, else the embedded one), custom format.
backup: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py backup

# make restore FILE=backups/tracker-….dump [TARGET=other_db] [YES=1]
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/tracker-YYYYMMDD-HHMMSS.dump [TARGET=database] [YES=1]"; exit 2; }
	DEBUG=$${DEBUG:-1} $(PY) manage.py restore "$(FILE)" $(if $(TARGET),--target "$(TARGET)") $(if $(YES),--yes)

# A 60-second load test on gunicorn against a throwaway database (benchmarks/load_run.py).
load: install
	$(PY) benchmarks/load_run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
