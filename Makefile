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

# Dovecot for the IMAP tests, a CJK font for the Chinese test PDFs and pages, poppler for the
# test scans and the benchmark, tesseract for the OCR benchmark's baseline, the libraries
# OpenCV loads (libgl1, libglib2.0-0; the OCR engine's), Chromium for the browser tests
# (Playwright drives Debian's; no browser download), Pango for the documents the desk writes (WeasyPrint).
system-packages:
	@{ command -v dovecot >/dev/null 2>&1 && [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] \
	   && command -v pdftotext >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
	   && command -v tesseract >/dev/null 2>&1 && ldconfig -p | grep -q libGL.so.1 \
	   && ldconfig -p | grep -q libpangoft2-1.0.so.0; } || { \
	  echo "installing dovecot-imapd, fonts-wqy-zenhei, poppler-utils, tesseract-ocr, libgl1, pango and chromium (needed by the tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     dovecot-imapd fonts-wqy-zenhei poppler-utils chromium libgl1 libglib2.0-0 libpango-1.0-0 libpangoft2-1.0-0 \
	     tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra >/dev/null) \
	  || echo "warning: could not install the system packages; the tests that need them are skipped"; }

# The suite runs in one worker per core (pytest-xdist), a test file to a worker: each worker starts
# its own Dovecot, SMTP server and browser, and PostgreSQL tests each get a fresh database.
test: $(STAMP) system-packages
	$(BIN)/python -m pytest -q -n auto --dist loadfile

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

bench: $(STAMP) system-packages
	$(BIN)/python bench/run_once.py
	$(BIN)/python bench/imap_ingest.py
	$(BIN)/python bench/filing_cpu.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/drill.py

lint: $(STAMP)
	$(BIN)/ruff check mailflow tests tools bench
	$(BIN)/mypy mailflow tools

clean:
	rm -rf $(VENV) var build *.egg-info
