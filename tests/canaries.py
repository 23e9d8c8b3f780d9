"""Recognisable values for the secret-hygiene tests (test_canary.py and friends).

Each canary is valid where it is used (a client secret follows Cognito's
ClientSecretType, 24-64 chars of ``[\\w+]``; the password meets the default
policy) and unmistakable when it shows up where it must not.
"""

from __future__ import annotations

# 51 chars of [a-z0-9], like an AWS-generated secret, but unmistakable.
CANARY_SECRET = "canarysecret0zq7xk2mw9vb4nd8hf3jt6rp1ys5lg0ue7ca9rt"
# A password meeting Cognito's default policy.
CANARY_PASSWORD = "Canary-Pw-9Qx7Zk2M!"
# A JWT-shaped token (header.payload.signature) no real issuer made.
CANARY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJjYW5hcnkiOiJ0b2tlbiJ9.Q2FuYXJ5VG9rZW5TaWduYXR1cmVYeXo"
# Fragments that give a leak away even when a value is cut, re-encoded or masked badly.
CANARY_FRAGMENTS = (
    CANARY_SECRET,
    CANARY_SECRET[4:40],  # "secret0zq7...": any long slice of the middle
    CANARY_PASSWORD,
    "Pw-9Qx7Zk2M",
    CANARY_TOKEN,
    "Q2FuYXJ5VG9rZW5TaWduYXR1cmVYeXo",
)

# Public known-answer vector (shared/COGNITO_FACTS.md).
VECTOR = {
    "username": "username",
    "client_id": "EPswPGbpdBLZnh9XW134hK7qYe",
    "client_secret": "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
    "secret_hash": "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q=",
}

assert len(CANARY_SECRET) == 51 and CANARY_SECRET.isalnum() and CANARY_SECRET.islower()


def leaks(text: object) -> list[str]:
    """The canary fragments found in ``text`` (str or bytes); empty when clean."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    s = str(text)
    return [f for f in CANARY_FRAGMENTS if f in s]
