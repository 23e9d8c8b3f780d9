"""``fingerprint(...)``: which mistake produced the SECRET_HASH an app actually sent.

Taught in ``notebooks/09-troubleshooting.ipynb``. The mistakes come from
``docs/facts.md#mistakes-people-make`` and the defensive code of
public SDKs: hex instead of base64, URL-safe base64, missing padding,
``client_id + username`` order, whitespace in the secret or username, an alias
where another username was due, the raw secret, an HMAC keyed with the wrong
value, SHA-1 or plain SHA-256, a previous secret during rotation, and more.

How: the sent value is decoded every way an app might have encoded it
(standard / URL-safe base64 with or without padding, hex, base64 of hex, plain
text); each candidate mistake is one HMAC or digest, looked up among those
decodings; a hit is confirmed by re-encoding and comparing the whole string, so
only exact matches count. Standard library only (no boto3); the result never
contains the secret (at most its masked form).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..exceptions import InvalidInputError
from ..hashing import check_client_id, check_client_secret, check_username, hmac_sha256
from ..redact import mask
from .result import Diagnosis

__all__ = ["MISTAKES", "fingerprint"]

_MAX_SENT = 1024

_WS_NAMES = {
    "\n": "a newline (\\n)",
    "\r\n": "a CRLF (\\r\\n)",
    "\r": "a carriage return (\\r)",
    " ": "a space",
    "  ": "two spaces",
    "\t": "a tab (\\t)",
}

# key -> (short name, fix). Input-side mistakes first, then encodings.
MISTAKES: dict[str, tuple[str, str]] = {
    "correct": (
        "the correct SECRET_HASH",
        "The hash is right for this username, client id and secret. If Cognito still refuses "
        "it, the operation expects another username (REFRESH_TOKEN_AUTH: the internal "
        "username, the `sub` UUID in email-as-username pools; RespondToAuthChallenge: "
        "USERNAME from ChallengeParameters), or the app sends it to another client id or with "
        "another secret than the ones given here.",
    ),
    "previous_secret": (
        "made with a previous client secret",
        "Load the current client secret. During rotation Cognito accepts a hash from either "
        "active secret; once the old one is deleted only the new one verifies.",
    ),
    "other_username": (
        "made for another username",
        "Hash the username this operation expects: the exact Username / USERNAME sent for "
        "SignUp-family calls and sign-in; the internal username (the `sub` UUID in "
        "email-as-username pools) for REFRESH_TOKEN_AUTH; USERNAME or USER_ID_FOR_SRP from "
        "ChallengeParameters for RespondToAuthChallenge.",
    ),
    "reversed_order": (
        "client_id + username instead of username + client_id",
        "Put the username first: HMAC-SHA256(key=client_secret, msg=username + client_id).",
    ),
    "secret_whitespace": (
        "the secret carried whitespace when hashed",
        "Trim the secret where it is read (file, environment, secrets store): Python "
        ".strip(), Go strings.TrimSpace, JS .trim(). Cognito secrets never contain whitespace.",
    ),
    "username_whitespace": (
        "the username carried whitespace when hashed",
        "Trim the username once, then send and hash that same value.",
    ),
    "client_id_whitespace": (
        "the client id carried whitespace when hashed",
        "Trim the client id where it is read; Cognito client ids never contain whitespace.",
    ),
    "username_case": (
        "the username in another letter case",
        "Hash exactly the username string the call sends, letter case included.",
    ),
    "unicode_form": (
        "the username in another Unicode normalisation form",
        "Hash exactly the username string the call sends (same NFC/NFD form).",
    ),
    "latin1_encoding": (
        "the text encoded as Latin-1 instead of UTF-8",
        "Encode secret, username and client id as UTF-8 before hashing.",
    ),
    "client_id_missing": (
        "the client id left out of the message (HMAC of the username alone)",
        "The message is username + client_id: append the app client id.",
    ),
    "username_missing": (
        "the username left out of the message (HMAC of the client id alone)",
        "The message is username + client_id: put the username in front.",
    ),
    "separator": (
        "a separator between username and client id",
        "Concatenate with nothing in between: the '+' in the formula means joining the two "
        "strings.",
    ),
    "key_message_swapped": (
        "HMAC key and message swapped (keyed with username + client_id)",
        "The key is the client secret and the message is username + client_id; check the "
        "argument order of the HMAC call (Python hmac.new(key, msg, sha256); Node "
        "createHmac('sha256', secret).update(username + clientId)).",
    ),
    "hmac_keyed_with_username": (
        "HMAC keyed with the username",
        "Key the HMAC with the client secret; the message is username + client_id.",
    ),
    "hmac_keyed_with_client_id": (
        "HMAC keyed with the client id",
        "Key the HMAC with the client secret; the message is username + client_id.",
    ),
    "hmac_sha1": (
        "HMAC-SHA1 instead of HMAC-SHA256",
        "Use HMAC with SHA-256 (Java: \"HmacSHA256\"; Node: createHmac('sha256', ...)).",
    ),
    "hmac_sha512": (
        "HMAC-SHA512 instead of HMAC-SHA256",
        "Use HMAC with SHA-256.",
    ),
    "plain_sha256": (
        "a plain SHA-256 digest, no HMAC",
        "Use HMAC-SHA256 keyed with the client secret, not a plain hash of the text.",
    ),
    "raw_secret": (
        "the raw client secret sent as the hash",
        "Send base64(HMAC-SHA256(client_secret, username + client_id)), never the secret "
        "itself; rotate the secret if it was logged along the way.",
    ),
    "secret_encoded": (
        "the client secret itself, encoded, sent as the hash",
        "Send base64(HMAC-SHA256(client_secret, username + client_id)), not an encoding of "
        "the secret; rotate the secret if it was logged along the way.",
    ),
    "message_not_hashed": (
        "username + client_id sent without any HMAC",
        "Compute HMAC-SHA256 of username + client_id keyed with the client secret, then base64 it.",
    ),
    # encodings of the sent value
    "hex_digest": (
        "hex digest instead of base64",
        "Encode the 32-byte digest with standard base64 (44 characters ending in '='): "
        "Python base64.b64encode(digest), Node .digest('base64'), Go "
        "base64.StdEncoding.EncodeToString, Java Base64.getEncoder().",
    ),
    "urlsafe_base64": (
        "URL-safe base64 ('-' and '_') instead of standard base64",
        "Use the standard alphabet with '+' and '/': Go base64.StdEncoding (not URLEncoding), "
        "Java Base64.getEncoder() (not getUrlEncoder), Node 'base64' (not 'base64url').",
    ),
    "missing_padding": (
        "base64 without its '=' padding",
        "Keep the padding (44 characters ending in '='): Go base64.StdEncoding (not "
        "RawStdEncoding), Java without .withoutPadding(), no rstrip('=').",
    ),
    "base64_of_hex": (
        "base64 of the hex digest instead of the raw digest bytes",
        "Base64-encode the 32 raw digest bytes, not their hex text.",
    ),
    "sent_whitespace": (
        "whitespace around the value sent",
        "Send the hash without surrounding spaces or newlines.",
    ),
}

# encoding key -> (mistake keys, encoder of raw bytes); "" = the right encoding
_ENCODERS: dict[str, tuple[tuple[str, ...], Callable[[bytes], str]]] = {
    "base64": ((), lambda b: base64.b64encode(b).decode()),
    "base64_nopad": (("missing_padding",), lambda b: base64.b64encode(b).decode().rstrip("=")),
    "urlsafe": (("urlsafe_base64",), lambda b: base64.urlsafe_b64encode(b).decode()),
    "urlsafe_nopad": (
        ("urlsafe_base64", "missing_padding"),
        lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="),
    ),
    "hex": (("hex_digest",), lambda b: b.hex()),
    "HEX": (("hex_digest",), lambda b: b.hex().upper()),
    "base64_of_hex": (("base64_of_hex",), lambda b: base64.b64encode(b.hex().encode()).decode()),
    "plain": ((), lambda b: b.decode("utf-8", "strict")),
}
_ENCODING_TEXT = {
    "base64": "standard base64",
    "base64_nopad": "base64 without padding",
    "urlsafe": "URL-safe base64",
    "urlsafe_nopad": "URL-safe base64 without padding",
    "hex": "lowercase hex",
    "HEX": "uppercase hex",
    "base64_of_hex": "base64 of hex text",
    "plain": "plain text",
}


def _b64(text: str, alphabet: bytes | None) -> bytes | None:
    try:
        padded = text + "=" * (-len(text) % 4)
        if alphabet is None:
            return base64.b64decode(padded, validate=True)
        return base64.b64decode(padded.translate(str.maketrans("-_", "+/")), validate=True)
    except (binascii.Error, ValueError):
        return None


def _decodings(sent: str) -> dict[bytes, list[str]]:
    """Every plausible byte string behind ``sent``, with the encodings that give it."""
    out: dict[bytes, list[str]] = {}

    def add(raw: bytes | None, enc: str) -> None:
        if raw:
            out.setdefault(raw, []).append(enc)

    if re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", sent):
        raw = _b64(sent.rstrip("="), None)
        add(raw, "base64" if "=" in sent or len(sent) % 4 == 0 else "base64_nopad")
        if raw and re.fullmatch(rb"[0-9a-fA-F]+", raw) and len(raw) % 2 == 0:
            add(bytes.fromhex(raw.decode()), "base64_of_hex")
    if re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", sent) and re.search(r"[-_]", sent):
        add(_b64(sent.rstrip("="), b"-_"), "urlsafe" if "=" in sent else "urlsafe_nopad")
    if re.fullmatch(r"(?:[0-9a-f]{2})+", sent):
        add(bytes.fromhex(sent), "hex")
    if re.fullmatch(r"(?:[0-9A-F]{2})+", sent):
        add(bytes.fromhex(sent), "HEX")
    add(sent.encode("utf-8", "surrogatepass"), "plain")
    return out


@dataclass(frozen=True)
class _Candidate:
    keys: tuple[str, ...]  # mistakes (empty = the right formula)
    detail: str  # what exactly, e.g. "a trailing newline (\n)"
    raw: Callable[[], bytes]  # the digest (or text) the app would have encoded
    text: bool = False  # raw is text (secret, message), not a digest


def _h(key: str | bytes, msg: str | bytes, algo: str = "sha256") -> Callable[[], bytes]:
    k = key.encode("utf-8", "surrogatepass") if isinstance(key, str) else key
    m = msg.encode("utf-8", "surrogatepass") if isinstance(msg, str) else msg
    if algo == "sha256":
        return lambda: hmac_sha256(k, m)
    return lambda: hmac.new(k, m, algo).digest()


def _candidates(
    u: str, c: str, s: str, others: Iterable[str], previous: Iterable[str]
) -> Iterator[_Candidate]:
    yield _Candidate((), "", _h(s, u + c))
    for i, p in enumerate(previous, 1):
        yield _Candidate(("previous_secret",), f"previous secret #{i} ({mask(p)})", _h(p, u + c))
    for o in others:
        if o != u:
            yield _Candidate(("other_username",), f"hashed {o!r} instead of {u!r}", _h(s, o + c))
    yield _Candidate(("reversed_order",), "", _h(s, c + u))
    for ws, name in _WS_NAMES.items():
        yield _Candidate(
            ("secret_whitespace",), f"{name} at the end of the secret", _h(s + ws, u + c)
        )
        yield _Candidate(
            ("username_whitespace",), f"{name} at the end of the username", _h(s, u + ws + c)
        )
        yield _Candidate(
            ("client_id_whitespace",), f"{name} at the end of the client id", _h(s, u + c + ws)
        )
    for ws in (" ", "\n", "\ufeff"):
        name = _WS_NAMES.get(ws, "a byte-order mark (U+FEFF)")
        yield _Candidate(
            ("secret_whitespace",), f"{name} at the start of the secret", _h(ws + s, u + c)
        )
        yield _Candidate(
            ("username_whitespace",), f"{name} at the start of the username", _h(s, ws + u + c)
        )
    for variant, how in (
        (u.lower(), "lowercase"),
        (u.upper(), "uppercase"),
        (u.capitalize(), "capitalised"),
    ):
        if variant != u:
            yield _Candidate(
                ("username_case",), f"hashed the {how} {variant!r}", _h(s, variant + c)
            )
    for form in ("NFC", "NFD"):
        variant = unicodedata.normalize(form, u)
        if variant != u:
            yield _Candidate(
                ("unicode_form",), f"hashed the {form} form of the username", _h(s, variant + c)
            )
    try:
        latin = (u + c).encode("latin-1"), s.encode("latin-1")
        if latin != ((u + c).encode(), s.encode()):
            yield _Candidate(("latin1_encoding",), "", _h(latin[1], latin[0]))
    except UnicodeEncodeError:
        pass
    yield _Candidate(("client_id_missing",), "", _h(s, u))
    yield _Candidate(("username_missing",), "", _h(s, c))
    for sep in ("+", ":", " ", "|", "\n", ",", "#"):
        yield _Candidate(("separator",), f"{sep!r} between them", _h(s, u + sep + c))
    yield _Candidate(("key_message_swapped",), "", _h(u + c, s))
    for msg, what in (
        (u + c, "username + client_id"),
        (c, "client_id"),
        (s, "the secret"),
        (s + c, "secret + client_id"),
        (c + s, "client_id + secret"),
    ):
        yield _Candidate(("hmac_keyed_with_username",), f"message: {what}", _h(u, msg))
    for msg, what in (
        (u + c, "username + client_id"),
        (u, "username"),
        (s, "the secret"),
        (s + u, "secret + username"),
        (u + s, "username + secret"),
    ):
        yield _Candidate(("hmac_keyed_with_client_id",), f"message: {what}", _h(c, msg))
    yield _Candidate(("hmac_sha1",), "", _h(s, u + c, "sha1"))
    yield _Candidate(("hmac_sha1", "reversed_order"), "", _h(s, c + u, "sha1"))
    yield _Candidate(("hmac_sha512",), "", _h(s, u + c, "sha512"))
    for msg, what in (
        (u + c, "username + client_id"),
        (s + u + c, "secret + username + client_id"),
        (u + c + s, "username + client_id + secret"),
        (c + u, "client_id + username"),
        (u, "username"),
        (s, "the secret"),
        (s + u, "secret + username"),
        (u + s, "username + secret"),
        (u + s + c, "username + secret + client_id"),
        (s + c + u, "secret + client_id + username"),
    ):
        data = msg.encode("utf-8", "surrogatepass")
        yield _Candidate(
            ("plain_sha256",), f"SHA-256 of {what}", lambda data=data: hashlib.sha256(data).digest()
        )
    sb = s.encode("utf-8", "surrogatepass")
    yield _Candidate(("raw_secret",), "", lambda: sb, text=True)
    if sb.strip() != sb:  # the same candidate twice would be listed twice
        yield _Candidate(("raw_secret",), "trimmed", lambda: sb.strip(), text=True)
    mb = (u + c).encode("utf-8", "surrogatepass")
    yield _Candidate(("message_not_hashed",), "", lambda: mb, text=True)


def _where_they_differ(sent: str, expected: str, show: int = 6) -> str:
    """Where two hashes of one length differ, when their masked forms look the same.

    A URL-safe hash and the right one both mask as ``oU…Q= (44 chars)``; the
    positions and characters that differ (``'-'`` for ``'+'``) show why, and
    say nothing about the secret.
    """
    if len(sent) != len(expected) or sent == expected or mask(sent) != mask(expected):
        return ""
    diffs = [(i, a, b) for i, (a, b) in enumerate(zip(sent, expected, strict=True)) if a != b]
    if len(diffs) > show:
        return (f"same length and same start and end as the expected hash, but {len(diffs)} "
                f"of its {len(sent)} characters differ")
    listed = ", ".join(f"{a!r} where {b!r} is expected (character {i + 1})" for i, a, b in diffs)
    return f"looks like the expected hash when masked, but differs: {listed}"


def _check_inputs(
    username: object,
    client_id: object,
    client_secret: object,
    sent: object,
    others: object,
    previous: object,
) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
    u = check_username(username, strict=False)
    c = check_client_id(client_id, strict=False)
    s = check_client_secret(client_secret, strict=False)
    if not isinstance(sent, str):
        raise InvalidInputError(
            "sent", f"expected the hash your app sent (str), got {type(sent).__name__}."
        )
    if not sent:
        raise InvalidInputError(
            "sent",
            "is empty. Pass the SECRET_HASH value your app sent; if it sends none, "
            "that is the mistake (explain 'SECRET_HASH was not received').",
        )
    if len(sent) > _MAX_SENT:
        raise InvalidInputError(
            "sent",
            f"is {len(sent)} characters long; a SECRET_HASH is 44. Pass only the hash value.",
        )
    if isinstance(others, str):
        others = (others,)
    if isinstance(previous, str):
        previous = (previous,)
    try:
        o = tuple(check_username(x, strict=False) for x in others)  # type: ignore[union-attr]
        p = tuple(check_client_secret(x, strict=False) for x in previous)  # type: ignore[union-attr]
    except TypeError:
        raise InvalidInputError(
            "other_usernames / previous_secrets", "expected lists of strings."
        ) from None
    return u, c, s, sent, o, p


def _title(keys: tuple[str, ...], detail: str) -> str:
    names = [MISTAKES[k][0] for k in keys]
    text = ", and ".join(names)
    return f"{text} ({detail})" if detail else text


def fingerprint(
    username: str,
    client_id: str,
    client_secret: str,
    sent: str,
    *,
    other_usernames: Iterable[str] = (),
    previous_secrets: Iterable[str] = (),
) -> Diagnosis:
    """Name the mistake that turned ``username``/``client_id``/``client_secret`` into ``sent``.

    ``username`` is the one the operation expects; ``other_usernames`` are
    other names the app may have hashed (the email alias, the ``sub``), and
    ``previous_secrets`` the client's earlier secrets. Only an exact match
    counts; when none does the result says "no known mistake matches".
    Values are used exactly as given (``strict=False``), so a secret with a
    newline can be fingerprinted too.

    >>> d = fingerprint("username", "EPswPGbpdBLZnh9XW134hK7qYe",
    ...                 "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
    ...                 "a1490d16a9fbed48cb76cf175c55aad3d5f5de0a8e11a86a33b5fe84c859a5f64")
    >>> d.key
    'no_match'
    """
    u, c, s, sent, others, previous = _check_inputs(
        username, client_id, client_secret, sent, other_usernames, previous_secrets
    )
    expected = base64.b64encode(
        hmac_sha256(s.encode("utf-8", "surrogatepass"), (u + c).encode("utf-8", "surrogatepass"))
    ).decode()
    extra: tuple[str, ...] = ()
    value = sent
    if sent.strip() != sent and sent.strip():
        extra, value = ("sent_whitespace",), sent.strip()
    decoded = _decodings(value)
    evidence = [f"sent: {mask(sent)}", f"expected for username {u!r}: {mask(expected)}"]
    where = _where_they_differ(value, expected)
    if where:
        evidence.append(where)
    matches: list[tuple[tuple[str, ...], str, str]] = []
    for cand in _candidates(u, c, s, others, previous):
        raw = cand.raw()
        for enc in decoded.get(raw, ()):
            text_encoded = cand.text and enc in ("base64", "hex", "base64_nopad")
            if (enc == "plain") != cand.text and not text_encoded:
                continue
            enc_keys, encoder = _ENCODERS[enc]
            try:
                if encoder(raw) != value:  # exact: the whole string, re-encoded
                    continue
            except UnicodeDecodeError:
                continue
            keys = cand.keys
            if cand.text and enc != "plain":
                keys = ("secret_encoded",) if keys == ("raw_secret",) else keys
                detail = f"{_ENCODING_TEXT[enc]} of it"
            else:
                keys = keys + enc_keys
                detail = cand.detail
            matches.append((keys + extra, detail, enc))
        if matches and len(matches) >= 3:
            break
    facts = {
        "username": u,
        "client_id": c,
        "sent_length": len(sent),
        "decodes_as": sorted({e for encs in decoded.values() for e in encs} - {"plain"}),
    }
    if not matches:
        sizes = sorted(
            {
                f"{_ENCODING_TEXT[e]} ({len(b)} bytes)"
                for b, encs in decoded.items()
                for e in encs
                if e != "plain"
            }
        )
        evidence.append(
            "decodes as: "
            + (", ".join(sizes) if sizes else "none of base64, URL-safe base64 or hex")
        )
        return Diagnosis(
            kind="fingerprint",
            status="unknown",
            key="no_match",
            cause="No known mistake matches this hash.",
            fix="Check that the client id and secret given here are the ones the app really "
            "uses (another client or an unknown old secret gives a hash nothing can match), "
            "and pass every username the app may have hashed (email, alias, sub) as "
            "other usernames and earlier secrets as previous secrets.",
            confidence="none",
            evidence=tuple(evidence),
            confirm=(
                "Log the exact username, client id and a masked secret at the point "
                "where the app computes the hash.",
            ),
            alternatives=tuple((k, v[0]) for k, v in list(MISTAKES.items())[1:8]),
            facts=facts,
        )
    keys, detail, enc = matches[0]
    facts["mistakes"] = list(keys)
    facts["encoding"] = enc
    if not keys:
        return Diagnosis(
            kind="fingerprint",
            status="ok",
            key="correct",
            cause="The hash is correct for this username, client id and secret.",
            fix=MISTAKES["correct"][1],
            confidence="high",
            evidence=(*evidence, "exact match: base64(HMAC-SHA256(secret, username + client_id))"),
            confirm=(
                "Run `explain` on the error Cognito returned: a refused correct hash "
                "means another username, client or secret is due.",
            ),
            facts=facts,
        )
    evidence.append(f"exact match: {_title(keys, detail)}")
    for other in matches[1:]:
        evidence.append(f"also matches exactly: {_title(other[0], other[1])}")
    fix = " ".join(dict.fromkeys(MISTAKES[k][1] for k in keys))
    return Diagnosis(
        kind="fingerprint",
        status="found",
        key="+".join(keys),
        cause="Mistake found: " + _title(keys, detail) + ".",
        fix=fix,
        confidence="high",
        evidence=tuple(evidence),
        confirm=(
            "Fix it, then `python -m cognito_helpers hash` for the same username gives "
            "the value the app should send.",
        ),
        facts=facts,
    )
