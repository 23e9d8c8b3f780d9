"""The SECRET_HASH itself: ``base64(HMAC-SHA256(client_secret, username + client_id))``.

Taught in ``notebooks/03-compute-the-hash.ipynb``. Source: the AWS Cognito
developer guide, "Computing secret hash values", and the ``SecretHash``
member documentation in botocore's ``cognito-idp/2016-04-18/service-2.json``.

Only the standard library is imported here, so that ``python -m
cognito_helpers hash`` starts fast.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata

from .exceptions import ConfigurationError, InvalidInputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # `import typing` would cost the CLI's `hash` ~2 ms of its start
    from collections.abc import Mapping

__all__ = [
    "NON_STRICT_HINT",
    "STRICT_ENV",
    "check_client_id",
    "check_client_secret",
    "check_username",
    "hmac_sha256",
    "secret_hash",
    "strict_from_env",
    "strict_hint",
]

# botocore service-2.json: ClientIdType and ClientSecretType are ``[\w+]+``
# (ASCII word characters and "+"); ClientIdType is 1-128 long, a secret at most
# 64 (custom secrets 24-64). UsernameType is ``[\p{L}\p{M}\p{S}\p{N}\p{P}]+``,
# 1-128: letters, marks, symbols, numbers, punctuation; no spaces or controls.
_ID_CHARS = re.compile(r"[A-Za-z0-9_+]+")
_MAX_CLIENT_ID = 128
_MAX_SECRET = 64
_MAX_USERNAME = 128

# the end of a message only strict mode raises; front ends that are not Python code
# replace it with their own way in (COGNITO_STRICT=0, --no-strict, a checkbox): strict_hint
NON_STRICT_HINT = "pass strict=False to hash it exactly as given"

#: ``COGNITO_STRICT=0`` (or false/no/off): hash values exactly as given (``strict=False``),
#: read by ``get_target()`` and by every command that reads a secret.
STRICT_ENV = "COGNITO_STRICT"
_FALSE = ("0", "false", "no", "off")
_TRUE = ("", "1", "true", "yes", "on")


def strict_hint(message: str, how: str | None) -> str:
    """``message`` with its "pass strict=False" advice replaced by ``how`` (None: dropped)."""
    if how is None:
        return message.replace(", or " + NON_STRICT_HINT, "")
    return message.replace(NON_STRICT_HINT, how)



_CHAR_NAMES = {
    "\n": "a newline (\\n)",
    "\r": "a carriage return (\\r)",
    "\t": "a tab (\\t)",
    " ": "a space",
    "\u00a0": "a no-break space (U+00A0)",
    "\u200b": "a zero-width space (U+200B)",
    "\ufeff": "a byte-order mark (U+FEFF)",
}

_WHITESPACE_HINT = {
    "client_secret": (
        "Secrets read from a file, a secrets store or `echo` output often carry one. "
        "Remove it where the secret is read (for example .strip()); Cognito never "
        "issues secrets with whitespace, so a hash made with it can never verify."
    ),
    "client_id": (
        "Remove it where the client id is read (for example .strip()); Cognito "
        "client ids never contain whitespace."
    ),
    "username": (
        "Remove it where the username is read (form input, file); Cognito usernames "
        "never contain whitespace, so a hash made with it can never verify."
    ),
}


def strict_from_env(env: Mapping[str, str] | None = None) -> bool:
    """``COGNITO_STRICT`` read: False for 0/false/no/off, True when unset or 1/true/yes/on.

    Anything else is refused, so a typo never silently changes how values are checked.
    """
    env = os.environ if env is None else env
    raw = env.get(STRICT_ENV, "")
    value = raw.strip().lower() if isinstance(raw, str) else raw
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(
        f"{STRICT_ENV}={raw!r} is neither on nor off. Set {STRICT_ENV}=0 to hash the client "
        f"id, secret and username exactly as given, or unset it (or {STRICT_ENV}=1) for "
        "Cognito's rules."
    )


def _describe_char(ch: str) -> str:
    if ch in _CHAR_NAMES:
        return _CHAR_NAMES[ch]
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name.lower()})" if name else "")


def _where(value: str, index: int) -> str:
    if index == 0:
        return "starts with"
    if index == len(value) - 1:
        return "ends with"
    return f"contains, at position {index},"


def _check_str(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(
            field, f"expected text (str), got {type(value).__name__}. Pass the value as a string."
        )
    if value == "":
        raise InvalidInputError(field, "is empty. Pass the value from your app client settings.")
    return value


def _first_invisible(value: str) -> int | None:
    """Index of the first whitespace, control, format or surrogate character."""
    for i, ch in enumerate(value):
        if ch.isspace() or unicodedata.category(ch)[0] in ("C", "Z"):
            return i
    return None


def _reject_invisible(field: str, value: str) -> None:
    i = _first_invisible(value)
    if i is None:
        return
    ch = value[i]
    if unicodedata.category(ch) == "Cs":
        hint = "That is a lone surrogate: not valid text, with no UTF-8 form. Decode the input properly first."
    elif ch.isspace() or unicodedata.category(ch)[0] == "Z":
        hint = _WHITESPACE_HINT.get(field, "Remove it.")
    else:
        hint = "Cognito never accepts invisible or control characters here; remove it."
    raise InvalidInputError(field, f"{_where(value, i)} {_describe_char(ch)}. {hint}")


def check_username(username: object, *, strict: bool = True) -> str:
    """Return ``username`` if it can be a Cognito username, else raise InvalidInputError."""
    value = _check_str("username", username)
    if strict:
        _reject_invisible("username", value)
        if len(value) > _MAX_USERNAME:
            raise InvalidInputError(
                "username",
                f"is {len(value)} characters long; Cognito usernames are at most {_MAX_USERNAME}.",
            )
    return value


def _check_id_like(field: str, value: object, max_len: int, what: str, strict: bool) -> str:
    text = _check_str(field, value)
    if not strict:
        return text
    _reject_invisible(field, text)
    if len(text) > max_len:
        raise InvalidInputError(
            field, f"is {len(text)} characters long; Cognito {what}s are at most {max_len}."
        )
    if not _ID_CHARS.fullmatch(text):
        bad = next(ch for ch in text if not _ID_CHARS.fullmatch(ch))
        hint = ""
        if field == "client_id" and "_" in text and "-" in text:
            hint = " This looks like a user pool id (region_Xxx); use the app client id."
        raise InvalidInputError(
            field,
            f"contains {bad!r}, which a Cognito {what} never contains (allowed: ASCII "
            f"letters, digits, '_' and '+').{hint} Copy it again from the app client "
            f"settings, or {NON_STRICT_HINT}.",
        )
    return text


def check_client_id(client_id: object, *, strict: bool = True) -> str:
    """Return ``client_id`` if it follows Cognito's ClientIdType rules, else raise."""
    return _check_id_like("client_id", client_id, _MAX_CLIENT_ID, "client id", strict)


def check_client_secret(client_secret: object, *, strict: bool = True) -> str:
    """Return ``client_secret`` if it follows Cognito's ClientSecretType rules, else raise.

    The error never contains the secret, only what is wrong with it.
    """
    return _check_id_like("client_secret", client_secret, _MAX_SECRET, "client secret", strict)


def _utf8(field: str, value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            field,
            f"contains {_describe_char(value[exc.start])}, a lone surrogate that is not "
            "valid text and has no UTF-8 form. Decode the input properly first.",
        ) from None


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """The raw 32-byte HMAC-SHA256 digest (the step before base64)."""
    return hmac.new(key, message, hashlib.sha256).digest()


def secret_hash(username: str, client_id: str, client_secret: str, *, strict: bool = True) -> str:
    """Compute Cognito's ``SECRET_HASH`` for ``username`` on the app client.

    ``base64(HMAC-SHA256(key=client_secret, msg=username + client_id))`` with
    UTF-8 bytes and the standard base64 alphabet with padding (44 characters).

    ``username`` must be the one the operation expects: the exact ``Username``
    sent for SignUp-family calls and sign-in, the internal username for
    REFRESH_TOKEN_AUTH, the canonical ``USERNAME`` / ``USER_ID_FOR_SRP`` in
    challenge responses (see ``notebooks/06-account-lifecycle.ipynb``).

    With ``strict`` (the default) the inputs must follow Cognito's character
    rules, and whitespace anywhere (a trailing newline from a secrets file) is
    refused with an :class:`InvalidInputError` naming the field. With
    ``strict=False`` only type and emptiness are checked and the values are
    hashed exactly as given, never stripped.

    >>> secret_hash("username", "EPswPGbpdBLZnh9XW134hK7qYe",
    ...             "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
    'oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q='
    """
    user = check_username(username, strict=strict)
    cid = check_client_id(client_id, strict=strict)
    secret = check_client_secret(client_secret, strict=strict)
    key = _utf8("client_secret", secret)
    message = _utf8("username", user) + _utf8("client_id", cid)
    return base64.b64encode(hmac_sha256(key, message)).decode("ascii")
