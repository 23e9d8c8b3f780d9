"""Where a pool's OAuth endpoints live on the local Cognito, and the routes.

On AWS a domain ``<prefix>`` serves ``https://<prefix>.auth.<region>.amazoncognito.com/oauth2/...``
(and a custom domain its own host). Locally every pool shares one loopback
server, so the domain becomes the first path segment:

    http://127.0.0.1:<port>/<domain>/oauth2/authorize
    http://127.0.0.1:<port>/<domain>/oauth2/token
    http://127.0.0.1:<port>/<domain>/oauth2/userInfo
    http://127.0.0.1:<port>/<domain>/oauth2/revoke
    http://127.0.0.1:<port>/<domain>/logout
    http://127.0.0.1:<port>/<domain>/login          (the sign-in page)

A path prefix, not a ``Host``: no DNS set-up, works with every HTTP client,
and the server's host checks stay simple. Apps read these URLs from the
discovery document (``/<pool-id>/.well-known/openid-configuration``), so
pointing an app at the local Cognito is changing one base URL.
"""

from __future__ import annotations

import re

__all__ = ["DISCOVERY_PATH", "ENDPOINTS", "domain_base", "oauth_urls", "split_path"]

# path below the domain -> endpoint name
ENDPOINTS = {
    "oauth2/authorize": "authorize",
    "oauth2/token": "token",
    "oauth2/userInfo": "userinfo",
    "oauth2/userinfo": "userinfo",
    "oauth2/revoke": "revoke",
    "logout": "logout",
    "login": "login",
    "error": "error",
}
DISCOVERY_PATH = re.compile(r"/([\w-]+_[0-9A-Za-z]+)/\.well-known/openid-configuration")
_PATH = re.compile(r"/([a-z0-9][a-z0-9.-]{0,253})/(oauth2/[A-Za-z]+|logout|login|error)")


def split_path(path: str) -> tuple[str, str] | None:
    """``(domain, endpoint name)`` for an OAuth path, else None."""
    match = _PATH.fullmatch(path)
    if match is None or match.group(2) not in ENDPOINTS:
        return None
    return match.group(1), ENDPOINTS[match.group(2)]


def domain_base(endpoint_url: str, domain: str) -> str:
    """The local stand-in for ``https://<domain>.auth.<region>.amazoncognito.com``."""
    return f"{endpoint_url.rstrip('/')}/{domain}"


def oauth_urls(endpoint_url: str, domain: str, user_pool_id: str | None = None) -> dict[str, str]:
    """The local OAuth URLs of ``domain`` (and the discovery document of ``user_pool_id``).

    Taught in ``notebooks/11-client-secret-on-oauth-endpoints.ipynb``.
    """
    base = domain_base(endpoint_url, domain)
    urls = {
        "authorize": f"{base}/oauth2/authorize",
        "token": f"{base}/oauth2/token",
        "userinfo": f"{base}/oauth2/userInfo",
        "revoke": f"{base}/oauth2/revoke",
        "logout": f"{base}/logout",
    }
    if user_pool_id is not None:
        urls["discovery"] = (
            f"{endpoint_url.rstrip('/')}/{user_pool_id}/.well-known/openid-configuration"
        )
    return urls
