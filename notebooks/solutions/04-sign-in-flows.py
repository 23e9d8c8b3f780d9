"""Solutions to the exercises of notebooks/04-sign-in-flows.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("04.K", ...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pycognito.aws_srp import AWSSRP

import cognito_helpers as ch


def exercise_1() -> Callable[[str, dict[str, str], str, str], str]:
    def verifier_hash(
        typed_username: str,
        challenge_parameters: dict[str, str],
        client_id: str,
        client_secret: str,
    ) -> str:
        # The challenge response is hashed over the canonical name Cognito sent back,
        # never over what the user typed (an alias, an e-mail).
        return ch.secret_hash(challenge_parameters["USER_ID_FOR_SRP"], client_id, client_secret)

    return verifier_hash


def exercise_2(email_demo: Any, local_cognito: Any) -> Callable[..., dict[str, Any]]:
    def srp_sign_in(
        cip: Any,
        user_pool_id: str,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
    ) -> dict[str, Any]:
        srp = AWSSRP(
            username=username,
            password=password,
            pool_id=user_pool_id,
            client_id=client_id,
            client=cip,
        )
        params = srp.get_auth_params()
        params["SECRET_HASH"] = ch.secret_hash(username, client_id, client_secret)
        challenge = cip.initiate_auth(
            AuthFlow="USER_SRP_AUTH", ClientId=client_id, AuthParameters=params
        )
        challenge_parameters = challenge["ChallengeParameters"]
        responses = srp.process_challenge(challenge_parameters, params)
        responses["SECRET_HASH"] = ch.secret_hash(
            challenge_parameters["USER_ID_FOR_SRP"], client_id, client_secret
        )
        extra = {"Session": challenge["Session"]} if challenge.get("Session") else {}
        return cip.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses,
            **extra,
        )["AuthenticationResult"]

    return srp_sign_in
