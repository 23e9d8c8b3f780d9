"""The demo pool: a ready user pool on the local Cognito (``LocalCognito.demo()``).

A client with a secret, one without, a machine-to-machine client, a domain
with OAuth settings and a resource server, and a confirmed user: what every
lesson starts from. Taught in ``notebooks/01-setup-check.ipynb``.
"""

from __future__ import annotations

import secrets as _secrets
from dataclasses import dataclass, field
from typing import Any

from ..redact import mask

__all__ = ["ALL_FLOWS", "DUMMY_KEY_ID", "DUMMY_SECRET_KEY", "DemoPool", "provision_demo"]

ALL_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_AUTH",
]
# The demo pool's password policy (AWS's default) and first factors for USER_AUTH
# (UpdateUserPool / CreateUserPool Policies.SignInPolicy.AllowedFirstAuthFactors).
DEMO_POLICIES = {
    "PasswordPolicy": {
        "MinimumLength": 8,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    },
    "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]},
}
DUMMY_KEY_ID = "AKIALOCALCOGNITO0000"
DUMMY_SECRET_KEY = "local-cognito-dummy-secret-key"  # noqa: S105 - not a credential
# Cognito allows plain http only for localhost callback URLs (CreateUserPoolClient,
# CallbackURLs); the demo's app would listen there.
DEMO_CALLBACK_URL = "http://localhost:8080/callback"
DEMO_LOGOUT_URL = "http://localhost:8080/"
DEMO_OAUTH_SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]


@dataclass(frozen=True)
class DemoPool:
    """A ready user pool on the local Cognito: what ``LocalCognito.demo()`` returns.

    ``client_id`` has a secret; ``public_client_id`` has none. ``username`` is
    a confirmed user with ``password``. In an email-as-username pool
    ``username`` is the e-mail people type and ``internal_username`` the UUID
    Cognito keeps (the ``sub``). The repr masks the secret and password.
    """

    endpoint_url: str
    region: str
    user_pool_id: str
    client_id: str
    client_secret: str = field(repr=False)
    public_client_id: str
    username: str
    password: str = field(repr=False)
    email: str
    internal_username: str
    email_as_username: bool = False
    # OAuth 2.0 (managed login): the pool's domain, its resource server's scope, the
    # callback and sign-out URLs of both clients, and a machine-to-machine client.
    domain: str = ""
    resource_scope: str = ""
    callback_url: str = DEMO_CALLBACK_URL
    logout_url: str = DEMO_LOGOUT_URL
    m2m_client_id: str = ""
    m2m_client_secret: str = field(default="", repr=False)
    # every token's iss and discovery's issuer: the pool's URL on this server, or AWS's
    # (LocalCognito(aws_issuer=True)); empty for a DemoPool made by hand
    issuer: str = ""

    def __repr__(self) -> str:
        return (
            f"DemoPool(region={self.region!r}, user_pool_id={self.user_pool_id!r}, "
            f"client_id={self.client_id!r}, client_secret={mask(self.client_secret)!r}, "
            f"public_client_id={self.public_client_id!r}, username={self.username!r}, "
            f"password={mask(self.password, keep=0)!r}, domain={self.domain!r})"
        )

    def oauth_urls(self) -> dict[str, str]:
        """The local OAuth 2.0 endpoints of this pool's domain, and its discovery document.

        Taught in ``notebooks/11-client-secret-on-oauth-endpoints.ipynb``.
        """
        from .oauth.urls import oauth_urls

        return oauth_urls(self.endpoint_url, self.domain, self.user_pool_id)

    def env(self) -> dict[str, str]:
        """The environment variables an app (any language) needs to use this pool."""
        return {
            "COGNITO_ENDPOINT_URL": self.endpoint_url,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "COGNITO_USER_POOL_ID": self.user_pool_id,
            "COGNITO_CLIENT_ID": self.client_id,
            "COGNITO_CLIENT_SECRET": self.client_secret,
            "COGNITO_PUBLIC_CLIENT_ID": self.public_client_id,
            "COGNITO_USERNAME": self.username,
            "COGNITO_PASSWORD": self.password,
            "AWS_ACCESS_KEY_ID": DUMMY_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
            "COGNITO_DISCOVERY_URL": self.oauth_urls()["discovery"],
            "COGNITO_ISSUER": self.issuer,
            "COGNITO_OAUTH_CALLBACK_URL": self.callback_url,
            "COGNITO_M2M_CLIENT_ID": self.m2m_client_id,
            "COGNITO_M2M_CLIENT_SECRET": self.m2m_client_secret,
            "COGNITO_RESOURCE_SCOPE": self.resource_scope,
        }


def _demo_password() -> str:
    # Meets Cognito's default policy: 8+ chars, upper, lower, digit, symbol.
    return f"Lab-{_secrets.token_hex(6)}-Pw1!"


def provision_demo(lc: Any, *, email_as_username: bool = False, name: str | None = None) -> DemoPool:
    """Create the demo pool on the running LocalCognito ``lc``; see ``LocalCognito.demo``."""
    cip = lc.client()
    pool_name = name or ("demo-email-pool" if email_as_username else "demo-pool")
    pool_args: dict[str, Any] = {
        "PoolName": pool_name,
        "AutoVerifiedAttributes": ["email"],
        "Policies": DEMO_POLICIES,
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
        ],
    }
    if email_as_username:
        pool_args["UsernameAttributes"] = ["email"]
    pool_id = cip.create_user_pool(**pool_args)["UserPool"]["Id"]
    # A domain makes the pool serve its OAuth 2.0 endpoints (local/oauth/); a resource
    # server gives machine-to-machine clients a custom scope.
    domain = f"{pool_name}-{pool_id.rsplit('_', 1)[-1][:10].lower()}"
    cip.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    cip.create_resource_server(
        UserPoolId=pool_id,
        Identifier="demo-api",
        Name="demo-api",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "Read the demo API"},
            {"ScopeName": "write", "ScopeDescription": "Write to the demo API"},
        ],
    )
    web_oauth: dict[str, Any] = {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": [*DEMO_OAUTH_SCOPES, "demo-api/read"],
        "CallbackURLs": [DEMO_CALLBACK_URL],
        "LogoutURLs": [DEMO_LOGOUT_URL],
        "SupportedIdentityProviders": ["COGNITO"],
    }
    confidential = cip.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="demo-confidential",
        GenerateSecret=True,
        ExplicitAuthFlows=ALL_FLOWS,
        **web_oauth,
    )["UserPoolClient"]
    public = cip.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="demo-public",
        GenerateSecret=False,
        ExplicitAuthFlows=ALL_FLOWS,
        **web_oauth,
    )["UserPoolClient"]
    # client_credentials needs a secret and cannot share a client with the code flow
    # (CreateUserPoolClient, AllowedOAuthFlows): a client of its own.
    m2m = cip.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="demo-m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["demo-api/read", "demo-api/write"],
    )["UserPoolClient"]
    email = "alice@example.com"
    username = email if email_as_username else "alice"
    password = _demo_password()
    created = cip.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )["User"]
    cip.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )
    return DemoPool(
        endpoint_url=lc.endpoint_url,
        region=lc.region,
        user_pool_id=pool_id,
        client_id=confidential["ClientId"],
        client_secret=confidential["ClientSecret"],
        public_client_id=public["ClientId"],
        username=username,
        password=password,
        email=email,
        internal_username=created["Username"],
        email_as_username=email_as_username,
        domain=domain,
        resource_scope="demo-api/read",
        m2m_client_id=m2m["ClientId"],
        m2m_client_secret=m2m["ClientSecret"],
        issuer=issuer_of(lc, pool_id),
    )


def issuer_of(lc: Any, pool_id: str) -> str:
    """The issuer of ``pool_id`` on the running LocalCognito ``lc`` (see LocalCognito's docstring)."""
    from .tokens import aws_issuer

    if getattr(lc, "aws_issuer", False):
        return aws_issuer(lc.region, pool_id)
    return f"{lc.endpoint_url}/{pool_id}"
