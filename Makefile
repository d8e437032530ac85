# wijksim: set-up and everyday commands. On a fresh clone `make run` and `make test` do all set-up.
#
# Set-up is driven by stamp files, so a second run skips what is done:
#   .venv/.installed      the venv with the package (editable) and the extras; redone when
#                         pyproject.toml changes
#   .venv/.solara-assets  Solara's front-end assets in its local CDN cache, and ECharts for the
#                         app's charts, so the app works with no internet (see
#                         scripts/install_solara_assets.py)
#   .venv/.compiled       the model's weekly loops compiled by numba into its disk cache (once,
#                         ~15 s; redone when a source file changes), so runs start at once
# plus Debian's chromium (for the browser tests) and npm, installed with apt-get when missing.
#
# Variables: PYTHON=/path/to/python3.12 picks the interpreter for a new venv (default: found by
# scripts/find_python.sh); EXTRAS (default app,sweep,dev,ema: ema is the EMA workbench, whose
# test runs in CI; EXTRAS=app,sweep,dev leaves it out); PYTEST_ARGS='-k x'.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV    := .venv
PY      := $(VENV)/bin/python
EXTRAS  ?= app,sweep,dev,ema
PYTEST_ARGS ?=
# Lint what exists (an empty folder is not in a git clone, and ruff fails on a missing path).
LINT_PATHS := $(wildcard src tests benchmarks experiments scripts)

# Solara sends usage telemetry to outside hosts at server start; this network reaches none.
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Run apt-get as root, or through sudo when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup run test lint bench validate app check-offline clean distclean system-deps

help:  ## list the targets
	@echo "wijksim make targets (start with 'make run' or 'make test'):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(VENV)/.solara-assets $(VENV)/.compiled system-deps  ## venv, package, extras, compiled loops, chromium, Solara assets

run: setup  ## quick start: compare baseline and early signalling into results/quickstart
	$(VENV)/bin/wijksim compare configs/baseline.toml configs/early_signalling.toml \
		--replicates 3 --out results/quickstart

# pytest-xdist: one worker per core, a test file's tests on one worker (module fixtures run once)
PYTEST_WORKERS ?= -n auto --dist loadfile

test: setup  ## ruff, then the test suite (PYTEST_ARGS passes options to pytest)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(PY) -m pytest -q $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed  ## ruff check
	$(VENV)/bin/ruff check $(LINT_PATHS)

bench: setup  ## benchmarks (benchmarks/bench.py)
	$(PY) benchmarks/bench.py

validate: setup  ## check the model against its validation targets; rewrites docs/validation.md
	$(VENV)/bin/wijksim validate --write-docs

app: setup  ## start the app on 127.0.0.1 (wijksim app)
	$(VENV)/bin/wijksim app

check-offline: setup  ## prove a Solara page loads with no request off this machine
	$(PY) scripts/check_solara_offline.py

clean:  ## remove results and build/test artefacts (keeps the venv)
	rm -rf results build dist .pytest_cache .ruff_cache .hypothesis tests/output
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -type d \
		-print0 | xargs -0 rm -rf

distclean: clean  ## also remove the venv (and with it the Solara asset cache)
	rm -rf $(VENV)

# --- set-up steps ----------------------------------------------------------------------------

# A new venv from a Python >= 3.12 (pyenv shims on PATH may exist and still fail, so the finder
# runs each candidate). pip is upgraded once here.
$(PY):
	@py="$$(bash scripts/find_python.sh)"; \
	echo "creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Package (editable) and extras; redone when pyproject.toml changes. The touch comes last, so a
# failed install is retried next time.
$(VENV)/.installed: pyproject.toml | $(PY)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
		echo "error: $(VENV) has Python < 3.12; run 'make distclean' and try again" >&2; exit 1; }
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	touch $@

# numba compiles the weekly loops on first use and caches them next to the sources.
$(VENV)/.compiled: $(VENV)/.installed $(shell find src/wijksim -name "*.py")
	@echo "compiling the model's weekly loops (numba, once)"
	$(PY) -m wijksim.compiled
	touch $@

# npm fetches the assets from the npm registry (no CDN is needed at run time or set-up time).
$(VENV)/.solara-assets: $(VENV)/.installed scripts/install_solara_assets.py \
		src/wijksim/app/webchart.py | system-deps
	$(PY) scripts/install_solara_assets.py
	touch $@

# Debian's chromium (Playwright's own browser download cannot work here; the tests launch
# /usr/bin/chromium) and npm, each only when missing. Cheap when both are there.
system-deps:
	@pkgs=""; \
	[ -x /usr/bin/chromium ] || pkgs="$$pkgs chromium"; \
	command -v npm >/dev/null || pkgs="$$pkgs npm"; \
	if [ -n "$$pkgs" ]; then \
		echo "installing Debian packages:$$pkgs"; \
		$(SUDO) apt-get update -q; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$pkgs; \
	fi
