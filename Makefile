# Certify — everyday commands. `make` alone lists them.
#
# On a fresh clone `make run` and `make test` do all the set-up: the
# virtualenv in .venv, the Python and npm dependencies and, when run as root
# on Debian, the system packages. Each step is skipped when already done.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
MANAGE      := $(PY) manage.py
# Where `make run` serves; override e.g. `make run ADDR=127.0.0.1:8001`.
ADDR        ?= 127.0.0.1:8000
# Extra arguments for pytest, e.g. `make test ARGS="-k uscc -x"`.
ARGS        ?=
# Test processes (pytest-xdist, one database each): one per core; 0 runs
# the suite in this process, e.g. to use a debugger.
TEST_WORKERS ?= auto
# Groups (`xdist_group`) stay on one worker, and the tests are handed out in
# the order pytest-django sorts them: transactional tests, whose flush
# empties the shipped data, after all others. xdist would otherwise start
# with its largest group, the fault suite.
XDIST       := --dist loadgroup --no-loadscope-reorder

# Stamps: a step runs again only when its inputs are newer than its stamp.
PY_STAMP    := $(VENV)/.requirements.stamp
JS_STAMP    := node_modules/.certify.stamp
MO_STAMP    := $(VENV)/.messages.stamp

# Debian packages the app needs (fonts and harfbuzz for fast Chinese PDFs,
# pango for WeasyPrint, pdftotext for the tests, gettext for translations,
# chromium for the browser tests).
SYS_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
                poppler-utils gettext chromium

# npm: reproducible install from the lock file when there is one.
NPM_LOCK    := $(wildcard package-lock.json)
NPM_INSTALL := $(if $(NPM_LOCK),npm ci --no-audit --no-fund,npm install --no-audit --no-fund)

# Translation catalogues (compiled when a .po is newer than its .mo).
PO_FILES    := $(shell find . -path ./.git -prune -o -path ./.venv -prune -o -path ./node_modules -prune \
                 -o -path ./var -prune -o -name '*.po' -path '*/LC_MESSAGES/*' -print 2>/dev/null)
I18N_IGNORE := --ignore='.*' --ignore=node_modules --ignore=var --ignore=staticfiles \
               --ignore=screenshots

.PHONY: help run deps pydeps jsdeps sysdeps mo test lint messages worker beat \
        check-deploy clean distclean bench backup restore

help: ## list the targets
	@echo "Certify — make targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'

run: deps mo ## set up, migrate, seed the demo (prints logins), serve http://127.0.0.1:8000
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(ADDR)

deps: sysdeps pydeps jsdeps ## install what is missing: Debian packages (as root), .venv, npm

pydeps: $(PY_STAMP)
jsdeps: $(JS_STAMP)

# The interpreter itself; recreated when missing or broken (e.g. a moved tree).
$(PY):
	@if [ -d $(VENV) ] && ! $(PY) -c 'import sys' >/dev/null 2>&1; then \
	  echo "Recreating a broken $(VENV)"; rm -rf $(VENV); fi
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

$(JS_STAMP): package.json $(NPM_LOCK)
	@command -v npm >/dev/null || { echo "npm is missing: install nodejs and npm (as root, make deps does it)" >&2; exit 1; }
	$(NPM_INSTALL)
	@mkdir -p node_modules && touch $@

# As root on Debian: install the missing packages (apt-get update once).
# Otherwise only report what is missing. `dpkg -s` keeps this quick.
sysdeps:
	@if ! command -v dpkg >/dev/null; then exit 0; fi; \
	missing=""; \
	for p in $(SYS_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if ! command -v npm >/dev/null; then missing="$$missing nodejs npm"; fi; \
	if ! command -v $(PYTHON) >/dev/null; then missing="$$missing python3 python3-venv"; \
	elif [ "$$(command -v $(PYTHON))" = /usr/bin/python3 ] && ! dpkg -s python3-venv >/dev/null 2>&1; then \
	  missing="$$missing python3-venv"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "Note: missing Debian packages:$$missing (run make as root, or install them with apt-get)"; \
	  exit 0; \
	fi; \
	echo "Installing Debian packages:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get -o DPkg::Lock::Timeout=600 update -q && \
	apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $$missing

# Compile the translations when a catalogue changed (nothing to do without
# .po files; compilemessages itself skips catalogues already compiled).
mo: $(MO_STAMP)
$(MO_STAMP): $(PO_FILES) | $(PY_STAMP)
	@if [ -n "$(strip $(PO_FILES))" ]; then \
	  echo "$(MANAGE) compilemessages -l zh_Hans"; \
	  $(MANAGE) compilemessages -l zh_Hans $(I18N_IGNORE) || exit 1; \
	fi
	@touch $@

test: deps mo ## run the test suite (pytest; SQLite and eager Celery unless the environment says otherwise)
	@mkdir -p var
	@echo "$(PY) -m pytest -n $(TEST_WORKERS) $(XDIST) $(ARGS)"; \
	$(PY) -m pytest -n $(TEST_WORKERS) $(XDIST) $(ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that counts as a failure" >&2; fi; \
	if [ -n "$${PYTEST_EXIT_FILE:-}" ]; then echo $$rc > "$$PYTEST_EXIT_FILE"; fi; \
	exit $$rc

lint: pydeps ## ruff check, and fail when a model change lacks its migration
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run

messages: pydeps ## update the zh_Hans catalogues from the source, then compile them
	$(MANAGE) makemessages -l zh_Hans --no-obsolete $(I18N_IGNORE)
	$(MANAGE) compilemessages -l zh_Hans $(I18N_IGNORE)
	@touch $(MO_STAMP)

worker: pydeps ## run a Celery worker (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
	@[ -n "$${CELERY_BROKER_URL:-}" ] || echo "Note: CELERY_BROKER_URL is unset; the app runs tasks in-process and needs no worker." >&2
	$(VENV)/bin/celery -A certify worker -l INFO

beat: pydeps ## run Celery beat with the database scheduler (needs CELERY_BROKER_URL)
	@[ -n "$${CELERY_BROKER_URL:-}" ] || echo "Note: CELERY_BROKER_URL is unset; periodic jobs also exist as management commands." >&2
	$(VENV)/bin/celery -A certify beat -l INFO -S django_celery_beat.schedulers:DatabaseScheduler

backup: pydeps ## back up the PostgreSQL database and uploaded files into var/backups (or BACKUP_DIR=…)
	$(MANAGE) backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR))

restore: pydeps ## restore FROM=<backup directory> into an empty database and an empty media directory
	@[ -n "$(FROM)" ] || { echo "Usage: make restore FROM=var/backups/certify-YYYYmmdd-HHMMSS" >&2; exit 2; }
	$(MANAGE) restore $(FROM)

# Benchmarks (never part of the tests): PostgreSQL on 127.0.0.1 and Redis
# must be up; wrk is installed when missing (as root on Debian). The data
# sets are seeded once into certify_bench_<N> and kept; BENCH_ARGS="--reseed"
# builds them again, BENCH_ARGS="--sizes 200 1000" measures smaller ones.
BENCH_ARGS ?=
bench: deps mo ## measure pages, PDFs and throughput at N = 1,000 and 10,000; rewrite docs/BENCHMARKS.md
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk; }
	$(PY) -m benchmarks.run $(BENCH_ARGS)

check-deploy: pydeps ## manage.py check --deploy with production-like settings (override any via the environment)
	@secret="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')}"; \
	echo "manage.py check --deploy --fail-level WARNING (DEBUG=0, production-like settings)"; \
	DEBUG=0 SECRET_KEY="$$secret" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-certify.example.org}" \
	HTTPS="$${HTTPS:-1}" \
	$(MANAGE) check --deploy --fail-level WARNING

clean: ## remove caches, collected static files and screenshots (keeps .venv, node_modules and var/)
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 \
	  | xargs -0 -r rm -rf
	rm -rf .pytest_cache .ruff_cache .hypothesis staticfiles screenshots var/static var/cache

distclean: clean ## also remove .venv, node_modules and var/ (the local database and uploads)
	rm -rf $(VENV) node_modules var
