"""Solutions to the exercises of notebooks/03-compute-the-hash.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("03.K", ...)``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable


def exercise_1() -> str:
    key = b"user-pool-client-secret"
    message = ("a@b.com" + "user-pool-client-id").encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def exercise_2() -> str:
    # ch.hash_variants(username, client_id, client_secret, sent=colleague_sent).match.key
    return "newline"


def exercise_3() -> Callable[[str, str, str], str]:
    def fixed_secret_hash(username: str, client_id: str, client_secret: str) -> str:
        message = (username + client_id).encode("utf-8")  # bug 1: the order
        digest = hmac.new(client_secret.encode("utf-8"), message, hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")  # bug 2: standard, not URL-safe

    return fixed_secret_hash
