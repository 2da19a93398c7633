# Dengta 灯塔 — the two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= demo
# The suite runs on both cores (pytest-xdist): CI runs it twice, on SQLite and on PostgreSQL, within its 30
# minutes. `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 2

.PHONY: demo test setup venv frontend system-test-deps reference ci lint clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(VENV)/.installed
frontend: node_modules/.installed
setup: venv frontend

# Debian packages the browser tests and PDF need: Chromium (Playwright drives Debian's build) and CJK fonts.
system-test-deps:
	@bash scripts/system_test_deps.sh

reference: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference

# The demo runs as it would in an office: DEBUG off (the app's own error pages), static files from the collected
# manifest through WhiteNoise, one gunicorn on 127.0.0.1. Its SECRET_KEY is random, made once into var/ (never in
# the repository) and passed through the environment.
DEMO_KEY := var/secret_key
DEMO_ENV = DEBUG=false SECRET_KEY="$$(cat $(DEMO_KEY))"

$(DEMO_KEY):
	@mkdir -p $(dir $@)
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

demo: setup $(DEMO_KEY)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_reference
	$(DEMO_ENV) $(PY) manage.py load_frameworks
	$(DEMO_ENV) $(PY) manage.py load_batches
	$(DEMO_ENV) $(PY) manage.py seed_demo --scale $(SCALE)
	@echo "Collecting static files into var/staticfiles (compressed and fingerprinted; a minute or two the first time)..."
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(PY) manage.py demo_accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(DEMO_ENV) $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --timeout 120 \
		--access-logfile - --error-logfile -

test: setup system-test-deps
	$(PY) manage.py collectstatic --noinput --verbosity 0 --settings=config.settings.test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules var/staticfiles
