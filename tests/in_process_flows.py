"""The flows the lessons run against the local Cognito, served in process (no server, no thread).

Plain Python, no pytest: tests/test_local_in_process.py runs :func:`run_flows` on
CPython, in this process and in a subprocess that cannot import ``cryptography``
(the pure-Python RSA path), and the Node proof runs this same file in Pyodide
(tests/pyodide/). Each step asserts what AWS answers; :func:`run_flows` returns
what the caller may check further (tokens to verify elsewhere, the JWKS, timings).
"""

from __future__ import annotations

import time
from typing import Any


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    from botocore.exceptions import ClientError

    try:
        call(**kwargs)
    except ClientError as exc:
        err = exc.response["Error"]
        return err["Code"], err["Message"]
    raise AssertionError(f"{call.__name__} succeeded; an error was expected")


def run_flows() -> dict[str, Any]:
    """Sign-in (right and wrong hash), refresh, GetTokensFromRefreshToken, secret
    rotation, JWKS + PyJWT, discovery, the OAuth token endpoint (client credentials),
    pycognito's SRP."""
    started = time.perf_counter()
    import cognito_helpers as ch
    from cognito_helpers.hashing import secret_hash
    from cognito_helpers.local import LocalCognito

    timings: dict[str, float] = {"import": time.perf_counter() - started}
    out: dict[str, Any] = {"timings": timings}
    lc = LocalCognito(in_process=True).start()
    try:
        demo = lc.demo()
        timings["demo_pool"] = time.perf_counter() - started
        cip = lc.client()
        assert demo.endpoint_url == lc.endpoint_url and "localhost" in demo.endpoint_url

        # 1. USER_PASSWORD_AUTH with the right hash: tokens
        def sign_in(client_id: str, secret: str, username: str | None = None) -> dict[str, Any]:
            username = username or demo.username
            return cip.initiate_auth(
                ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": demo.password,
                                "SECRET_HASH": secret_hash(username, client_id, secret)},
            )["AuthenticationResult"]

        tokens = sign_in(demo.client_id, demo.client_secret)
        timings["first_sign_in"] = time.perf_counter() - started
        assert {"IdToken", "AccessToken", "RefreshToken"} <= set(tokens)

        # 2. a wrong hash: AWS's exact text
        wrong = _error(
            cip.initiate_auth, ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": secret_hash(demo.username, demo.client_id, "x" * 51)},
        )
        assert wrong == ("NotAuthorizedException",
                         f"Unable to verify secret hash for client {demo.client_id}"), wrong
        out["wrong_hash"] = wrong

        # 3. REFRESH_TOKEN_AUTH: the hash of the internal username
        refreshed = cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"],
                            "SECRET_HASH": secret_hash(demo.internal_username, demo.client_id,
                                                       demo.client_secret)},
        )["AuthenticationResult"]
        assert "IdToken" in refreshed and "RefreshToken" not in refreshed

        # 4. GetTokensFromRefreshToken on a client with refresh-token rotation: raw secret
        rotating = cip.create_user_pool_client(
            UserPoolId=demo.user_pool_id, ClientName="rotating", GenerateSecret=True,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
        )["UserPoolClient"]
        first = sign_in(rotating["ClientId"], rotating["ClientSecret"])
        rotated = cip.get_tokens_from_refresh_token(
            ClientId=rotating["ClientId"], ClientSecret=rotating["ClientSecret"],
            RefreshToken=first["RefreshToken"],
        )["AuthenticationResult"]
        assert rotated["RefreshToken"] != first["RefreshToken"]

        # 5. client-secret rotation: a second secret, both hash, the first deleted
        added = cip.add_user_pool_client_secret(
            UserPoolId=demo.user_pool_id, ClientId=demo.client_id)["ClientSecretDescriptor"]
        assert sign_in(demo.client_id, added["ClientSecretValue"])["AccessToken"]
        assert sign_in(demo.client_id, demo.client_secret)["AccessToken"]
        listed = cip.list_user_pool_client_secrets(
            UserPoolId=demo.user_pool_id, ClientId=demo.client_id)["ClientSecrets"]
        first_id = next(s["ClientSecretId"] for s in listed
                        if s["ClientSecretId"] != added["ClientSecretId"])
        cip.delete_user_pool_client_secret(UserPoolId=demo.user_pool_id, ClientId=demo.client_id,
                                           ClientSecretId=first_id)
        assert _error(cip.initiate_auth, ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                                      "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                                 demo.client_secret)},
                      )[1] == f"Unable to verify secret hash for client {demo.client_id}"

        # 6. the JWKS under the issuer, and PyJWT verifying both tokens with it
        issuer = ch.expected_issuer(demo.region, demo.user_pool_id, demo.endpoint_url)
        assert issuer == demo.issuer == f"{lc.endpoint_url}/{demo.user_pool_id}"
        jwks = ch.fetch_jwks(ch.jwks_url(demo.region, demo.user_pool_id, demo.endpoint_url))
        assert len({key["kid"] for key in jwks["keys"]}) == 2
        verified = ch.verify_token(tokens["IdToken"], jwks=jwks, issuer=issuer,
                                   client_id=demo.client_id, token_use="id")
        assert verified.claims["iss"] == issuer
        ch.verify_token(tokens["AccessToken"], jwks=jwks, issuer=issuer,
                        client_id=demo.client_id, token_use="access")
        ch.verify_for_target(tokens["IdToken"], ch.Target.from_demo(demo), token_use="id")

        # 7. discovery names the same issuer and JWKS
        discovery = ch.oauth_get(demo.oauth_urls()["discovery"]).body
        assert discovery["issuer"] == issuer
        assert discovery["jwks_uri"] == f"{issuer}/.well-known/jwks.json"

        # 8. the OAuth token endpoint: client credentials with the raw secret (Basic)
        answer = ch.token_request(
            demo.oauth_urls()["token"], {"grant_type": "client_credentials"},
            authorization=ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret),
        )
        assert answer.status == 200 and answer.body["token_type"] == "Bearer", answer
        m2m = ch.verify_token(answer.body["access_token"], jwks=jwks, issuer=issuer,
                              client_id=demo.m2m_client_id, token_use="access")
        assert m2m.claims["client_id"] == demo.m2m_client_id
        bad = ch.token_request(
            demo.oauth_urls()["token"], {"grant_type": "client_credentials"},
            authorization=ch.basic_authorization(demo.m2m_client_id, "not-the-secret"),
        )
        assert bad.status == 400 and bad.error == "invalid_client", bad

        # 9. USER_SRP_AUTH with pycognito's SRP arithmetic (lesson 04); a hash in both steps
        from pycognito.aws_srp import AWSSRP

        srp = AWSSRP(username=demo.username, password=demo.password, pool_id=demo.user_pool_id,
                     client_id=demo.client_id, client=cip)
        parameters = dict(srp.get_auth_params(), SECRET_HASH=secret_hash(
            demo.username, demo.client_id, added["ClientSecretValue"]))
        challenge = cip.initiate_auth(AuthFlow="USER_SRP_AUTH", ClientId=demo.client_id,
                                      AuthParameters=parameters)
        assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
        responses = srp.process_challenge(challenge["ChallengeParameters"], parameters)
        responses["SECRET_HASH"] = secret_hash(challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
                                               demo.client_id, added["ClientSecretValue"])
        srp_tokens = cip.respond_to_auth_challenge(
            ClientId=demo.client_id, ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses,
            **({"Session": challenge["Session"]} if challenge.get("Session") else {}),
        )["AuthenticationResult"]
        assert "IdToken" in srp_tokens

        # 10. the package's own Target (the lessons' get_target) reaches it too
        target_client = ch.Target.from_demo(demo).client()
        assert target_client.describe_user_pool(
            UserPoolId=demo.user_pool_id)["UserPool"]["Id"] == demo.user_pool_id

        timings["all_flows"] = time.perf_counter() - started
        out.update(
            endpoint_url=lc.endpoint_url, issuer=issuer, client_id=demo.client_id,
            jwks=jwks, id_token=tokens["IdToken"], access_token=tokens["AccessToken"],
        )
        return out
    finally:
        lc.stop()


def code_flow(demo: Any, password: str | None = None) -> tuple[Any, Any]:
    """Lesson 11's managed login: authorize with PKCE, the sign-in page (its form, its
    cookie, its redirects), the token endpoint. Returns the sign-in page's result and the
    token endpoint's answer, which is None when the page gave no code)."""
    import urllib.parse

    import cognito_helpers as ch

    verifier, challenge = ch.pkce_pair()
    authorize = demo.oauth_urls()["authorize"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": demo.client_id,
        "redirect_uri": demo.callback_url, "state": "st-1", "scope": "openid email",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    page = ch.sign_in_on_page(authorize, demo.username, password or demo.password)
    if not page.code:
        return page, None
    answer = ch.token_request(
        demo.oauth_urls()["token"],
        {"grant_type": "authorization_code", "code": page.code,
         "redirect_uri": demo.callback_url, "code_verifier": verifier},
        authorization=ch.basic_authorization(demo.client_id, demo.client_secret))
    return page, answer
