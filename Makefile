# Étalage: the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA_DIR ?= var
SITE_DIR ?= site
export ETALAGE_DATA_DIR ?= $(abspath $(DATA_DIR))

.PHONY: install run test test-later lint docs format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
	$(BIN)/etalage translations compile

$(ETALAGE_DATA_DIR)/secret_key:
	mkdir -p $(ETALAGE_DATA_DIR)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

## Install, migrate, load the demo marketplace (first time only) and serve it.
run: install $(ETALAGE_DATA_DIR)/secret_key
	ETALAGE_SECRET_KEY="$$(cat $(ETALAGE_DATA_DIR)/secret_key)" \
	  ETALAGE_PAYMENT_SANDBOX=$${ETALAGE_PAYMENT_SANDBOX:-1} \
	  $(BIN)/etalage serve --demo --port $(PORT)

## Run the whole test suite (DATABASE_URL picks the database; SQLite by default).
test: install
	ETALAGE_TESTING=1 $(BIN)/python -m pytest -p no:cacheprovider -n 2 --dist loadfile $(PYTEST_ARGS)

## The suite a year on: a test that depends on today's date fails here first.
test-later: install
	ETALAGE_TEST_DAYS_AHEAD=$${ETALAGE_TEST_DAYS_AHEAD:-366} $(MAKE) test

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	ETALAGE_TESTING=1 $(BIN)/mypy
	$(BIN)/python tools/typing_share.py

## Build the manual (docs/, mkdocs.yml) into site/; a broken link fails it.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(SITE_DIR)

format: install
	$(BIN)/ruff format src bench
	$(BIN)/ruff check --fix src bench

clean:
	rm -rf $(VENV) build site *.egg-info
