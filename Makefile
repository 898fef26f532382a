# The commands of the README: `make run`, `make test` and `make luton`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

LUTON_SHARED := ../shared/data/luton
LUTON_DATA := luton-data

.PHONY: run test lint setup luton

$(BIN)/marmot-dash: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/marmot-dash

# The illustrative dataset is simulated into data/ only if data/ holds none.
run: setup
	$(BIN)/marmot-dash serve --demo

# Real Luton: build examples/luton/sources.yaml from ../shared into luton-data/ (gitignored;
# the previous build stays if this one fails) and serve it on http://127.0.0.1:8050.
luton: setup
	@test -d $(LUTON_SHARED) || { echo "make luton needs the real Luton files in $(LUTON_SHARED)"; exit 1; }
	$(BIN)/marmot-dash build examples/luton/sources.yaml --out $(LUTON_DATA)
	MARMOT_DATA_DIR=$(LUTON_DATA) $(BIN)/python app.py

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
