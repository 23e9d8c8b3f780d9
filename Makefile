# Two commands on a fresh machine (see README.md):
#   make lab    create .venv if needed, then open JupyterLab on notebooks/
#   make test   create .venv if needed, then run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# jupyter refuses to start as root without --allow-root (containers, CI boxes)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test lint bench local app clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) notebooks/

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
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
