# Two commands on a fresh machine (see README.md):
#   make lab    create .venv if needed (requirements.txt), then open JupyterLab on the repository, in notebooks/
#   make test   create .venv if needed (requirements.txt + requirements-test.txt), run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# jupyter refuses to start as root without --allow-root (containers, CI boxes)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test lint bench local app clean

# A line per step: a fresh install is ~30-60 s that pip --quiet would leave silent.
$(STAMP): requirements.txt pyproject.toml
	@echo "==> creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)
	@echo "==> upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> installing what the lessons need (requirements.txt; about a minute on a fresh machine)"
	@$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)
	@echo "==> $(VENV) ready"

$(TEST_STAMP): $(STAMP) requirements-test.txt
	@echo "==> installing the test tools (requirements-test.txt)"
	@$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $(TEST_STAMP)

# The lab is rooted at the repository (not notebooks/) so that the notebooks' links to
# ../README.md, ../docs/, ../snippets/ and the apps at /voila/render/apps/ resolve; it opens
# in notebooks/. tests/test_links.py reads LAB_ROOT and LAB_START from here.
LAB_ROOT := .
LAB_START := notebooks
lab: $(STAMP)
	@echo "==> starting JupyterLab on the repository, in notebooks/ (JupyterLab prints its URL; the local Cognito starts with the first notebook; Ctrl-C stops)"
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) --ServerApp.root_dir=$(LAB_ROOT) --LabApp.default_url=/lab/tree/$(LAB_START)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks

# app mode: the calculator / diagnosis form as a page on 127.0.0.1:8866 (Voila, no code shown)
#   make app                  a page listing the apps
#   make app APP=calculator   one app
app: $(STAMP)
	$(BIN)/python -m cognito_helpers app $(APP)

local: $(STAMP)
	$(BIN)/python -m cognito_helpers local --demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
