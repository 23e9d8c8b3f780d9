"""The package's exceptions: one hierarchy, rooted at :class:`CognitoHelpersError`.

Every message says what is wrong and how to fix it, and never contains a
client secret, password or token.
"""

from __future__ import annotations

__all__ = [
    "CognitoHelpersError",
    "ConfigurationError",
    "DeadlineError",
    "InvalidInputError",
    "LocalCognitoError",
    "TokenError",
    "WorkshopError",
]


class CognitoHelpersError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidInputError(CognitoHelpersError, ValueError):
    """An argument is missing, of the wrong type or outside Cognito's rules."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class ConfigurationError(CognitoHelpersError):
    """The target (local or real user pool) is not configured well enough to call it."""


class DeadlineError(CognitoHelpersError, TimeoutError):
    """A network call got no complete answer within its deadline (the message names the endpoint)."""

    def __init__(self, message: str, what: str = "", where: str = "",
                 seconds: float | None = None) -> None:
        self.what, self.where, self.seconds = what, where, seconds
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.what, self.where, self.seconds))


class LocalCognitoError(CognitoHelpersError):
    """The embedded local Cognito could not start, or was used after it stopped."""


class TokenError(CognitoHelpersError):
    """A Cognito ID or access token failed a verification check, or its JWKS could not be read."""


class WorkshopError(CognitoHelpersError):
    """Provisioning or removing a workshop's user pool failed part way (the state file says what exists)."""
