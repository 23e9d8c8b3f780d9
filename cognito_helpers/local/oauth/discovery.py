"""``/<pool-id>/.well-known/openid-configuration``: the pool's OIDC discovery document.

AWS serves it at ``https://cognito-idp.<region>.amazonaws.com/<pool-id>/.well-known/openid-configuration``
(developer guide, "Verifying a JSON web token" and "The user pool OIDC
endpoints"). Its keys, as AWS's document has them: ``issuer`` (the
URL the document is served from, less ``/.well-known/openid-configuration``,
which is the ``iss`` of every token: OIDC Discovery 1.0, section 4.3),
``jwks_uri``, ``authorization_endpoint``, ``token_endpoint``,
``userinfo_endpoint``, ``revocation_endpoint``, ``end_session_endpoint``
(the ``/logout`` endpoint), ``response_types_supported`` (``code``,
``token``), ``scopes_supported`` (openid, email, phone, profile),
``subject_types_supported`` (``public``),
``id_token_signing_alg_values_supported`` (``RS256``) and
``token_endpoint_auth_methods_supported`` (``client_secret_basic``,
``client_secret_post``). The endpoint keys are there only when the pool has a
domain; here they point at the local Cognito (see :mod:`.urls`), and
``issuer`` is the local Cognito's own URL of the pool
(:func:`~cognito_helpers.local.tokens.issuer_of`), or AWS's URL when the
local Cognito was started with ``aws_issuer=True``.
"""

from __future__ import annotations

from typing import Any

from ..tokens import issuer_of
from .wire import Response, json_response

__all__ = ["discovery_document", "openid_configuration"]


def discovery_document(pool: Any, endpoint: str, domain_base: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "issuer": issuer_of(pool),
        "jwks_uri": f"{endpoint}/{pool.id}/.well-known/jwks.json",
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }
    if domain_base is not None:
        doc.update(
            {
                "authorization_endpoint": f"{domain_base}/oauth2/authorize",
                "token_endpoint": f"{domain_base}/oauth2/token",
                "userinfo_endpoint": f"{domain_base}/oauth2/userInfo",
                "revocation_endpoint": f"{domain_base}/oauth2/revoke",
                "end_session_endpoint": f"{domain_base}/logout",
            }
        )
    return dict(sorted(doc.items()))


def openid_configuration(pool: Any, endpoint: str, domain_base: str | None) -> Response:
    return json_response(discovery_document(pool, endpoint, domain_base))
