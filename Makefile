# Wananchi — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# The suite also runs on PostgreSQL when this administrative URL answers (each run makes its own database).
export WANANCHI_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-fast install install-dev translations migrate seed lint bench test-deps rehearsal clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

translations: $(VENV)/.runtime
	$(FLASK) translate compile

migrate: $(VENV)/.runtime
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) wananchi seed-if-empty

## make run: install, compile translations, migrate, seed demo data when empty, then serve
## http://127.0.0.1:5000 with the background worker and a local mail catcher beside it
## (e-mail to 127.0.0.1:8025 lands in instance/mail/, shown with the SMS at /dev/barua); Ctrl-C stops all three.
# Links in the e-mails and SMS point at the server started here (`make run PORT=5077`: port 5077), unless PUBLIC_URL is set.
run: export PUBLIC_URL ?= http://$(HOST):$(PORT)
run: translations seed
	@echo "Wananchi: http://$(HOST):$(PORT)  (mail and SMS: http://$(HOST):$(PORT)/dev/barua; Ctrl-C stops everything)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) wananchi mailcatcher & \
	  $(FLASK) wananchi worker & \
	  $(FLASK) run --host $(HOST) --port $(PORT) --debug

# Test processes side by side (pytest-xdist): one per core by default.
TEST_WORKERS ?= auto
# Some machines set PYTHONDONTWRITEBYTECODE: the suite starts many Python processes (test workers, the service's
# workers, gunicorn), and each would compile every module again, and pytest rewrite the asserts of its plugins.
unexport PYTHONDONTWRITEBYTECODE

## make test: install the dev requirements and run the whole suite (SQLite, and PostgreSQL when reachable)
test: $(VENV)/.dev translations test-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## make test-fast: a quick loop, on SQLite, without the slow tests (garbage, fuzz, browser, faults, worker processes,
## benchmark harness); `make test` runs everything on PostgreSQL too
test-fast: $(VENV)/.dev translations
	WANANCHI_TEST_DATABASE_URL= $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow" $(PYTEST_ARGS)

## Debian's chromium (the browser tests) and haproxy (the load balancer's configuration is checked) for the tests;
## installed with apt when run as root. Without them those tests skip, or fail under CI=true.
test-deps:
	@missing=""; for program in chromium haproxy; do command -v $$program >/dev/null || missing="$$missing $$program"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "Could not install$$missing: their tests will skip (or fail under CI=true)."; \
	  else echo "Not installed:$$missing (apt-get install$$missing): their tests will skip."; fi; fi

## make rehearsal: the reference deployment on this machine (network namespaces for hosts: HAProxy, two web hosts,
## two workers, PostgreSQL with a streaming replica, Redis, SeaweedFS), broken step by step under load; fails when
## anything acknowledged is lost (deploy/rehearsal.sh installs what it needs as root; about 6 minutes).
rehearsal:
	bash deploy/rehearsal.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check wananchi tests benchmarks deploy config.py wsgi.py
	$(BIN)/ruff format --check wananchi tests benchmarks deploy config.py wsgi.py
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.dev translations
	$(BIN)/python benchmarks/submit.py

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .ruff_cache .mypy_cache
	find wananchi/translations -name '*.mo' -delete
