"""One Cognito call judged: is its SECRET_HASH there, and right for the username it must cover?

:func:`inspect_call` is what the inspecting proxy (:mod:`.proxy`) runs on every
call it sees, and returns a :class:`Verdict`; it needs no HTTP and no server,
so a notebook or a test can judge a request body directly. Which username is
due comes from ``cognito_helpers.operations.hash_site``; a wrong hash is named
by :func:`fingerprint`. Taught with the proxy in the README, "My login fails:
what now?" (step 3). Nothing secret is kept in a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..operations import REFRESH_FLOWS, hash_site
from .fingerprint import fingerprint
from .result import Diagnosis

__all__ = ["Verdict", "inspect_call"]


@dataclass
class Verdict:
    """What the proxy concluded about one Cognito call (nothing secret inside).

    ``outcome``: ``ok`` (right hash, or none needed and none sent), ``missing``
    (client has a secret, no hash sent), ``mismatch`` (wrong hash; see
    ``diagnosis``), ``unexpected`` (hash sent to a client without secret),
    ``unchecked`` (the proxy does not know the client's secret or which
    username is due), ``not_needed`` (this call carries no hash).
    """

    operation: str
    client_id: str | None
    outcome: str
    summary: str
    flow: str | None = None
    username: str | None = None
    expected_username: str | None = None
    diagnosis: Diagnosis | None = None
    status: int | None = None
    answer: str = ""
    explanation: Diagnosis | None = None
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The verdict as printed: a headline, then fix and answer lines."""
        what = self.operation + (f" {self.flow}" if self.flow else "")
        who = []
        if self.client_id:
            who.append(f"client {self.client_id}")
        if self.username:
            who.append(f"user {self.username!r}")
        mark = {"ok": "OK  ", "not_needed": "--  ", "unchecked": "??  "}.get(self.outcome, "FAIL")
        out = [f"[{mark}] {what}" + (f" ({', '.join(who)})" if who else "") + f": {self.summary}"]
        if self.diagnosis is not None and self.outcome == "mismatch":
            out.append(f"       {self.diagnosis.cause}")
            out.append(f"       fix: {self.diagnosis.fix}")
        out += [f"       note: {n}" for n in self.notes]
        if self.status is not None:
            out.append(f"       answered: {self.status} {self.answer}".rstrip())
        if self.explanation is not None and self.explanation.status == "found":
            out.append(f"       meaning: {self.explanation.cause}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (one line of ``proxy --json``)."""
        return {
            "operation": self.operation,
            "flow": self.flow,
            "client_id": self.client_id,
            "username": self.username,
            "expected_username": self.expected_username,
            "outcome": self.outcome,
            "summary": self.summary,
            "notes": list(self.notes),
            "status": self.status,
            "answer": self.answer,
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis is not None else None,
            "explanation": self.explanation.to_dict() if self.explanation is not None else None,
        }


def _matches(secrets: Sequence[str], username: str, client_id: str, sent: str) -> bool:
    from ..hashing import secret_hash

    return any(secret_hash(username, client_id, s, strict=False) == sent for s in secrets)


def inspect_call(
    operation: str,
    params: Mapping[str, Any],
    secrets: Sequence[str] | None,
    *,
    expected_username: str | None = None,
    known_usernames: Iterable[str] = (),
    previous_secrets: Sequence[str] = (),
) -> Verdict:
    """Judge one Cognito request's secret hash.

    ``secrets`` are the client's active secrets (``[]``: the client has none;
    ``None``: unknown). ``expected_username`` is the username the hash must
    cover when the caller knows it (refresh: the internal username; challenge
    responses: the canonical USERNAME); otherwise the rule of
    :func:`cognito_helpers.operations.hash_site` decides.
    """
    client_id = params.get("ClientId") if isinstance(params.get("ClientId"), str) else None
    flow = params.get("AuthFlow") if isinstance(params.get("AuthFlow"), str) else None
    if operation == "GetTokensFromRefreshToken":
        sent_secret = params.get("ClientSecret")
        v = Verdict(
            operation,
            client_id,
            "not_needed",
            "no SECRET_HASH on this call (it carries the raw ClientSecret)",
        )
        if secrets:
            if not sent_secret:
                v.outcome, v.summary = "missing", "ClientSecret missing; this client has a secret"
            elif sent_secret in secrets:
                v.outcome, v.summary = "ok", "ClientSecret is one of the client's secrets"
            else:
                v.outcome = "mismatch"
                v.summary = "ClientSecret is not one of the client's secrets (a hash sent here?)"
        return v
    site = hash_site(operation, dict(params))
    if site is None:
        return Verdict(operation, client_id, "not_needed", "no SECRET_HASH on this call", flow)
    raw = params.get("SecretHash") if site.field == "SecretHash" else site.sent_hash
    sent = raw if isinstance(raw, str) and raw else None
    user = site.sent_username
    v = Verdict(operation, client_id, "unchecked", "", flow, user, expected_username)
    if secrets is None:
        v.summary = (
            f"{site.field} {'sent' if sent else 'absent'}; not checked: the proxy does "
            f"not know client {client_id}'s secret (give it with --client-id and the "
            "secret)"
        )
        return v
    if not secrets:
        if sent is not None or raw is not None:
            v.outcome = "unexpected"
            v.summary = (
                f"{site.field} sent, but client {client_id} has no secret: send none "
                "(Cognito answers InvalidParameterException)"
            )
        else:
            v.outcome, v.summary = "ok", "client has no secret and no hash was sent"
        return v
    expected = expected_username
    if expected is None and site.rule == "sent":
        expected = user
    v.expected_username = expected
    if sent is None:
        v.outcome = "missing"
        v.summary = (
            f"no {site.field}, but client {client_id} has a secret: this call must "
            f"carry one" + (f" over {expected!r}" if expected else "")
        )
        return v
    names = [n for n in dict.fromkeys([*(x for x in [user] if x), *known_usernames]) if n]
    if expected is None:
        hit = next((n for n in names if _matches(secrets, n, client_id or "", sent)), None)
        why = "refresh token" if flow in REFRESH_FLOWS else "challenge session"
        if hit is not None:
            v.outcome = "ok"
            v.summary = (
                f"{site.field} is right for {hit!r}; whether that is the username this "
                f"call needs is unknown (the proxy did not see this {why} issued)"
            )
        else:
            v.summary = (
                f"{site.field} matches none of {names or 'the known usernames'}; "
                f"which username is due is unknown (the proxy did not see this {why} "
                "issued)"
            )
        return v
    if _matches(secrets, expected, client_id or "", sent):
        v.outcome, v.summary = "ok", f"{site.field} is right (over {expected!r})"
        return v
    v.outcome = "mismatch"
    others = [n for n in names if n != expected]
    v.diagnosis = fingerprint(
        expected,
        client_id or "",
        secrets[-1],
        sent,
        other_usernames=others,
        previous_secrets=[*secrets[:-1], *previous_secrets],
    )
    rule = {
        "internal": " (refresh: the internal username)",
        "canonical": " (challenge: USERNAME from ChallengeParameters)",
    }.get(site.rule, "")
    v.summary = f"{site.field} is WRONG; it must cover {expected!r}{rule}"
    return v
