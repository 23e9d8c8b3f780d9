"""In a real JupyterLab rooted as `make lab` roots it, a lesson's links open their files.

Issue 14 item 2: rooted at notebooks/, 10's links to ../snippets/ and ../README.md were
404s. Here JupyterLab serves a copy of the repository's documents with the Makefile's
LAB_ROOT, opens notebook 10, clicks every local link JupyterLab rendered in its Markdown,
and each one must open its file inside the lab (tests/test_links.py checks the same
statically, for every notebook).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from browser_harness import ROOT, Server, Tab, start_lab

sys.path.insert(0, str(ROOT / "tests"))
from test_links import lab_root, links_in, markdown_sources

LESSON = "notebooks/10-other-languages.ipynb"
COPIED = ("README.md", "docs", "notebooks", "snippets", "recipes", "apps")


@pytest.fixture(scope="module")
def repo_lab(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("lab-links")
    copy = home / "repo"
    copy.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, ignore=shutil.ignore_patterns(
                "node_modules", "__pycache__", ".ipynb_checkpoints", "target"))
        else:
            shutil.copy2(src, copy / name)
    root = copy / lab_root().relative_to(ROOT)  # where `make lab` roots the lab
    server = start_lab("JupyterLab (repository root)", root, home)
    yield server
    server.stop()


def expected_files() -> set[str]:
    """The lab paths 10's local links name (anchors dropped), resolved as JupyterLab does."""
    paths = set()
    for _, markdown in markdown_sources(ROOT / LESSON):
        for url in links_in(markdown):
            parts = urlsplit(url)
            if parts.scheme or not parts.path:
                continue
            joined = PurePosixPath(LESSON).parent / unquote(parts.path)
            resolved = os.path.normpath(str(joined))
            paths.add(resolved)
    return paths


OPEN_PATHS = """() => !window.jupyterapp ? [] : Array.from(window.jupyterapp.shell.widgets('main'))
    .filter(w => w.context).map(w => w.context.path)"""


def test_every_local_link_of_08_opens_its_file(repo_lab: Server, new_tab: Any) -> None:
    expected = expected_files()
    assert {"README.md", "snippets/go/main.go", "docs/facts.md"} <= expected
    tab: Tab = new_tab()
    page = tab.page
    page.goto(f"{repo_lab.base_url}/lab/workspaces/links-{secrets.token_hex(3)}/tree/{LESSON}"
              f"?reset&token={repo_lab.token}")
    page.wait_for_function(f"() => ({OPEN_PATHS})().includes({json.dumps(LESSON)})",
                           timeout=90_000)
    # JupyterLab resolves each local href (to the server's /files/ URL) asynchronously
    page.wait_for_function(
        """(n) => document.querySelectorAll('.jp-RenderedMarkdown a[href*="/files/"]').length >= n""",
        arg=len(expected), timeout=60_000)
    count = page.evaluate("""() => {
        const links = Array.from(document.querySelectorAll('.jp-RenderedMarkdown a[href*="/files/"]'));
        links.forEach(a => a.click());
        return links.length;
    }""")
    assert count >= len(expected)
    page.wait_for_function(
        f"(want) => want.every(p => ({OPEN_PATHS})().includes(p))",
        arg=sorted(expected), timeout=60_000)
    opened = set(page.evaluate(OPEN_PATHS))
    assert expected <= opened
    errors = [e for e in tab.console_errors if "404" in e or "not found" in e.lower()]
    assert not errors, errors
