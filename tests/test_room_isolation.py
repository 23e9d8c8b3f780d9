"""The room's isolation without a running hub: the non-root refusal, user names, passwords.

The attacks themselves are tried on a real room in tests/test_room.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import subprocess

import pytest

from cognito_helpers.cli import main
from cognito_helpers.exceptions import ConfigurationError
from cognito_helpers.workshop import isolation
from cognito_helpers.workshop.isolation import check_may_run, create_users, room_dir_of, unix_names

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT and not os.environ.get("CI"), reason="makes Unix users")


def test_not_root_a_room_for_several_is_refused_and_nothing_is_made(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(isolation, "isolation_available", lambda: False)
    code = main(["workshop", "room", "--dir", str(tmp_path / "room"), "-n", "3", "--port", "7399"])
    err = capsys.readouterr().err
    assert code != 0 and err.startswith("error: not running as root"), err
    assert "--rehearsal" in err and "AWS credentials" in err and "Traceback" not in err
    assert not (tmp_path / "room").exists()


def test_rehearsal_says_what_no_isolation_means():
    notice = check_may_run(3, rehearsal=True, isolated=False)
    assert notice and "NO ISOLATION" in notice
    for what in ("other participant's files", "AWS credentials", "signal your processes"):
        assert what in notice, what
    assert check_may_run(1, rehearsal=False, isolated=False) is None  # one person: yourself
    assert check_may_run(30, rehearsal=False, isolated=True) is None
    with pytest.raises(ConfigurationError, match="not running as root"):
        check_may_run(2, rehearsal=False, isolated=False)


def test_unix_names_are_unique_to_the_room():
    people = [f"guest-{i:02d}" for i in range(1, 101)]
    one, two = unix_names("a1b2c3", people), unix_names("0f0f0f", people)
    assert len(set(one.values())) == 100 and not set(one.values()) & set(two.values())
    assert all(re.fullmatch(r"cl[0-9a-f]{6}-\d{2,3}", n) and len(n) <= 32 for n in one.values())
    with pytest.raises(Exception, match="6 hex digits"):
        unix_names("../etc", people)


@needs_root
@pytest.mark.parametrize("comment", ["someone else", "cognito-lab room ffffff guest-01"])
def test_a_unix_user_that_is_not_this_rooms_is_refused(comment):
    room_id = secrets.token_hex(3)
    taken = unix_names(room_id, ["guest-01"])["guest-01"]
    subprocess.run(["useradd", "--no-create-home", "--comment", comment, taken], check=True)
    try:
        with pytest.raises(ConfigurationError, match="already exists and is not this room's"):
            create_users(room_id, ["guest-01"])
        assert not room_dir_of(room_id).exists()  # nothing was made
    finally:
        subprocess.run(["userdel", taken], check=True)


def test_down_of_a_dir_without_a_room_says_so(tmp_path, capsys):
    assert main(["workshop", "room", "--down", "--dir", str(tmp_path)]) == 2
    assert "holds no room" in capsys.readouterr().err


def test_writable_by_others_finds_a_world_writable_file(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ok.py").write_text("")
    loose = tmp_path / "pkg" / "loose.py"
    loose.write_text("")
    loose.chmod(0o666)
    assert isolation._writable_by_others(tmp_path / "pkg") == [str(loose)]


def test_each_participant_signs_in_with_their_own_password_only(tmp_path, monkeypatch):
    pytest.importorskip("jupyterhub")
    from cognito_helpers.workshop.hub import RoomPasswords

    settings = tmp_path / "room.json"
    settings.write_text(json.dumps({"passwords": {"p-01": "aaaaBBBB2222", "p-02": "ccccDDDD3333"}}))
    monkeypatch.setenv("COGNITO_ROOM_SETTINGS", str(settings))
    auth = RoomPasswords()

    def sign_in(name: str, password: str) -> str | None:
        return asyncio.run(auth.authenticate(None, {"username": name, "password": password}))

    assert sign_in("p-01", "aaaaBBBB2222") == "p-01"
    assert sign_in("p-02", "aaaaBBBB2222") is None  # p-01's password is not p-02's
    assert sign_in("p-01", "") is None and sign_in("nobody", "aaaaBBBB2222") is None
    assert sign_in("nobody", "\0" * 12) is None



@needs_root
def test_a_checkout_others_cannot_read_is_linked_out_read_only(monkeypatch):
    """CI's clone may sit in a mode-700 folder: the participants' runtime is linked out of it."""
    from cognito_helpers.workshop.isolation import prepare_runtime, remove_room_users
    from cognito_helpers.workshop.room import REPO

    monkeypatch.setattr(isolation, "_others_can_reach", lambda path: False)
    room_id = secrets.token_hex(3)
    try:
        runtime = prepare_runtime(room_id, REPO)
        account = create_users(room_id, ["probe"])["probe"]
        env = {k[4:]: v for k, v in runtime.items() if k.startswith("env:")}
        code = ("import cognito_helpers, jupyter_server, os, sys; "
                "print(cognito_helpers.__file__, sys.prefix, os.getuid()); "
                "open(cognito_helpers.__file__, 'a')")
        uid, gid = int(account["uid"]), int(account["gid"])

        def drop() -> None:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

        out = subprocess.run([runtime["python"], "-c", code], env={**env, "HOME": str(account["home"])},
                             capture_output=True, text=True, timeout=60, preexec_fn=drop, cwd="/")
        base = room_dir_of(room_id)
        printed = out.stdout.split()
        assert printed[:3] == [str(base / "src" / "cognito_helpers" / "__init__.py"), str(base / "venv"),
                               str(uid)], (out.stdout, out.stderr[-2000:])
        assert "PermissionError" in out.stderr  # the linked package is as read-only as the original
    finally:
        remove_room_users(room_id)
    assert not room_dir_of(room_id).exists()
