"""The tokens the local Cognito issues: per-pool signing keys, AWS's claims, refresh tokens.

One minting for every path that hands out tokens: InitiateAuth and
AdminInitiateAuth, every challenge answer, REFRESH_TOKEN_AUTH,
GetTokensFromRefreshToken, USER_AUTH (:mod:`.user_auth`) and the OAuth
endpoints. The public API, kept stable for those callers:

- :func:`mint_tokens` issues an access token, an ID token and (optionally) a
  refresh token for a user of a pool, as an app client;
- :func:`refresh_grant` finds what a refresh token stands for
  (:class:`RefreshGrant`: client, user, ``auth_time``, ``origin_jti``);
- :func:`jwks` is a pool's public key set, served at
  ``/<pool_id>/.well-known/jwks.json``;
- :func:`new_pool_id` makes an AWS-shaped pool id.

moto signs every pool's tokens with one shared key (``kid`` "dummy") and copies
into the ID token only what ``ReadAttributes`` lists. The fidelity layer turns
each pool moto creates into a :class:`LocalUserPool` (:func:`adopt_pool`), whose
token methods, the ones moto's own flows call, mint here instead. moto's
source is not changed. Taught in ``notebooks/05-verify-the-tokens.ipynb``.

Sources (AWS developer guide): "Understanding the identity (ID) token" and
"Understanding the access token" (claims), "Verifying a JSON Web Token" (one
JWKS per pool, RS256), "Refresh tokens" (opaque, encrypted).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
except ImportError:  # Pyodide's npm build has no cryptography: python-rsa, lab-grade keys
    rsa = None  # (cognito_helpers/pure_crypto.py)
    from ..pure_crypto import install_pyjwt_rs256

    # the layer verifies its own tokens with PyJWT (userInfo, revocation) even where no
    # code has imported cognito_helpers.tokens, which installs it too
    install_pyjwt_rs256()

__all__ = [
    "USER_POOL_SCOPE",
    "IssuedTokens",
    "PoolKeys",
    "RefreshGrant",
    "adopt_pool",
    "at_hash",
    "aws_issuer",
    "issuer_of",
    "jwks",
    "mint_tokens",
    "new_pool_id",
    "pool_keys",
    "refresh_grant",
]

# The scope of access tokens from the user-flow API (InitiateAuth and friends):
# developer guide, "Understanding the access token".
USER_POOL_SCOPE = "aws.cognito.signin.user.admin"

# AWS pool ids: "<region>_" then 9 letters and digits (us-east-1_AbCdEf123).
_POOL_ID_ALPHABET = string.ascii_letters + string.digits
_POOL_ID_SUFFIX = 9

# AWS signs with RS256 and 2048-bit RSA keys ("Verifying a JSON Web Token": the
# JWKS holds RSA keys, alg RS256). Two key pairs per pool: "One private key signs
# access tokens, and the other signs ID tokens" (same page).
_KEY_BITS = 2048

# A refresh token from AWS is a JWE in compact form (five base64url parts) whose
# protected header is {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}; the
# developer guide calls it encrypted and opaque to the app. Ours has the same
# shape and carries nothing: the layer keeps what it stands for.
_REFRESH_HEADER = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"
_REFRESH_CIPHERTEXT_BYTES = 1000  # AWS's are about 1,780 characters in all

# ID-token attributes that are not strings (OpenID Connect Core, section 5.1).
_BOOLEAN_CLAIMS = frozenset({"email_verified", "phone_number_verified"})
_NUMBER_CLAIMS = frozenset({"updated_at"})

_TOKEN_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_lock = threading.Lock()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint_b64url(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


# -- keys ------------------------------------------------------------------------


@dataclass
class _SigningKey:
    kid: str
    private_key: Any = field(repr=False)

    @classmethod
    def generate(cls) -> _SigningKey:
        if rsa is None:  # no cryptography (the browser edition): a lab key, python-rsa signs
            from ..pure_crypto import lab_signing_key

            lab = lab_signing_key()
            return cls(lab.kid, lab)
        key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)
        der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        # AWS's kids are standard base64 of 32 bytes (44 characters, "=" padded).
        kid = base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")
        return cls(kid, key)

    def jwk(self) -> dict[str, str]:
        numbers = (
            self.private_key if rsa is None  # a pure_crypto.LabKey: n and e of its own
            else self.private_key.public_key().public_numbers()
        )
        return {
            "alg": "RS256",
            "e": _uint_b64url(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _uint_b64url(numbers.n),
            "use": "sig",
        }

    def sign(self, claims: dict[str, Any]) -> str:
        # AWS's token header is {"kid": ..., "alg": "RS256"}: no "typ".
        header = _b64url(
            json.dumps({"kid": self.kid, "alg": "RS256"}, separators=(",", ":")).encode()
        )
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        signing_input = f"{header}.{payload}".encode("ascii")
        if rsa is None:
            signature = self.private_key.sign_rs256(signing_input)
        else:
            signature = self.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{payload}.{_b64url(signature)}"


@dataclass
class PoolKeys:
    """A pool's two signing keys: one for ID tokens, one for access tokens."""

    id_key: _SigningKey
    access_key: _SigningKey

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.id_key.jwk(), self.access_key.jwk()]}


def pool_keys(pool: Any) -> PoolKeys:
    """The pool's signing keys, made on first use (so creating a pool stays fast)."""
    keys = pool.__dict__.get("_local_keys")
    if keys is None:
        with _lock:
            keys = pool.__dict__.get("_local_keys")
            if keys is None:
                keys = PoolKeys(_SigningKey.generate(), _SigningKey.generate())
                pool.__dict__["_local_keys"] = keys
    return keys


def jwks(pool: Any) -> dict[str, list[dict[str, str]]]:
    """The pool's public key set, as ``/<pool_id>/.well-known/jwks.json`` serves it."""
    return pool_keys(pool).jwks()


def new_pool_id(region: str, taken: Any = ()) -> str:
    """An AWS-shaped user pool id, ``<region>_`` and 9 letters and digits, not in ``taken``."""
    while True:
        suffix = "".join(secrets.choice(_POOL_ID_ALPHABET) for _ in range(_POOL_ID_SUFFIX))
        pool_id = f"{region}_{suffix}"
        if pool_id not in taken:
            return pool_id


# -- refresh tokens -----------------------------------------------------------------


@dataclass
class RefreshGrant:
    """What a refresh token stands for: the sign-in it came from, and its rotation state.

    ``auth_time`` and ``origin_jti`` are the original sign-in's and stay the same
    across refreshes and rotations (OpenID Connect Core, 12.2: a refreshed ID
    token keeps ``auth_time``). ``rotated_at`` is the layer-clock time at which
    GetTokensFromRefreshToken replaced this token (None: not rotated out).
    """

    client_id: str
    username: str
    origin_jti: str
    auth_time: int
    event_id: str
    rotated_at: float | None = None
    successor: str | None = field(default=None, repr=False)


def _grants(pool: Any) -> dict[str, RefreshGrant]:
    return pool.__dict__.setdefault("_local_refresh_grants", {})


def _new_refresh_token() -> str:
    parts = (
        _REFRESH_HEADER,
        _b64url(secrets.token_bytes(_KEY_BITS // 8)),  # RSA-OAEP-wrapped content key
        _b64url(secrets.token_bytes(12)),  # A256GCM IV
        _b64url(secrets.token_bytes(_REFRESH_CIPHERTEXT_BYTES)),
        _b64url(secrets.token_bytes(16)),  # A256GCM tag
    )
    return ".".join(parts)


def refresh_grant(pool: Any, token: Any) -> RefreshGrant | None:
    """The grant behind a refresh token of this pool (None: not one of ours).

    A revoked token (RevokeToken, GlobalSignOut) still has its grant: check
    ``pool.refresh_tokens[token] is None`` for revocation, as moto records it.
    """
    if not isinstance(token, str):
        return None
    return _grants(pool).get(token)


def _first_grants(pool: Any) -> dict[str, RefreshGrant]:
    # origin_jti -> the first grant issued for that sign-in. A rotation's grants share
    # the sign-in's origin_jti, auth_time and event_id, so the first stands for them all;
    # an index, so that a sign-in's look-up does not scan every grant the pool ever issued.
    return pool.__dict__.setdefault("_local_refresh_origins", {})


def _issue_refresh_token(pool: Any, grant: RefreshGrant) -> str:
    token = _new_refresh_token()
    _grants(pool)[token] = grant
    _first_grants(pool).setdefault(grant.origin_jti, grant)
    # moto's own record, so RevokeToken, GlobalSignOut and its refresh flows know it.
    pool.refresh_tokens[token] = (grant.client_id, grant.username, grant.origin_jti)
    return token


# -- claims --------------------------------------------------------------------------


def _validity(client: Any, kind: str, default_seconds: int) -> int:
    """A token's lifetime from the client's ``<kind>Validity`` and ``TokenValidityUnits``."""
    config = getattr(client, "extended_config", None) or {}
    value = config.get(f"{kind}Validity")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return default_seconds
    # CreateUserPoolClient API reference: the unit defaults to hours for ID and access tokens.
    unit = (config.get("TokenValidityUnits") or {}).get(kind, "hours")
    return value * _TOKEN_UNITS.get(unit, 3600)


def _claim_value(name: str, value: str) -> Any:
    if name in _BOOLEAN_CLAIMS:
        return value.lower() == "true"
    if name in _NUMBER_CLAIMS and value.isdigit():
        return int(value)
    return value


def _attribute_claims(client: Any, user: Any) -> dict[str, Any]:
    """The user's attributes the app client may read, as ID-token claims.

    With no ``ReadAttributes`` on the client the app reads every attribute
    (CreateUserPoolClient API reference, ReadAttributes), so the ID token
    carries all the user has; otherwise only those listed. Developer-only
    attributes (``dev:custom:``) are never in a token.
    """
    config = getattr(client, "extended_config", None) or {}
    readable = config.get("ReadAttributes") or None
    claims: dict[str, Any] = {}
    for attribute in user.attributes:
        name, value = attribute.get("Name"), attribute.get("Value")
        if not isinstance(name, str) or value is None or name == "sub" or name.startswith("dev:"):
            continue
        if readable is not None and name not in readable:
            continue
        claims[name] = _claim_value(name, str(value))
    return claims


def _groups(user: Any) -> list[str]:
    return sorted(group.group_name for group in getattr(user, "groups", ()) or ())


def aws_issuer(region: str, pool_id: str) -> str:
    """The issuer a pool has on AWS: ``https://cognito-idp.<region>.amazonaws.com/<pool_id>``."""
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def issuer_of(pool: Any) -> str:
    """The ``iss`` of every token of ``pool`` and the ``issuer`` of its discovery document.

    On AWS that is the URL the discovery document is served from (OIDC Discovery
    1.0, section 4.3: the issuer is the URL the document is fetched from, and
    ``iss`` is that issuer). The local Cognito does the same: ``<its URL>/<pool_id>``,
    set on the pool when it is created (``issuer_base``). A local Cognito started
    with ``aws_issuer=True`` sets no base, and its pools mint AWS's URL instead,
    for libraries that rebuild the issuer from the region and pool id.
    """
    base = getattr(pool, "issuer_base", None)
    if base:
        return f"{base}/{pool.id}"
    return aws_issuer(pool.region, pool.id)


def at_hash(access_token: str) -> str:
    """OIDC Core 1.0, 3.1.3.6: base64url of the left half of SHA-256 of the access token
    (RS256 hashes with SHA-256), unpadded. Cognito puts it in the ID tokens of its OAuth
    endpoints (managed login), not in those of the API's sign-in flows."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def _id_claims(
    pool: Any,
    client: Any,
    user: Any,
    *,
    now: int,
    auth_time: int,
    origin_jti: str,
    event_id: str,
    nonce: str | None,
    access_token: str | None = None,
) -> dict[str, Any]:
    # "Understanding the identity (ID) token": sub, cognito:groups, the user's
    # attributes, iss, cognito:username, origin_jti, aud, event_id, token_use,
    # auth_time, exp, iat, jti (and nonce on the OAuth endpoints). Managed login's
    # ID tokens also carry at_hash, first (public reports of their payloads:
    # pmill/aws-cognito#34, NabuCasa/pycognito#20); the API's never do.
    claims: dict[str, Any] = {}
    if access_token is not None:
        claims["at_hash"] = at_hash(access_token)
    claims["sub"] = user.id
    groups = _groups(user)
    if groups:
        claims["cognito:groups"] = groups
    claims.update(_attribute_claims(client, user))
    claims.update(
        {
            "iss": issuer_of(pool),
            "cognito:username": user.username,
            "origin_jti": origin_jti,
            "aud": client.id,
            "event_id": event_id,
            "token_use": "id",
            "auth_time": auth_time,
            "exp": now + _validity(client, "IdToken", 3600),
            "iat": now,
            "jti": str(uuid.uuid4()),
        }
    )
    if nonce is not None:
        claims["nonce"] = nonce
    return claims


def _access_claims(
    pool: Any,
    client: Any,
    user: Any,
    *,
    now: int,
    auth_time: int,
    origin_jti: str | None,
    event_id: str | None,
    scope: str,
) -> dict[str, Any]:
    # "Understanding the access token": sub, cognito:groups, iss, version (2),
    # client_id, origin_jti, event_id, token_use, scope, auth_time, exp, iat,
    # jti, username. A machine-to-machine token (no user) has the client as sub.
    claims: dict[str, Any] = {"sub": user.id if user is not None else client.id}
    if user is not None:
        groups = _groups(user)
        if groups:
            claims["cognito:groups"] = groups
    claims.update({"iss": issuer_of(pool), "version": 2, "client_id": client.id})
    if origin_jti is not None:
        claims["origin_jti"] = origin_jti
    if event_id is not None:
        claims["event_id"] = event_id
    claims.update(
        {
            "token_use": "access",
            "scope": scope,
            "auth_time": auth_time,
            "exp": now + _validity(client, "AccessToken", 3600),
            "iat": now,
            "jti": str(uuid.uuid4()),
        }
    )
    if user is not None:
        claims["username"] = user.username
    return claims


# -- minting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedTokens:
    """What one issuance hands out (the values are secrets: the repr hides them)."""

    access_token: str = field(repr=False)
    id_token: str | None = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: int
    origin_jti: str | None
    auth_time: int

    def authentication_result(self) -> dict[str, Any]:
        """The ``AuthenticationResult`` member of an InitiateAuth-family answer."""
        result: dict[str, Any] = {"AccessToken": self.access_token, "ExpiresIn": self.expires_in}
        if self.id_token is not None:
            result["IdToken"] = self.id_token
        if self.refresh_token is not None:
            result["RefreshToken"] = self.refresh_token
        result["TokenType"] = "Bearer"
        return result


def _sign_access(
    pool: Any,
    client: Any,
    user: Any,
    *,
    now: int,
    auth_time: int,
    origin_jti: str | None,
    event_id: str | None,
    scope: str,
) -> str:
    token = pool_keys(pool).access_key.sign(
        _access_claims(
            pool,
            client,
            user,
            now=now,
            auth_time=auth_time,
            origin_jti=origin_jti,
            event_id=event_id,
            scope=scope,
        )
    )
    if user is not None:
        pool.access_tokens[token] = (client.id, user.username)  # where moto's GetUser looks
    return token


def _sign_id(
    pool: Any,
    client: Any,
    user: Any,
    *,
    now: int,
    auth_time: int,
    origin_jti: str,
    event_id: str,
    nonce: str | None,
    access_token: str | None = None,
) -> str:
    token = pool_keys(pool).id_key.sign(
        _id_claims(
            pool,
            client,
            user,
            now=now,
            auth_time=auth_time,
            origin_jti=origin_jti,
            event_id=event_id,
            nonce=nonce,
            access_token=access_token,
        )
    )
    pool.id_tokens[token] = (client.id, user.username)
    return token


def mint_tokens(
    pool: Any,
    client: Any,
    user: Any,
    *,
    auth_time: int | None = None,
    scope: str = USER_POOL_SCOPE,
    origin_jti: str | None = None,
    event_id: str | None = None,
    refresh_token: bool = True,
    id_token: bool = True,
    nonce: str | None = None,
    with_at_hash: bool = False,
) -> IssuedTokens:
    """Issue tokens for ``user`` of ``pool`` to app ``client`` (moto's objects).

    ``auth_time`` is when the user signed in (default: now); pass the
    original sign-in's on a refresh. ``origin_jti`` ties the tokens to one
    sign-in (default: a new one). ``refresh_token`` adds a new refresh token
    carrying both. ``user=None`` issues a machine-to-machine access token
    (client_credentials): no ID token, no refresh token, sub = client id.
    ``nonce`` goes into the ID token (OAuth authorize requests), and so does
    ``at_hash`` of the access token with ``with_at_hash`` (the OAuth endpoints). Access and ID
    tokens are recorded where moto looks for them (GetUser, GlobalSignOut...).
    """
    now = int(time.time())
    auth_time = now if auth_time is None else int(auth_time)
    expires_in = _validity(client, "AccessToken", 3600)
    if user is None:
        access = _sign_access(
            pool,
            client,
            None,
            now=now,
            auth_time=auth_time,
            origin_jti=None,
            event_id=None,
            scope=scope,
        )
        return IssuedTokens(access, None, None, expires_in, None, auth_time)
    origin_jti = origin_jti or str(uuid.uuid4())
    event_id = event_id or str(uuid.uuid4())
    access = _sign_access(
        pool,
        client,
        user,
        now=now,
        auth_time=auth_time,
        origin_jti=origin_jti,
        event_id=event_id,
        scope=scope,
    )
    id_jwt = None
    if id_token:
        id_jwt = _sign_id(
            pool,
            client,
            user,
            now=now,
            auth_time=auth_time,
            origin_jti=origin_jti,
            event_id=event_id,
            nonce=nonce,
            access_token=access if with_at_hash else None,
        )
    refresh = None
    if refresh_token:
        refresh = _issue_refresh_token(
            pool, RefreshGrant(client.id, user.username, origin_jti, auth_time, event_id)
        )
    return IssuedTokens(access, id_jwt, refresh, expires_in, origin_jti, auth_time)


def mint_from_grant(pool: Any, grant: RefreshGrant, *, refresh_token: bool = False) -> IssuedTokens:
    """Tokens for a refresh: the grant's user, client, ``auth_time`` and ``origin_jti``.

    With ``refresh_token`` (rotation) the new refresh token continues the same
    sign-in: same ``auth_time`` and ``origin_jti``.
    """
    client = pool.clients.get(grant.client_id)
    user = pool._get_user(grant.username)
    if client is None or user is None:
        raise LookupError("the refresh token's client or user no longer exists")
    return mint_tokens(
        pool,
        client,
        user,
        auth_time=grant.auth_time,
        origin_jti=grant.origin_jti,
        event_id=grant.event_id,
        refresh_token=refresh_token,
    )


# -- moto's pools, minting here ---------------------------------------------------------


def _local_pool_class() -> type:
    from moto.cognitoidp.models import CognitoIdpUserPool, NotAuthorizedError

    class LocalUserPool(CognitoIdpUserPool):  # type: ignore[misc, valid-type]
        """A moto user pool whose token methods mint with :func:`mint_tokens`.

        moto's flows call these four methods; each keeps moto's signature
        and return value.
        """

        def create_refresh_token(self, client_id: str, username: str) -> tuple[str, str]:
            pool_keys(self)  # first sign-in: make the keys before stamping auth_time
            user = self._get_user(username)
            grant = RefreshGrant(
                client_id, user.username, str(uuid.uuid4()), int(time.time()), str(uuid.uuid4())
            )
            return _issue_refresh_token(self, grant), grant.origin_jti

        def create_tokens_from_refresh_token(self, refresh_token: str) -> tuple[str, str, int]:
            grant = refresh_grant(self, refresh_token)
            if grant is None or self.refresh_tokens.get(refresh_token) is None:
                raise NotAuthorizedError("Invalid Refresh Token")
            issued = mint_from_grant(self, grant)
            return issued.access_token, issued.id_token or "", issued.expires_in

        def _grant_of(self, client_id: str, username: str, origin_jti: str) -> RefreshGrant:
            grant = _first_grants(self).get(origin_jti)
            if grant is not None:
                return grant
            user = self._get_user(username)
            return RefreshGrant(
                client_id, user.username, origin_jti, int(time.time()), str(uuid.uuid4())
            )

        def create_access_token(
            self, client_id: str, username: str, origin_jti: str
        ) -> tuple[str, int]:
            grant = self._grant_of(client_id, username, origin_jti)
            client = self.clients[client_id]
            token = _sign_access(
                self,
                client,
                self._get_user(username),
                now=int(time.time()),
                auth_time=grant.auth_time,
                origin_jti=origin_jti,
                event_id=grant.event_id,
                scope=USER_POOL_SCOPE,
            )
            return token, _validity(client, "AccessToken", 3600)

        def create_id_token(
            self, client_id: str, username: str, origin_jti: str
        ) -> tuple[str, int]:
            grant = self._grant_of(client_id, username, origin_jti)
            client = self.clients[client_id]
            token = _sign_id(
                self,
                client,
                self._get_user(username),
                now=int(time.time()),
                auth_time=grant.auth_time,
                origin_jti=origin_jti,
                event_id=grant.event_id,
                nonce=None,
            )
            return token, _validity(client, "IdToken", 3600)

    return LocalUserPool


_pool_class: type | None = None


def __getattr__(name: str) -> Any:
    # LocalUserPool subclasses moto's pool: made on first use, so importing this
    # module (the diagnosis engine does, through the package) does not import moto.
    global _pool_class
    if name == "LocalUserPool":
        if _pool_class is None:
            _pool_class = _local_pool_class()
        return _pool_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def adopt_pool(backend: Any, pool: Any) -> str:
    """Make a pool moto just created mint here, under an AWS-shaped id; returns the id.

    Call before the pool has clients or users (CreateUserPool's answer).
    """
    pool.__class__ = __getattr__("LocalUserPool")
    old_id = pool.id
    new_id = new_pool_id(pool.region, backend.user_pools)
    backend.user_pools.pop(old_id, None)
    pool.id = new_id
    pool.arn = pool.arn.rsplit("/", 1)[0] + "/" + new_id
    backend.user_pools[new_id] = pool
    return new_id
