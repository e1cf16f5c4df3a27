# The two set-up commands of the README: `make demo` and `make test`. Both create .venv when it
# is missing and install what they need, so they work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/cardiorisk

.PHONY: demo test lint typecheck unit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.example: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[example]'
	touch $@ $(VENV)/.runtime

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime $(VENV)/.example

# The main job on the bundled example: classify it, run its own tests and static analysis,
# sign the reports as evidence (a demo key, passphrase below) and print the gap report.
# `techfile gaps` exits 1 while gaps remain, which is the expected state of the example.
DEMO_ENV := TECHFILE_KEY_PASSPHRASE=cardiorisk-demo-only
demo: $(VENV)/.example
	$(BIN)/techfile classify $(EXAMPLE)
	rm -rf $(EXAMPLE)/reports $(EXAMPLE)/evidence && mkdir -p $(EXAMPLE)/reports
	cd $(EXAMPLE) && ../../$(BIN)/python -m pytest -q -p no:cacheprovider \
		--junitxml=reports/junit.xml --cov=cardiorisk --cov-report=xml:reports/coverage.xml
	cd $(EXAMPLE) && ../../$(BIN)/bandit -q -r cardiorisk -f sarif -o reports/bandit.sarif
	test -f $(EXAMPLE)/keys/evidence.key || $(DEMO_ENV) $(BIN)/techfile keys new $(EXAMPLE)
	$(DEMO_ENV) $(BIN)/techfile evidence collect $(EXAMPLE)
	$(BIN)/techfile evidence verify $(EXAMPLE)
	$(BIN)/techfile gaps $(EXAMPLE); test $$? -le 1

lint: $(VENV)/.dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

unit: $(VENV)/.dev
	$(BIN)/pytest --cov --cov-report=term:skip-covered -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
