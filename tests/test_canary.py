"""Secret hygiene: recognisable canary secrets, passwords and tokens never leak.

Canaries (``tests/canaries.py``) go in everywhere a secret can enter: the
client secret (``COGNITO_CLIENT_SECRET``, ``--secret-file``, CreateUserPoolClient's
``ClientSecret``, and every secret the local Cognito generates), passwords
(demo, workshop, sign-up), tokens. Then nothing a person or a log can see may
hold one: stdout/stderr of every CLI command, every log record at DEBUG from
every logger (ours, boto3, botocore, urllib3, werkzeug, moto), exception texts
on bad input, reprs of public objects, every notebook's outputs and widget
state, and files, except those meant to hold them, which must be owner-only.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from canaries import (
    CANARY_PASSWORD,
    CANARY_SECRET,
    CANARY_TOKEN,
    canary_password,
    canary_secret,
    install,
    leaks,
)

import cognito_helpers as ch
from cognito_helpers.exceptions import CognitoHelpersError

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")) + sorted(
    (ROOT / "apps").glob("*.ipynb")
)
LOGGERS = ("", "boto3", "botocore", "urllib3", "werkzeug", "moto", "cognito_helpers", "jwt")

# A subprocess that makes the package issue canaries, then runs the CLI.
_BOOT = (
    f"import runpy, sys; sys.path.insert(0, {str(TESTS)!r}); import canaries; canaries.install(); "
    "sys.argv = ['cognito_helpers', *sys.argv[1:]]; "
    "runpy.run_module('cognito_helpers', run_name='__main__', alter_sys=True)"
)


def _assert_clean(where: str, text: object, *, tokens: bool = True) -> None:
    found = leaks(text, tokens=tokens)
    assert not found, f"{where} leaks {found}"


def _files_holding_canaries(root: Path) -> dict[Path, int]:
    """Every file under ``root`` holding a canary, with its permission bits."""
    out = {}
    for folder, _dirs, names in os.walk(root):  # symlinks (to the project) are not followed
        for name in names:
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                continue
            if leaks(path.read_bytes(), tokens=False):
                out[path] = stat.S_IMODE(path.stat().st_mode)
    return out


def _assert_owner_only(files: dict[Path, int]) -> None:
    for path, mode in files.items():
        assert mode & 0o077 == 0, f"{path} holds a secret with mode {oct(mode)}"


def _base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "AWS_"))}
    env.update(
        AWS_ACCESS_KEY_ID="AKIALOCALCOGNITO0000",
        AWS_SECRET_ACCESS_KEY="local-cognito-dummy-secret-key",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra)
    return env


# -- a local Cognito whose secrets and passwords are all canaries -------------------------------


class CanaryPool:
    """What the tests need of the canary pool (the repr shows no secret)."""

    def __init__(self, lc, demo) -> None:
        self.lc, self.demo = lc, demo
        self.endpoint_url = lc.endpoint_url
        self.pool_id, self.client_id = demo.user_pool_id, demo.client_id
        self.username, self.internal_username = demo.username, demo.internal_username

    def __repr__(self) -> str:
        return f"CanaryPool({self.endpoint_url}, {self.client_id})"


@pytest.fixture(scope="module")
def canary_pool():
    """A LocalCognito with a demo pool whose secret and password are canaries.

    The demo's confidential client is replaced by one created with
    ``ClientSecret=CANARY_SECRET`` (the API's custom-secret parameter), the user's
    password set to ``CANARY_PASSWORD``.
    """
    from cognito_helpers import LocalCognito

    with LocalCognito() as lc:
        base = lc.demo()
        cip = lc.client()
        client = cip.create_user_pool_client(
            UserPoolId=base.user_pool_id,
            ClientName="canary",
            ClientSecret=CANARY_SECRET,
            ExplicitAuthFlows=[
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
            ],
        )["UserPoolClient"]
        cip.admin_set_user_password(
            UserPoolId=base.user_pool_id, Username=base.username, Password=CANARY_PASSWORD,
            Permanent=True,
        )
        from dataclasses import replace

        demo = replace(
            base, client_id=client["ClientId"], client_secret=CANARY_SECRET, password=CANARY_PASSWORD
        )
        yield CanaryPool(lc, demo)


# -- CLI commands ------------------------------------------------------------------------------------


def _cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _BOOT, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def _cli_cases(pool: CanaryPool, tmp: Path) -> list[tuple[list[str], dict[str, str], set[int]]]:
    secret_file = tmp / "secret.txt"
    secret_file.write_text(CANARY_SECRET + "\n")
    secret_file.chmod(0o600)
    right = ch.secret_hash(pool.username, pool.client_id, CANARY_SECRET)
    hex_hash = base64.b64decode(right).hex()
    env = {"COGNITO_CLIENT_SECRET": CANARY_SECRET, "COGNITO_PASSWORD": CANARY_PASSWORD}
    url = ["--endpoint-url", pool.endpoint_url]
    return [
        (["hash", "-u", pool.username, "-c", pool.client_id], env, {0}),
        (["hash", "-u", pool.username, "-c", pool.client_id, "--json"], env, {0}),
        (["hash", "-u", pool.username, "-c", pool.client_id, "--secret-file", str(secret_file)], {}, {0}),
        (["hash", "-u", pool.username, "-c", pool.client_id],
         {"COGNITO_CLIENT_SECRET": CANARY_SECRET + "\n"}, {2}),
        (["hash", "-u", pool.username, "-c", pool.client_id],
         {"COGNITO_CLIENT_SECRET": " " + CANARY_SECRET}, {2}),
        (["hash", "-u", pool.username, "-c", pool.client_id],
         {"COGNITO_CLIENT_SECRET": CANARY_SECRET + "é"}, {2}),
        (["hash", "-u", CANARY_PASSWORD, "-c", pool.client_id, "--no-strict"], env, {0}),
        (["fingerprint", "-u", pool.username, "-c", pool.client_id, "--sent", right], env, {0}),
        (["fingerprint", "-u", pool.username, "-c", pool.client_id, "--sent", hex_hash], env, {1}),
        # mistake 5: the app sends the raw secret as the hash
        (["fingerprint", "-u", pool.username, "-c", pool.client_id, "--sent", CANARY_SECRET], env, {1}),
        (["fingerprint", "-u", pool.username, "-c", pool.client_id, "--sent", right, "--json"],
         {"COGNITO_CLIENT_SECRET": CANARY_SECRET + "\n"}, {0, 1, 2}),
        (["explain", "An error occurred (NotAuthorizedException) when calling the InitiateAuth "
          f"operation: Unable to verify secret hash for client {pool.client_id}"], env, {0}),
        (["explain", f"NotAuthorizedException: Invalid Refresh Token {CANARY_TOKEN}"], env, {0, 1}),
        (["explain", f"botocore: SECRET_HASH={right} PASSWORD={CANARY_PASSWORD} "
          f"ClientSecret={CANARY_SECRET}"], env, {0, 1}),
        (["snippet", "--lang", "go", "-c", pool.client_id, "-u", pool.username], env, {0}),
        (["snippet", "--lang", "shell", "-c", pool.client_id, "-u", pool.username], env, {0}),
        (["check-client", "-p", pool.pool_id, "-c", pool.client_id, *url], env, {0, 1}),
        (["check-client", "-p", pool.pool_id, "-c", pool.client_id, *url, "--json"], env, {0, 1}),
        (["verify", "-c", pool.client_id, "-u", pool.username, "-p", pool.pool_id, *url], env, {0}),
        (["verify", "-c", pool.client_id, "-u", pool.username, *url, "--json"], env, {0}),
        (["verify", "-c", pool.client_id, "-u", pool.username, "-p", pool.pool_id, *url,
          "--flow", "ADMIN_USER_PASSWORD_AUTH"], env, {0}),
        (["verify", "-c", pool.client_id, "-u", pool.username, *url],
         {**env, "COGNITO_PASSWORD": canary_password(900)}, {1}),
        (["verify", "-c", pool.client_id, "-u", pool.username, *url],
         {**env, "COGNITO_CLIENT_SECRET": canary_secret(901)}, {1}),
    ]


def test_cli_commands_leak_nothing(canary_pool, tmp_path):
    cases = _cli_cases(canary_pool, tmp_path)
    for args, extra, codes in cases:
        proc = _cli(args, _base_env(**extra), tmp_path)
        where = f"'{' '.join(a[:30] for a in args[:3])}...'"
        assert proc.returncode in codes, (where, proc.returncode, proc.stderr[-800:])
        assert b"Traceback" not in proc.stderr, (where, proc.stderr[-800:])
        # the input itself is the only place a canary may appear (--sent SECRET echo is a leak)
        _assert_clean(f"{where} stdout", proc.stdout)
        _assert_clean(f"{where} stderr", proc.stderr)
    files = _files_holding_canaries(tmp_path)
    assert set(files) == {tmp_path / "secret.txt"}
    _assert_owner_only(files)


def _serve_until_ready(args: list[str], cwd: Path, ready: str, timeout: float = 60):
    """Start a serving CLI command; return (process, first lines) once ``ready`` is printed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _BOOT, *args],
        cwd=cwd,
        env=_base_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: list[bytes] = []
    deadline = time.monotonic() + timeout
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if ready.encode() in line:
                break
    finally:
        timer.cancel()
    return proc, lines


def _stop(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out, err


def _env_file(path: Path, timeout: float = 60) -> dict[str, str]:
    """The env file a serving command writes once its demo pool is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and "COGNITO_PASSWORD=" in path.read_text():
            return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


def test_cli_local_and_proxy_leak_nothing(tmp_path):
    """`local --demo --env-file` and `proxy --demo --env-file`, with sign-ins through the proxy."""
    local, lines = _serve_until_ready(
        ["local", "--demo", "--env-file", "local.env"], tmp_path, "ready at"
    )
    try:
        env = _env_file(tmp_path / "local.env")
        assert env["COGNITO_CLIENT_SECRET"].startswith("canarysecret")
        assert env["COGNITO_PASSWORD"].startswith("Canary-Pw-")
    finally:
        out, err = _stop(local)
    _assert_clean("local stdout", b"".join(lines) + out)
    _assert_clean("local stderr", err)

    proxy, lines = _serve_until_ready(
        ["proxy", "--demo", "--env-file", "proxy.env"], tmp_path, "ready at"
    )
    try:
        env = _env_file(tmp_path / "proxy.env")
        secret, password = env["COGNITO_CLIENT_SECRET"], env["COGNITO_PASSWORD"]
        assert secret.startswith("canarysecret") and password.startswith("Canary-Pw-")
        import boto3

        cip = boto3.session.Session(
            aws_access_key_id="x", aws_secret_access_key="y", region_name=env["AWS_REGION"]
        ).client("cognito-idp", endpoint_url=env["COGNITO_ENDPOINT_URL"])
        user, cid = env["COGNITO_USERNAME"], env["COGNITO_CLIENT_ID"]
        good = ch.secret_hash(user, cid, secret)
        tokens = cip.initiate_auth(
            ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": password, "SECRET_HASH": good},
        )["AuthenticationResult"]
        cip.initiate_auth(
            ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "SECRET_HASH": good},
        )
        for auth in (
            {"USERNAME": user, "PASSWORD": password, "SECRET_HASH": secret},  # raw secret sent
            {"USERNAME": user, "PASSWORD": canary_password(77), "SECRET_HASH": good},
            {"USERNAME": user, "PASSWORD": password},
        ):
            with pytest.raises(cip.exceptions.NotAuthorizedException):
                cip.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)
    finally:
        out, err = _stop(proxy)
    text = b"".join(lines) + out
    assert b"FAIL" in text  # the verdicts were printed
    _assert_clean("proxy stdout", text)
    _assert_clean("proxy stderr", err)
    for token in (tokens["AccessToken"], tokens["IdToken"], tokens["RefreshToken"]):
        assert token.encode() not in text + err
    files = _files_holding_canaries(tmp_path)
    assert set(files) == {tmp_path / "local.env", tmp_path / "proxy.env"}
    _assert_owner_only(files)


def test_cli_workshop_leaks_nothing(canary_pool, tmp_path):
    out_dir = tmp_path / "ws"
    up = _cli(
        ["workshop", "up", "-n", "3", "--region", "us-east-1", "--endpoint-url",
         canary_pool.endpoint_url, "--out", str(out_dir)],
        _base_env(),
        tmp_path,
    )
    assert up.returncode == 0, up.stderr[-800:]
    _assert_clean("workshop up stdout", up.stdout)
    _assert_clean("workshop up stderr", up.stderr)
    files = _files_holding_canaries(tmp_path)
    names = {p.relative_to(out_dir).as_posix() for p in files}
    assert "participants.csv" in names and any(n.startswith("env/") for n in names)
    assert "workshop.json" not in names  # the state file holds no secret
    _assert_owner_only(files)
    assert stat.S_IMODE(out_dir.stat().st_mode) & 0o077 == 0
    down = _cli(
        ["workshop", "down", "--out", str(out_dir), "--region", "us-east-1", "--endpoint-url",
         canary_pool.endpoint_url],
        _base_env(),
        tmp_path,
    )
    assert down.returncode == 0, down.stderr[-800:]
    _assert_clean("workshop down", down.stdout + down.stderr)
    assert _files_holding_canaries(tmp_path) == {}


# -- library flows with every logger at DEBUG ----------------------------------------------------


@pytest.fixture
def debug_logs(caplog):
    """Every record from every logger, at DEBUG (boto3/botocore/urllib3/werkzeug/moto too)."""
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    caplog.set_level(logging.DEBUG)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _record_text(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: look at the parts
        message = f"{record.msg} {record.args}"
    return f"{record.name}: {message} {record.exc_text or ''}"


def test_local_cognito_flows_log_nothing(monkeypatch, debug_logs, capfd):
    """Sign-up, confirm, every sign-in flow, refresh, reset, rotation, at DEBUG everywhere."""
    from cognito_helpers import LocalCognito

    install(monkeypatch)
    with LocalCognito() as lc:
        demo = lc.demo()
        assert demo.client_secret.startswith("canarysecret")
        email = lc.demo(email_as_username=True)
        cip = lc.client()
        h = ch.secret_hash
        tokens = cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": h(demo.username, demo.client_id, demo.client_secret)},
        )["AuthenticationResult"]
        cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"],
                            "SECRET_HASH": h(demo.internal_username, demo.client_id,
                                             demo.client_secret)},
        )
        cip.admin_initiate_auth(
            UserPoolId=demo.user_pool_id, ClientId=demo.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": h(demo.username, demo.client_id, demo.client_secret)},
        )
        cip.initiate_auth(
            ClientId=email.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email.username, "PASSWORD": email.password,
                            "SECRET_HASH": h(email.username, email.client_id, email.client_secret)},
        )
        # SRP, with pycognito doing the client side
        from pycognito.aws_srp import AWSSRP

        AWSSRP(username=demo.username, password=demo.password, pool_id=demo.user_pool_id,
               client_id=demo.client_id, client_secret=demo.client_secret,
               client=cip).authenticate_user()
        # wrong hash, wrong password, raw secret as the hash, missing hash
        for auth in (
            {"SECRET_HASH": h(demo.username, demo.client_id, canary_secret(500))},
            {"SECRET_HASH": demo.client_secret},
            {},
        ):
            with pytest.raises(Exception) as info:
                cip.initiate_auth(
                    ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password, **auth},
                )
            _assert_clean("exception", info.value)
            _assert_clean("describe_client_error", ch.describe_client_error(info.value))
        with pytest.raises(Exception) as info:
            cip.initiate_auth(
                ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": demo.username, "PASSWORD": canary_password(501),
                                "SECRET_HASH": h(demo.username, demo.client_id, demo.client_secret)},
            )
        _assert_clean("exception", info.value)
        # sign-up family with a canary password
        new_pw = canary_password(502)
        cip.sign_up(
            ClientId=demo.client_id, Username="bob", Password=new_pw,
            SecretHash=h("bob", demo.client_id, demo.client_secret),
            UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        )
        cip.resend_confirmation_code(
            ClientId=demo.client_id, Username="bob",
            SecretHash=h("bob", demo.client_id, demo.client_secret),
        )
        cip.confirm_sign_up(
            ClientId=demo.client_id, Username="bob", ConfirmationCode=lc.last_code("bob"),
            SecretHash=h("bob", demo.client_id, demo.client_secret),
        )
        cip.forgot_password(
            ClientId=demo.client_id, Username="bob",
            SecretHash=h("bob", demo.client_id, demo.client_secret),
        )
        cip.confirm_forgot_password(
            ClientId=demo.client_id, Username="bob", ConfirmationCode=lc.last_code("bob"),
            Password=canary_password(503), SecretHash=h("bob", demo.client_id, demo.client_secret),
        )
        # rotation: a generated second secret, listing, deleting the first
        added = cip.add_user_pool_client_secret(
            UserPoolId=demo.user_pool_id, ClientId=demo.client_id
        )["ClientSecretDescriptor"]
        assert added["ClientSecretValue"].startswith("canarysecret")
        listed = cip.list_user_pool_client_secrets(
            UserPoolId=demo.user_pool_id, ClientId=demo.client_id
        )["ClientSecrets"]
        _assert_clean("ListUserPoolClientSecrets", listed)
        cip.describe_user_pool_client(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
        first = next(s for s in listed if s["ClientSecretId"] != added["ClientSecretId"])
        cip.delete_user_pool_client_secret(
            UserPoolId=demo.user_pool_id, ClientId=demo.client_id,
            ClientSecretId=first["ClientSecretId"],
        )
        # the package's own views of these objects
        views = [repr(lc), repr(demo), repr(email), str(lc.outbox), repr(lc.client_secrets(demo.client_id))]
        target = ch.get_target(demo.env())
        views += [repr(target), target.describe()]
        for view in views:
            _assert_clean("repr", view)
    records = [r for r in debug_logs.records]
    assert any(r.name.startswith("botocore") for r in records)  # DEBUG really was on
    for record in records:
        _assert_clean(f"log record {record.name}", _record_text(record))
    out, err = capfd.readouterr()
    _assert_clean("stdout", out)
    _assert_clean("stderr", err)


# -- exceptions and reprs --------------------------------------------------------------------------


def _raises_clean(fn, *args, **kwargs) -> None:
    try:
        result = fn(*args, **kwargs)
    except CognitoHelpersError as exc:
        _assert_clean(f"{fn.__name__} exception", exc)
        _assert_clean(f"{fn.__name__} exception repr", repr(exc))
        return
    _assert_clean(f"{fn.__name__} result", repr(result))
    for attr in ("to_text", "to_json", "_repr_html_"):
        if hasattr(result, attr):
            _assert_clean(f"{fn.__name__}.{attr}", getattr(result, attr)())
    if hasattr(result, "lines"):
        _assert_clean(f"{fn.__name__}.lines", "\n".join(result.lines()))


BAD_SECRETS = [
    CANARY_SECRET + "\n",
    " " + CANARY_SECRET,
    CANARY_SECRET + "\u200b",
    CANARY_SECRET + "-",
    CANARY_SECRET + "é",
    CANARY_SECRET * 2,
    CANARY_SECRET[:30] + "\ud800" + CANARY_SECRET[30:],
    CANARY_SECRET.upper(),
]


@pytest.mark.parametrize("secret", BAD_SECRETS, ids=[repr(s[-3:]) for s in BAD_SECRETS])
def test_exceptions_and_results_never_hold_the_secret(secret):
    vector_cid = "EPswPGbpdBLZnh9XW134hK7qYe"
    _raises_clean(ch.secret_hash, "alice", vector_cid, secret)
    _raises_clean(ch.check_client_secret, secret)
    _raises_clean(ch.hash_variants, "alice", vector_cid, secret)
    _raises_clean(ch.hash_variants, "alice", vector_cid, secret, sent=CANARY_SECRET)
    _raises_clean(ch.fingerprint, "alice", vector_cid, secret, "AAAA")
    _raises_clean(ch.fingerprint, "alice", vector_cid, CANARY_SECRET, secret)  # raw secret sent
    _raises_clean(ch.fingerprint, "alice", vector_cid, CANARY_SECRET, "x",
                  previous_secrets=[secret])
    from cognito_helpers.lessons.troubleshooting import troubleshoot

    _raises_clean(troubleshoot, "Unable to verify secret hash for client x", username="alice",
                  client_id=vector_cid, client_secret=secret, sent="AAAA")
    env = {"COGNITO_USER_POOL_ID": "us-east-1_Canary1", "COGNITO_CLIENT_ID": vector_cid,
           "COGNITO_CLIENT_SECRET": secret, "COGNITO_PASSWORD": CANARY_PASSWORD,
           "COGNITO_USERNAME": "alice", "AWS_REGION": "us-east-1"}
    _raises_clean(ch.get_target, env)


def test_token_helpers_never_show_the_token():
    for token in (CANARY_TOKEN, CANARY_TOKEN + "x", CANARY_TOKEN.replace(".", "", 1),
                  CANARY_TOKEN + "\n"):
        _raises_clean(ch.peek_token, token)
        _raises_clean(ch.verify_token, token, jwks={"keys": []}, issuer="https://x",
                      client_id="abc")


def test_reprs_of_public_objects(canary_pool):
    from cognito_helpers.lessons.widgets import hash_calculator
    from cognito_helpers.local import HashCheck, Message, SecretRecord

    demo = canary_pool.demo
    objects = [
        demo,
        canary_pool.lc,
        SecretRecord("id--1", CANARY_SECRET, 0.0, True),
        Message("SIGN_UP", "bob", "bob@example.com", "123456", "cid"),
        HashCheck("InitiateAuth", "cid", "SECRET_HASH", "sent", "alice", "alice",
                  CANARY_SECRET, "mismatch"),
        ch.get_target(demo.env()),
        ch.hash_variants("alice", demo.client_id, CANARY_SECRET, sent=CANARY_SECRET),
        hash_calculator("alice", demo.client_id, CANARY_SECRET),
    ]
    for obj in objects:
        _assert_clean(f"repr({type(obj).__name__})", repr(obj))
        _assert_clean(f"str({type(obj).__name__})", str(obj))
        if hasattr(obj, "_repr_html_"):
            _assert_clean(f"{type(obj).__name__}._repr_html_", obj._repr_html_())


def test_widget_state_never_holds_the_secret():
    """What a notebook saves for a widget (its model state) must not hold the secret."""
    from cognito_helpers.lessons.widgets import hash_calculator, troubleshooter

    calc = hash_calculator("alice", "EPswPGbpdBLZnh9XW134hK7qYe", CANARY_SECRET)
    form = troubleshooter(
        "NotAuthorizedException: Unable to verify secret hash for client "
        "EPswPGbpdBLZnh9XW134hK7qYe", "alice", "EPswPGbpdBLZnh9XW134hK7qYe", CANARY_SECRET,
        CANARY_SECRET,  # the app sent the raw secret as the hash
    )
    for widget in (calc, form):
        _assert_clean(f"repr({type(widget).__name__})", repr(widget))
    states = {}
    stack = [calc, form]
    while stack:
        widget = stack.pop()
        states[widget.model_id] = widget.get_state()
        stack += list(getattr(widget, "children", ()))
    # The secret's own Password box holds it (its value syncs to the page), and so does
    # the box the user pasted it into as "the hash your app sent"; nothing else may.
    def typed_by_user(state: dict) -> bool:
        return state.get("_model_name") == "PasswordModel" or (
            state.get("_model_name") == "TextModel"
            and state.get("description") == "Hash your app sent"
        )

    shown = {k: v for k, v in states.items() if not typed_by_user(v)}
    assert len(shown) < len(states)
    _assert_clean("widget state (outputs, other inputs)", json.dumps(shown, default=str))


# -- notebooks ---------------------------------------------------------------------------------------

_INSTALL_CELL = (
    "import sys\n"
    f"sys.path.insert(0, {str(TESTS)!r})\n"
    "import canaries\n"
    "canaries.install()"
)


_COUNT_CELL = (
    "import json, canaries\n"
    "print(json.dumps({'secrets': sum(s.startswith('canarysecret') for s in canaries.ISSUED),\n"
    "                  'passwords': sum(s.startswith('Canary-Pw-') for s in canaries.ISSUED)}))"
)


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(json.dumps(out, default=str))
    parts.append(json.dumps(nb.metadata.get("widgets", {}), default=str))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS])
def test_notebook_leaks_nothing(path, tmp_path, capfd):
    """Run a copy of the notebook whose local Cognito issues canaries; scan every output."""
    import nbformat
    from nbclient import NotebookClient

    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    for item in ROOT.iterdir():  # what notebooks read from '..' (requirements.txt, snippets/)
        if item.name not in (path.parent.name, ".git", ".venv") and not item.name.startswith("."):
            (tmp_path / item.name).symlink_to(item)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_INSTALL_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(_COUNT_CELL))
    saved_env = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("COGNITO_")}
    try:
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(work)}},
            store_widget_state=True,
        )
        client.execute()
    finally:
        os.environ.update(saved_env)
    nb.cells.pop(0)
    count = nb.cells.pop()
    issued = json.loads(count.outputs[0]["text"])
    source = "".join(c.source for c in nb.cells)
    if "get_target" in source or "LocalCognito" in source:
        # the notebook's own local Cognito really ran on canaries
        assert issued["secrets"] >= 1 and issued["passwords"] >= 1, issued
    text = _outputs_text(nb)
    _assert_clean(f"{path.name} outputs and widget state", text)
    out, err = capfd.readouterr()
    _assert_clean(f"{path.name} kernel stdout", out)
    _assert_clean(f"{path.name} kernel stderr", err)
    files = _files_holding_canaries(tmp_path)
    _assert_owner_only(files)


def test_canaries_are_detectable():
    """The detector itself: a leak is found, a masked value is not."""
    assert leaks(f"x {CANARY_SECRET} y") and leaks(CANARY_PASSWORD) and leaks(CANARY_TOKEN)
    assert leaks(canary_secret(7)) and leaks(canary_password(7))
    assert not leaks(ch.mask(CANARY_SECRET)) and not leaks(ch.mask(CANARY_PASSWORD, keep=0))
    assert re.fullmatch(r"[a-z0-9]{51}", canary_secret(12))
    ch.check_client_secret(canary_secret(12))
