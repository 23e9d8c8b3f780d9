"""Recognisable values for the secret-hygiene tests (test_canary.py and friends).

Each canary is valid where it is used (a client secret follows Cognito's
ClientSecretType and looks like an AWS-generated one, 51 chars of ``[a-z0-9]``;
a password meets the default policy) and unmistakable when it shows up where
it must not: every canary secret starts with ``canarysecret``, every canary
password with ``Canary-Pw-``. :func:`install` makes the package itself issue
canaries (generated client secrets, demo and workshop passwords), so every
code path that creates a secret is covered, in this process or in a kernel.
"""

from __future__ import annotations

import itertools
import re

SECRET_MARK = "canarysecret"
PASSWORD_MARK = "Canary-Pw-"

# 51 chars of [a-z0-9], like an AWS-generated secret, but unmistakable.
CANARY_SECRET = "canarysecret0zq7xk2mw9vb4nd8hf3jt6rp1ys5lg0ue7ca9rt"
# A password meeting Cognito's default policy.
CANARY_PASSWORD = "Canary-Pw-9Qx7Zk2M!"
# A JWT-shaped token (header.payload.signature) no real issuer made.
CANARY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJjYW5hcnkiOiJ0b2tlbiJ9.Q2FuYXJ5VG9rZW5TaWduYXR1cmVYeXo"
# Fragments that give a leak away even when a value is cut or re-encoded.
CANARY_FRAGMENTS = (
    SECRET_MARK,
    CANARY_SECRET[14:40],  # any long slice of the middle
    PASSWORD_MARK,
    "Pw-9Qx7Zk2M",
    CANARY_TOKEN,
    "Q2FuYXJ5VG9rZW5TaWduYXR1cmVYeXo",
)
# Any JWT (ID, access token) in full: our outputs show tokens masked only.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")

# Public known-answer vector (docs/facts.md#known-answer-vectors).
VECTOR = {
    "username": "username",
    "client_id": "EPswPGbpdBLZnh9XW134hK7qYe",
    "client_secret": "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
    "secret_hash": "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q=",
}

assert len(CANARY_SECRET) == 51 and CANARY_SECRET.isalnum() and CANARY_SECRET.islower()


def canary_secret(n: int) -> str:
    """The n-th canary client secret (51 chars of [a-z0-9], distinct per n)."""
    return f"{SECRET_MARK}{n:03d}" + CANARY_SECRET[15:]


def canary_password(n: int, length: int = 19) -> str:
    """The n-th canary password: upper, lower, digit, symbol (Cognito's default policy)."""
    base = f"{PASSWORD_MARK}{n:03d}Qx7Zk2M!abcdefghijklmnop"
    return base[: max(length, 19)]


def leaks(text: object, *, tokens: bool = True) -> list[str]:
    """The canary fragments (and full JWTs, with ``tokens``) found in ``text``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    s = str(text)
    found = [f for f in CANARY_FRAGMENTS if f in s]
    if tokens:
        found += [m.group(0)[:12] + "..." for m in JWT.finditer(s)]
    return found


def install(monkeypatch: object = None) -> None:
    """Make the package issue canaries: generated client secrets, demo and workshop passwords.

    Patches module globals the package looks up at call time: with pytest's
    ``monkeypatch`` (undone after the test) in-process, plainly in a CLI
    subprocess or a notebook kernel the canary test starts.
    """
    from cognito_helpers import workshop
    from cognito_helpers.local import client_secrets, demo

    secrets_n = itertools.count()
    passwords_n = itertools.count()

    def secret() -> str:
        ISSUED.append(canary_secret(next(secrets_n)))
        return ISSUED[-1]

    def password(length: int = 16) -> str:
        ISSUED.append(canary_password(next(passwords_n), length))
        return ISSUED[-1]

    setattr_ = getattr(monkeypatch, "setattr", setattr)
    setattr_(client_secrets, "generate_client_secret", secret)
    setattr_(demo, "_demo_password", password)
    setattr_(workshop.provision, "generate_password", password)  # read by workshop_up


#: Every canary :func:`install` made the package issue, in order.
ISSUED: list[str] = []
