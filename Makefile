# The two set-up commands of the README:
#   make site   builds the reference site from the embedded sample pools and prints where it is
#   make test   runs the whole test suite (ruff, then pytest)
# Each creates the local virtual environment .venv on first use, and re-installs the
# package into it whenever pyproject.toml changes.

# Python 3.11 or newer; override with `make test PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SITE := site-out

.PHONY: site test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "asnatlas needs Python 3.11 or newer; run e.g. make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/asnatlas build -o $(SITE)
	@echo "The site is in $(CURDIR)/$(SITE)/ (open $(CURDIR)/$(SITE)/index.html)"

test: $(STAMP)
	@# The build tools of the shipped browser assets (the validator's schemas, the site's
	@# table widget), for the tests that those assets are current (skipped with their
	@# reason when npm is not available).
	@for tool in tools/ajv tools/table; do \
	  if command -v npm >/dev/null && [ ! -d $$tool/node_modules ]; then \
	    (cd $$tool && npm ci --silent --no-audit --no-fund) || echo "npm ci failed in $$tool: asset check skipped"; fi; \
	done
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(SITE) build *.egg-info
