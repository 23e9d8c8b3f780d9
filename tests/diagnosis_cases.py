"""Test data shared by the diagnosis tests (functions, CLI, proxy).

Every wrong hash here is built independently of ``cognito_helpers`` (plain
hmac/hashlib/base64), so the fingerprint tests check the package against a
second implementation of each mistake, not against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata
from dataclasses import dataclass, field

from cognito_helpers.local.answers import CATALOGUE

# Shapes like real Cognito values (26-char client id, 51-char secret); all fake.
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
SECRET = "k2v8w0xq1l7n4c9p3r6t5y8u2i0o7e1a4s6d9f3g5h8j2k4l6z8"
PREVIOUS_SECRET = "q9w8e7r6t5y4u3i2o1p0a9s8d7f6g5h4j3k2l1z0x9c8v7b6n"
POOL_ID = "eu-west-1_AbCdEf123"
REQUEST_ID = "3f0c9a2e-1b2c-4d5e-8f90-123456789abc"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def mac(key: str, msg: str, algo=hashlib.sha256) -> bytes:
    return hmac.new(key.encode(), msg.encode(), algo).digest()


def right(username: str, client_id: str = CLIENT_ID, secret: str = SECRET) -> str:
    return b64(mac(secret, username + client_id))


def _username_with(chars: str, client_id: str, secret: str) -> str:
    """A username whose correct hash contains every character of ``chars``."""
    for i in range(10_000):
        name = f"user{i}"
        if all(ch in right(name, client_id, secret) for ch in chars):
            return name
    raise AssertionError("no such username")  # pragma: no cover


@dataclass(frozen=True)
class FpCase:
    """One wrong (or right) hash and the key fingerprint must give it."""

    key: str
    sent: str
    username: str = "alice"
    others: tuple[str, ...] = ()
    previous: tuple[str, ...] = ()
    id: str = ""
    extra: dict = field(default_factory=dict)


def fingerprint_cases(client_id: str = CLIENT_ID, secret: str = SECRET) -> list[FpCase]:
    """Every mistake, for user "alice" (and a few other names) on this client and secret."""
    u, c, s = "alice", client_id, secret
    d = mac(s, u + c)
    us = _username_with("+/", c, s)  # its hash differs in the URL-safe alphabet
    usd = mac(s, us + c)
    sub = "7d1f0c3e-5a2b-4c6d-9e8f-0a1b2c3d4e5f"
    nfc = unicodedata.normalize("NFC", "jos\u00e9")
    cases = [
        FpCase("correct", b64(d), id="correct"),
        FpCase("hex_digest", d.hex(), id="hex-lower"),
        FpCase("hex_digest", d.hex().upper(), id="hex-upper"),
        FpCase("reversed_order", b64(mac(s, c + u)), id="reversed"),
        FpCase("urlsafe_base64", base64.urlsafe_b64encode(usd).decode(), username=us,
               id="urlsafe"),
        FpCase("urlsafe_base64+missing_padding",
               base64.urlsafe_b64encode(usd).decode().rstrip("="), username=us,
               id="urlsafe-nopad"),
        FpCase("missing_padding", b64(d).rstrip("="), id="no-padding"),
        FpCase("secret_whitespace", b64(mac(s + "\n", u + c)), id="secret-newline"),
        FpCase("secret_whitespace", b64(mac(s + "\r\n", u + c)), id="secret-crlf"),
        FpCase("secret_whitespace", b64(mac(s + " ", u + c)), id="secret-space"),
        FpCase("secret_whitespace", b64(mac(" " + s, u + c)), id="secret-leading-space"),
        FpCase("secret_whitespace", b64(mac(s + "\t", u + c)), id="secret-tab"),
        FpCase("username_whitespace", b64(mac(s, u + " " + c)), id="username-space"),
        FpCase("username_whitespace", b64(mac(s, u + "\n" + c)), id="username-newline"),
        FpCase("client_id_whitespace", b64(mac(s, u + c + "\n")), id="client-id-newline"),
        FpCase("other_username", b64(mac(s, "alice@example.com" + c)), username=sub,
               others=("alice@example.com",), id="alias-instead-of-sub"),
        FpCase("raw_secret", s, id="raw-secret"),
        FpCase("secret_encoded", b64(s.encode()), id="base64-of-secret"),
        FpCase("hmac_keyed_with_username", b64(mac(u, u + c)), id="keyed-with-username"),
        FpCase("hmac_keyed_with_client_id", b64(mac(c, u + c)), id="keyed-with-client-id"),
        FpCase("key_message_swapped", b64(mac(u + c, s)), id="key-message-swapped"),
        FpCase("hmac_sha1", b64(mac(s, u + c, hashlib.sha1)), id="hmac-sha1"),
        FpCase("hmac_sha1+hex_digest", mac(s, u + c, hashlib.sha1).hex(), id="hmac-sha1-hex"),
        FpCase("hmac_sha512", b64(mac(s, u + c, hashlib.sha512)), id="hmac-sha512"),
        FpCase("plain_sha256", b64(hashlib.sha256((u + c).encode()).digest()),
               id="sha256-of-message"),
        FpCase("plain_sha256", b64(hashlib.sha256((s + u + c).encode()).digest()),
               id="sha256-secret-first"),
        FpCase("plain_sha256+hex_digest", hashlib.sha256((u + c + s).encode()).hexdigest(),
               id="sha256-secret-last-hex"),
        FpCase("plain_sha256+hex_digest", hashlib.sha256((u + c).encode()).hexdigest(),
               id="sha256-hex"),
        FpCase("previous_secret", right(u, c, PREVIOUS_SECRET), previous=(PREVIOUS_SECRET,),
               id="previous-secret"),
        FpCase("username_case", right("alice", c, s), username="Alice", id="lowercased"),
        FpCase("username_case", right("ALICE", c, s), id="uppercased"),
        FpCase("client_id_missing", b64(mac(s, u)), id="username-only"),
        FpCase("username_missing", b64(mac(s, c)), id="client-id-only"),
        FpCase("separator", b64(mac(s, u + ":" + c)), id="colon-separator"),
        FpCase("separator", b64(mac(s, u + "+" + c)), id="literal-plus"),
        FpCase("base64_of_hex", b64(d.hex().encode()), id="base64-of-hex"),
        FpCase("message_not_hashed", u + c, id="message-unhashed"),
        FpCase("latin1_encoding",
               b64(hmac.new(s.encode("latin-1"), (nfc + c).encode("latin-1"),
                            hashlib.sha256).digest()), username=nfc, id="latin-1"),
        FpCase("unicode_form", right(unicodedata.normalize("NFD", nfc), c, s), username=nfc,
               id="nfd-vs-nfc"),
        FpCase("reversed_order+hex_digest", mac(s, c + u).hex(), id="reversed-hex"),
        FpCase("sent_whitespace", b64(d) + "\n", id="sent-with-newline"),
        FpCase("no_match", b64(hashlib.sha256(b"something else entirely").digest()),
               id="no-match"),
        FpCase("no_match", right(u, c, "another-secret-the-app-really-uses-0123456789"),
               id="unknown-secret"),
    ]
    return cases


# -- errors as people paste them ---------------------------------------------------------

VALUES = {"client_id": CLIENT_ID, "user_pool_id": POOL_ID, "flow": "USER_PASSWORD_AUTH"}


def message(key: str) -> str:
    return CATALOGUE[key].message(**VALUES)


def error_forms(key: str) -> list[tuple[str, str, str]]:
    """(form, text, expected key) for one catalogue entry, in the forms people paste."""
    code, msg = CATALOGUE[key].code, message(key)
    # Without the exception name the two throttling answers are the same text.
    plain_key = "throttled" if key == "limit_exceeded" else key
    return [
        ("boto3", f"An error occurred ({code}) when calling the InitiateAuth operation: {msg}",
         key),
        ("go-v1", f"{code}: {msg}\n\tstatus code: 400, request id: {REQUEST_ID}", key),
        ("go-v2", "operation error Cognito Identity Provider: InitiateAuth, https response "
         f"error StatusCode: 400, RequestID: {REQUEST_ID}, {code}: {msg}", key),
        ("js-v3", f"{code}: {msg}", key),
        ("json", json.dumps({"__type": code, "message": msg}), key),
        ("java-v2", f"software.amazon.awssdk.services.cognitoidentityprovider.model.{code}: "
         f"{msg} (Service: CognitoIdentityProvider, Status Code: 400, Request ID: "
         f"{REQUEST_ID})", key),
        ("message-only", msg, plain_key),
        ("quoted-lowercase-no-dot", f'"{msg.lower().rstrip(".")}"', plain_key),
        ("uppercase-extra-dot", msg.upper().rstrip(".") + "..", plain_key),
        ("single-quoted-in-log", f"login failed: error='{msg}' user=alice", plain_key),
    ]


def all_error_cases() -> list[tuple[str, str, str, str]]:
    """(catalogue key, form, text, expected key) for every catalogue entry and form."""
    return [(k, form, text, exp) for k in CATALOGUE for form, text, exp in error_forms(k)]
