"""Verify and read the ID and access tokens Cognito returns (with PyJWT).

Taught in ``notebooks/05-verify-the-tokens.ipynb``. A Cognito token is an RS256
JWT. To trust one, check, in this order (AWS developer guide, "Verifying a
JSON Web Token"):

1. it is a JWT whose header names ``RS256`` and a key id (``kid``);
2. the ``kid`` is one of the user pool's public keys (its JWKS, at
   ``https://cognito-idp.<region>.amazonaws.com/<pool_id>/.well-known/jwks.json``)
   and the signature verifies with that key;
3. it has not expired (``exp``);
4. ``iss`` is the pool's issuer: on AWS ``https://cognito-idp.<region>.amazonaws.com/<pool_id>``;
5. ``token_use`` is ``id`` or ``access``, the kind you expect;
6. it was issued to your app client: ``aud`` in an ID token, ``client_id``
   in an access token (access tokens have no ``aud``).

The issuer is the URL the pool's discovery document is served from (OIDC
Discovery 1.0, 4.3). The local Cognito serves the pool at its own endpoint, so
there the issuer is ``{endpoint_url}/{pool_id}`` and the JWKS is under it, as
on AWS; started with ``aws_issuer=True`` (``COGNITO_LOCAL_ISSUER=aws``) it
writes AWS's issuer instead. :func:`expected_issuer` gives one,
:func:`accepted_issuers` both, and :func:`verify_for_target` accepts either.

Every failure raises :class:`~cognito_helpers.exceptions.TokenError` saying
which check failed and what usually causes it; no message, repr or summary
contains a token in full (:func:`~cognito_helpers.redact.mask`).
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Literal

import jwt

from .exceptions import DeadlineError, InvalidInputError, TokenError
from .pure_crypto import install_pyjwt_rs256
from .redact import mask
from .validate import mapping, number, shown, text

__all__ = [
    "TokenParts",
    "VerifiedToken",
    "accepted_issuers",
    "expected_issuer",
    "fetch_jwks",
    "jwks_url",
    "peek_token",
    "verify_for_target",
    "verify_token",
    "with_edited_claims",
]

# Without cryptography (the browser edition, Pyodide), RS256 by python-rsa; else a no-op.
install_pyjwt_rs256()

TokenUse = Literal["id", "access"]
ALGORITHM = "RS256"
# token_use -> (claim holding the internal username, claim holding the app client id)
_CLAIMS_OF: dict[str, tuple[str, str]] = {
    "id": ("cognito:username", "aud"),
    "access": ("username", "client_id"),
}


def expected_issuer(region: str, user_pool_id: str, endpoint_url: str | None = None) -> str:
    """The ``iss`` every token of ``user_pool_id`` carries.

    On AWS (no ``endpoint_url``): ``https://cognito-idp.<region>.amazonaws.com/<pool_id>``.
    On a local endpoint: ``{endpoint_url}/{pool_id}``, the URL the local Cognito
    serves the pool (and its discovery document) at. A local Cognito started with
    ``aws_issuer=True`` mints AWS's URL: :func:`accepted_issuers` gives both.
    """
    text("region", region)
    text("user_pool_id", user_pool_id)
    text("endpoint_url", endpoint_url, optional=True)
    if not region or not user_pool_id:
        raise InvalidInputError(
            "user_pool_id", "region and user pool id are both needed to build the issuer."
        )
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{user_pool_id}"
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def accepted_issuers(
    region: str, user_pool_id: str, endpoint_url: str | None = None
) -> tuple[str, ...]:
    """Every ``iss`` a token of ``user_pool_id`` may carry where it is served:
    the endpoint's URL of the pool (the local Cognito's default) and AWS's URL
    (a real pool, or the local Cognito with ``aws_issuer=True``)."""
    aws = expected_issuer(region, user_pool_id)
    if not endpoint_url:
        return (aws,)
    local = expected_issuer(region, user_pool_id, endpoint_url)
    return (local,) if local == aws else (local, aws)


def jwks_url(region: str, user_pool_id: str, endpoint_url: str | None = None) -> str:
    """Where the pool's public keys are served: the issuer's address on AWS, or
    ``{endpoint_url}/{user_pool_id}/.well-known/jwks.json`` on a local endpoint."""
    text("endpoint_url", endpoint_url, optional=True)
    text("user_pool_id", user_pool_id)
    if not endpoint_url:
        return f"{expected_issuer(region, user_pool_id)}/.well-known/jwks.json"
    if not user_pool_id:
        raise InvalidInputError("user_pool_id", "the user pool id is empty.")
    return f"{endpoint_url.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"


def fetch_jwks(url: str, *, timeout: float | None = None) -> dict[str, Any]:
    """GET the JSON Web Key Set at ``url``; TokenError with the cause if that fails.

    The whole answer must come within ``timeout`` seconds (default
    ``$COGNITO_TIMEOUT``, else 10); past it, the TokenError says so (its
    ``__cause__`` is the :class:`~cognito_helpers.exceptions.DeadlineError`).
    """
    from .deadline import fetch, resolve_timeout

    text("url", url, what="an http(s) URL (str)")
    resolve_timeout(timeout)  # refused here: below, a ValueError is a failed fetch
    try:
        scheme = urllib.parse.urlsplit(url).scheme
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https") or not url.isascii() or not url.isprintable():
        raise InvalidInputError("url", f"{shown(url, 200)} is not an http(s) address of a JWKS.")
    try:
        status, _headers, body = fetch(url, what="GET of the JWKS", timeout=timeout,
                                       limit=1024 * 1024)
    except DeadlineError as exc:
        raise TokenError(f"cannot fetch the JWKS at {url}: {exc}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TokenError(
            f"cannot fetch the JWKS at {url}: {reason}. Is the endpoint running and reachable?"
        ) from None
    if status >= 300:
        hint = " (wrong user pool id or region?)" if status in (400, 403, 404) else ""
        raise TokenError(f"JWKS at {url} answered HTTP {status}{hint}.")
    try:
        jwks = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TokenError(f"the answer from {url} is not JSON, so not a JWKS.") from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise TokenError(f"the answer from {url} is not a JWKS (no 'keys' list).")
    return jwks


@dataclass(frozen=True)
class TokenParts:
    """A token's header and claims, read WITHOUT checking anything (for display only)."""

    header: dict[str, Any]
    claims: dict[str, Any]
    masked: str

    @property
    def token_use(self) -> str | None:
        return self.claims.get("token_use")


def _require_jwt(token: Any) -> str:
    if not isinstance(token, str):
        raise InvalidInputError(
            "token", f"expected the token as text (str), got {type(token).__name__}."
        )
    if not token.isascii():
        # A JWT is base64url and dots; PyJWT fails with a raw UnicodeEncodeError on a
        # lone surrogate, so refuse any non-ASCII text here, naming the field.
        raise InvalidInputError(
            "token",
            "contains non-ASCII characters; a JWT is only letters, digits, '-', '_' and "
            "dots. Copy the IdToken or AccessToken again, without surrounding text.",
        )
    if token.count(".") != 2:
        raise TokenError(
            f"token {mask(token)} is not a JWT: a JWT is three base64url parts separated by "
            "dots. A refresh token is not a JWT you can read; pass the IdToken or AccessToken."
        )
    return token


def peek_token(token: str) -> TokenParts:
    """Header and claims of ``token`` without verifying it. Never trust these for access."""
    token = _require_jwt(token)
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenError(f"token {mask(token)} cannot be decoded: {exc}.") from None
    return TokenParts(header, claims, mask(token))


def with_edited_claims(token: str, **changes: Any) -> str:
    """``token`` with some claims changed and its original signature kept: what an
    attacker's edit looks like. Verification must refuse it (notebook 05)."""
    header, _, signature = _require_jwt(token).split(".")
    claims = dict(peek_token(token).claims, **changes)
    try:
        encoded = json.dumps(claims, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            "changes", f"a claim must be JSON (text, number, bool, None, list, dict): {exc}."
        ) from None
    except UnicodeEncodeError:
        raise InvalidInputError("changes", "a claim holds a lone surrogate, not valid text.") from None
    payload = base64.urlsafe_b64encode(encoded).decode("ascii")
    return f"{header}.{payload.rstrip('=')}.{signature}"


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature, expiry, issuer, ``token_use`` and audience all checked out."""

    header: dict[str, Any]
    claims: dict[str, Any] = field(repr=False)
    masked: str

    @property
    def token_use(self) -> TokenUse:
        return self.claims["token_use"]

    @property
    def username(self) -> str | None:
        """The user's internal username: ``username`` (access) / ``cognito:username`` (id).
        In an email-as-username pool this is the UUID, not the e-mail."""
        return self.claims.get(_CLAIMS_OF[self.token_use][0])

    @property
    def client_id(self) -> str:
        """The app client the token was issued to (``aud`` or ``client_id``)."""
        return self.claims[_CLAIMS_OF[self.token_use][1]]

    @property
    def lifetime(self) -> int:
        """Seconds between issue (``iat``) and expiry (``exp``)."""
        return int(self.claims["exp"]) - int(self.claims["iat"])

    def expires_in(self, now: float | None = None) -> int:
        """Seconds left before expiry (negative once expired)."""
        return int(self.claims["exp"] - (time.time() if now is None else now))

    def __repr__(self) -> str:
        return (
            f"VerifiedToken({self.token_use}, {self.masked}, kid={self.header.get('kid')!r}, "
            f"username={self.username!r}, client_id={self.client_id!r})"
        )


def _key_for(kid: Any, jwks: dict[str, Any], masked: str) -> Any:
    try:
        keyset = jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError as exc:
        raise TokenError(f"the JWKS cannot be used: {exc}.") from None
    for key in keyset.keys:
        if key.key_id == kid:
            return key
    known = ", ".join(repr(k.key_id) for k in keyset.keys)
    raise TokenError(
        f"token {masked} was signed with key id kid={kid!r}, which is not in the pool's JWKS "
        f"(it has {known}): the token comes from another user pool (or region), or the pool's "
        "keys changed; fetch the JWKS of the pool that issued it."
    )


def _expired(masked: str, exp: Any, now: float) -> TokenError:
    ago = int(now - exp) if isinstance(exp, (int, float)) else "?"
    return TokenError(
        f"token {masked} expired {ago} s ago (exp={exp}). Get new tokens: sign in again, "
        "or use the refresh token (REFRESH_TOKEN_AUTH)."
    )


def _issuers(issuer: Any) -> list[str]:
    """``issuer`` as the list of accepted issuers (one string, or a list or tuple of them)."""
    if isinstance(issuer, str):
        text("issuer", issuer)
        return [issuer]
    if isinstance(issuer, (list, tuple)) and issuer and all(
        isinstance(one, str) and one for one in issuer
    ):
        return list(issuer)
    raise InvalidInputError(
        "issuer",
        f"{shown(issuer)} is not an issuer: pass the expected iss as a string "
        "(expected_issuer()), or a non-empty list or tuple of them (accepted_issuers()).",
    )


def verify_token(
    token: str,
    *,
    jwks: dict[str, Any],
    issuer: str | list[str] | tuple[str, ...],
    client_id: str,
    token_use: TokenUse | None = None,
    leeway: float = 0,
    at: float | None = None,
) -> VerifiedToken:
    """Verify a Cognito ID or access token; return its header and claims.

    ``jwks`` is the pool's key set (:func:`fetch_jwks`), ``issuer`` the
    expected ``iss`` (:func:`expected_issuer`), or a list or tuple of the
    accepted ones (:func:`accepted_issuers`), ``client_id`` your app
    client. ``token_use`` (``"id"`` / ``"access"``) insists on one kind.
    ``at`` checks expiry at that epoch time instead of now (to see when a
    token stops being accepted); ``leeway`` tolerates clock skew in seconds.
    Raises :class:`TokenError` naming the first check that fails.
    """
    token = _require_jwt(token)
    if not isinstance(token_use, (str, type(None))) or token_use not in (None, "id", "access"):
        raise InvalidInputError("token_use", f"{shown(token_use)}: use 'id', 'access' or None.")
    mapping("jwks", jwks, values=None, what="the pool's JWKS (a dict with 'keys', fetch_jwks())")
    issuers = _issuers(issuer)
    text("client_id", client_id)
    number("leeway", leeway, minimum=0, maximum=86_400, unit="seconds")
    number("at", at, optional=True, minimum=0, maximum=2**40, unit="(epoch seconds)")
    masked = mask(token)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenError(f"token {masked} has no readable header: {exc}.") from None
    if header.get("alg") != ALGORITHM:
        raise TokenError(
            f"token {masked} says alg={header.get('alg')!r}; Cognito signs with {ALGORITHM} "
            "only. Refuse anything else (an 'alg' you accept is an attack surface)."
        )
    key = _key_for(header.get("kid"), jwks, masked)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=issuers,
            leeway=leeway,
            options={
                "verify_aud": False,
                "verify_exp": at is None,
                "require": ["exp", "iat", "iss", "token_use"],
            },
        )
    except jwt.ExpiredSignatureError:
        raise _expired(masked, peek_token(token).claims.get("exp"), time.time()) from None
    except jwt.InvalidIssuerError:
        got = peek_token(token).claims.get("iss")
        expected = " or ".join(repr(one) for one in issuers)
        raise TokenError(
            f"token {masked} was issued by {got!r}, expected {expected}: a token of another "
            "user pool or region (or of a local Cognito at another address)."
        ) from None
    except jwt.InvalidSignatureError:
        raise TokenError(
            f"token {masked}: the signature does not verify with the pool's key "
            f"kid={header.get('kid')!r}. The token was altered, or signed by someone else."
        ) from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenError(
            f"token {masked} lacks the {exc.claim!r} claim Cognito always sets."
        ) from None
    except jwt.PyJWTError as exc:
        raise TokenError(f"token {masked} failed verification: {exc}.") from None
    if at is not None:
        exp = claims["exp"]
        if not isinstance(exp, (int, float)) or exp <= at - leeway:
            raise _expired(masked, exp, at)
    use = claims.get("token_use")
    if use not in _CLAIMS_OF:
        raise TokenError(f"token {masked} has token_use={use!r}; Cognito uses 'id' or 'access'.")
    if token_use is not None and use != token_use:
        raise TokenError(
            f"token {masked} is an {use} token, but an {token_use} token is expected here. "
            "APIs take the AccessToken; your app reads the user's attributes from the IdToken."
        )
    claim = _CLAIMS_OF[use][1]
    if claims.get(claim) != client_id:
        raise TokenError(
            f"token {masked} was issued to app client {claims.get(claim)!r} ({claim}), not to "
            f"{client_id!r}: a token of another app client must not be accepted."
        )
    return VerifiedToken(header, claims, masked)


def verify_for_target(
    token: str, target: Any, *, token_use: TokenUse | None = None, timeout: float | None = None
) -> VerifiedToken:
    """:func:`verify_token` against a :class:`~cognito_helpers.target.Target`: fetch its
    pool's JWKS (from its endpoint when it has one, within ``timeout`` seconds) and expect
    its app client and one of its issuers (:func:`accepted_issuers`)."""
    from .target import TARGET_FIELDS, TARGET_OPTIONAL
    from .validate import with_text_fields

    with_text_fields("target", target, TARGET_FIELDS, "a Target (get_target())",
                     optional=TARGET_OPTIONAL)
    url = jwks_url(target.region, target.user_pool_id, target.endpoint_url)
    return verify_token(
        token,
        jwks=fetch_jwks(url, timeout=timeout),
        issuer=accepted_issuers(target.region, target.user_pool_id, target.endpoint_url),
        client_id=target.client_id,
        token_use=token_use,
    )
