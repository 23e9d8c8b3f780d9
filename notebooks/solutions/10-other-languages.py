"""Solutions to the exercises of notebooks/10-other-languages.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("08.K", ...)``).
"""

from __future__ import annotations

from typing import Any

from pycognito.aws_srp import AWSSRP

import cognito_helpers as ch

V1 = (
    "username",
    "EPswPGbpdBLZnh9XW134hK7qYe",
    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
)


def exercise_1() -> str:
    mystery = "60FVECX8Sz03pIFjBSU4jtiK3bXJJnNWM9+dbiDaMDI="  # the value the notebook shows
    return next(lang for lang in ch.SNIPPET_LANGUAGES
                if ch.snippet_mistake_hash(lang, *V1) == mystery)


def exercise_2() -> int:
    users = [f"user{i}" for i in range(1000)]
    return sum(1 for user in users if {"+", "/"} & set(ch.secret_hash(user, V1[1], V1[2])))


def exercise_3(target: Any) -> dict[str, Any]:
    # what Amplify does by default: USER_SRP_AUTH on the public client, no SECRET_HASH
    return AWSSRP(
        username=target.username,
        password=target.password,
        pool_id=target.user_pool_id,
        client_id=target.public_client_id,
        client=target.client(),
    ).authenticate_user()
