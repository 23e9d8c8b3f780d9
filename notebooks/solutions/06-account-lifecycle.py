"""Solutions to the exercises of notebooks/06-account-lifecycle.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("05.K", ...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cognito_helpers as ch


def exercise_1(email_demo: Any, local_cognito: Any) -> Callable[..., dict[str, Any]]:
    def complete_new_password(
        cip: Any,
        client_id: str,
        client_secret: str,
        username: str,
        challenge: dict[str, Any],
        new_password: str,
    ) -> dict[str, Any]:
        # `username` is the e-mail the user typed: right for InitiateAuth, wrong here.
        canonical = challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]
        return cip.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": canonical,
                "NEW_PASSWORD": new_password,
                "SECRET_HASH": ch.secret_hash(canonical, client_id, client_secret),
            },
        )["AuthenticationResult"]

    return complete_new_password


def exercise_2() -> dict[str, str]:
    return {
        "SignUp": "sent",
        "ConfirmForgotPassword": "sent",
        "InitiateAuth USER_SRP_AUTH": "sent",
        "InitiateAuth REFRESH_TOKEN_AUTH": "internal",
        "RespondToAuthChallenge NEW_PASSWORD_REQUIRED": "canonical",
        "AdminRespondToAuthChallenge SOFTWARE_TOKEN_MFA": "canonical",
    }
