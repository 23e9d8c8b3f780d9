"""Which Cognito the notebooks talk to: the local one by default, a real pool on request.

``get_target()`` is the one way a notebook gets its target (taught in
``notebooks/01-setup-check.ipynb``):

* no configuration: the embedded :class:`~cognito_helpers.local.LocalCognito`
  with a demo pool, started once per process (kernel) and reused;
* ``COGNITO_USER_POOL_ID`` and ``COGNITO_CLIENT_ID`` set (plus
  ``COGNITO_CLIENT_SECRET`` when the client has one, and the usual AWS
  region/profile variables): that real user pool. ``COGNITO_USERNAME`` and
  ``COGNITO_PASSWORD`` name a test user for the sign-in lessons.
  ``COGNITO_ENDPOINT_URL`` points at another endpoint (for example a local
  Cognito started with ``python -m cognito_helpers local``).
  ``COGNITO_STRICT=0`` hashes the client id, secret and username exactly as
  given instead of refusing what Cognito never issues (``strict=False``).

Problems (a missing variable, a half-set configuration, a region that does not
match the pool id, a malformed endpoint, a stray newline in a value, an
``AWS_PROFILE`` that does not exist, missing credentials for admin calls) are
reported as :class:`~cognito_helpers.exceptions.ConfigurationError` before any
call, with what is wrong and how to fix it, never with a secret in it.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .exceptions import ConfigurationError, InvalidInputError
from .hashing import (
    STRICT_ENV,
    check_client_id,
    check_client_secret,
    check_username,
    secret_hash,
    strict_from_env,
    strict_hint,
)
from .redact import mask
from .validate import flag, text, with_text_fields

_DEMO_FIELDS = ("region", "user_pool_id", "client_id", "client_secret", "endpoint_url", "username",
                "password", "public_client_id", "internal_username")
# what a target must hold to be used by name (verify_for_target, snippet_env, remove_users...)
TARGET_FIELDS = ("region", "user_pool_id", "client_id", "client_secret", "endpoint_url")
TARGET_OPTIONAL = ("client_secret", "endpoint_url")

__all__ = [
    "ENV_VARS",
    "STRICT_ENV",
    "Target",
    "get_target",
    "local_cognito",
    "reset_local_target",
    "strict_from_env",
]

#: The variables that select a real pool, with clearly fake examples (README). The
#: values are shaped like Cognito's (a 26-character client id, a 51-character secret
#: of [a-z0-9]), so they pass ``get_target()`` (``tests/test_target.py``).
ENV_VARS = {
    "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123",
    "COGNITO_CLIENT_ID": "1example23456789abcdefghij",
    "COGNITO_CLIENT_SECRET": "example0secret0from0your0secrets0store0abcdefghijkl",
    "COGNITO_USERNAME": "test-user",
    "COGNITO_PASSWORD": "an-example-password",
    "AWS_REGION": "eu-west-1",
    "AWS_PROFILE": "my-profile",
    "COGNITO_ENDPOINT_URL": "http://127.0.0.1:5000",
}

# set without COGNITO_USER_POOL_ID / COGNITO_CLIENT_ID they mean nothing to the local
# Cognito: a half-set configuration, reported instead of silently ignored
_REAL_ONLY = ("COGNITO_CLIENT_SECRET", "COGNITO_ENDPOINT_URL", "COGNITO_USERNAME",
              "COGNITO_PASSWORD")

_POOL_ID = re.compile(r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+")


@dataclass(frozen=True)
class Target:
    """A Cognito user pool and app client to call; the repr masks secret and password."""

    kind: Literal["local", "real"]
    region: str
    user_pool_id: str
    client_id: str
    client_secret: str | None = field(repr=False)
    endpoint_url: str | None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    public_client_id: str | None = None
    internal_username: str | None = None
    profile: str | None = None
    strict: bool = True

    def __repr__(self) -> str:
        where = self.endpoint_url or f"AWS {self.region}"
        return (
            f"Target({self.kind}, {where}, pool={self.user_pool_id}, client={self.client_id}, "
            f"secret={mask(self.client_secret)}, username={self.username!r}, "
            f"password={mask(self.password, keep=0)})"
        )

    def describe(self) -> str:
        """A few lines for a person: which Cognito, which pool and client, secret masked."""
        lines = [
            f"target        : {'local Cognito (no AWS account needed)' if self.kind == 'local' else 'real user pool'}",
            f"endpoint      : {self.endpoint_url or f'AWS default for {self.region}'}",
            f"region        : {self.region}",
            f"user pool     : {self.user_pool_id}",
            f"app client    : {self.client_id}",
            f"client secret : {mask(self.client_secret) if self.client_secret else 'none (public client)'}",
        ]
        if self.username:
            lines.append(
                f"test user     : {self.username} (password {mask(self.password, keep=0)})"
            )
        return "\n".join(lines)

    @classmethod
    def from_demo(cls, demo: Any) -> Target:
        """The target for a local demo pool (a :class:`~cognito_helpers.local.DemoPool`)."""
        with_text_fields("demo", demo, _DEMO_FIELDS, "a DemoPool (LocalCognito().demo())")
        return cls(
            kind="local",
            region=demo.region,
            user_pool_id=demo.user_pool_id,
            client_id=demo.client_id,
            client_secret=demo.client_secret,
            endpoint_url=demo.endpoint_url,
            username=demo.username,
            password=demo.password,
            public_client_id=demo.public_client_id,
            internal_username=demo.internal_username,
        )

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret)

    def secret_hash(self, username: str | None = None) -> str:
        """SECRET_HASH for ``username`` (default: the target's test user) on this client."""
        if not self.client_secret:
            raise ConfigurationError(
                f"app client {self.client_id} has no secret configured here, so no hash is "
                "sent. Set COGNITO_CLIENT_SECRET if the client has one."
            )
        text("username", username, optional=True)
        user = username or self.username
        if not user:
            raise ConfigurationError("no username given and COGNITO_USERNAME is not set.")
        return secret_hash(user, self.client_id, self.client_secret, strict=self.strict)

    def client(self, *, attempts: int = 4, timeout: float | None = None) -> Any:
        """A boto3 ``cognito-idp`` client for this target; a call is tried ``attempts`` times in all.

        ``attempts=1`` asks once: botocore's standard retries treat
        LimitExceededException as throttling and retry it with backoff, which
        only waits when the limit is a real one (notebook 08 shows it).
        Each call, retries included, answers within ``timeout`` seconds
        (default ``$COGNITO_TIMEOUT``, else 10) or raises
        :class:`~cognito_helpers.exceptions.DeadlineError` naming the endpoint.
        """
        from botocore.config import Config

        from .deadline import deadline_client, resolve_timeout
        from .sdk_session import boto3_session

        if not isinstance(attempts, int) or isinstance(attempts, bool) or not 1 <= attempts <= 10:
            raise InvalidInputError("attempts", f"{attempts!r}: a whole number from 1 to 10.")
        seconds = resolve_timeout(timeout)
        config = Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            connect_timeout=5,
            read_timeout=30,
        )
        if self.kind == "local":
            session = boto3_session(
                aws_access_key_id="AKIALOCALCOGNITO0000",
                aws_secret_access_key="local-cognito-dummy-secret-key",  # noqa: S106
                region_name=self.region,
            )
        else:
            self._check_profile()
            session = boto3_session(profile_name=self.profile, region_name=self.region)
        from .safelog import protect_sdk_logs

        protect_sdk_logs()  # botocore's DEBUG logs would show passwords and secrets
        return deadline_client(
            session.client("cognito-idp", endpoint_url=self.endpoint_url, config=config), seconds
        )

    @property
    def has_credentials(self) -> bool:
        """Whether AWS credentials are available (needed for Admin* calls only)."""
        if self.kind == "local":
            return True
        from .sdk_session import boto3_session

        try:
            self._check_profile()
            session = boto3_session(profile_name=self.profile, region_name=self.region)
            return session.get_credentials() is not None
        except Exception:  # profile not found and the like
            return False

    def _check_profile(self) -> None:
        if self.profile:
            _check_profile(self.profile, {})

    def require_credentials(self) -> None:
        """Raise ConfigurationError, with what to do, if Admin* calls cannot be signed."""
        if self.kind == "real":
            self._check_profile()  # a profile that does not exist says so, not "set AWS_PROFILE"
        if not self.has_credentials:
            if self.profile:
                raise ConfigurationError(
                    f"the AWS profile {self.profile!r} (AWS_PROFILE) exists but holds no "
                    "credentials. Admin* calls (AdminInitiateAuth, DescribeUserPoolClient, ...) "
                    f"are signed: run 'aws configure --profile {self.profile}' (or 'aws sso "
                    "login'), or choose another profile. Public calls (InitiateAuth, SignUp) "
                    "need none."
                )
            raise ConfigurationError(
                "no AWS credentials found. Admin* calls (AdminInitiateAuth, DescribeUserPoolClient, "
                "...) are signed: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or "
                "run 'aws configure'. Public calls (InitiateAuth, SignUp) need none."
            )


def _region_of_pool(pool_id: str) -> str:
    match = _POOL_ID.fullmatch(pool_id)
    if not match:
        raise ConfigurationError(
            f"COGNITO_USER_POOL_ID={pool_id!r} is not a user pool id; they look like "
            f"{ENV_VARS['COGNITO_USER_POOL_ID']} (region, underscore, id)."
        )
    return match.group("region")


def _check_profile(profile: str, env: Mapping[str, str]) -> None:
    """Refuse an AWS_PROFILE that names no profile (boto3 would raise ProfileNotFound later)."""
    import botocore.session

    session = botocore.session.Session()
    for var, setting in (("AWS_CONFIG_FILE", "config_file"),
                         ("AWS_SHARED_CREDENTIALS_FILE", "credentials_file")):
        if env.get(var):
            session.set_config_variable(setting, env[var])
    try:
        known = list(session.available_profiles)
    except Exception as exc:  # a config file that does not parse
        raise ConfigurationError(
            f"cannot read the AWS config files to find the profile {profile!r} (AWS_PROFILE): "
            f"{exc.__class__.__name__}. Fix the file, or unset AWS_PROFILE."
        ) from None
    if profile in known:
        return
    files = " or ".join(
        os.path.expanduser(str(session.get_config_variable(s)))
        for s in ("config_file", "credentials_file")
    )
    listed = ", ".join(sorted(known)) if known else "none"
    raise ConfigurationError(
        f"AWS_PROFILE={profile!r} names a profile that does not exist (looked in {files}; "
        f"profiles there: {listed}). Create it with 'aws configure --profile {profile}', set "
        "AWS_PROFILE to one that exists, or unset it to use the default credentials."
    )


def _check_endpoint(url: str) -> str:
    """COGNITO_ENDPOINT_URL as boto3 needs it, or a ConfigurationError saying what is wrong."""
    from urllib.parse import urlsplit

    example = "for example http://127.0.0.1:5000 or https://cognito-idp.eu-west-1.amazonaws.com"
    bad = next((c for c in url if c.isspace() or not c.isprintable()), None)
    if bad is not None:
        where = "ends with" if url.rstrip() != url and url.strip() else "contains"
        raise ConfigurationError(
            f"COGNITO_ENDPOINT_URL {where} {bad!r} (whitespace or a control character). "
            f"Remove it where the variable is set; an endpoint is one URL, {example}."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(
            f"COGNITO_ENDPOINT_URL={url!r} is not a URL ({exc}). Use {example}."
        ) from None
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(
            f"COGNITO_ENDPOINT_URL={url!r} must start with http:// or https://"
            + (f", not {parts.scheme}://" if parts.scheme else "")
            + f" (Cognito answers HTTP(S) only). Use {example}."
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "COGNITO_ENDPOINT_URL carries a user name or password (user:pass@host); "
            "Cognito endpoints take none, and boto3 would not send them. Remove it."
        )
    if not parts.hostname:
        raise ConfigurationError(
            f"COGNITO_ENDPOINT_URL={url!r} has no host. Use {example}."
        )
    if port == 0:
        raise ConfigurationError(
            f"COGNITO_ENDPOINT_URL={url!r}: port 0 is not a port to call. Use the port the "
            f"server printed, {example}."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"COGNITO_ENDPOINT_URL={url!r} has a query or fragment; an endpoint is scheme, "
            f"host and port only, {example}."
        )
    return url


def _check_login(env: Mapping[str, str], strict: bool) -> tuple[str | None, str | None]:
    """COGNITO_USERNAME and COGNITO_PASSWORD, refused when a stray newline or space would fail."""
    username = env.get("COGNITO_USERNAME") or None
    password = env.get("COGNITO_PASSWORD") or None
    if username is not None:
        try:
            check_username(username, strict=strict)
        except InvalidInputError as exc:
            raise ConfigurationError(_env_message("COGNITO_USERNAME", exc)) from None
    if password is not None:
        if password != password.strip():
            end = "ends" if password.rstrip() != password else "starts"
            what = "a newline" if "\n" in (password[-1:] + password[:1]) else "whitespace"
            raise ConfigurationError(
                f"COGNITO_PASSWORD {end} with {what}, which Cognito never accepts at either end "
                "of a password (a value from a file or `echo` output?). Remove it where the "
                "variable is set."
            )
        if any(c in password for c in "\r\n") or not password.isprintable():
            raise ConfigurationError(
                "COGNITO_PASSWORD contains a line break or control character; a password "
                "is one line. Remove it where the variable is set."
            )
    return username, password


_FIX_STRICT = f"set {STRICT_ENV}=0 to hash it exactly as given"


def _env_message(var: str, exc: InvalidInputError) -> str:
    text = str(exc).split(": ", 1)[1] if ": " in str(exc) else str(exc)
    return f"{var} " + strict_hint(text, _FIX_STRICT)


def _real_target(env: Mapping[str, str], strict: bool = True) -> Target:
    pool_id = env.get("COGNITO_USER_POOL_ID", "").strip()
    client_id = env.get("COGNITO_CLIENT_ID", "").strip()
    missing = [
        k for k, v in (("COGNITO_USER_POOL_ID", pool_id), ("COGNITO_CLIENT_ID", client_id)) if not v
    ]
    if missing:
        raise ConfigurationError(
            f"{' and '.join(missing)} not set: to use a real pool set COGNITO_USER_POOL_ID and "
            "COGNITO_CLIENT_ID (and COGNITO_CLIENT_SECRET if the client has one); unset them all "
            "to use the local Cognito."
        )
    pool_region = _region_of_pool(pool_id)
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or pool_region
    if region != pool_region:
        raise ConfigurationError(
            f"the user pool {pool_id} lives in {pool_region} but the AWS region is {region} "
            f"(AWS_REGION / AWS_DEFAULT_REGION). Cognito would answer ResourceNotFoundException. "
            f"Set AWS_REGION={pool_region}."
        )
    secret = env.get("COGNITO_CLIENT_SECRET") or None
    try:
        check_client_id(client_id, strict=strict)
        if secret is not None:
            check_client_secret(secret, strict=strict)
    except InvalidInputError as exc:
        raise ConfigurationError(_env_message(f"COGNITO_{exc.field.upper()}", exc)) from None
    endpoint = env.get("COGNITO_ENDPOINT_URL") or None
    if endpoint is not None:
        endpoint = _check_endpoint(endpoint)
    username, password = _check_login(env, strict)
    profile = env.get("AWS_PROFILE") or None
    if profile is not None:
        _check_profile(profile, env)
    return Target(
        kind="real",
        region=region,
        user_pool_id=pool_id,
        client_id=client_id,
        client_secret=secret,
        endpoint_url=endpoint,
        username=username,
        password=password,
        profile=profile,
        strict=strict,
    )


_local_lock = threading.Lock()
_local: Any = None
_local_target: Target | None = None


def _stop_local() -> None:
    global _local, _local_target
    if _local is not None:
        _local.stop()
    _local, _local_target = None, None


def reset_local_target() -> None:
    """Stop this process's local Cognito; the next ``get_target()`` starts afresh."""
    with _local_lock:
        _stop_local()


def get_target(
    env: Mapping[str, str] | None = None, *, fresh: bool = False, strict: bool | None = None
) -> Target:
    """The Cognito to use: real when ``COGNITO_USER_POOL_ID``/``COGNITO_CLIENT_ID`` are set,
    otherwise the local Cognito with its demo pool (one per process, reused;
    ``fresh=True`` provisions a new demo pool).

    ``strict`` (default: ``COGNITO_STRICT``, on unless set to 0) refuses a client
    id, secret or username that Cognito never issues; off, they are hashed exactly
    as given. Taught in ``notebooks/01-setup-check.ipynb``.
    """
    env = os.environ if env is None else env
    if not isinstance(env, Mapping):
        raise InvalidInputError("env", f"expected a mapping of variables, got {type(env).__name__}.")
    flag("fresh", fresh)
    if strict is None:
        strict = strict_from_env(env)
    elif not isinstance(strict, bool):
        raise InvalidInputError("strict", f"expected True or False, got {type(strict).__name__}.")
    if env.get("COGNITO_USER_POOL_ID") or env.get("COGNITO_CLIENT_ID"):
        return _real_target(env, strict)
    stray = [var for var in _REAL_ONLY if env.get(var)]
    if stray:
        them = " and ".join(stray)
        raise ConfigurationError(
            f"{them} {'is' if len(stray) == 1 else 'are'} set but COGNITO_USER_POOL_ID and "
            "COGNITO_CLIENT_ID are not, so it is not clear which Cognito you mean. To use your "
            "pool, set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID too; to use the local "
            f"Cognito, unset {them}."
        )
    global _local, _local_target
    with _local_lock:
        if _local is None:
            from .local import LocalCognito

            _local = LocalCognito().start()
            atexit.register(_stop_local)
        if _local_target is None or fresh:
            _local_target = Target.from_demo(_local.demo())
        return _local_target


def local_cognito() -> Any:
    """The process's local Cognito behind ``get_target()`` (started on first use)."""
    get_target({})
    return _local
