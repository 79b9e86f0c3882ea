# Local development and CI entry points; see DESIGN.md "Running".
#   make run                 private PostgreSQL, migrations, demo data, Celery, web server
#   make test [ARGS="..."]   the test suite against the private cluster (ARGS go to pytest)
#   make bench               scale data (BENCH_CLIENTS, default 20000) and the benchmark -> .data/bench.json
#   make lint                ruff check + ruff format --check
#   make check               lint, import contracts, mypy and makemigrations --check (CI runs it before test)
#   make load [DURATION=5m]  Locust mixed-work load test against gunicorn on 127.0.0.1 (CSV in .data/load)
#   make deploy-check        perform DEPLOYMENT.md in a scratch folder, check the site through nginx
#   make messages            refresh the .po catalogues
#   make stop                stop the private PostgreSQL cluster
#   make clean-data          stop it and delete the local data directory
# With DATABASE_URL (and CELERY_BROKER_URL) set, no private cluster is managed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCALES := en de fr ar sq sr_Latn ur id
ARGS ?=
DURATION ?= 5m

.PHONY: help venv run test bench lint check load deploy-check messages stop clean-data

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# The virtualenv, made with the first Python >= 3.12 found: $(PYTHON) if set,
# then python3.14 ... python3 on PATH, then pyenv's 3.12+ builds.
$(PY):
	@found=""; \
	for candidate in $(PYTHON) python3.14 python3.13 python3.12 python3 \
	    $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	  if command -v "$$candidate" >/dev/null 2>&1 \
	     && "$$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    found="$$candidate"; break; \
	  fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "error: no Python >= 3.12 with the venv module was found." >&2; \
	  echo "Tried: $(PYTHON) python3.14 python3.13 python3.12 python3 ~/.pyenv/versions/3.1x/bin/python3." >&2; \
	  echo "Install Python 3.12+ (with venv/ensurepip) or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$("$$found" -c 'import sys; print(sys.version.split()[0])'))"; \
	"$$found" -m venv --clear $(VENV)

# Dependencies (and the test extra) as pyproject.toml lists them; redone only
# when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(PY)
	@echo "Installing dependencies from pyproject.toml into $(VENV)"
	@$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	print("\n".join(p["dependencies"] + p.get("optional-dependencies", {}).get("test", [])))' \
	  > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	$(PY) -m devtools.devstack run

test: venv
	$(PY) -m devtools.devstack test $(ARGS)

bench: venv
	$(PY) -m devtools.devstack bench

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Contracts in pyproject.toml: [tool.importlinter] (layers point down) and [tool.mypy] (django-stubs).
check: lint
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy
	$(PY) -m devtools.devstack manage makemigrations --check --dry-run

# The load extra (Locust, pyotp) is installed on demand; USERS, SPAWN_RATE, WORKERS, LOAD_PORT also apply.
load: venv
	@$(PY) -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["load"]))' \
	  > $(VENV)/requirements-load.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements-load.txt
	DURATION=$(DURATION) $(PY) tests/load/run.py

# DEPLOYMENT.md's blocks run on this machine (nginx, redis-server, PostgreSQL needed); ARGS: --keep --verbose.
deploy-check: venv
	$(PY) -m devtools.deploycheck $(ARGS)

messages: venv
	$(PY) manage.py makemessages --no-obsolete $(addprefix -l ,$(LOCALES))

stop:
	@if [ -x $(PY) ] && [ -f $(STAMP) ]; then \
	  $(PY) -m devtools.devstack cluster-stop; \
	else \
	  echo "No virtualenv, so no private cluster was started by make."; \
	fi

clean-data:
	@if [ -x $(PY) ] && [ -f $(STAMP) ]; then \
	  $(PY) -m devtools.devstack clean-data; \
	else \
	  rm -rf "$${PORTAL_DATA_DIR:-.data}"; \
	fi
