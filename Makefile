# The two commands a city needs: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed
COMPILE := $(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test \
	--generate-hashes --universal --python-version 3.11 --quiet -o $(LOCK)

.PHONY: run test smoke install lock upgrade-deps lint i18n-extract i18n-update i18n-status \
	bench clean

run: install
	$(BIN)/rumours index --if-stale
	$(BIN)/rumours db upgrade
	$(BIN)/rumours serve --port $(PORT)

# The whole suite, browser tests included, on every core (TEST_WORKERS=0: one process).
TEST_WORKERS ?= auto
test: install
	PYTHON=$(PYTHON) scripts/system-deps test
	$(BIN)/ruff check rumours tests bench
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The quick part of the suite: the app starts, pages and search answer, content checks.
smoke: install
	$(BIN)/python -m pytest -m smoke -q

# The compiled catalogs are made here, once (only those missing or older than their .po).
install: $(STAMP)
	$(BIN)/rumours i18n compile

# Installs exactly the versions in the lock file (every file's hash checked), then the
# project itself without touching them.
$(STAMP): $(LOCK) pyproject.toml
	PYTHON=$(PYTHON) scripts/system-deps run
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		--no-deps -r $(LOCK)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation -e .
	touch $(STAMP)

# Re-pin after editing dependencies in pyproject.toml (keeps every other version).
lock: install
	$(COMPILE)

# Move every pin to the newest release pyproject.toml allows, reinstall, run the tests.
upgrade-deps: install
	$(COMPILE) --upgrade
	$(MAKE) test

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
	PYTHON=$(PYTHON) scripts/system-deps bench
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/search_speed.py
	$(BIN)/python bench/cards.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) instance build
