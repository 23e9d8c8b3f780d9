"""What the OAuth endpoints read from moto's state: domains, app-client OAuth settings, scopes.

A pool serves OAuth endpoints once it has a domain (``CreateUserPoolDomain``);
moto keeps domains per region in ``backend.user_pool_domains``, and this module
is the one place that looks there. App-client settings are the
``CreateUserPoolClient`` fields moto stores as given (API reference,
CreateUserPoolClient: ``AllowedOAuthFlows``, ``AllowedOAuthScopes``,
``AllowedOAuthFlowsUserPoolClient``, ``CallbackURLs``, ``LogoutURLs``,
``SupportedIdentityProviders``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "STANDARD_SCOPES",
    "ClientOAuth",
    "Domain",
    "custom_scopes",
    "find_domain",
    "token_lifetime",
]

# The system-reserved scopes (authorization endpoint page, "scope"): the rest are
# custom scopes "<resource server identifier>/<scope name>" (CreateResourceServer).
STANDARD_SCOPES = ("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin")

# A prefix domain is lowercase letters, digits and hyphens (CreateUserPoolDomain's
# DomainType pattern ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$); a custom domain is
# a host name. Neither contains "_", so "/<domain>/..." never collides with
# "/<pool-id>/.well-known/..." (pool ids are "<region>_<id>").
DOMAIN_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


@dataclass(frozen=True)
class Domain:
    """A pool's domain as the local Cognito serves it."""

    name: str
    pool: Any  # moto's CognitoIdpUserPool

    @property
    def pool_id(self) -> str:
        return str(self.pool.id)


def find_domain(backends: list[Any], name: str) -> Domain | None:
    """The pool behind domain ``name`` among ``backends`` (this account's regions)."""
    if not DOMAIN_PATTERN.fullmatch(name):
        return None
    for backend in backends:
        entry = getattr(backend, "user_pool_domains", {}).get(name)
        if entry is not None:
            pool = backend.user_pools.get(entry.user_pool_id)
            if pool is not None:
                return Domain(name, pool)
    return None


def domain_of_pool(backends: list[Any], pool_id: str) -> str | None:
    for backend in backends:
        for name, entry in list(getattr(backend, "user_pool_domains", {}).items()):
            if entry.user_pool_id == pool_id:
                return str(name)
    return None


def custom_scopes(pool: Any) -> set[str]:
    """Every custom scope of the pool's resource servers: ``<identifier>/<name>``."""
    out: set[str] = set()
    for server in list(getattr(pool, "resource_servers", {}).values()):
        for scope in server.scopes or []:
            name = scope.get("ScopeName") if isinstance(scope, dict) else None
            if name:
                out.add(f"{server.identifier}/{name}")
    return out


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


@dataclass(frozen=True)
class ClientOAuth:
    """One app client's OAuth settings (``CreateUserPoolClient`` fields)."""

    client_id: str
    enabled: bool  # AllowedOAuthFlowsUserPoolClient
    flows: tuple[str, ...]  # AllowedOAuthFlows: code, implicit, client_credentials
    scopes: tuple[str, ...]  # AllowedOAuthScopes
    callback_urls: tuple[str, ...]
    logout_urls: tuple[str, ...]
    identity_providers: tuple[str, ...]  # SupportedIdentityProviders
    read_attributes: tuple[str, ...]
    config: dict[str, Any]

    @classmethod
    def of(cls, client: Any) -> ClientOAuth:
        cfg = dict(getattr(client, "extended_config", {}) or {})
        return cls(
            client_id=str(client.id),
            enabled=cfg.get("AllowedOAuthFlowsUserPoolClient") is True,
            flows=_str_list(cfg.get("AllowedOAuthFlows")),
            scopes=_str_list(cfg.get("AllowedOAuthScopes")),
            callback_urls=_str_list(cfg.get("CallbackURLs")),
            logout_urls=_str_list(cfg.get("LogoutURLs")),
            identity_providers=_str_list(cfg.get("SupportedIdentityProviders")),
            read_attributes=_str_list(cfg.get("ReadAttributes")),
            config=cfg,
        )


_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def token_lifetime(client_cfg: dict[str, Any], kind: str) -> int:
    """Seconds an access or ID token lives: ``AccessTokenValidity`` / ``IdTokenValidity``.

    API reference, TokenValidityUnitsType: the unit defaults to hours, and both
    tokens default to 1 hour.
    """
    field = {"access": "AccessTokenValidity", "id": "IdTokenValidity"}[kind]
    units = client_cfg.get("TokenValidityUnits") or {}
    unit = units.get("AccessToken" if kind == "access" else "IdToken", "hours")
    value = client_cfg.get(field)
    if not isinstance(value, int) or value <= 0:
        return 3600
    return value * _UNIT_SECONDS.get(str(unit), 3600)
