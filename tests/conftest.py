"""Shared fixtures: one local Cognito per test session, a fresh demo pool per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cognito_helpers.local.demo import DemoPool
from cognito_helpers.local.server import LocalCognito


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
