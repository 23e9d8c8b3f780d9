"""Diagnosis: explain + fingerprint of one case, in a warm interpreter. Goal: under 5 ms.

Baseline: computing the SECRET_HASH of the same case (the cheapest thing the
package does), so the ratio says how many hashes one diagnosis costs.
"""

from __future__ import annotations

import base64
import timeit

from ._util import Result

USER = "username"
CID = "EPswPGbpdBLZnh9XW134hK7qYe"
SECRET = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"  # noqa: S105 - public test vector
ERROR = (
    "An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: "
    f"Unable to verify secret hash for client {CID}"
)


def bench(number: int = 200) -> list[Result]:
    import cognito_helpers as ch

    right = ch.secret_hash(USER, CID, SECRET)
    hex_hash = base64.b64decode(right).hex()  # mistake: hex digest instead of base64

    def case() -> None:
        ch.explain(ERROR)
        d = ch.fingerprint(USER, CID, SECRET, hex_hash)
        assert d.key != "no_match", d.key

    def unknown() -> None:  # the slowest path: nothing matches, every candidate is tried
        ch.fingerprint(USER, CID, SECRET, "A" * 43 + "=")

    def baseline() -> None:
        ch.secret_hash(USER, CID, SECRET)

    case(), unknown(), baseline()  # warm
    per = {}
    for name, fn in (("case", case), ("unknown", unknown), ("baseline", baseline)):
        best = min(timeit.repeat(fn, number=number, repeat=5))
        per[name] = best / number * 1000
    return [
        Result(
            "diagnosis: explain + fingerprint (hex-digest case)",
            per["case"],
            per["baseline"],
            "ms",
            baseline_name="secret_hash() of the same case",
            goal="< 5 ms",
            ok=per["case"] < 5,
            notes=[f"best of 5 x {number} calls"],
        ),
        Result(
            "diagnosis: fingerprint, no mistake matches (worst case)",
            per["unknown"],
            per["baseline"],
            "ms",
            baseline_name="secret_hash() of the same case",
            goal="< 5 ms",
            ok=per["unknown"] < 5,
        ),
    ]
