"""Keep secrets, passwords and tokens out of the AWS SDK's own DEBUG logs.

With DEBUG logging on (``logging.basicConfig(level=logging.DEBUG)``, a common
first step when a sign-in fails), botocore logs every request's parameters
(``botocore.endpoint``: PASSWORD, SECRET_HASH, ClientSecret...) and every
response body (``botocore.parsers``: tokens, a generated ClientSecret). Every
boto3 client this package makes calls :func:`protect_sdk_logs`, which puts a
filter on exactly those two loggers that replaces sensitive values with
``<redacted>`` and masks any JWT. It costs nothing while DEBUG is off (the
filter only runs for records that are emitted).
"""

from __future__ import annotations

import logging
import re

from .redact import mask

__all__ = ["SDK_BODY_LOGGERS", "RedactingFilter", "protect_sdk_logs", "redact_text"]

#: botocore's loggers that print request parameters and response bodies.
SDK_BODY_LOGGERS = ("botocore.endpoint", "botocore.parsers")

# Request and response members of cognito-idp that hold a credential, a token or a code.
_SENSITIVE_KEYS = (
    "PASSWORD",
    "NEW_PASSWORD",
    "SECRET_HASH",
    "REFRESH_TOKEN",
    "PASSWORD_CLAIM_SIGNATURE",
    "ANSWER",
    "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA_CODE",
    "Password",
    "ProposedPassword",
    "PreviousPassword",
    "TemporaryPassword",
    "SecretHash",
    "ClientSecret",
    "ClientSecretValue",
    "AccessToken",
    "IdToken",
    "RefreshToken",
    "Session",
    "ConfirmationCode",
    "UserCode",
    "SecretCode",
    "Token",
)
_KEYS = "|".join(_SENSITIVE_KEYS)
# "KEY": "value" in JSON bodies and 'KEY': 'value' in dict reprs. The value ends at the first
# quote with no backslash right before it (or at the end of the text): botocore logs request
# bodies as the repr of bytes, where JSON's \" becomes \\", so counting backslashes cannot
# tell an escaped quote from the closing one. A value that itself ends in a backslash is
# masked a little too far, never too short.
_KEY_VALUE = re.compile(r"""(["'](?:""" + _KEYS + r""")["']\s*:\s*)(["'])(.*?)(?:(?<!\\)\2|\Z)""", re.S)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


def redact_text(text: str) -> str:
    """``text`` with the values of sensitive members replaced and JWTs masked."""
    text = _KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}<redacted>{m.group(2)}", text)
    return _JWT.sub(lambda m: mask(m.group(0)), text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites a record's message through :func:`redact_text`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left to logging's own handling
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_FILTER = RedactingFilter()


def protect_sdk_logs() -> None:
    """Install the redacting filter on botocore's body loggers (idempotent)."""
    for name in SDK_BODY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
