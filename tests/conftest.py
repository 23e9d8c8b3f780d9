"""Shared fixtures: one local Cognito per test session, a fresh demo pool per test.

``make test`` runs the suite on two workers (``pytest -n 2 --dist loadgroup``, pytest-xdist).
Tests are handed out one by one, except those that share a fixture wider than a test: see
``pytest_collection_modifyitems`` below.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cognito_helpers.local.demo import DemoPool
from cognito_helpers.local.server import LocalCognito

# The fixtures of this file are cheap (a LocalCognito starts in ~0.15 s): each worker has its
# own, so their users are handed out one by one. Fixtures of pytest and its plugins: likewise.
_PER_WORKER = {"", "tests"}
# Session fixtures that hold nothing the tests share (a check, an empty folder): using one
# does not tie a test to a worker. tests/browser's servers do: their tests stay together.
_STATELESS = {"browser_ready", "browser_home"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (it runs only on its workers)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep on one worker the tests that share a module- or session-scoped fixture.

    Such tests see each other's effects on the shared object as in a serial run, and the
    fixture (a JupyterHub, a Chromium and a JupyterLab, a compiled client) starts once
    instead of once per worker. The group is where the widest such fixture is defined: a
    test module, or a directory's conftest.py (tests/browser: one group). A test that has
    an ``xdist_group`` mark already keeps it.
    """
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        owners = {
            fixturedef.baseid
            for name, defs in info.name2fixturedefs.items()
            if name not in _STATELESS
            for fixturedef in defs
            if fixturedef.scope != "function" and fixturedef.baseid not in _PER_WORKER
        }
        if owners:
            item.add_marker(pytest.mark.xdist_group(min(owners, key=len)))


@pytest.fixture(scope="session")
def local_cognito() -> Iterator[LocalCognito]:
    """A LocalCognito shared by the session (pools are cheap; use ``demo`` for a fresh one)."""
    with LocalCognito() as lc:
        yield lc


@pytest.fixture
def demo(local_cognito: LocalCognito) -> DemoPool:
    """A fresh demo pool: client with secret, public client, confirmed user 'alice'."""
    return local_cognito.demo()


@pytest.fixture
def email_demo(local_cognito: LocalCognito) -> DemoPool:
    """A fresh email-as-username pool: users sign in by e-mail, internal username is a UUID."""
    return local_cognito.demo(email_as_username=True)


@pytest.fixture
def cip(local_cognito: LocalCognito):
    """A boto3 cognito-idp client for the session's local Cognito."""
    return local_cognito.client()
