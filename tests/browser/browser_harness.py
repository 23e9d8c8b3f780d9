"""Real-browser harness: JupyterLab and Voilà on loopback, driven by Playwright in Debian's Chromium.

The fixtures and hooks are in ``conftest.py``; the helpers the tests import are here.

* Chromium is ``/usr/bin/chromium`` (``.ci/install-browser`` installs it; override
  with ``$CHROMIUM``). Playwright's own browser download cannot work here and is
  never used.
* Every run gets fresh ``JUPYTER_CONFIG_DIR`` / ``JUPYTER_RUNTIME_DIR`` /
  ``JUPYTER_DATA_DIR`` / ``IPYTHONDIR`` and copies of the notebooks, so sessions,
  workspaces and autosaves never leak between runs. Kernelspecs still come from
  the venv (``sys.prefix``), which the fresh data dir does not hide.
* The page may only talk to 127.0.0.1: every other request (Voilà's CDN fonts,
  anything else) is aborted by Playwright routing and listed on failure.
* Waits are on state (server answers, notebook rendered, kernel idle, prompts
  numbered), never fixed sleeps.
* On failure each open page is saved as a PNG under
  ``.pytest_cache/browser-screenshots/`` and the path, the blocked requests and
  the server log's tail are added to the report.
* If the browser cannot start: with ``$CI`` or ``$COGNITO_LAB_REQUIRE_BROWSER``
  set (``.ci/run`` sets it) the tests fail with the reason; otherwise they skip
  with the reason.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SHOTS = ROOT / ".pytest_cache" / "browser-screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 120.0  # seconds; a cold JupyterLab on 2 cores takes ~10
# ms a page may take to show a kernel's answer: ~1 s alone, but `make test` runs two workers on
# two cores, and a CI box may be busier (30 s was once exceeded there); a bound, not a goal
ANSWER_WAIT_MS = 90_000
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

PAGES_KEY = pytest.StashKey[list]()
SERVERS_KEY = pytest.StashKey[list]()


def browser_unavailable(reason: str) -> None:
    message = (
        f"the browser tests cannot run: {reason}. Install what they need with "
        "'bash .ci/install-browser' (Debian chromium) and 'pip install -r requirements.txt' "
        "(playwright); set $CHROMIUM to use another Chromium binary."
    )
    if os.environ.get("CI") or os.environ.get("COGNITO_LAB_REQUIRE_BROWSER"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# -- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A JupyterLab or Voilà process on loopback, in its own process group."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    port: int
    ready_path: str
    log_path: Path
    token: str = ""
    proc: subprocess.Popen | None = None
    started: float = 0.0
    ready_after: float = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.started = time.monotonic()
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.argv, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = self.started + SERVER_START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.proc.returncode} before answering:\n"
                    f"{self.log_tail()}"
                )
            status = self._get(self.ready_path)
            if status == 200:
                self.ready_after = time.monotonic() - self.started
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} did not answer {self.ready_path} within {SERVER_START_TIMEOUT:.0f} s"
                    f" (last status {status}):\n{self.log_tail()}"
                )
            time.sleep(0.1)  # polling interval while waiting on the server's state

    def _get(self, path: str) -> int | None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            headers = {"Authorization": f"token {self.token}"} if self.token else {}
            conn.request("GET", path, headers=headers)
            return conn.getresponse().status
        except OSError:
            return None
        finally:
            conn.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # SIGTERM lets the server shut its kernels down; then the group, by its id.
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything it left in its group


def fresh_jupyter_env(base: Path) -> dict[str, str]:
    """The environment for a server: fresh Jupyter dirs, never a real user pool."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "JUPYTER"))}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        path = base / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    # Lab: no virtual scrolling, so every cell and its prompt is in the DOM.
    settings = base / "jupyter_config_dir" / "lab" / "user-settings" / "@jupyterlab"
    tracker = settings / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    news = settings / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return env


def start_lab(name: str, root: Path, home: Path) -> Server:
    """A JupyterLab serving ``root`` on a free loopback port, its state under ``home``.

    No news, no update check, no terminals: nothing in the page reaches past loopback.
    Fails the test (not an error) when the server does not come up.
    """
    token = secrets.token_hex(16)
    port = free_port()
    argv = [
        # as `make lab` starts it (cognito_helpers.jupyter_start: a second sooner)
        sys.executable, "-m", "cognito_helpers.jupyter_start", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.terminals_enabled=False",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")  # jupyter refuses to start as root without it
    server = Server(name, argv, fresh_jupyter_env(home / "jupyter-home"), root, port,
                    "/api/status", home / "lab.log", token=token)
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    return server


@dataclass
class Tab:
    """A page plus what the test needs on failure: blocked requests and console errors."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


# -- JupyterLab driving ---------------------------------------------------------------------

# The notebook panel whose file is `path`, and its state. Runs in the page.
_NOTEBOOK_STATE = """(path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  const panel = Array.from(app.shell.widgets('main')).find(
    w => w.context && w.context.path === path && w.content && w.sessionContext);
  if (!panel) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const errors = [];
  for (const c of cells) {
    for (const o of c.model.outputs.toJSON()) {
      if (o.output_type === 'error') errors.push(o.ename + ': ' + o.evalue);
    }
  }
  const prompts = cells.map(c => {
    const p = c.node.querySelector('.jp-InputPrompt');
    return p ? p.textContent.trim() : '';
  });
  return {
    id: panel.id,
    ready: panel.context.isReady && panel.sessionContext.isReady,
    kernel: kernel ? kernel.status : 'none',
    counts: cells.map(c => c.model.executionCount),
    prompts: prompts,
    errors: errors,
  };
}"""


def _wait(tab: Tab, path: str, condition: str, timeout_ms: float) -> None:
    """Wait until ``condition`` (JS over ``st``, the notebook's state) holds."""
    tab.page.wait_for_function(
        f"(path) => {{ const st = ({_NOTEBOOK_STATE})(path); return !!st && ({condition}); }}",
        arg=path, timeout=timeout_ms,
    )


def lab_state(tab: Tab, path: str) -> dict | None:
    return tab.page.evaluate(_NOTEBOOK_STATE, path)


def open_in_lab(lab: Server, tab: Tab, notebook: Path) -> str:
    """Copy ``notebook`` into Lab's root under a fresh name and open it alone in a fresh
    workspace (nothing restored from another test); wait for its kernel to be idle.
    Returns the copy's path, which the other helpers take."""
    tag = secrets.token_hex(3)
    target = f"{notebook.stem}-{tag}.ipynb"
    shutil.copy(notebook, Path(lab.cwd) / target)
    tab.page.goto(
        f"{lab.base_url}/lab/workspaces/test-{tag}/tree/{target}?reset&token={lab.token}"
    )
    _wait(tab, target, "st.ready && st.kernel === 'idle'", 90_000)
    return target


def run_all_in_lab(tab: Tab, path: str, *, timeout: float = 180.0) -> dict:
    """Run all cells of ``path``; re-trigger if nothing started; wait until every prompt
    is numbered and the kernel is idle. Fails with the errors if a cell raised."""
    deadline = time.monotonic() + timeout
    attempts = 0
    while True:
        attempts += 1
        tab.page.evaluate(
            """(path) => {
              const app = window.jupyterapp;
              const panel = Array.from(app.shell.widgets('main')).find(
                w => w.context && w.context.path === path);
              app.shell.activateById(panel.id);
              return app.commands.execute('notebook:run-all-cells');
            }""",
            path,
        )
        try:
            _wait(tab, path, "st.kernel === 'busy' || st.prompts.some(p => p !== '[ ]:' && p !== '')",
                  15_000)
            break
        except Exception:
            if attempts >= 3 or time.monotonic() > deadline:
                raise AssertionError(
                    f"'Run all' did not start any cell after {attempts} tries: "
                    f"{lab_state(tab, path)}"
                ) from None
    remaining = max(1.0, deadline - time.monotonic())
    _wait(
        tab, path,
        "st.errors.length > 0 || (st.kernel === 'idle' && st.counts.every(c => c !== null)"
        " && st.prompts.every(p => /^\\[\\d+\\]:$/.test(p)))",
        remaining * 1000,
    )
    state = lab_state(tab, path)
    assert state is not None
    assert not state["errors"], f"a cell raised in the browser: {state['errors']}"
    return state


# -- a lesson's outputs against the committed ones, as nbval compares them -----------------

# Every code cell of the notebook panel whose file is `path`: its source and its outputs as
# nbformat JSON (the model JupyterLab would save). Runs in the page.
_CODE_CELLS = """(path) => {
  const app = window.jupyterapp;
  const panel = Array.from(app.shell.widgets('main')).find(
    w => w.context && w.context.path === path && w.content);
  return panel.content.widgets.filter(c => c.model.type === 'code').map(c => ({
    source: c.model.sharedModel.getSource(),
    outputs: c.model.outputs.toJSON(),
  }));
}"""


def page_code_cells(tab: Tab, path: str) -> list[dict]:
    """What the page holds for each code cell of ``path``: ``source`` and ``outputs``."""
    return tab.page.evaluate(_CODE_CELLS, path)


def nbval_sanitizer(cfg: Path) -> Any:
    """A function that sanitizes a string as ``--nbval-sanitize-with cfg`` does: nbval's own
    parser of the file, its regex/replace pairs applied in file order."""
    import re

    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns(cfg.read_text())

    def sanitize(s: Any) -> Any:
        if not isinstance(s, str):
            return s
        for regex, replace in patterns:
            s = re.sub(regex, replace, s)
        return s

    return sanitize


# the keys nbval leaves out of a comparison (nbval.plugin.IPyNbFile.skip_compare, no nbdime)
NBVAL_SKIP_COMPARE = ("metadata", "traceback", "prompt_number", "output_type", "name",
                      "execution_count", "application/vnd.jupyter.widget-view+json",
                      "image/png", "image/jpeg")


def _nbval_view(outputs: list[dict], sanitize: Any) -> dict[str, list]:
    """Outputs as nbval compares them: streams coalesced by name, then every key but the
    skipped ones (a display's MIME types flattened) -> its sanitized values, in order."""
    import nbformat
    from nbval.plugin import coalesce_streams, transform_streams_for_comparison

    def joined(out: dict) -> dict:  # nbformat.read joins multi-line strings; so does this
        out = dict(out)
        if isinstance(out.get("text"), list):
            out["text"] = "".join(out["text"])
        if "data" in out:
            out["data"] = {k: "".join(v) if isinstance(v, list) else v
                           for k, v in out["data"].items()}
        return out

    nodes = coalesce_streams([nbformat.from_dict(joined(o)) for o in outputs])
    view: dict[str, list] = {}
    for out in transform_streams_for_comparison(nodes):
        for key, value in out.items():
            if key in NBVAL_SKIP_COMPARE:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in NBVAL_SKIP_COMPARE:
                        text = "".join(data) if isinstance(data, list) else data
                        view.setdefault(mime, []).append(sanitize(text))
            else:
                text = "".join(value) if isinstance(value, list) else value
                view.setdefault(key, []).append(sanitize(text))
    return view


def nbval_mismatches(committed: dict, page_cells: list[dict], sanitize: Any) -> list[str]:
    """Each code cell whose outputs in the page differ from the committed ones under nbval's
    rules (its markers honoured: NBVAL_SKIP, NBVAL_IGNORE_OUTPUT), as a readable line."""
    from nbval.plugin import find_comment_markers, find_metadata_tags

    code = [c for c in committed["cells"] if c["cell_type"] == "code"]
    if len(code) != len(page_cells):
        return [f"the page has {len(page_cells)} code cells, the notebook {len(code)}"]
    problems = []
    for n, (ref, got) in enumerate(zip(code, page_cells, strict=True), 1):
        source = "".join(ref["source"]) if isinstance(ref["source"], list) else ref["source"]
        options = dict([*find_comment_markers(source),
                        *find_metadata_tags(ref.get("metadata", {}))])
        if got["source"] != source:
            problems.append(f"cell {n}: the page's source is not the notebook's")
            continue
        if options.get("skip") or options.get("check") is False:
            continue
        want, have = _nbval_view(ref.get("outputs", []), sanitize), _nbval_view(
            got["outputs"], sanitize)
        if want != have:
            first = source.strip().splitlines()[0] if source.strip() else ""
            problems.append(f"cell {n} ({first[:60]!r}): committed {want!r}\n    page {have!r}")
    return problems
