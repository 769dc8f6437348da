# mailflow: `make demo` runs the desk on the example mailbox; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test unit bench lint clean system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf var/demo
	$(BIN)/mailflow --config examples/mailflow.yaml run --once
	@echo
	$(BIN)/mailflow --config examples/mailflow.yaml order list
	$(BIN)/mailflow --config examples/mailflow.yaml outbox list

system-packages:
	@command -v dovecot >/dev/null 2>&1 || { \
	  echo "installing dovecot-imapd (needed by the IMAP tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null) \
	  || echo "warning: could not install dovecot-imapd; IMAP tests will be skipped"; }

test: $(STAMP) system-packages
	$(BIN)/python -m pytest -q

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python bench/run_once.py
	$(BIN)/python bench/imap_ingest.py

lint: $(STAMP)
	$(BIN)/ruff check mailflow tests
	$(BIN)/mypy mailflow

clean:
	rm -rf $(VENV) var build *.egg-info
