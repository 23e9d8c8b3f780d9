"""Checkers for the exercises of ``notebooks/01-setup-check.ipynb``."""

from __future__ import annotations

from typing import Any

from ...exceptions import ConfigurationError
from ...redact import mask
from ...target import get_target
from . import exercise

POOL_1 = "ap-southeast-2_Ab12Cd34E"
POOL_2 = "eu-central-1_Example1"
CLIENT_2 = "1example23456789abcdefghij"


@exercise("01.1", "Which region")
def _check_1(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return f"Expected the region name as text (str), got {type(answer).__name__}."
    if answer.strip() == POOL_1.split("_")[0]:
        return None
    return "A user pool id is '<region>_<id>': the region is everything before the '_'."


@exercise("01.2", "Point at a real pool")
def _check_2(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return f"Expected a dict of environment variables, got {type(answer).__name__}."
    if not answer.get("COGNITO_USER_POOL_ID") and not answer.get("COGNITO_CLIENT_ID"):
        return "Without COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID get_target stays local."
    try:
        target = get_target(answer)
    except ConfigurationError as exc:
        return f"get_target refuses it: {exc}"
    if target.user_pool_id != POOL_2 or target.client_id != CLIENT_2:
        return f"Use the pool {POOL_2} and the client {CLIENT_2}."
    if target.region != "eu-central-1":
        return "The region must be the pool's (the prefix of its id)."
    if not target.has_secret:
        return "The client has a secret: set COGNITO_CLIENT_SECRET too."
    return None


@exercise("01.3", "Show a secret safely")
def _check_3(answer: Any, target: Any) -> str | None:
    if not isinstance(answer, str):
        return f"Expected text (str), got {type(answer).__name__}."
    secret = target.client_secret
    if secret and secret in answer:
        return "That contains the secret in full! Never show it; mask it."
    if answer == mask(secret):
        return None
    return "Use the project's masking helper on target.client_secret (see the cells above)."
