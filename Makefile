# Two commands on a fresh machine (see README.md):
#   make lab    create .venv if needed (lock/lab.txt), then open JupyterLab on the repository, in notebooks/
#   make test   create .venv if needed (lock/test.txt), run every test (on 2 workers)
#   make lock   re-lock lock/*.txt after requirements*.txt or pyproject's dependencies change
#   make test-py PY=/path/to/python   the core suite on another Python, in a venv of its own
#   make bench  every benchmark against its baseline; regenerates README's table (README, "Benchmarks")
#   make site   build the static site (the apps and two lessons, run in the browser) into site/_output
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# jupyter refuses to start as root without --allow-root (containers, CI boxes)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# pip's hash-checking mode: every package pinned, every file checked against the lock's sha256
PIP_LOCKED := python -m pip install --quiet --require-hashes

.PHONY: lab test test-core test-py lock lock-check lint bench local app room site site-serve clean

# The venv is installed from the locks (lock/lock.py says how they are made), not from the
# ranges of requirements*.txt: the versions the committed notebook outputs were made with.
# A changed lock re-installs; the package itself goes in editable, built offline by the
# locked setuptools. A line per step: a fresh install is ~30-60 s that pip --quiet would leave silent.
$(STAMP): lock/pip.txt lock/lab.txt pyproject.toml
	@echo "==> creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)
	@echo "==> installing pip (lock/pip.txt)"
	@$(BIN)/$(PIP_LOCKED) -r lock/pip.txt
	@echo "==> installing what the lessons need (lock/lab.txt: requirements.txt pinned; about a minute on a fresh machine)"
	@$(BIN)/$(PIP_LOCKED) -r lock/lab.txt
	@$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)
	@echo "==> $(VENV) ready"

$(TEST_STAMP): $(STAMP) lock/test.txt
	@echo "==> installing the test tools (lock/test.txt: requirements-test.txt pinned)"
	@$(BIN)/$(PIP_LOCKED) -r lock/test.txt
	@touch $(TEST_STAMP)

# uv, the resolver of `make lock`, in a venv of its own (lock/uv.txt, hashed like the rest)
LOCK_VENV ?= .venv-lock
$(LOCK_VENV)/.installed: lock/pip.txt lock/uv.txt
	@echo "==> creating $(LOCK_VENV) with the resolver (lock/uv.txt)"
	@$(PYTHON) -m venv $(LOCK_VENV)
	@$(LOCK_VENV)/bin/$(PIP_LOCKED) -r lock/pip.txt
	@$(LOCK_VENV)/bin/$(PIP_LOCKED) -r lock/uv.txt
	@touch $@

# after editing requirements*.txt (or pyproject's dependencies): keeps every pin that still
# fits; `make lock LOCK_ARGS=--upgrade` moves to the newest releases (then make test, commit)
lock: $(LOCK_VENV)/.installed
	$(LOCK_VENV)/bin/python lock/lock.py --uv $(LOCK_VENV)/bin/uv $(LOCK_ARGS)

# CI: re-resolve from PyPI and fail if the committed locks are not what `make lock` makes
lock-check: $(LOCK_VENV)/.installed
	$(LOCK_VENV)/bin/python lock/lock.py --uv $(LOCK_VENV)/bin/uv --check

# The lab is rooted at the repository (not notebooks/) so that the notebooks' links to
# ../README.md, ../docs/, ../snippets/ and the apps at /voila/render/apps/ resolve; it opens
# in notebooks/. tests/test_links.py reads LAB_ROOT and LAB_START from here.
# cognito_helpers.jupyter_start runs `jupyter lab` about a second sooner (its docstring says how).
LAB_ROOT := .
LAB_START := notebooks
# JupyterLab's "news" consent pop-up and update checks cover the lessons' widgets (and
# would reach jupyter.org): lab-settings/overrides.json turns them off for this venv.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/cognito-secret-hash-lab.json

lab: $(STAMP)
	@echo "==> turning off JupyterLab's news and update pop-ups (lab-settings/overrides.json)"
	@mkdir -p $(dir $(LAB_OVERRIDES)) && cp lab-settings/overrides.json $(LAB_OVERRIDES)
	@echo "==> starting JupyterLab on the repository, in notebooks/ (JupyterLab prints its URL; the local Cognito starts with the first notebook; Ctrl-C stops)"
	$(BIN)/python -m cognito_helpers.jupyter_start lab --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) --ServerApp.root_dir=$(LAB_ROOT) --LabApp.default_url=/lab/tree/$(LAB_START)

# Two workers (pytest-xdist), the machine's two cores: tests are handed out one by one, except
# that a notebook's cells, and the tests sharing a module- or session-scoped fixture, stay on
# one worker (tests/conftest.py, notebooks/conftest.py). `pytest` alone still runs serially.
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -p tests.pytest_boot -n 2 --dist loadgroup

# The core suite: the package's tests and every notebook under nbval, that is, all of `make test`
# but the heavy tests below (other languages' toolchains, third-party clients, Chromium, a real
# JupyterHub room, the benchmarks' smoke run), which run on the default python3 only.
HEAVY_TESTS := tests/browser tests/test_snippets.py tests/test_clients_matrix.py \
	tests/test_oauth_clients.py tests/test_oidc_clients.py tests/test_recipes.py \
	tests/test_room.py tests/test_benchmarks.py
test-core: $(TEST_STAMP)
	$(BIN)/python -m pytest -p tests.pytest_boot -n 2 --dist loadgroup $(addprefix --ignore=,$(HEAVY_TESTS))

# the core suite on another Python, in a venv of its own (.venv-py3.10, ...) from the same locks;
# CI runs it on the oldest and the newest Python that pyproject.toml supports (.ci/run):
#   make test-py PY=/root/.pyenv/versions/3.10.13/bin/python
test-py:
	@[ -n "$(PY)" ] || { echo "make test-py: say which Python, e.g. PY=/root/.pyenv/versions/3.10.13/bin/python" >&2; exit 2; }
	@"$(PY)" -c pass 2>/dev/null || { echo "make test-py: PY=$(PY) does not run" >&2; exit 2; }
	@$(MAKE) --no-print-directory test-core PYTHON="$(PY)" VENV=.venv-py$$("$(PY)" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

# every benchmark (~20 min on 2 cores), then README's table regenerated (benchmarks/results.json);
#   make bench BENCH="load proxy"        only those (their rows replaced, the others kept)
#   make bench BENCH_ARGS="--skip maketest"
bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks --write-readme $(BENCH) $(BENCH_ARGS)

# app mode: the calculator / diagnosis form as a page on 127.0.0.1:8866 (Voila, no code shown)
#   make app                  a page listing the apps
#   make app APP=calculator   one app
app: $(STAMP)
	$(BIN)/python -m cognito_helpers app $(APP)

# a workshop room on this machine: JupyterHub, one server per participant, each as a Unix user of
# their own when run as root (sudo make room); not root, ROOM_ARGS=--rehearsal (README, "Run a workshop")
room: $(STAMP)
	@$(BIN)/python -m pip install --quiet -r room/requirements.txt
	@cd room && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m cognito_helpers workshop room $(ROOM_ARGS)

local: $(STAMP)
	$(BIN)/python -m cognito_helpers local --demo

# the static site (site/, README "The site: the apps in your browser"): JupyterLite + Pyodide,
# built by tools pinned in site/requirements.txt, in a venv of their own
SITE_VENV ?= .venv-site
SITE_STAMP := $(SITE_VENV)/.installed
SITE_PORT ?= 8000

$(SITE_STAMP): site/requirements.txt
	@echo "==> creating $(SITE_VENV) with the site's build tools (site/requirements.txt)"
	@$(PYTHON) -m venv $(SITE_VENV)
	@$(SITE_VENV)/bin/python -m pip install --quiet -r site/requirements.txt
	@touch $(SITE_STAMP)

site: $(SITE_STAMP)
	$(SITE_VENV)/bin/python site/build.py

# serve site/_output on http://127.0.0.1:$(SITE_PORT)/ (Ctrl-C stops); run `make site` first
site-serve:
	@test -f site/_output/index.html || { echo "no site/_output: run 'make site' first" >&2; exit 1; }
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory site/_output $(SITE_PORT)

clean:
	rm -rf $(VENV) $(SITE_VENV) $(LOCK_VENV) .venv-py3.* site/_build site/_output .pytest_cache .ruff_cache
