# The two commands a city needs: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint i18n-extract i18n-update i18n-status bench clean

run: install
	$(BIN)/rumours index --if-stale
	$(BIN)/rumours serve

test: install
	$(BIN)/ruff check rumours tests bench
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check rumours tests bench
	$(BIN)/ruff format --check rumours tests bench

i18n-extract: install
	$(BIN)/rumours i18n extract

i18n-update: install
	$(BIN)/rumours i18n update

i18n-status: install
	$(BIN)/rumours i18n status

bench: install
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/search_speed.py
	$(BIN)/python bench/cards.py

clean:
	rm -rf $(VENV) instance build
