# The two set-up commands of the README: `make demo` and `make test`. Both create .venv when it
# is missing and install what they need, so they work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/cardiorisk

.PHONY: demo test lint typecheck unit clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# System libraries that pip cannot install. WeasyPrint (PDF) loads Pango, pangoft2, HarfBuzz and
# fontconfig when it is imported, and HarfBuzz's subsetter when it embeds fonts (without it it
# falls back to fontTools and warns that future versions will refuse); the template's font is
# DejaVu Sans; the tests rasterise PDF pages with poppler's pdftoppm. Package names are Debian's
# and Ubuntu's; Pango pulls in HarfBuzz, GLib and fontconfig. Checked on every run (cheap), and
# installed with apt-get when something is missing (sudo when not root).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

system-deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
		if command -v pdftoppm >/dev/null 2>&1; then \
			echo "system-deps: no dpkg here; make sure Pango, HarfBuzz (with hb-subset) and DejaVu fonts are installed for WeasyPrint"; \
			exit 0; \
		fi; \
		echo "system-deps: install poppler (pdftoppm), Pango, HarfBuzz (with hb-subset) and DejaVu fonts with your package manager" >&2; \
		exit 1; \
	fi; \
	missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if command -v pdftoppm >/dev/null 2>&1 && [ -z "$$missing" ]; then exit 0; fi; \
	[ -n "$$missing" ] || missing=" poppler-utils"; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "system-deps: missing$$missing, and apt-get is not available: install them with your package manager" >&2; \
		exit 1; \
	fi; \
	echo "system-deps: installing$$missing"; \
	$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $$missing

# Reinstall whenever pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.example: pyproject.toml | $(BIN)/python system-deps
	$(BIN)/python -m pip install --quiet -e '.[example]'
	touch $@ $(VENV)/.runtime

$(VENV)/.dev: pyproject.toml | $(BIN)/python system-deps
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime $(VENV)/.example

# The main job on the bundled example: classify it; train its model and score the held-out
# centre; evaluate the model against the acceptance criteria of techfile.yaml (figures into
# out/evaluation) and profile its dataset; run its own tests and static analysis; write its
# SBOM (requirements.lock, the model and the dataset), its disclosure policy and support-period
# statement, and a signed release bundle (TUF), verified as a device would; sign all of it as
# evidence (demo keys, passphrases below); check and record the risk file (risks.yaml); print
# the gap report and build the technical file in every format into examples/cardiorisk/out/.
# `techfile datagov` exits 1 on findings and `techfile gaps` while gaps remain: both are the
# expected state of the example.
DEMO_ENV := TECHFILE_KEY_PASSPHRASE=cardiorisk-demo-only
RELEASE_ENV := TECHFILE_RELEASE_PASSPHRASE=cardiorisk-release-demo-only
RELEASE := $(EXAMPLE)/reports/release
DATAGOV := --split split --id id --label disease --group sex --group age_band --group dataset \
	--exclude num
demo: $(VENV)/.example
	$(BIN)/techfile classify $(EXAMPLE)
	rm -rf $(EXAMPLE)/reports $(EXAMPLE)/evidence && mkdir -p $(EXAMPLE)/reports
	cd $(EXAMPLE) && ../../$(BIN)/python -m cardiorisk.train
	cd $(EXAMPLE) && ../../$(BIN)/python -m cardiorisk.report reports
	cd $(EXAMPLE) && ../../$(BIN)/techfile evaluate reports/predictions.csv --label disease \
		--score probability --group sex --group age_band --out out/evaluation
	cd $(EXAMPLE) && ../../$(BIN)/techfile datagov reports/dataset.csv $(DATAGOV); test $$? -le 1
	cd $(EXAMPLE) && ../../$(BIN)/python -m pytest -q -p no:cacheprovider \
		--junitxml=reports/junit.xml --cov=cardiorisk --cov-report=xml:reports/coverage.xml
	cd $(EXAMPLE) && ../../$(BIN)/bandit -q -r cardiorisk -f sarif -o reports/bandit.sarif
	$(BIN)/techfile sbom $(EXAMPLE) --lock $(EXAMPLE)/requirements.lock --out $(EXAMPLE)/reports/sbom.json
	$(BIN)/techfile security docs $(EXAMPLE) --out $(EXAMPLE)/reports/security
	test -f $(EXAMPLE)/keys/release-root.pem || \
		$(RELEASE_ENV) $(BIN)/techfile release keygen $(EXAMPLE)/keys/release-root.pem
	test -f $(EXAMPLE)/keys/release-online.pem || \
		$(RELEASE_ENV) $(BIN)/techfile release keygen $(EXAMPLE)/keys/release-online.pem
	$(RELEASE_ENV) $(BIN)/techfile release root $(RELEASE)/root.json --expires 2031-12-31 \
		--key root=$(EXAMPLE)/keys/release-root.pem \
		--key targets,snapshot,timestamp=$(EXAMPLE)/keys/release-online.pub.pem
	$(RELEASE_ENV) $(BIN)/techfile release sign $(RELEASE)/bundle --root $(RELEASE)/root.json \
		--key $(EXAMPLE)/keys/release-online.pem --counter 1 --expires 90d --label 1.0.0 \
		--file $(EXAMPLE)/reports/sbom.json --file $(EXAMPLE)/model/model.json
	$(BIN)/techfile release verify $(RELEASE)/bundle --trusted-root $(RELEASE)/root.json \
		--state $(RELEASE)/device-state
	test -f $(EXAMPLE)/keys/evidence.key || $(DEMO_ENV) $(BIN)/techfile keys new $(EXAMPLE)
	$(DEMO_ENV) $(BIN)/techfile evidence collect $(EXAMPLE)
	$(BIN)/techfile risk check $(EXAMPLE)
	$(DEMO_ENV) $(BIN)/techfile risk record $(EXAMPLE)
	$(BIN)/techfile evidence verify $(EXAMPLE)
	$(BIN)/techfile gaps $(EXAMPLE); test $$? -le 1
	$(BIN)/techfile build $(EXAMPLE) --out $(EXAMPLE)/out --format html,pdf,docx,xlsx
	$(BIN)/techfile risk matrix $(EXAMPLE) --out $(EXAMPLE)/out

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
