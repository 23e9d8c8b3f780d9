"""cognito_helpers: compute, teach and debug the AWS Cognito app-client SECRET_HASH.

The hash needs only the standard library and is imported eagerly; the local
Cognito, targets and diagnosis pull in boto3 / moto and load on first use, so
``python -m cognito_helpers hash`` stays fast.

    >>> import cognito_helpers as ch
    >>> ch.secret_hash("username", "EPswPGbpdBLZnh9XW134hK7qYe",
    ...                "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
    'oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q='
"""

from __future__ import annotations

import importlib

from .exceptions import (
    CognitoHelpersError,
    ConfigurationError,
    DeadlineError,
    InvalidInputError,
    LocalCognitoError,
    TokenError,
)
from .hashing import check_client_id, check_client_secret, check_username, secret_hash
from .redact import mask


def _without_ssl() -> bool:
    import sys

    if "ssl" in sys.modules:
        return False
    import importlib.util

    try:
        return importlib.util.find_spec("ssl") is None
    except (ImportError, ValueError):
        return True


if _without_ssl():  # the browser edition (Pyodide): PyJWT and botocore import all the same
    from .no_ssl import install as _install_no_ssl

    _install_no_ssl()

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:  # `import typing` would cost the CLI's `hash` ~2 ms of its start
    from typing import Any

# name -> module that defines it, imported on first attribute access
_LAZY = {
    "LocalCognito": "local.server",
    "DemoPool": "local.demo",
    "Target": "target",
    "get_target": "target",
    "local_cognito": "target",
    "reset_local_target": "target",
    "HashCheck": "local.client_secrets",
    "hash_site": "operations",
    # diagnosis engine (issue 4): explain/fingerprint are stdlib-only
    "Diagnosis": "diagnosis",
    "explain": "diagnosis",
    "fingerprint": "diagnosis",
    "fingerprint_authorization": "diagnosis",
    "check_client": "diagnosis",
    "verify_flow": "diagnosis",
    # verify and read tokens (notebook 05)
    "accepted_issuers": "tokens",
    "expected_issuer": "tokens",
    "fetch_jwks": "tokens",
    "jwks_url": "tokens",
    "peek_token": "tokens",
    "verify_for_target": "tokens",
    "verify_token": "tokens",
    "with_edited_claims": "tokens",
    # notebooks: calculator (03), its widget, exercise checks (every notebook)
    "MISTAKES": "lessons.calculator",
    "hash_variants": "lessons.calculator",
    "hash_calculator": "lessons.widgets",
    "check_exercise": "lessons.exercises",
    "troubleshoot": "lessons.troubleshooting",
    # remove what a lesson created (06), asking first on a real pool
    "CleanupReport": "lessons.cleanup",
    "remove_users": "lessons.cleanup",
    "troubleshooter": "lessons.widgets",
    "aws_error": "local.answers",
    # one line with what to do for any boto3 error (throttling, timeouts...)
    "describe_client_error": "error_advice",
    # other languages (notebook 10): snippets/ described, rendered, run
    "SNIPPET_LANGUAGES": "lessons.snippets",
    "SNIPPET_MISTAKES": "lessons.snippets",
    "read_snippet": "lessons.snippets",
    "render_snippet": "lessons.snippets",
    "run_snippet": "lessons.snippets",
    "snippet_env": "lessons.snippets",
    "snippet_hash_lines": "lessons.snippets",
    "snippet_mistake_hash": "lessons.snippets",
    # the OAuth 2.0 endpoints (notebook 11): Basic header, PKCE, the local sign-in page
    "basic_authorization": "lessons.oauth",
    "pkce_pair": "lessons.oauth",
    "sign_in_on_page": "lessons.oauth",
    "token_request": "lessons.oauth",
    "masked_tokens": "lessons.oauth",
    "oauth_get": "lessons.oauth",
    # workshops: a participant's env file from `workshop up` (README, "Run a workshop")
    "load_env_file": "workshop",
}

__all__ = [
    "MISTAKES",
    "SNIPPET_LANGUAGES",
    "SNIPPET_MISTAKES",
    "CleanupReport",
    "CognitoHelpersError",
    "ConfigurationError",
    "DeadlineError",
    "DemoPool",
    "Diagnosis",
    "HashCheck",
    "InvalidInputError",
    "LocalCognito",
    "LocalCognitoError",
    "Target",
    "TokenError",
    "__version__",
    "accepted_issuers",
    "aws_error",
    "basic_authorization",
    "check_client",
    "check_client_id",
    "check_client_secret",
    "check_exercise",
    "check_username",
    "describe_client_error",
    "expected_issuer",
    "explain",
    "fetch_jwks",
    "fingerprint",
    "fingerprint_authorization",
    "get_target",
    "hash_calculator",
    "hash_site",
    "hash_variants",
    "jwks_url",
    "load_env_file",
    "local_cognito",
    "mask",
    "masked_tokens",
    "oauth_get",
    "peek_token",
    "pkce_pair",
    "read_snippet",
    "remove_users",
    "render_snippet",
    "reset_local_target",
    "run_snippet",
    "secret_hash",
    "sign_in_on_page",
    "snippet_env",
    "snippet_hash_lines",
    "snippet_mistake_hash",
    "token_request",
    "troubleshoot",
    "troubleshooter",
    "verify_flow",
    "verify_for_target",
    "verify_token",
    "with_edited_claims",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cognito_helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
