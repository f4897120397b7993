# Two commands do all the set-up on a fresh machine:
#   make run    install and start the whole platform in one process (http://127.0.0.1:8000)
#   make test   install and run every test against real PostgreSQL, RabbitMQ and SMTP

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run test test-quick bench services lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(VENV)/bin/buurt run

# Starts PostgreSQL, RabbitMQ and Redis on this machine if they are installed but not running,
# and installs Debian's Chromium for the browser tests when it is missing.
services:
	@deploy/local/ensure-services.sh
	@deploy/local/ensure-chromium.sh

test: install services
	CI=$${CI:-true} $(PY) -m pytest

# Leaves out the slow fault-injection and real-process tests.
test-quick: install
	$(PY) -m pytest -m "not slow"

bench: install services
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
