"""Remove the users a lesson created, safely on a real pool (taught in notebook 06).

``remove_users`` deletes on the local Cognito without asking (each kernel's pool is
its own, and CI runs the lessons there), and asks first on a real user pool: the
lesson created ``bob`` and ``carol`` there too, and they should not be left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import InvalidInputError
from ..validate import callback, has_methods, items, with_text_fields


@dataclass(frozen=True)
class CleanupReport:
    """What ``remove_users`` did: deleted, already gone, kept (declined), per username."""

    pool: str
    deleted: tuple[str, ...] = ()
    already_gone: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    asked: bool = field(default=False)

    def __str__(self) -> str:
        lines = [f"pool {self.pool}: " + ("asked first (a real pool)" if self.asked
                                           else "local Cognito, cleaned up without asking")]
        for label, names in (("deleted", self.deleted), ("already gone", self.already_gone),
                             ("kept (you declined)", self.kept)):
            if names:
                lines.append(f"  {label}: {', '.join(names)}")
        return "\n".join(lines)


def remove_users(target: Any, usernames: Iterable[str], *,
                 ask: Callable[[str], str] = input) -> CleanupReport:
    """Delete ``usernames`` from ``target``'s pool (AdminDeleteUser); ask first on a real pool.

    On a real pool ``ask`` (``input`` by default) gets a question naming the pool and
    the users; only an answer of ``y`` or ``yes`` deletes. Users already gone are
    reported, not an error. Needs AWS credentials (``target.require_credentials()``).
    """
    with_text_fields("target", target, ("kind", "user_pool_id"), "a Target (get_target())")
    has_methods("target", target, ("require_credentials", "client"), "a Target (get_target())")
    callback("ask", ask, what="a function that asks a question and returns the answer (input)")
    if isinstance(usernames, str):
        raise InvalidInputError("usernames", "give a list of usernames, not one string")
    usernames = items("usernames", usernames, what="a list of usernames")
    names = tuple(usernames)
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise InvalidInputError("usernames", "give the usernames the lesson created (non-empty text)")
    pool = target.user_pool_id
    asked = target.kind != "local"
    if asked:
        answer = ask(f"Delete {', '.join(names)} from the user pool {pool}? [y/N] ")
        if str(answer).strip().lower() not in ("y", "yes"):
            return CleanupReport(pool, kept=names, asked=True)
    target.require_credentials()
    cip = target.client()
    deleted, gone = [], []
    for name in names:
        try:
            cip.admin_delete_user(UserPoolId=pool, Username=name)
        except cip.exceptions.UserNotFoundException:
            gone.append(name)
        else:
            deleted.append(name)
    return CleanupReport(pool, tuple(deleted), tuple(gone), asked=asked)
