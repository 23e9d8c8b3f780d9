"""Cognito's OAuth 2.0 endpoints on the local Cognito (managed login, token issuer, ...).

Served for every pool that has a domain (``CreateUserPoolDomain``), at the
local URLs of :mod:`.urls`. One module per endpoint or concern, like a moto
service:

- :mod:`.authorize`: ``/oauth2/authorize``, the sign-in page ``/login``, ``/error``
- :mod:`.token`: ``/oauth2/token`` and its three grants
- :mod:`.client_auth`: Basic / body client authentication (the raw secret, never a hash)
- :mod:`.userinfo`, :mod:`.revoke`, :mod:`.logout`: the other endpoints
- :mod:`.discovery`: ``/<pool-id>/.well-known/openid-configuration``
- :mod:`.minting`: the tokens; :mod:`.store`: codes and sessions;
  :mod:`.config`: domains, client settings, scopes; :mod:`.wire`: forms and answers

Each module's docstring lists the rules it follows, with the AWS page they
come from. Taught in ``notebooks/11-client-secret-on-oauth-endpoints.ipynb``.
"""

from __future__ import annotations

import logging
from typing import Any

from .config import domain_of_pool, find_domain
from .store import OAuthStore
from .token import CORS_HEADERS
from .urls import DISCOVERY_PATH, domain_base, oauth_urls, split_path
from .userinfo import bearer_error_headers
from .wire import OAuthError, Response, json_response, oauth_error

__all__ = ["OAuthEndpoints", "OAuthStore", "oauth_urls"]

_log = logging.getLogger(__name__)


def _endpoint_url(environ: dict[str, Any]) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"
    )
    return f"{scheme}://{host}"


class OAuthEndpoints:
    """The OAuth routes of one :class:`~cognito_helpers.local.layer.FidelityLayer`."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer

    def handles(self, path: str) -> bool:
        return split_path(path) is not None or DISCOVERY_PATH.fullmatch(path) is not None

    def serve(self, environ: dict[str, Any]) -> Response | None:
        """The answer to an OAuth request, or None when ``environ`` is not one."""
        path = environ.get("PATH_INFO", "") or ""
        found = split_path(path)
        discovery = DISCOVERY_PATH.fullmatch(path) if found is None else None
        if found is None and discovery is None:
            return None
        endpoint = found[1] if found else "discovery"
        try:
            with self.layer._lock:
                if discovery is not None:
                    return self._discovery(environ, discovery.group(1))
                return self._dispatch(environ, *found)  # type: ignore[misc]
        except OAuthError as err:
            return self._error(endpoint, err)
        except Exception as exc:  # never a traceback: the server keeps serving
            _log.debug("local Cognito OAuth endpoint %s failed", endpoint, exc_info=True)
            return self._error(
                endpoint,
                OAuthError(
                    "server_error",
                    f"the local Cognito failed ({type(exc).__name__}); a bug in the emulator.",
                    500,
                ),
            )

    def _error(self, endpoint: str, err: OAuthError) -> Response:
        headers = list(CORS_HEADERS) if endpoint == "token" else []
        headers += bearer_error_headers(err)
        if err.status == 405:
            allow = {"token": "POST, OPTIONS", "revoke": "POST", "userinfo": "GET, POST",
                     "login": "GET, POST"}.get(endpoint, "GET")
            headers.append(("Allow", allow))
        return oauth_error(err, headers)

    def _discovery(self, environ: dict[str, Any], pool_id: str) -> Response:
        from .discovery import openid_configuration

        backends = self.layer._backends()
        pool = None
        for backend in backends:
            pool = backend.user_pools.get(pool_id) or pool
        if pool is None:
            return json_response(
                {"__type": "ResourceNotFoundException",
                 "message": f"User pool {pool_id} does not exist."}, 404)
        endpoint = _endpoint_url(environ)
        domain = domain_of_pool(backends, pool_id)
        base = domain_base(endpoint, domain) if domain else None
        return openid_configuration(pool, endpoint, base)

    def _dispatch(self, environ: dict[str, Any], domain_name: str, endpoint: str) -> Response:
        domain = find_domain(self.layer._backends(), domain_name)
        if domain is None:
            raise OAuthError(
                "invalid_request",
                f"no user pool has the domain {domain_name!r} here (CreateUserPoolDomain first).",
                404,
            )
        base = domain_base(_endpoint_url(environ), domain.name)
        if endpoint == "token":
            from .token import preflight, token

            if environ.get("REQUEST_METHOD") == "OPTIONS":
                return preflight()
            return token(self.layer, domain, environ)
        if endpoint == "authorize":
            from .authorize import authorize

            return authorize(self.layer, domain, base, environ)
        if endpoint == "login":
            from .authorize import login

            return login(self.layer, domain, base, environ)
        if endpoint == "error":
            from .authorize import error_page

            return error_page(domain, base, environ)
        if endpoint == "userinfo":
            from .userinfo import userinfo

            return userinfo(self.layer, domain, environ)
        if endpoint == "revoke":
            from .revoke import revoke

            return revoke(self.layer, domain, environ)
        from .logout import logout

        return logout(self.layer, domain, base, environ)
