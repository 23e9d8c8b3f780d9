"""Fixtures and hooks of the real-browser tests (the harness itself: browser_harness.py).

Kept apart so that test modules import helpers from ``browser_harness``, never
from a module named ``conftest`` (tests/conftest.py has that name too).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIXTURES,
    LOOPBACK,
    PAGES_KEY,
    ROOT,
    SERVERS_KEY,
    SHOTS,
    Server,
    Tab,
    browser_unavailable,
    free_port,
    fresh_jupyter_env,
    start_lab,
)

# the fixture notebooks are opened by the tests, not collected by nbval
collect_ignore_glob = ["fixtures/*"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-run")


@pytest.fixture(scope="session")
def lab_server(browser_ready: None, browser_home: Path) -> Iterator[Server]:
    """One JupyterLab for the session, serving a fresh directory (tests copy notebooks in)."""
    root = browser_home / "lab-root"
    root.mkdir()
    server = start_lab("JupyterLab", root, browser_home)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def voila_server(browser_ready: None, browser_home: Path) -> Iterator[Server]:
    """One Voilà for the session serving copies of apps/*.ipynb (and the harness fixture)."""
    root = browser_home / "voila-root"
    root.mkdir()
    for nb in [*sorted((ROOT / "apps").glob("*.ipynb")), FIXTURES / "trivial.ipynb"]:
        shutil.copy(nb, root / nb.name)
    port = free_port()
    argv = [
        sys.executable, "-m", "cognito_helpers.jupyter_start", "voila", str(root), "--no-browser",
        "--Voila.ip=127.0.0.1", f"--port={port}",
    ]
    server = Server("Voilà", argv, fresh_jupyter_env(browser_home / "voila-home"), root, port,
                    "/", browser_home / "voila.log")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


# -- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """Chromium and Playwright are there (checked before any server starts)."""
    if not Path(CHROMIUM).exists():
        browser_unavailable(f"no Chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        browser_unavailable("the Python package 'playwright' is not installed")


@pytest.fixture(scope="module")
def browser(browser_ready: None) -> Iterator[Any]:
    """Chromium driven by Playwright, for one test module.

    Module-scoped on purpose: Playwright's sync API keeps an asyncio loop
    running in the main thread until it stops, which would break later tests
    that call ``asyncio.run`` (nbclient, in tests/test_isolation.py).
    """
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pw.stop()
        browser_unavailable(f"Chromium at {CHROMIUM} did not start ({str(exc).splitlines()[0]})")
    yield instance
    instance.close()
    pw.stop()


@pytest.fixture
def new_tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[], Tab]]:
    """Open pages that may only reach loopback; screenshots are taken on failure."""
    contexts = []
    tabs: list[Tab] = []
    request.node.stash[PAGES_KEY] = tabs

    def open_tab() -> Tab:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        tab = Tab(context.new_page())

        def only_loopback(route: Any) -> None:
            if urlsplit(route.request.url).hostname in LOOPBACK:
                route.continue_()
            else:
                tab.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_loopback)
        tab.page.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
        tab.page.set_default_timeout(60_000)
        tabs.append(tab)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        tabs = item.stash.get(PAGES_KEY, [])
        SHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "_", item.nodeid)
        lines = []
        for n, tab in enumerate(tabs):
            path = SHOTS / f"{safe}-{n}.png"
            try:
                tab.page.screenshot(path=str(path), full_page=True)
                lines.append(f"screenshot: {path} (page {tab.page.url})")
            except Exception as exc:  # the page may be gone; say so, keep the report
                lines.append(f"screenshot of page {n} failed: {exc}")
            if tab.blocked:
                lines.append(f"blocked non-loopback requests: {tab.blocked}")
            if tab.console_errors:
                lines.append(f"console errors: {tab.console_errors[-10:]}")
        for server in item.stash.get(SERVERS_KEY, []):
            lines.append(f"--- {server.name} log ({server.log_path}), last lines ---\n{server.log_tail()}")
        if lines:
            report.sections.append(("browser", "\n".join(lines)))
    return report


@pytest.fixture
def lab(lab_server: Server, request: pytest.FixtureRequest) -> Server:
    request.node.stash[SERVERS_KEY] = [lab_server]
    return lab_server


@pytest.fixture
def voila(voila_server: Server, request: pytest.FixtureRequest) -> Server:
    request.node.stash[SERVERS_KEY] = [voila_server]
    return voila_server
