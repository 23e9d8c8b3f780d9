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

Problems (a missing variable, a region that does not match the pool id,
missing credentials for admin calls) are reported as
:class:`~cognito_helpers.exceptions.ConfigurationError` before any call.
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
from .hashing import check_client_id, check_client_secret, secret_hash
from .redact import mask

__all__ = ["ENV_VARS", "Target", "get_target", "local_cognito", "reset_local_target"]

#: The variables that select a real pool, with clearly fake examples (README).
ENV_VARS = {
    "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123",
    "COGNITO_CLIENT_ID": "1example23456789abcdefghij",
    "COGNITO_CLIENT_SECRET": "example-secret-read-from-your-secrets-store",
    "COGNITO_USERNAME": "test-user",
    "COGNITO_PASSWORD": "an-example-password",
    "AWS_REGION": "eu-west-1",
    "AWS_PROFILE": "my-profile",
    "COGNITO_ENDPOINT_URL": "http://127.0.0.1:5000",
}

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
        user = username or self.username
        if not user:
            raise ConfigurationError("no username given and COGNITO_USERNAME is not set.")
        return secret_hash(user, self.client_id, self.client_secret)

    def client(self) -> Any:
        """A boto3 ``cognito-idp`` client for this target."""
        import boto3
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30
        )
        if self.kind == "local":
            session = boto3.session.Session(
                aws_access_key_id="AKIALOCALCOGNITO0000",
                aws_secret_access_key="local-cognito-dummy-secret-key",  # noqa: S106
                region_name=self.region,
            )
        else:
            session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
        from .safelog import protect_sdk_logs

        protect_sdk_logs()  # botocore's DEBUG logs would show passwords and secrets
        return session.client("cognito-idp", endpoint_url=self.endpoint_url, config=config)

    @property
    def has_credentials(self) -> bool:
        """Whether AWS credentials are available (needed for Admin* calls only)."""
        if self.kind == "local":
            return True
        import boto3

        try:
            session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
            return session.get_credentials() is not None
        except Exception:  # profile not found and the like
            return False

    def require_credentials(self) -> None:
        """Raise ConfigurationError, with what to do, if Admin* calls cannot be signed."""
        if not self.has_credentials:
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


def _real_target(env: Mapping[str, str]) -> Target:
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
        check_client_id(client_id)
        if secret is not None:
            check_client_secret(secret)
    except InvalidInputError as exc:
        raise ConfigurationError(
            f"COGNITO_{exc.field.upper()} {str(exc).split(': ', 1)[1]}"
        ) from None
    return Target(
        kind="real",
        region=region,
        user_pool_id=pool_id,
        client_id=client_id,
        client_secret=secret,
        endpoint_url=env.get("COGNITO_ENDPOINT_URL") or None,
        username=env.get("COGNITO_USERNAME") or None,
        password=env.get("COGNITO_PASSWORD") or None,
        profile=env.get("AWS_PROFILE") or None,
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


def get_target(env: Mapping[str, str] | None = None, *, fresh: bool = False) -> Target:
    """The Cognito to use: real when ``COGNITO_USER_POOL_ID``/``COGNITO_CLIENT_ID`` are set,
    otherwise the local Cognito with its demo pool (one per process, reused;
    ``fresh=True`` provisions a new demo pool).
    """
    env = os.environ if env is None else env
    if env.get("COGNITO_USER_POOL_ID") or env.get("COGNITO_CLIENT_ID"):
        return _real_target(env)
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
