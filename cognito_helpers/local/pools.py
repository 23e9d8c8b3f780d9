"""User pools: AWS-shaped ids, and each pool's own signing keys and JWKS.

moto names pools ``<region>_`` plus 32 hex characters and serves one shared key
(``kid`` "dummy") for every pool id, known or not. AWS names them ``<region>_``
plus 9 letters and digits and serves each pool's own keys at
``https://cognito-idp.<region>.amazonaws.com/<pool_id>/.well-known/jwks.json``
(developer guide, "Verifying a JSON Web Token"). CreateUserPool passes through
here so every pool gets an AWS-shaped id and mints with :mod:`.tokens`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from .tokens import adopt_pool, jwks

__all__ = ["UserPools"]


class UserPools:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: pool creation and JWKS."""

    def _create_pool(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        def post(data: dict[str, Any]) -> dict[str, Any]:
            described = data.get("UserPool") or {}
            moto_id = described.get("Id")
            for backend in self._backends():
                pool = backend.user_pools.get(moto_id)
                if pool is not None:
                    described["Id"] = adopt_pool(backend, pool)
                    # the URL its discovery document is served from (tokens.issuer_of)
                    pool.issuer_base = self.issuer_base
                    described["Arn"] = pool.arn
                    break
            return data

        return self._moto(environ, params, post)

    def _serve_jwks(self, pool_id: str, start_response: Callable[..., Any]) -> Iterable[bytes]:
        pool = self._find_pool(pool_id)
        body = json.dumps(jwks(pool)).encode("utf-8")
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]
