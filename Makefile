# Dengta 灯塔 — the two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= demo

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

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py load_frameworks
	$(PY) manage.py seed_demo --scale $(SCALE)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

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
