# The two set-up commands of the README:
#   make site   builds the reference site from the embedded sample pools and prints where it is
#   make test   runs the whole test suite
# Each creates the local virtual environment .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/asnatlas build -o site-out

test: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks

clean:
	rm -rf $(VENV) site-out build *.egg-info
