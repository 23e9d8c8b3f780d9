"""remove_users (notebook 08's clean-up): no asking on the local Cognito, asking on a real pool."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import cognito_helpers as ch


@pytest.fixture
def pool() -> Iterator[tuple[ch.LocalCognito, ch.DemoPool]]:
    with ch.LocalCognito() as lc:
        demo = lc.demo()
        cip = lc.client()
        for name in ("bob", "carol"):
            cip.admin_create_user(UserPoolId=demo.user_pool_id, Username=name,
                                  MessageAction="SUPPRESS")
        yield lc, demo


class RealLooking:
    """The local pool dressed as a real one: what remove_users sees on your account."""

    kind = "real"

    def __init__(self, lc: ch.LocalCognito, demo: ch.DemoPool) -> None:
        self._lc, self.user_pool_id = lc, demo.user_pool_id

    def client(self) -> Any:
        return self._lc.client()

    def require_credentials(self) -> None:
        return None


def _users(lc: ch.LocalCognito, demo: ch.DemoPool) -> set[str]:
    return {u["Username"] for u in lc.client().list_users(UserPoolId=demo.user_pool_id)["Users"]}


def test_local_target_is_cleaned_without_asking(pool: tuple[ch.LocalCognito, ch.DemoPool]) -> None:
    lc, demo = pool
    target = ch.Target.from_demo(demo)

    def never(question: str) -> str:
        raise AssertionError("asked on the local Cognito")

    report = ch.remove_users(target, ["bob", "carol", "dave"], ask=never)
    assert (report.deleted, report.already_gone, report.kept) == (("bob", "carol"), ("dave",), ())
    assert _users(lc, demo) == {demo.username}
    assert "deleted: bob, carol" in str(report) and "already gone: dave" in str(report)


@pytest.mark.parametrize("answer", ["", "n", "no", "nope", "Y e s"])
def test_real_pool_keeps_users_unless_told_yes(
    pool: tuple[ch.LocalCognito, ch.DemoPool], answer: str
) -> None:
    lc, demo = pool
    questions: list[str] = []
    report = ch.remove_users(RealLooking(lc, demo), ["bob", "carol"],
                             ask=lambda q: questions.append(q) or answer)
    assert questions == [f"Delete bob, carol from the user pool {demo.user_pool_id}? [y/N] "]
    assert report.kept == ("bob", "carol") and not report.deleted and report.asked
    assert {"bob", "carol"} <= _users(lc, demo)


@pytest.mark.parametrize("answer", ["y", "YES", " yes\n"])
def test_real_pool_deletes_when_told_yes(
    pool: tuple[ch.LocalCognito, ch.DemoPool], answer: str
) -> None:
    lc, demo = pool
    report = ch.remove_users(RealLooking(lc, demo), ["bob", "carol"], ask=lambda q: answer)
    assert report.deleted == ("bob", "carol") and report.asked
    assert _users(lc, demo) == {demo.username}


@pytest.mark.parametrize("bad", ["bob", [], [""], [None]])
def test_bad_usernames_are_refused(pool: tuple[ch.LocalCognito, ch.DemoPool], bad: Any) -> None:
    with pytest.raises(ch.InvalidInputError, match="usernames"):
        ch.remove_users(ch.Target.from_demo(pool[1]), bad, ask=lambda q: "y")
