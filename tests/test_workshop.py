"""Workshop provisioning: `workshop up` / `down` end to end against the local Cognito."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from cognito_helpers.exceptions import InvalidInputError, WorkshopError
from cognito_helpers.hashing import secret_hash
from cognito_helpers.local.server import LocalCognito
from cognito_helpers.target import get_target
from cognito_helpers.workshop import (
    FLOWS,
    STATE_FILE,
    TAG_KEY,
    find_workshop_pools,
    generate_password,
    provision,
    workshop_down,
    workshop_up,
)

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, endpoint: str | None = None, env_extra: dict | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env.update(AWS_ACCESS_KEY_ID="AKIAWORKSHOPTEST0000", AWS_SECRET_ACCESS_KEY="dummy-for-local")
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "cognito_helpers", "workshop", *args]
    if endpoint:
        cmd += ["--endpoint-url", endpoint]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)


def _read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line
             and not line.startswith("#"))
    return {k: v for k, v in pairs}


def _all_pools(cip) -> list[dict]:
    pools, token = [], None
    while True:
        page = cip.list_user_pools(MaxResults=60, **({"NextToken": token} if token else {}))
        pools += page["UserPools"]
        token = page.get("NextToken")
        if not token:
            return pools


def _tagged(cip, workshop_id: str) -> list[str]:
    return [p["Id"] for p in _all_pools(cip)
            if (cip.describe_user_pool(UserPoolId=p["Id"])["UserPool"].get("UserPoolTags") or {})
            .get(TAG_KEY) == workshop_id]


class Flaky:
    """A cognito-idp client whose ``method`` fails from its ``after+1``-th call (or once)."""

    def __init__(self, real, method: str, after: int = 0, *, act_first: bool = False,
                 once: bool = False) -> None:
        self._real, self._method, self._after = real, method, after
        self._act_first, self._once, self.calls, self.failed = act_first, once, 0, 0

    def __getattr__(self, name: str):
        attr = getattr(self._real, name)
        if name != self._method:
            return attr

        def call(**kwargs):
            self.calls += 1
            if self.calls > self._after and not (self._once and self.failed):
                self.failed += 1
                if self._act_first:  # the server acted, then the answer was lost
                    attr(**kwargs)
                raise ClientError(
                    {"Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}},
                    name,
                )
            return attr(**kwargs)

        return call


# -- the round trip through the real CLI ----------------------------------------------------


def test_cli_up_then_down_leaves_nothing_behind(local_cognito: LocalCognito, tmp_path: Path):
    out = tmp_path / "room"
    cip = local_cognito.client()
    pools_before = {p["Id"] for p in _all_pools(cip)}

    up = _cli("up", "--participants", "3", "--prefix", "ws-test", "--out", str(out),
              "--region", local_cognito.region, endpoint=local_cognito.endpoint_url)
    assert up.returncode == 0, up.stderr
    state = json.loads((out / STATE_FILE).read_text())
    workshop_id, pool_id, client_id = state["workshop_id"], state["user_pool_id"], state["client_id"]
    assert state["status"] == "ready" and state["users"] == ["ws-test-01", "ws-test-02", "ws-test-03"]
    assert workshop_id in up.stdout and "down --out" in up.stdout

    # owner-only files
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "env").stat().st_mode) == 0o700
    files = [out / STATE_FILE, out / "participants.csv", out / "participants.html",
             *sorted((out / "env").iterdir())]
    assert len(files) == 6
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f

    # the pool is tagged, the client has a secret and exactly the notebooks' flows
    described = cip.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["UserPoolTags"] == {TAG_KEY: workshop_id}
    app = cip.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert sorted(app["ExplicitAuthFlows"]) == sorted(FLOWS)
    secret = app["ClientSecret"]

    rows = list(csv.DictReader((out / "participants.csv").read_text().splitlines()))
    assert [r["username"] for r in rows] == state["users"]
    sheet = (out / "participants.html").read_text()
    for row in rows:
        assert row["client_secret"] == secret and row["user_pool_id"] == pool_id
        assert row["password"] in sheet and row["username"] in sheet
        user = cip.admin_get_user(UserPoolId=pool_id, Username=row["username"])
        assert user["UserStatus"] == "CONFIRMED"
        # every participant signs in with nothing but their env file
        env = _read_env(out / row["env_file"])
        assert env["COGNITO_PASSWORD"] == row["password"]
        target = get_target(env)
        assert target.kind == "real" and target.endpoint_url == local_cognito.endpoint_url
        tokens = target.client().initiate_auth(
            ClientId=target.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": target.username,
                "PASSWORD": target.password,
                "SECRET_HASH": secret_hash(target.username, target.client_id, secret),
            },
        )["AuthenticationResult"]
        assert tokens["IdToken"].count(".") == 2

    # nothing secret reached the terminal
    printed = up.stdout + up.stderr
    assert secret not in printed
    for row in rows:
        assert row["password"] not in printed

    down = _cli("down", "--out", str(out))  # endpoint and region come from the state file
    assert down.returncode == 0, down.stderr
    assert not out.exists()
    assert {p["Id"] for p in _all_pools(cip)} == pools_before
    assert _tagged(cip, workshop_id) == []

    again = _cli("down", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "nothing to remove" in again.stderr


def test_cli_down_by_workshop_id_when_the_state_file_is_lost(
    local_cognito: LocalCognito, tmp_path: Path
):
    out = tmp_path / "room"
    up = _cli("up", "-n", "1", "--out", str(out), "--region", "us-east-1",
              endpoint=local_cognito.endpoint_url)
    assert up.returncode == 0, up.stderr
    workshop_id = json.loads((out / STATE_FILE).read_text())["workshop_id"]
    (out / STATE_FILE).unlink()
    down = _cli("down", "--workshop-id", workshop_id, "--region", "us-east-1",
                endpoint=local_cognito.endpoint_url)
    assert down.returncode == 0, down.stderr
    assert _tagged(local_cognito.client(), workshop_id) == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["up", "--participants", "0", "--region", "us-east-1"], "--participants"),
        (["up", "--participants", "2", "--prefix", "bad prefix!", "--region", "us-east-1"], "--prefix"),
        (["up", "--participants", "2"], "--region"),
        (["down", "--workshop-id", "not an id", "--region", "us-east-1"], "--workshop-id"),
    ],
)
def test_cli_bad_input_names_the_field(tmp_path: Path, args: list[str], field: str):
    result = _cli(*args, "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert field in result.stderr and "Traceback" not in result.stderr


def test_cli_unreachable_endpoint_exits_3_and_leaves_a_state_to_clean(tmp_path: Path):
    with LocalCognito() as lc:
        dead = lc.endpoint_url  # a port nobody listens on once stopped
    out = tmp_path / "room"
    result = _cli("up", "-n", "1", "--out", str(out), "--region", "us-east-1", endpoint=dead)
    assert result.returncode == 3
    assert "CreateUserPool failed" in result.stderr and "workshop down --out" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads((out / STATE_FILE).read_text())["status"] == "failed"


# -- partial failures: up dies part way, down still removes everything -----------------------


def test_up_fails_part_way_then_down_removes_what_exists(local_cognito: LocalCognito, tmp_path):
    cip = local_cognito.client()
    flaky = Flaky(cip, "admin_create_user", after=2)
    lines: list[str] = []
    with pytest.raises(WorkshopError) as info:
        workshop_up(5, out_dir=tmp_path, region="us-east-1", client=flaky, progress=lines.append)
    message = str(info.value)
    assert "creating user cognito-lab-03" in message and "TooManyRequestsException" in message
    assert f"workshop down --out {tmp_path}" in message
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert state["status"] == "failed" and state["users"] == ["cognito-lab-01", "cognito-lab-02"]
    pool_id = state["user_pool_id"]
    users = cip.list_users(UserPoolId=pool_id)["Users"]
    assert len(users) == 2
    # the secret only went into a masked progress line, and no env file exists yet
    secret = cip.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=state["client_id"])["UserPoolClient"]["ClientSecret"]
    assert all(secret not in line for line in lines) and "secret" in " ".join(lines)
    assert not list(tmp_path.glob("env/*.env"))

    # a second up into the same directory is refused: the room must be cleaned first
    with pytest.raises(InvalidInputError, match="--out"):
        workshop_up(1, out_dir=tmp_path, region="us-east-1", client=cip, progress=lines.append)

    result = workshop_down(out_dir=tmp_path, client=cip, progress=lines.append)
    assert result.deleted_pools == [pool_id]
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        cip.describe_user_pool(UserPoolId=pool_id)
    assert not tmp_path.joinpath(STATE_FILE).exists()


def test_pool_created_but_answer_lost_is_found_by_tag_and_only_that_pool(
    local_cognito: LocalCognito, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cip = local_cognito.client()
    flaky = Flaky(cip, "create_user_pool", act_first=True)
    with pytest.raises(WorkshopError, match="CreateUserPool failed"):
        workshop_up(2, out_dir=tmp_path, region="us-east-1", client=flaky, progress=lambda _: None)
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert state["user_pool_id"] is None  # up never learned the id
    workshop_id = state["workshop_id"]
    orphan = _tagged(cip, workshop_id)
    assert len(orphan) == 1

    # decoys: same name without the tag, same name with another workshop's tag
    untagged = cip.create_user_pool(PoolName=workshop_id)["UserPool"]["Id"]
    other = cip.create_user_pool(
        PoolName=workshop_id, UserPoolTags={TAG_KEY: "cognito-lab-000000"})["UserPool"]["Id"]
    # enough other pools that the search must follow NextToken
    monkeypatch.setattr(provision, "_PAGE_SIZE", 2)  # where find_workshop_pools reads it
    fillers = [cip.create_user_pool(PoolName=f"filler-{i}")["UserPool"]["Id"] for i in range(5)]
    assert list(find_workshop_pools(cip, workshop_id)) == orphan

    result = workshop_down(out_dir=tmp_path, client=cip, progress=lambda _: None)
    assert result.deleted_pools == orphan
    remaining = {p["Id"] for p in _all_pools(cip)}
    assert orphan[0] not in remaining
    assert {untagged, other, *fillers} <= remaining
    for pool_id in (untagged, other, *fillers):
        cip.delete_user_pool(UserPoolId=pool_id)


def test_down_interrupted_can_be_run_again(local_cognito: LocalCognito, tmp_path: Path):
    cip = local_cognito.client()
    ws = workshop_up(2, out_dir=tmp_path, region="us-east-1", client=cip, progress=lambda _: None)
    flaky = Flaky(cip, "delete_user_pool", once=True)
    with pytest.raises(WorkshopError, match="run the same command again"):
        workshop_down(out_dir=tmp_path, client=flaky, progress=lambda _: None)
    # nothing was half-removed: the state and the participants' files are still there
    assert (tmp_path / STATE_FILE).exists() and len(list(tmp_path.glob("env/*.env"))) == 2
    result = workshop_down(out_dir=tmp_path, client=flaky, progress=lambda _: None)
    assert result.deleted_pools == [ws.user_pool_id]
    assert _tagged(cip, ws.workshop_id) == []
    assert list(tmp_path.iterdir()) == []  # up did not create tmp_path, so down leaves it (empty)
    # and once more, with nothing left at all
    assert workshop_down(out_dir=tmp_path, client=cip, progress=lambda _: None).workshop_id is None


def test_pool_deleted_by_hand_then_down_still_cleans_the_files(
    local_cognito: LocalCognito, tmp_path: Path
):
    cip = local_cognito.client()
    ws = workshop_up(1, out_dir=tmp_path, region="us-east-1", client=cip, progress=lambda _: None)
    cip.delete_user_pool(UserPoolId=ws.user_pool_id)
    (tmp_path / "notes.txt").write_text("the instructor's own file")
    result = workshop_down(out_dir=tmp_path, client=cip, progress=lambda _: None)
    assert result.already_gone == [ws.user_pool_id] and result.deleted_pools == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_down_refuses_a_pool_without_the_workshop_tag(local_cognito: LocalCognito, tmp_path):
    cip = local_cognito.client()
    ws = workshop_up(1, out_dir=tmp_path, region="us-east-1", client=cip, progress=lambda _: None)
    someone_elses = cip.create_user_pool(PoolName="production")["UserPool"]["Id"]
    state = json.loads((tmp_path / STATE_FILE).read_text())
    state["user_pool_id"] = someone_elses  # a corrupted or hand-edited state file
    (tmp_path / STATE_FILE).write_text(json.dumps(state))
    with pytest.raises(WorkshopError, match="refusing to delete"):
        workshop_down(out_dir=tmp_path, client=cip, progress=lambda _: None)
    assert cip.describe_user_pool(UserPoolId=someone_elses)["UserPool"]["Id"] == someone_elses
    for pool_id in (someone_elses, ws.user_pool_id):
        cip.delete_user_pool(UserPoolId=pool_id)


# -- pieces -------------------------------------------------------------------------------


def test_generated_passwords_meet_cognitos_default_policy_and_differ():
    passwords = {generate_password() for _ in range(300)}
    assert len(passwords) == 300
    for pw in passwords:
        assert len(pw) == 16
        assert any(c.islower() for c in pw) and any(c.isupper() for c in pw)
        assert any(c.isdigit() for c in pw) and any(not c.isalnum() for c in pw)
        assert all(c.isalnum() or c in "-_.+" for c in pw)  # safe unquoted in an env file
    with pytest.raises(InvalidInputError, match="length"):
        generate_password(6)


def test_reprs_mask_the_secret_and_passwords(local_cognito: LocalCognito, tmp_path: Path):
    ws = workshop_up(1, out_dir=tmp_path, region="us-east-1", client=local_cognito.client(),
                     progress=lambda _: None)
    text = repr(ws) + repr(ws.participants)
    assert ws.client_secret not in text and ws.participants[0].password not in text
    assert "51 chars" in text
    workshop_down(out_dir=tmp_path, client=local_cognito.client(), progress=lambda _: None)


# -- a participant loads their env file in a kernel -------------------------------------------


def test_participant_env_file_points_get_target_at_the_workshop_pool(
    local_cognito: LocalCognito, tmp_path: Path
):
    import cognito_helpers as ch

    ws = workshop_up(2, out_dir=tmp_path, region="us-east-1", client=local_cognito.client(),
                     progress=lambda _: None)
    environ: dict[str, str] = {}
    names = ch.load_env_file(tmp_path / ws.participants[1].env_file, environ=environ)
    assert "COGNITO_PASSWORD" in names and "COGNITO_CLIENT_SECRET" in names
    target = get_target(environ)
    assert (target.kind, target.user_pool_id, target.username) == (
        "real", ws.user_pool_id, ws.participants[1].username)
    assert target.password == ws.participants[1].password
    workshop_down(out_dir=tmp_path, client=local_cognito.client(), progress=lambda _: None)


def test_load_env_file_accepts_export_and_quotes_and_refuses_bad_lines(tmp_path: Path):
    from cognito_helpers.workshop import load_env_file

    good = tmp_path / "a.env"
    good.write_text("# comment\n\nexport COGNITO_USERNAME='bob'\nAWS_REGION=\"eu-west-1\"\nX=a=b\n")
    environ: dict[str, str] = {}
    assert load_env_file(good, environ=environ) == ["COGNITO_USERNAME", "AWS_REGION", "X"]
    assert environ == {"COGNITO_USERNAME": "bob", "AWS_REGION": "eu-west-1", "X": "a=b"}
    bad = tmp_path / "b.env"
    bad.write_text("COGNITO_USERNAME=bob\nthis line holds hunter2\n")
    with pytest.raises(InvalidInputError, match="line 2 of") as info:
        load_env_file(bad, environ={})
    assert "hunter2" not in str(info.value)
    with pytest.raises(InvalidInputError, match="no such file"):
        load_env_file(tmp_path / "missing.env", environ={})


# -- down goes where up went (issue 12 item 2) -----------------------------------------------


def _up_one(local_cognito: LocalCognito, out: Path, **kw) -> dict:
    up = _cli("up", "-n", "1", "--out", str(out), "--region", "us-east-1", **kw)
    assert up.returncode == 0, up.stderr
    return json.loads((out / STATE_FILE).read_text())


def _kept(local_cognito: LocalCognito, out: Path, state: dict) -> None:
    assert (out / STATE_FILE).exists() and (out / "participants.csv").exists()
    assert len(list(out.glob("env/*.env"))) == 1
    assert _tagged(local_cognito.client(), state["workshop_id"]) == [state["user_pool_id"]]


def test_cli_down_uses_the_state_files_region_over_aws_region(local_cognito, tmp_path):
    out = tmp_path / "room"
    state = _up_one(local_cognito, out, endpoint=local_cognito.endpoint_url)
    down = _cli("down", "--out", str(out), env_extra={"AWS_REGION": "eu-west-1"})
    assert down.returncode == 0, down.stderr
    assert f"{state['user_pool_id']} already gone" not in down.stderr and "1 pool deleted" in down.stderr
    assert _tagged(local_cognito.client(), state["workshop_id"]) == []
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [(["--region", "eu-west-1"], "--region"), (["--endpoint-url", "http://127.0.0.1:9"], "--endpoint-url")],
)
def test_cli_down_refuses_a_region_or_endpoint_that_disagrees_with_the_state(
    local_cognito, tmp_path, args, field
):
    out = tmp_path / "room"
    state = _up_one(local_cognito, out, endpoint=local_cognito.endpoint_url)
    down = _cli("down", "--out", str(out), *args)
    assert down.returncode == 2 and field in down.stderr, down.stderr
    assert "Nothing was removed" in down.stderr and "Traceback" not in down.stderr
    _kept(local_cognito, out, state)
    assert _cli("down", "--out", str(out)).returncode == 0
    assert _tagged(local_cognito.client(), state["workshop_id"]) == []


def test_cli_down_refuses_when_aws_endpoint_url_moved_the_calls(local_cognito, tmp_path):
    out = tmp_path / "room"
    state = _up_one(local_cognito, out, env_extra={"AWS_ENDPOINT_URL": local_cognito.endpoint_url})
    assert state["endpoint_url"] is None
    with LocalCognito() as other:  # another, empty Cognito: the pool is not there
        down = _cli("down", "--out", str(out), env_extra={"AWS_ENDPOINT_URL": other.endpoint_url})
    assert down.returncode != 0 and "Nothing was removed" in down.stderr, down.stderr
    assert "Traceback" not in down.stderr
    _kept(local_cognito, out, state)
    again = _cli("down", "--out", str(out), env_extra={"AWS_ENDPOINT_URL": local_cognito.endpoint_url})
    assert again.returncode == 0, again.stderr
    assert _tagged(local_cognito.client(), state["workshop_id"]) == []


def test_cli_room_refuses_when_aws_endpoint_url_moved_the_calls(local_cognito, tmp_path):
    """room --workshop builds its client as down does: calls that would go elsewhere are refused."""
    out = tmp_path / "ws"
    state = _up_one(local_cognito, out, env_extra={"AWS_ENDPOINT_URL": local_cognito.endpoint_url})
    with LocalCognito() as other:  # another Cognito, where no such pool or client exists
        room = _cli("room", "--workshop", str(out), "--dir", str(tmp_path / "room-data"),
                    env_extra={"AWS_ENDPOINT_URL": other.endpoint_url})
    assert room.returncode == 3, room.stderr
    assert "room would call" in room.stderr and "Nothing was changed" in room.stderr, room.stderr
    assert "Traceback" not in room.stderr and not (tmp_path / "room-data").exists()
    settings = local_cognito.client().describe_user_pool_client(
        UserPoolId=state["user_pool_id"], ClientId=state["client_id"])["UserPoolClient"]
    assert not settings.get("CallbackURLs")  # the workshop's client was left as it was
    assert _cli("down", "--out", str(out), env_extra={
        "AWS_ENDPOINT_URL": local_cognito.endpoint_url}).returncode == 0


def test_down_keeps_its_record_when_describe_fails(local_cognito: LocalCognito, tmp_path: Path):
    cip = local_cognito.client()
    ws = workshop_up(1, out_dir=tmp_path, region="us-east-1", client=cip, progress=lambda _: None)
    flaky = Flaky(cip, "describe_user_pool")
    with pytest.raises(WorkshopError, match="Nothing else was removed"):
        workshop_down(out_dir=tmp_path, client=flaky, progress=lambda _: None)
    assert (tmp_path / STATE_FILE).exists() and len(list(tmp_path.glob("env/*.env"))) == 1
    assert workshop_down(out_dir=tmp_path, client=cip, progress=lambda _: None).deleted_pools == [
        ws.user_pool_id]


# -- up never touches what it did not create (issue 12 item 8) ---------------------------------


def test_up_refuses_an_existing_non_empty_out_and_leaves_it_alone(tmp_path: Path):
    out = tmp_path / "shared"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o1777)  # noqa: S103 - a shared dir like /tmp, what the issue saw
    (out / "participants.csv").write_text("mine\n")
    with pytest.raises(InvalidInputError, match="--out"):
        workshop_up(1, out_dir=out, region="us-east-1", client=object(), progress=lambda _: None)
    assert (out / "participants.csv").read_text() == "mine\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o1777 and [p.name for p in out.iterdir()] == [
        "participants.csv"]


def test_up_refuses_a_symlinked_out(tmp_path: Path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(InvalidInputError, match="symlink"):
        workshop_up(1, out_dir=tmp_path / "link", region="us-east-1", client=object(),
                    progress=lambda _: None)
    assert list((tmp_path / "real").iterdir()) == []


def test_up_into_an_existing_empty_dir_keeps_its_mode_and_down_keeps_the_dir(
    local_cognito: LocalCognito, tmp_path: Path
):
    out = tmp_path / "mine"
    out.mkdir()
    os.chmod(out, 0o1777)  # noqa: S103 - a shared dir like /tmp, what the issue saw
    cip = local_cognito.client()
    workshop_up(1, out_dir=out, region="us-east-1", client=cip, progress=lambda _: None)
    assert stat.S_IMODE(out.stat().st_mode) == 0o1777
    workshop_down(out_dir=out, client=cip, progress=lambda _: None)
    assert out.is_dir() and list(out.iterdir()) == []


# -- the files inside --out: never through a symlink, never over what up did not write -------
# (issue 12 item 8: a participant on a shared machine can plant links in a shared --out)


class PlantOnClient:
    """A cognito-idp client that runs ``plant()`` once the pool exists (mid-provisioning)."""

    def __init__(self, real, plant) -> None:
        self._real, self._plant = real, plant

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def create_user_pool_client(self, **kwargs):
        self._plant()
        return self._real.create_user_pool_client(**kwargs)


def test_private_dir_refuses_a_symlink_and_changes_nothing(tmp_path: Path):
    from cognito_helpers.workshop.files import _private_dir

    real = tmp_path / "real"
    real.mkdir()
    os.chmod(real, 0o755)  # noqa: S103 - a mode to see unchanged
    (tmp_path / "env").symlink_to(real)
    with pytest.raises(InvalidInputError, match="symlink this tool did not create"):
        _private_dir(tmp_path / "env")
    assert stat.S_IMODE(real.stat().st_mode) == 0o755 and (tmp_path / "env").is_symlink()


def test_write_private_never_follows_a_link_nor_a_linked_directory(tmp_path: Path):
    from cognito_helpers.workshop.files import _save_state, _write_private

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.chmod(victim, 0o644)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.env").symlink_to(victim)
    with pytest.raises(InvalidInputError, match=r"a\.env is a symlink"):
        _write_private(out / "a.env", "SECRET=1\n")
    (out / "linked").symlink_to(tmp_path)  # a directory link: the file would land beside victim
    with pytest.raises(InvalidInputError, match="linked is a symlink"):
        _write_private(out / "linked" / "b.env", "SECRET=1\n")
    (out / ".workshop.json.tmp").symlink_to(victim)  # the temporary name of a rewrite
    (out / "workshop.json").write_text("{}")
    with pytest.raises(InvalidInputError, match="symlink"):
        _save_state(out, {"version": 1})
    assert victim.read_text() == "precious\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert not (tmp_path / "b.env").exists()


def test_a_link_planted_at_an_env_file_is_refused_and_its_target_untouched(
    local_cognito: LocalCognito, tmp_path: Path
):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.chmod(victim, 0o644)
    out = tmp_path / "room"
    cip = PlantOnClient(local_cognito.client(),
                        lambda: (out / "env" / "pl-01.env").symlink_to(victim))
    with pytest.raises(InvalidInputError) as info:
        workshop_up(2, out_dir=out, region="us-east-1", prefix="pl", client=cip,
                    progress=lambda _: None)
    message = str(info.value)
    assert "pl-01.env is a symlink this tool did not create" in message
    assert "workshop down --out" in message and "\n" not in message
    assert victim.read_text() == "precious\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert (out / "env" / "pl-02.env").is_file() and (out / "participants.csv").is_file()
    state = json.loads((out / STATE_FILE).read_text())
    assert "env/pl-01.env" not in state["files"] and state["unwritten"] == ["env/pl-01.env"]
    result = workshop_down(out_dir=out, client=local_cognito.client(), progress=lambda _: None)
    assert result.deleted_pools == [state["user_pool_id"]] and result.left_files == []
    assert victim.read_text() == "precious\n"
    assert (out / "env" / "pl-01.env").is_symlink()  # not ours: left where it was planted


def test_down_never_deletes_through_a_symlinked_env_dir(local_cognito: LocalCognito, tmp_path):
    out = tmp_path / "room"
    cip = local_cognito.client()
    workshop_up(1, out_dir=out, region="us-east-1", prefix="sy", client=cip,
                progress=lambda _: None)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "sy-01.env").write_text("someone else's\n")
    (out / "env" / "sy-01.env").unlink()
    (out / "env").rmdir()
    (out / "env").symlink_to(elsewhere)
    lines: list[str] = []
    result = workshop_down(out_dir=out, client=cip, progress=lines.append)
    assert (elsewhere / "sy-01.env").read_text() == "someone else's\n"
    assert result.left_files == ["env/sy-01.env"] and any("left" in line for line in lines)
    assert not (out / STATE_FILE).exists() and (out / "env").is_symlink()


# -- bad paths: one clear line, exit 2, nothing lost, and down still finishes (issue 12 item 13) -


def test_cli_up_into_an_impossible_out_says_so_and_creates_nothing(local_cognito, tmp_path):
    cip = local_cognito.client()
    before = {p["Id"] for p in _all_pools(cip)}
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for out in ("/proc/1/x", str(a_file / "sub"), str(a_file)):
        up = _cli("up", "-n", "1", "--out", out, "--region", local_cognito.region,
                  endpoint=local_cognito.endpoint_url)
        assert up.returncode == 2, up.stderr
        assert "Traceback" not in up.stderr and up.stderr.count("\n") == 1, up.stderr
        assert up.stderr.startswith("error: --out: ") and out in up.stderr
    assert {p["Id"] for p in _all_pools(cip)} == before
    assert a_file.read_text() == "x"
    down = _cli("down", "--out", str(a_file))
    assert down.returncode == 2 and "not a directory" in down.stderr
    assert "Traceback" not in down.stderr


def test_cli_a_directory_where_the_sheet_goes_then_down_finishes(
    local_cognito: LocalCognito, tmp_path: Path, monkeypatch
):
    out = tmp_path / "room"
    layer = local_cognito._layer
    assert layer is not None
    original = layer._handlers["CreateUserPoolClient"]

    def plant_then_create(params, environ):  # the pool exists by now
        (out / "participants.html").mkdir()
        (out / "participants.html" / "notes.txt").write_text("mine\n")
        return original(params, environ)

    monkeypatch.setitem(layer._handlers, "CreateUserPoolClient", plant_then_create)
    up = _cli("up", "-n", "2", "--prefix", "dir-sheet", "--out", str(out),
              "--region", local_cognito.region, endpoint=local_cognito.endpoint_url)
    assert up.returncode == 2, up.stderr
    error = up.stderr.splitlines()[-1]
    assert "Traceback" not in up.stderr
    assert error.startswith("error: --out: workshop dir-sheet-")
    assert "participants.html is a directory this tool did not create" in error
    assert "the other 3 of 4 files are written" in error and "workshop down --out" in error
    state = json.loads((out / STATE_FILE).read_text())
    assert state["status"] == "ready" and state["unwritten"] == ["participants.html"]
    assert (out / "participants.csv").is_file() and len(list((out / "env").iterdir())) == 2
    monkeypatch.undo()

    down = _cli("down", "--out", str(out))
    assert down.returncode == 0, down.stderr
    assert "Traceback" not in down.stderr
    cip = local_cognito.client()
    assert _tagged(cip, state["workshop_id"]) == []
    assert sorted(p.name for p in out.iterdir()) == ["participants.html"]
    assert (out / "participants.html" / "notes.txt").read_text() == "mine\n"


def test_cli_a_full_disk_after_the_pool_exists_then_down_finishes(local_cognito, tmp_path):
    import resource

    out = tmp_path / "room"

    def small_files() -> None:  # writes past 1,000 bytes fail with EFBIG, as ENOSPC would
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env.update(AWS_ACCESS_KEY_ID="AKIAWORKSHOPTEST0000", AWS_SECRET_ACCESS_KEY="dummy-for-local")
    up = subprocess.run(
        [sys.executable, "-m", "cognito_helpers", "workshop", "up", "-n", "1", "--out", str(out),
         "--region", local_cognito.region, "--endpoint-url", local_cognito.endpoint_url],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=120,
        preexec_fn=small_files,  # only setrlimit, before exec
    )
    assert up.returncode == 2, up.stderr
    assert "Traceback" not in up.stderr
    error = up.stderr.splitlines()[-1]
    assert "cannot write" in error and "participants.html (File too large)" in error
    assert not list(out.glob(".*.tmp"))  # no half-written file left behind
    down = _cli("down", "--out", str(out))
    assert down.returncode == 0, down.stderr
    assert not out.exists()


@pytest.mark.parametrize("action", ["room", "status"])
def test_cli_room_and_status_with_a_bad_dir_say_so(tmp_path: Path, action: str):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for bad in ([str(a_file)] if action == "status" else [str(a_file), str(a_file / "sub"),
                                                           "/proc/1/x"]):
        extra = ["-n", "1", "--port", "7399"] if action == "room" else []
        result = _cli(action, "--dir", bad, *extra)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and result.stderr.startswith("error: --dir: ")
    assert a_file.read_text() == "x"


def test_cli_room_with_a_file_as_workshop_names_the_flag(tmp_path: Path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    result = _cli("room", "--workshop", str(a_file), "--dir", str(tmp_path / "room"),
                  "--port", "7399")
    assert result.returncode == 2 and result.stderr.startswith("error: --workshop: ")
    assert "not a directory" in result.stderr and "Traceback" not in result.stderr


def test_room_settings_never_go_through_a_planted_link(tmp_path: Path):
    from cognito_helpers.workshop.room import write_settings

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    room = tmp_path / "room"
    room.mkdir()
    (room / "room.json").symlink_to(victim)
    with pytest.raises(InvalidInputError, match="--dir"):
        write_settings(room, port=7399)
    assert victim.read_text() == "precious\n" and (room / "room.json").is_symlink()


def test_status_skips_a_progress_file_that_is_not_text(tmp_path: Path):
    from cognito_helpers.workshop.room import PROGRESS_FILE, read_progress

    record = tmp_path / "home" / "p-01" / PROGRESS_FILE
    record.parent.mkdir(parents=True)
    record.write_bytes(b'\xff\xfe{"exercise": "x"\n{"exercise": "02.1", "passed": true}\n')
    assert read_progress(tmp_path) == {"p-01": {"02.1": True}}
