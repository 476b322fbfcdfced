# The two set-up commands are `make demo` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 0.1
DATA ?= data
STAMP := $(VENV)/.installed

.PHONY: install demo test check format generate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e '.[test,bench,spark]'
	touch $(STAMP)

install: $(STAMP)

## make demo: build the reference district (scale $(SCALE)) into $(DATA)/, run the
## pipeline, create one demo account per role and serve http://127.0.0.1:8000
demo: install
	$(BIN)/shibei generate --scale $(SCALE) --out $(DATA)
	$(BIN)/shibei summary --data $(DATA)
	$(BIN)/shibei build --data $(DATA)
	$(BIN)/shibei accounts demo --data $(DATA)
	$(BIN)/shibei serve --data $(DATA) --port 8000

## make check: lint, format, types, layer contracts (what CI runs before the tests).
check: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

## make test: the whole suite (runs `make check` first).
test: check
	$(BIN)/pytest

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
