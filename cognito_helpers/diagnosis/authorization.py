"""Which mistake made a given ``Authorization`` header for Cognito's token endpoint.

The token and revocation endpoints take ``Authorization: Basic
base64(client_id:client_secret)``: the raw secret, encoded, never hashed (AWS
developer guide, "The token issuer endpoint"). Given the header an app sent
and the client's id (and secret, when known), :func:`fingerprint_authorization`
names what went wrong: a SECRET_HASH in place of the secret, id and secret
swapped, the secret alone, not base64 at all, URL-safe base64, whitespace in
the secret, an old secret, a secret on a public client... Only exact matches
count. The secret and the header never appear in the result, only masked.
Taught in ``notebooks/11-client-secret-on-oauth-endpoints.ipynb``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Iterable

from ..exceptions import InvalidInputError
from ..hashing import hmac_sha256
from ..redact import mask
from ..validate import flag, strings
from .result import Diagnosis

__all__ = ["AUTHORIZATION_MISTAKES", "fingerprint_authorization"]

_MAX_HEADER = 4096
_HASH_SHAPE = re.compile(r"[A-Za-z0-9+/]{43}=")

# mistake key -> (title, fix)
AUTHORIZATION_MISTAKES: dict[str, tuple[str, str]] = {
    "ok": (
        "The header is right: Basic base64(client_id:client_secret) with an active secret.",
        "Nothing to fix in the header; if the call still fails, explain the answer it got.",
    ),
    "missing": (
        "No Authorization header was sent.",
        "A client with a secret sends 'Authorization: Basic base64(client_id:client_secret)'.",
    ),
    "not_basic": (
        "The header does not use the Basic scheme.",
        "The token endpoint wants 'Basic ', then base64(client_id:client_secret); 'Bearer' is "
        "for calling APIs with a token, not for getting one.",
    ),
    "not_encoded": (
        "client_id:client_secret was sent as it is, not base64-encoded.",
        "Base64-encode the bytes of 'client_id:client_secret' (standard alphabet, padding).",
    ),
    "not_base64": (
        "After 'Basic ' comes text that is not base64.",
        "Send standard base64 (with '=' padding) of 'client_id:client_secret'.",
    ),
    "urlsafe_base64": (
        "The credentials are URL-safe base64 ('-' and '_'), not standard base64.",
        "Use standard base64 ('+' and '/', with padding) for the Basic header.",
    ),
    "secret_hash_as_secret": (
        "The secret part is a SECRET_HASH, not the client secret.",
        "The OAuth endpoints take the raw client secret: base64(client_id:client_secret). "
        "SECRET_HASH belongs to InitiateAuth, SignUp and the other user-flow API calls only.",
    ),
    "hash_alone": (
        "A SECRET_HASH was encoded on its own, with no client id.",
        "Encode 'client_id:client_secret' (the raw secret), not the hash.",
    ),
    "swapped": (
        "Client id and secret are swapped: the header encodes client_secret:client_id.",
        "Put the client id first: base64(client_id:client_secret).",
    ),
    "secret_alone": (
        "Only the secret was encoded, with no client id and colon.",
        "Encode 'client_id:client_secret' with the colon between them.",
    ),
    "id_alone": (
        "Only the client id was encoded, with no secret.",
        "Encode 'client_id:client_secret'; a client without a secret sends no header at all, "
        "and client_id in the form instead.",
    ),
    "secret_whitespace": (
        "The secret part has leading or trailing whitespace (a newline from a file or a "
        "secrets store).",
        "Strip the secret before encoding it.",
    ),
    "previous_secret": (
        "The secret part is one of the client's previous secrets (deleted after a rotation).",
        "Deploy the current secret (ListUserPoolClientSecrets shows the active ones).",
    ),
    "secret_on_public_client": (
        "The client has no secret, but the header carries one.",
        "A public client sends no Authorization header: only client_id in the form.",
    ),
    "wrong_client_id": (
        "The header names another client id.",
        "Use the id of the app client whose secret you send (and of the pool whose domain "
        "you call).",
    ),
    "wrong_secret": (
        "The client id is right, but the secret is not the client's and matches no known "
        "mistake.",
        "Copy the secret again from the app client (DescribeUserPoolClient); check the "
        "environment the app reads it from.",
    ),
}


def _b64decode(text: str, *, urlsafe: bool = False) -> str | None:
    try:
        if urlsafe:
            raw = base64.b64decode(
                text + "=" * (-len(text) % 4), altchars=b"-_", validate=True
            )
        else:
            raw = base64.b64decode(text, validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        return None


def _hash(secret: str, username: str, client_id: str) -> str:
    return base64.b64encode(
        hmac_sha256(secret.encode("utf-8"), (username + client_id).encode("utf-8"))
    ).decode("ascii")


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(
        a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    )


def _result(key: str, evidence: list[str], confidence: str = "high") -> Diagnosis:
    title, fix = AUTHORIZATION_MISTAKES[key]
    return Diagnosis(
        kind="fingerprint",
        status="ok" if key == "ok" else "found",
        key=key,
        cause=title,
        fix=fix,
        confidence=confidence,  # type: ignore[arg-type]
        evidence=tuple(evidence),
    )


def _check(name: str, value: object, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(name, f"expected text (str), got {type(value).__name__}.")
    if not value and not empty_ok:
        raise InvalidInputError(name, "is empty.")
    if len(value) > _MAX_HEADER:
        raise InvalidInputError(name, f"is longer than {_MAX_HEADER} characters.")
    return value


def fingerprint_authorization(
    header: str,
    client_id: str,
    client_secret: str = "",
    *,
    usernames: Iterable[str] = (),
    previous_secrets: Iterable[str] = (),
    public: bool = False,
) -> Diagnosis:
    """Name the mistake behind the ``Authorization`` header an app sent to the token endpoint.

    ``header`` is the header's value (``Basic ...``; ``Authorization:`` in front is
    accepted). ``client_secret`` is the client's secret (or one of its two
    active secrets); without it only the shape is checked. ``usernames`` are
    names the app may have hashed into a SECRET_HASH; ``public`` says the
    client has no secret.

    >>> fingerprint_authorization("Basic YWJjOmRlZg==", "abc", "def").key
    'ok'
    """
    header = _check("header", header, empty_ok=True).strip()
    client_id = _check("client_id", client_id)
    client_secret = _check("client_secret", client_secret, empty_ok=True)
    names = [n for n in strings("usernames", usernames) if n]
    previous = [p for p in strings("previous_secrets", previous_secrets) if p]
    flag("public", public)
    if header.lower().startswith("authorization:"):
        header = header.split(":", 1)[1].strip()
    if not header:
        if not public:
            return _result("missing", [])
        return Diagnosis(
            kind="fingerprint",
            status="ok",
            key="ok",
            cause="No header: right for a public client, which sends client_id in the form.",
            fix="Nothing to fix.",
            confidence="high",
            evidence=("the client has no secret",),
        )
    scheme, _, value = header.partition(" ")
    evidence = [f"header: {scheme} {mask(value.strip())}"]
    if scheme.lower() != "basic":
        return _result("not_basic", [*evidence, f"scheme: {scheme!r}"])
    value = value.strip()
    decoded = _b64decode(value)
    if decoded is None:
        if ":" in value and value.split(":", 1)[0] == client_id:
            return _result("not_encoded", [*evidence, "the text after 'Basic ' has a colon " "and starts with the client id"])
        decoded = _b64decode(value, urlsafe=True)
        if decoded is not None and ("-" in value or "_" in value):
            evidence.append("it decodes as URL-safe base64")
            inner = _result_for(decoded, client_id, client_secret, names, previous, public, [])
            if inner.key in ("ok", "secret_whitespace"):
                return _result("urlsafe_base64", evidence)
        return _result("not_base64", evidence)
    return _result_for(decoded, client_id, client_secret, names, previous, public, evidence)


def _result_for(
    decoded: str,
    client_id: str,
    secret: str,
    names: list[str],
    previous: list[str],
    public: bool,
    evidence: list[str],
) -> Diagnosis:
    if ":" not in decoded:
        evidence.append(f"decoded: no colon, {mask(decoded)}")
        if decoded == client_id:
            return _result("id_alone", evidence)
        if secret and _same(decoded, secret):
            return _result("secret_alone", evidence)
        if _HASH_SHAPE.fullmatch(decoded):
            return _result("hash_alone", evidence, "high" if secret and names else "medium")
        return _result("wrong_secret" if secret else "secret_alone", evidence, "low")
    sent_id, _, sent_secret = decoded.partition(":")
    evidence.append(f"decoded: client id {mask(sent_id, keep=4)}, secret {mask(sent_secret)}")
    if secret and _same(sent_id, secret):
        return _result("swapped", evidence)
    if sent_id != client_id:
        if sent_id.strip() == client_id:
            return _result("secret_whitespace", [*evidence, "whitespace around the client id"])
        return _result("wrong_client_id", evidence)
    if public:
        if sent_secret:
            return _result("secret_on_public_client", evidence)
        return _result("ok", [*evidence, "public client: empty secret"])
    if not secret:
        if _HASH_SHAPE.fullmatch(sent_secret):
            return _result("secret_hash_as_secret", [*evidence, "the secret part has a SECRET_HASH's shape (44 characters of base64); give the " "client secret to be sure"], "medium")
        return Diagnosis(
            kind="fingerprint", status="unknown", key="no_secret_given",
            cause="The header has the right shape; without the client secret it cannot be "
            "compared.", fix="Give the client secret to compare the secret part.",
            confidence="low", evidence=tuple(evidence))
    if _same(sent_secret, secret):
        return _result("ok", evidence)
    if _same(sent_secret.strip(), secret):
        return _result("secret_whitespace", evidence)
    for name in names:
        if _same(sent_secret, _hash(secret, name, client_id)):
            return _result("secret_hash_as_secret", [*evidence, f"it is the SECRET_HASH of username {name!r}"])
    if _HASH_SHAPE.fullmatch(sent_secret):
        return _result("secret_hash_as_secret", [*evidence, "the secret part has a SECRET_HASH's shape (44 characters of base64)"], "medium")
    for old in previous:
        if _same(sent_secret, old):
            return _result("previous_secret", evidence)
    return _result("wrong_secret", evidence, "medium")
