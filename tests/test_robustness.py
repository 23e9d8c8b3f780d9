"""Bad input never crashes: public functions, CLI commands, the local Cognito's wire.

* Every public function that takes text answers arbitrary strings (empty,
  huge, control characters, lone surrogates, whitespace, look-alike Unicode)
  with a result or a :class:`CognitoHelpersError` (``InvalidInputError`` naming
  the field), never a raw library exception; the message never holds the secret.
* Every CLI command exits 0/1/2/3 with a one-line error, never a traceback,
  with stdout as strict UTF-8 as a real pipe.
* The local Cognito (and the inspecting proxy) answer malformed requests with
  AWS-shaped errors (``{"__type", "message"}``, 400) and keep serving.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wire import DUMMY_SIGV4, is_unsigned

import cognito_helpers as ch
from cognito_helpers.exceptions import CognitoHelpersError, InvalidInputError

ROOT = Path(__file__).resolve().parent.parent
TARGET = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"

# -- strategies ----------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\n",
    "\t\r\n",
    "alice\n",
    " alice",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\ud800",
    "a\udcff",
    "\udfff\ud800",
    "\u200b",
    "\ufeff",
    "\u202ealice",
    "\u00a0",
    "ａｌｉｃｅ",  # fullwidth
    "аlice",  # Cyrillic a
    "alice\u0301",  # combining accent
    "😀",
    "\U0010ffff",
    "x" * 100_000,
    "é" * 5_000,
    "-h",
    "--help",
    "'; DROP TABLE--",
    "%s%n{0}{}",
    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
]
_any_char = st.characters(codec=None, exclude_categories=())
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(_any_char, max_size=64),
    st.text(st.sampled_from("aZ09_+=/-. \n\t\u200b\ud800é"), max_size=300),
)
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _no_secret_in(exc: BaseException, secret: object, *others: object) -> None:
    if isinstance(secret, str) and len(secret) >= 8 and not any(
        isinstance(o, str) and secret in o for o in others
    ):
        assert secret not in str(exc)


def _accepts_or_refuses(fn, *args, fields=(), secret=None, **kwargs):
    """Call ``fn``; a refusal must be a CognitoHelpersError naming one of ``fields``."""
    try:
        return fn(*args, **kwargs)
    except InvalidInputError as exc:
        if fields:
            assert any(f in exc.field for f in fields), (exc.field, fields)
        assert str(exc).startswith(exc.field)
        _no_secret_in(exc, secret, *args)
        return None
    except CognitoHelpersError as exc:
        assert str(exc).strip()
        _no_secret_in(exc, secret, *args)
        return None


# -- the hash ----------------------------------------------------------------------


@SETTINGS
@given(texts, texts, texts, st.booleans())
def test_secret_hash_any_text(username, client_id, secret, strict):
    out = _accepts_or_refuses(
        ch.secret_hash,
        username,
        client_id,
        secret,
        strict=strict,
        fields=("username", "client_id", "client_secret"),
        secret=secret,
    )
    if out is not None:
        assert len(out) == 44 and out.endswith("=")


@SETTINGS
@given(texts)
def test_checks_any_text(value):
    for fn, field in (
        (ch.check_username, "username"),
        (ch.check_client_id, "client_id"),
        (ch.check_client_secret, "client_secret"),
    ):
        for strict in (True, False):
            out = _accepts_or_refuses(fn, value, strict=strict, fields=(field,), secret=value)
            assert out is None or out == value


@pytest.mark.parametrize("value", [None, 5, b"alice", ["a"], {"a": 1}, 1.5])
def test_secret_hash_wrong_types_name_the_field(value):
    for position, field in enumerate(("username", "client_id", "client_secret")):
        args = ["username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"]
        args[position] = value
        with pytest.raises(InvalidInputError) as info:
            ch.secret_hash(*args)
        assert info.value.field == field
        assert "str" in str(info.value)


@SETTINGS
@given(st.one_of(texts, st.none(), st.integers()))
def test_mask_never_fails_and_never_shows_much(value):
    out = ch.mask(value)
    assert isinstance(out, str)
    if isinstance(value, str) and len(value) >= 10:
        assert value not in out
        assert str(len(value)) in out


# -- diagnosis, calculator, snippets, tokens, targets ------------------------------------


@SETTINGS
@given(texts)
def test_explain_any_text(text):
    d = _accepts_or_refuses(ch.explain, text, fields=("text",))
    if d is not None:
        assert d.to_text()
        json.loads(d.to_json())


@SETTINGS
@given(texts, texts, texts, texts, st.lists(texts, max_size=2), st.lists(texts, max_size=2))
def test_fingerprint_any_text(username, client_id, secret, sent, others, previous):
    d = _accepts_or_refuses(
        ch.fingerprint,
        username,
        client_id,
        secret,
        sent,
        other_usernames=others,
        previous_secrets=previous,
        fields=("username", "client_id", "client_secret", "sent", "other", "previous"),
        secret=secret,
    )
    if d is not None:
        text = d.to_text() + d.to_json()
        if len(secret) >= 8 and all(secret not in v for v in (username, client_id, sent, *others)):
            assert secret not in text


@SETTINGS
@given(texts, texts, texts, st.one_of(st.none(), texts))
def test_hash_variants_any_text(username, client_id, secret, sent):
    hv = _accepts_or_refuses(
        ch.hash_variants,
        username,
        client_id,
        secret,
        sent=sent,
        fields=("username", "client_id", "client_secret", "sent"),
        secret=secret,
    )
    if hv is not None:
        shown = "\n".join(hv.lines()) + repr(hv) + hv._repr_html_()
        if len(secret) >= 8 and all(secret not in v for v in (username, client_id, sent or "")):
            assert secret not in shown


@SETTINGS
@given(texts)
def test_pool_region_any_text(value):
    from cognito_helpers.diagnosis import pool_region

    out = _accepts_or_refuses(pool_region, value, fields=("user_pool_id",))
    assert out is None or value.startswith(out + "_")


@SETTINGS
@given(st.one_of(st.sampled_from(["go", "node", "python", "shell"]), texts), texts, texts, texts)
def test_snippet_render_any_text(lang, client_id, username, secret_env):
    from cognito_helpers.lessons.snippets import render

    _accepts_or_refuses(
        render,
        lang,
        client_id=client_id,
        username=username,
        secret_env=secret_env,
        fields=("lang", "client_id", "username", "secret_env"),
    )


@SETTINGS
@given(texts)
def test_peek_token_any_text(token):
    _accepts_or_refuses(ch.peek_token, token, fields=("token",))


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "COGNITO_USER_POOL_ID",
                "COGNITO_CLIENT_ID",
                "COGNITO_CLIENT_SECRET",
                "AWS_REGION",
                "COGNITO_USERNAME",
                "COGNITO_ENDPOINT_URL",
            ]
        ),
        texts,
        min_size=1,
    )
)
def test_get_target_any_env(env):
    # Only real-pool configurations (no local Cognito is started for an empty one).
    if not (env.get("COGNITO_USER_POOL_ID") or env.get("COGNITO_CLIENT_ID")):
        env["COGNITO_CLIENT_ID"] = "x"
    target = _accepts_or_refuses(ch.get_target, env)
    if target is not None:
        assert target.kind == "real"
        secret = env.get("COGNITO_CLIENT_SECRET", "")
        if len(secret) >= 8:
            assert secret not in repr(target) and secret not in target.describe()


@SETTINGS
@given(texts, texts, texts, texts, texts, st.one_of(texts, st.lists(texts, max_size=3)))
def test_troubleshoot_any_text(error, username, client_id, secret, sent, others):
    from cognito_helpers.lessons.troubleshooting import troubleshoot

    result = _accepts_or_refuses(
        troubleshoot, error, username=username, client_id=client_id, client_secret=secret,
        sent=sent, other_usernames=others,
        fields=("error", "username", "client_id", "client_secret", "sent", "other"),
        secret=secret,
    )
    if result is not None:
        shown = repr(result) + result._repr_html_()
        if len(secret) >= 8 and all(secret not in v for v in (error, username, client_id, sent,
                                                                str(others))):
            def shown_with(other: str) -> str:
                try:
                    alt = troubleshoot(error, username=username, client_id=client_id,
                                       client_secret=other, sent=sent, other_usernames=others)
                except ch.CognitoHelpersError:  # refused: the strict form
                    return ""
                return repr(alt) + alt._repr_html_()

            _assert_not_leaked(secret, shown, shown_with)


@SETTINGS
@given(st.one_of(st.sampled_from(["go", "node", "python", "shell", "java"]), texts),
       texts, texts, texts)
def test_snippet_helpers_any_text(lang, username, client_id, secret):
    _accepts_or_refuses(ch.snippet_mistake_hash, lang, username, client_id, secret,
                        fields=("lang", "username", "client_id", "client_secret"), secret=secret)
    _accepts_or_refuses(ch.snippet_hash_lines, lang, fields=("lang",))
    _accepts_or_refuses(ch.read_snippet, lang, fields=("lang",))


@SETTINGS
@given(texts, texts, st.one_of(st.none(), texts))
def test_token_url_helpers_any_text(region, pool_id, endpoint):
    _accepts_or_refuses(ch.expected_issuer, region, pool_id,
                        fields=("region", "user_pool_id"))
    _accepts_or_refuses(ch.jwks_url, region, pool_id, endpoint,
                        fields=("region", "user_pool_id", "endpoint_url"))


@SETTINGS
@given(texts)
def test_with_edited_claims_any_text(token):
    _accepts_or_refuses(ch.with_edited_claims, token, sub="x", fields=("token",))


@SETTINGS
@given(texts, st.one_of(st.none(), texts, st.integers()))
def test_check_exercise_any_id(exercise_id, answer):
    result = _accepts_or_refuses(ch.check_exercise, exercise_id, answer,
                                 fields=("exercise_id", "exercise"))
    if result is not None:
        assert str(result)


@SETTINGS
@given(st.dictionaries(texts, st.one_of(texts, st.integers(), st.none(), st.lists(texts)),
                       max_size=4),
       st.sampled_from(["InitiateAuth", "SignUp", "RespondToAuthChallenge", "AdminInitiateAuth",
                        "ConfirmSignUp", "ListUsers", "x"]))
def test_hash_site_any_params(params, operation):
    for key in ("AuthParameters", "ChallengeResponses"):
        params.setdefault(key, params.get("x"))
    site = ch.hash_site(operation, params)
    assert site is None or site.field.endswith(("SECRET_HASH", "SecretHash"))


@SETTINGS
@given(st.binary(max_size=300))
def test_load_env_file_any_bytes(tmp_path_factory, content):
    from cognito_helpers.workshop import load_env_file

    path = tmp_path_factory.mktemp("env") / "p.env"
    path.write_bytes(content)
    environ: dict[str, str] = {}
    try:
        load_env_file(path, environ=environ)
    except InvalidInputError as exc:
        assert exc.field == "path"
        for line in content.decode("utf-8", "replace").splitlines():
            if len(line.strip()) >= 12 and "=" in line:
                assert line.strip() not in str(exc)  # an error never shows a line's content


@SETTINGS
@given(texts, st.one_of(st.integers(), texts))
def test_local_cognito_settings_any_value(region, port):
    from cognito_helpers import LocalCognito

    lc = _accepts_or_refuses(LocalCognito, region=region, port=port, fields=("region", "port"))
    if lc is not None:  # accepted: not started, nothing to stop
        assert not lc.running


@pytest.fixture(scope="module")
def refused_client():
    """A boto3 client for a loopback port nobody listens on, one attempt per call."""
    import boto3
    from botocore.config import Config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return boto3.session.Session(
        aws_access_key_id="AKIALOCALCOGNITO0000",
        aws_secret_access_key="local-cognito-dummy-secret-key",
        region_name="us-east-1",
    ).client(
        "cognito-idp", endpoint_url=f"http://127.0.0.1:{port}",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2),
    )


@settings(max_examples=40, deadline=None)
@given(texts, texts, texts, texts)
def test_check_client_and_verify_flow_any_text(refused_client, pool_id, client_id, username,
                                               password):
    for fn, args, kwargs, fields in (
        (ch.check_client, (refused_client, pool_id, client_id), {},
         ("user_pool_id", "client_id")),
        (ch.verify_flow, (refused_client, client_id, username, password),
         {"client_secret": "abcdefabcdefabcdefabcdef", "user_pool_id": pool_id or None},
         ("client_id", "username", "password", "user_pool_id", "client_secret")),
    ):
        result = _accepts_or_refuses(fn, *args, fields=fields, secret=password, **kwargs)
        if result is not None:  # reached the (refused) endpoint: a diagnosis, not a crash
            assert result.status in ("ok", "problem", "incomplete", "found", "unknown")
            if len(password) >= 8 and password not in username + client_id + pool_id:
                assert password not in result.to_text() + result.to_json()


def test_fetch_jwks_bad_urls_stay_on_loopback():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for url in ("", "file:///etc/passwd", "ftp://127.0.0.1/x", "not a url", "\ud800",
                f"http://127.0.0.1:{port}/jwks.json"):
        with pytest.raises(CognitoHelpersError):
            ch.fetch_jwks(url, timeout=2)


# -- CLI (in process, stdout as strict as a real pipe) ------------------------------------


def _assert_not_leaked(secret: str, shown: str, shown_with: Callable[[str], str]) -> None:
    """``secret`` is not in ``shown``. Hypothesis also draws strings from the source, so a
    "secret" may be a word of our own prose ('exceptio', 'contains'): it leaks when it shows
    more often than in ``shown_with(another secret of its length)``."""
    if secret not in shown:
        return
    char = next((c for c in "Zq9Xk" if c not in secret), None)
    prose = 0 if char is None else shown_with(char * len(secret)).count(secret)
    assert shown.count(secret) <= prose, shown


def _assert_secret_not_shown(argv: list[str], env: dict[str, str], secret: str, shown: str) -> None:
    """The secret is not in what the CLI printed (see _assert_not_leaked)."""

    def shown_with(other: str) -> str:
        _, out, err = _run_cli(argv, {**env, "COGNITO_CLIENT_SECRET": other})
        return out + err

    _assert_not_leaked(secret, shown, shown_with)


def _run_cli(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    from cognito_helpers.cli import main

    # As a real command line delivers them: bytes decoded with surrogateescape (so a
    # lone "\ud800" typed as its UTF-8-like bytes arrives as "\udced\udca0\udc80").
    argv = [a.encode("utf-8", "surrogatepass").decode("utf-8", "surrogateescape") for a in argv]
    out_buf, err_buf = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_buf, encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(err_buf, encoding="utf-8", errors="backslashreplace", write_through=True)
    patch_env = mock.patch.dict(os.environ, env or {}, clear=False)
    no_stdin = mock.patch.object(sys, "stdin", io.StringIO(""))
    with patch_env, no_stdin, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors, --help
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out_buf.getvalue().decode(), err_buf.getvalue().decode()


def _settable(value: str) -> bool:
    return "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _check_cli(code: int, out: str, err: str, *fields: str) -> None:
    assert code in (0, 1, 2, 3), (code, err)
    assert "Traceback" not in err + out
    if code == 2 and fields and err.startswith("error:"):
        assert any(f in err or f.replace("_", "-") in err for f in fields), err


CLI_SETTINGS = settings(max_examples=60, deadline=None)


@CLI_SETTINGS
@given(texts, texts, texts, st.booleans(), st.booleans())
def test_cli_hash_any_text(username, client_id, secret, no_strict, as_json):
    argv = ["hash", "--username", username, "--client-id", client_id]
    argv += ["--no-strict"] * no_strict + ["--json"] * as_json
    env = {"COGNITO_CLIENT_SECRET": secret if _settable(secret) else "x"}
    code, out, err = _run_cli(argv, env)
    _check_cli(code, out, err, "username", "client_id", "client_secret")
    if code == 0:
        assert out.strip()
    if len(secret) >= 8 and secret not in username + client_id:
        _assert_secret_not_shown(argv, env, secret, out + err)


@CLI_SETTINGS
@given(texts, st.booleans())
def test_cli_explain_any_text(text, as_json):
    code, out, err = _run_cli(["explain", *(["--json"] if as_json else []), "--", text])
    _check_cli(code, out, err, "text")


@CLI_SETTINGS
@given(texts, texts, texts, texts)
def test_cli_fingerprint_any_text(username, client_id, secret, sent):
    env = {"COGNITO_CLIENT_SECRET": secret if _settable(secret) else "x"}
    argv = ["fingerprint", "-u", username, "-c", client_id, "--sent", sent]
    code, out, err = _run_cli(argv, env)
    _check_cli(code, out, err, "username", "client_id", "client_secret", "sent")
    if len(secret) >= 8 and secret not in username + client_id + sent:
        _assert_secret_not_shown(argv, env, secret, out + err)


@CLI_SETTINGS
@given(st.sampled_from(["go", "node", "python", "shell", "java"]), texts, texts, texts)
def test_cli_snippet_any_text(lang, client_id, username, secret_env):
    argv = ["snippet", "--lang", lang, "-c", client_id, "-u", username, "--secret-env", secret_env]
    code, out, err = _run_cli(argv)
    _check_cli(code, out, err, "client_id", "username", "secret_env")


def test_cli_secret_file_problems(tmp_path):
    missing = tmp_path / "nope"
    binary = tmp_path / "bin"
    binary.write_bytes(b"\xff\xfe\x00secret")
    directory = tmp_path / "dir"
    directory.mkdir()
    for path in (missing, binary, directory):
        code, _out, err = _run_cli(
            ["hash", "-u", "alice", "-c", "abc", "--secret-file", str(path)]
        )
        assert code == 2 and "--secret-file" in err and "Traceback" not in err


def test_cli_no_secret_anywhere():
    env = {k: "" for k in ("COGNITO_CLIENT_SECRET",)}
    code, _out, err = _run_cli(["hash", "-u", "alice", "-c", "abc"], env)
    assert code == 2 and "client_secret" in err


# Non-UTF-8 bytes on a real command line arrive as lone surrogates (surrogateescape).
RAW_ARGS = [b"\xff\xfe", b"al\xc3ice", b"\xed\xa0\x80", b"x" * 5000]


@pytest.mark.parametrize("raw", RAW_ARGS, ids=["ff-fe", "bad-utf8", "cesu-surrogate", "long"])
@pytest.mark.parametrize("command", ["hash", "explain", "fingerprint", "snippet"])
def test_cli_raw_bytes_in_argv(command, raw, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "AWS_"))}
    env["COGNITO_CLIENT_SECRET"] = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
    env["PYTHONIOENCODING"] = "utf-8"
    args = {
        "hash": [b"hash", b"-u", raw, b"-c", b"EPswPGbpdBLZnh9XW134hK7qYe", b"--json"],
        "explain": [b"explain", b"--json", b"NotAuthorizedException: " + raw],
        "fingerprint": [b"fingerprint", b"-u", raw, b"-c", b"abc", b"--sent", raw],
        "snippet": [b"snippet", b"--lang", b"go", b"-c", raw, b"-u", b"alice"],
    }[command]
    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"cognito_helpers", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2), err
    assert b"Traceback" not in proc.stderr + proc.stdout, err


# -- the local Cognito's wire ------------------------------------------------------------------


def _post(
    url: str,
    body: bytes,
    target: str | None = TARGET + "InitiateAuth",
    content_type: str | None = JSON_TYPE,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> tuple[int, dict]:
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {}
    if content_type is not None:
        h["Content-Type"] = content_type
    if target is not None:
        h["X-Amz-Target"] = target
        if target.startswith(TARGET) and not is_unsigned(target[len(TARGET):]):
            h["Authorization"] = DUMMY_SIGV4  # signed calls: any signature is accepted locally
    h.update(headers or {})
    try:
        conn.request(method, "/", body=body, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        data = {"raw": raw[:200]}
    return resp.status, data


def _aws_shaped(status: int, data: dict, *types: str) -> None:
    assert status == 400, (status, data)
    assert set(data) >= {"__type", "message"}, data
    assert data["message"] and "Traceback" not in data["message"]
    if types:
        assert data["__type"] in types, data


@pytest.fixture(scope="module")
def shared_demo(local_cognito):
    """One pool for the many malformed-request cases (none of them changes it)."""
    return local_cognito.demo()


def _still_serving(lc, demo) -> None:
    cip = lc.client()
    result = cip.initiate_auth(
        ClientId=demo.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "PASSWORD": demo.password,
            "SECRET_HASH": ch.secret_hash(demo.username, demo.client_id, demo.client_secret),
        },
    )
    assert result["AuthenticationResult"]["AccessToken"]


def _auth_body(demo, **auth) -> bytes:
    return json.dumps(
        {"ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": auth}
    ).encode()


BAD_BODIES = {
    "not json": (b"{not json", "InitiateAuth", ("SerializationException",)),
    "array": (b"[1, 2]", "SignUp", ("SerializationException",)),
    "string": (b'"x"', "InitiateAuth", ("SerializationException",)),
    "invalid utf-8": (b'{"ClientId": "\xff\xfe"}', "InitiateAuth", ("SerializationException",)),
    "deep array": (b"[" * 100_000 + b"]" * 100_000, "InitiateAuth", ("SerializationException",)),
    # deeper than any supported Python's json parser goes (3.13.0 parses 5,000 levels, where 3.10-3.12
    # raise RecursionError) and still under the layer's 1 MiB body limit
    "deep object": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "InitiateAuth", ("SerializationException",)),
    "huge integer": (b'{"ClientId": ' + b"9" * 5000 + b"}", "InitiateAuth", ("SerializationException",)),
    "NaN": (b'{"ClientId": NaN}', "InitiateAuth", ()),
    "unknown operation": (b"{}", "NoSuchOperation", ("UnknownOperationException",)),
    "operation with dots": (b"{}", "A.B.C", ("UnknownOperationException",)),
    "empty operation": (b"{}", "", ("UnknownOperationException",)),
    "ListUserPools MaxResults string": (
        b'{"MaxResults": "x"}',
        "ListUserPools",
        ("SerializationException", "InvalidParameterException"),
    ),
    "AdminCreateUser attributes string": (
        b'{"UserPoolId": "us-east-1_x", "Username": "z", "UserAttributes": "x"}',
        "AdminCreateUser",
        ("SerializationException", "InvalidParameterException"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_malformed_bodies_get_aws_errors(local_cognito, case):
    body, operation, types = BAD_BODIES[case]
    status, data = _post(local_cognito.endpoint_url, body, TARGET + operation)
    _aws_shaped(status, data, *types)


def test_transport_level_problems(local_cognito, demo):
    url = local_cognito.endpoint_url
    # missing / foreign target header
    _aws_shaped(*_post(url, b"{}", target=None), "UnknownOperationException")
    _aws_shaped(*_post(url, b"{}", target="AmazonS3.ListBuckets"), "UnknownOperationException")
    # declared length over the limit, negative, not a number; a real 2 MB body
    for length in ("99999999", "-5", "abc"):
        status, data = _post(url, b"{}", headers={"Content-Length": length})
        _aws_shaped(status, data, "SerializationException")
    status, data = _post(url, b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    _aws_shaped(status, data, "SerializationException")
    # wrong or missing content type: still an AWS-shaped answer
    for ctype in ("text/plain", None, "application/json"):
        status, data = _post(url, _auth_body(demo, USERNAME="alice", PASSWORD="x"), content_type=ctype)
        _aws_shaped(status, data)
    _still_serving(local_cognito, demo)


WRONG_TYPES = [
    ("AuthParameters", [1]),
    ("AuthParameters", "x"),
    ("AuthParameters", 5),
    ("AuthFlow", 5),
    ("AuthFlow", ["USER_PASSWORD_AUTH"]),
    ("AuthFlow", {"a": 1}),
    ("ClientId", 5),
    ("ClientId", ["x"]),
    ("ClientMetadata", "x"),
    ("AnalyticsMetadata", [1]),
]
WRONG_AUTH_VALUES = [
    {"USERNAME": 5, "PASSWORD": "x"},
    {"USERNAME": ["alice"], "PASSWORD": "x"},
    {"USERNAME": {"a": "b"}, "PASSWORD": "x"},
    {"USERNAME": "alice", "PASSWORD": 5},
    {"USERNAME": "alice", "PASSWORD": "x", "SECRET_HASH": 5},
    {"USERNAME": "alice", "PASSWORD": "x", "SECRET_HASH": ["x"]},
    {"USERNAME": "alice", "PASSWORD": "x", "SECRET_HASH": True},
    {"USERNAME": "alice", "PASSWORD": "x", "SECRET_HASH": "\ud800"},
    {"USERNAME": "\ud800", "PASSWORD": "x", "SECRET_HASH": "AAAA"},
    {"USERNAME": "\udcff\ud800", "PASSWORD": "x"},
    {"USERNAME": "alice\x00", "PASSWORD": "x", "SECRET_HASH": "AAAA"},
    {"USERNAME": "x" * 20_000, "PASSWORD": "x", "SECRET_HASH": "AAAA"},
    {"USERNAME": "", "PASSWORD": "", "SECRET_HASH": ""},
    {"REFRESH_TOKEN": 5},
]


@pytest.mark.parametrize("field,value", WRONG_TYPES, ids=[f"{f}={v!r}" for f, v in WRONG_TYPES])
def test_wrong_types_in_initiate_auth(local_cognito, shared_demo, field, value):
    demo = shared_demo
    params = {
        "ClientId": demo.client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "x"},
        field: value,
    }
    status, data = _post(local_cognito.endpoint_url, json.dumps(params).encode())
    _aws_shaped(status, data)


@pytest.mark.parametrize("auth", WRONG_AUTH_VALUES, ids=[repr(a)[:40] for a in WRONG_AUTH_VALUES])
def test_wrong_values_inside_auth_parameters(local_cognito, shared_demo, auth):
    demo = shared_demo
    flow = "REFRESH_TOKEN_AUTH" if "REFRESH_TOKEN" in auth else "USER_PASSWORD_AUTH"
    params = {"ClientId": demo.client_id, "AuthFlow": flow, "AuthParameters": auth}
    status, data = _post(local_cognito.endpoint_url, json.dumps(params).encode())
    _aws_shaped(status, data)


OTHER_OPERATIONS = [
    ("SignUp", {"Username": 5, "Password": "Passw0rd!", "SecretHash": "x"}),
    ("SignUp", {"Username": ["x"], "Password": "Passw0rd!"}),
    ("SignUp", {"Username": "bob", "Password": 5}),
    ("SignUp", {"Username": "bob", "Password": "Passw0rd!", "SecretHash": 5}),
    ("SignUp", {"Username": "bob", "Password": "Passw0rd!", "UserAttributes": "x"}),
    ("SignUp", {"Username": "bob", "Password": "Passw0rd!", "UserAttributes": [{"Name": 1}]}),
    ("ConfirmSignUp", {"Username": "alice", "ConfirmationCode": 5}),
    ("ConfirmSignUp", {"Username": {"a": 1}, "ConfirmationCode": "1"}),
    ("ResendConfirmationCode", {"Username": 5}),
    ("ForgotPassword", {"Username": [1]}),
    ("ConfirmForgotPassword", {"Username": "alice", "ConfirmationCode": [1], "Password": "x"}),
    ("RespondToAuthChallenge", {"ChallengeName": "PASSWORD_VERIFIER", "Session": "x", "ChallengeResponses": [1]}),
    ("RespondToAuthChallenge", {"ChallengeName": 5, "Session": 5, "ChallengeResponses": {}}),
    ("RespondToAuthChallenge", {"ChallengeName": "SMS_MFA", "Session": "x", "ChallengeResponses": {"USERNAME": 5}}),
    ("GetTokensFromRefreshToken", {"ClientSecret": 5, "RefreshToken": [1]}),
    ("CreateUserPoolClient", {"ClientName": "x", "ClientSecret": 5}),
    ("CreateUserPoolClient", {"ClientName": "x", "ExplicitAuthFlows": "ALLOW_USER_PASSWORD_AUTH"}),
    ("CreateUserPoolClient", {"ClientName": 5}),
    ("CreateUserPoolClient", {"ClientName": "x", "GenerateSecret": "yes"}),
    ("UpdateUserPoolClient", {"ExplicitAuthFlows": [5]}),
    ("AddUserPoolClientSecret", {"ClientSecret": ["x"]}),
    ("DeleteUserPoolClientSecret", {"ClientSecretId": [1]}),
    ("DescribeUserPoolClient", {"ClientId": [1]}),
    ("DeleteUserPool", {"UserPoolId": 5}),
    ("AdminGetUser", {"Username": [1]}),
    ("AdminInitiateAuth", {"AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": 5}}),
    ("AdminSetUserPassword", {"Username": "alice", "Password": 5, "Permanent": "yes"}),
]


@pytest.mark.parametrize(
    "operation,params", OTHER_OPERATIONS, ids=[f"{o}:{sorted(p)[0]}" for o, p in OTHER_OPERATIONS]
)
def test_wrong_types_in_other_operations(local_cognito, shared_demo, operation, params):
    demo = shared_demo
    base = {"ClientId": demo.client_id, "UserPoolId": demo.user_pool_id}
    if operation in ("SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
                     "ConfirmForgotPassword", "RespondToAuthChallenge", "GetTokensFromRefreshToken"):
        base.pop("UserPoolId")
    if operation.startswith(("CreateUserPool", "DeleteUserPool", "AdminGetUser", "AdminSetUser")):
        base.pop("ClientId")
    body = json.dumps({**base, **params}).encode()
    status, data = _post(local_cognito.endpoint_url, body, TARGET + operation)
    _aws_shaped(status, data)


_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
_auth_keys = st.sampled_from(
    ["USERNAME", "PASSWORD", "SECRET_HASH", "SRP_A", "REFRESH_TOKEN", "DEVICE_KEY", "x"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    operation=st.sampled_from(
        [
            "InitiateAuth",
            "AdminInitiateAuth",
            "SignUp",
            "ConfirmSignUp",
            "ResendConfirmationCode",
            "ForgotPassword",
            "ConfirmForgotPassword",
            "RespondToAuthChallenge",
            "GetTokensFromRefreshToken",
            "CreateUserPoolClient",
            "AddUserPoolClientSecret",
            "DeleteUserPoolClientSecret",
            "DescribeUserPoolClient",
        ]
    ),
    flow=st.one_of(
        st.sampled_from(
            ["USER_PASSWORD_AUTH", "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "CUSTOM_AUTH",
             "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"]
        ),
        _json,
    ),
    auth=st.one_of(st.dictionaries(_auth_keys, _json, max_size=4), _json),
    extra=st.dictionaries(
        st.sampled_from(
            ["Username", "Password", "SecretHash", "ConfirmationCode", "Session", "ChallengeName",
             "ChallengeResponses", "ClientSecret", "RefreshToken", "ClientSecretId",
             "ExplicitAuthFlows", "ClientName", "UserAttributes"]
        ),
        _json,
        max_size=4,
    ),
    use_ids=st.booleans(),
    via_proxy=st.booleans(),
)
def test_fuzzed_requests_never_crash_the_server(
    fuzz_cognito, operation, flow, auth, extra, use_ids, via_proxy
):
    url = fuzz_cognito.proxy_url if via_proxy else fuzz_cognito.endpoint_url
    client_id, pool_id = fuzz_cognito.client_id, fuzz_cognito.pool_id
    params = {"AuthFlow": flow, "AuthParameters": auth, **extra}
    if use_ids:
        params.update(ClientId=client_id, UserPoolId=pool_id)
        if not operation.startswith("Admin") and operation not in (
            "CreateUserPoolClient", "AddUserPoolClientSecret", "DeleteUserPoolClientSecret",
            "DescribeUserPoolClient",
        ):
            params.pop("UserPoolId")
    body = json.dumps(params).encode("utf-8", "surrogatepass")
    status, data = _post(url, body, TARGET + operation)
    assert status < 500, (status, data)
    if status >= 400:
        _aws_shaped(status, data)


class _FuzzTarget:
    """What the fuzz test needs, without the secret (hypothesis prints its arguments in full)."""

    def __init__(self, endpoint_url: str, proxy_url: str, client_id: str, pool_id: str) -> None:
        self.endpoint_url, self.proxy_url = endpoint_url, proxy_url
        self.client_id, self.pool_id = client_id, pool_id

    def __repr__(self) -> str:
        return f"_FuzzTarget({self.endpoint_url}, client={self.client_id})"


@pytest.fixture(scope="module")
def fuzz_cognito():
    from cognito_helpers import LocalCognito
    from cognito_helpers.diagnosis.proxy import InspectingProxy

    with LocalCognito() as lc:
        demo = lc.demo()
        with InspectingProxy(
            upstream=lc.endpoint_url,
            secrets={demo.client_id: [demo.client_secret]},
            on_verdict=lambda v: None,
        ) as proxy:
            yield _FuzzTarget(lc.endpoint_url, proxy.endpoint_url, demo.client_id, demo.user_pool_id)
        _still_serving(lc, demo)


def test_slow_and_broken_clients_do_not_stop_the_server(local_cognito, demo):
    u = urlparse(local_cognito.endpoint_url)
    # a client that declares a body and never sends it, and one that hangs up mid-request
    idle = socket.create_connection((u.hostname, u.port), timeout=5)
    idle.sendall(
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth"
        b"\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 500\r\n\r\n{"
    )
    broken = socket.create_connection((u.hostname, u.port), timeout=5)
    broken.sendall(b"POST / HTTP/1.1\r\nContent-Len")
    broken.close()
    garbage = socket.create_connection((u.hostname, u.port), timeout=5)
    garbage.sendall(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(range(256)))  # TLS hello
    garbage.close()
    try:
        _still_serving(local_cognito, demo)
    finally:
        idle.close()
    _still_serving(local_cognito, demo)


# -- the inspecting proxy --------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxy_and_demo():
    from cognito_helpers import LocalCognito

    try:
        from cognito_helpers.diagnosis.proxy import InspectingProxy
    except ImportError:
        pytest.skip("no inspecting proxy yet")
    with LocalCognito() as lc:
        demo = lc.demo()
        with InspectingProxy(
            upstream=lc.endpoint_url,
            secrets={demo.client_id: [demo.client_secret]},
            on_verdict=lambda v: None,
        ) as proxy:
            yield proxy, demo


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_proxy_malformed_bodies(proxy_and_demo, case):
    proxy, _ = proxy_and_demo
    body, operation, _types = BAD_BODIES[case]
    status, data = _post(proxy.endpoint_url, body, TARGET + operation)
    _aws_shaped(status, data)


def test_proxy_transport_problems_and_wrong_types(proxy_and_demo):
    proxy, demo = proxy_and_demo
    url = proxy.endpoint_url
    _aws_shaped(*_post(url, b"{}", target=None))
    for length in ("99999999", "-5", "abc"):
        _aws_shaped(*_post(url, b"{}", headers={"Content-Length": length}))
    for auth in WRONG_AUTH_VALUES:
        params = {"ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": auth}
        _aws_shaped(*_post(url, json.dumps(params).encode()))
    for field, value in WRONG_TYPES:
        params = {"ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                  "AuthParameters": {"USERNAME": "alice", "PASSWORD": "x"}, field: value}
        _aws_shaped(*_post(url, json.dumps(params).encode()))


# -- CLI commands that start servers or call a Cognito: bad arguments, one subprocess each ----------

SERVER_AND_AWS_ARGS = [
    ["local", "--port", "99999"],
    ["local", "--port", "-1"],
    ["local", "--port", "abc"],
    ["local", "--region", "x\x01y", "--demo"],
    ["local", "--region", "", "--demo"],
    ["local", "--host", "nohost.invalid"],
    ["local", "--demo", "--env-file", "{tmp}/no/such/dir/env"],
    ["local", "--env-file", "{tmp}/env"],
    ["app", "nosuch"],
    ["app", "--port", "99999", "calculator"],
    ["app", "--host", "nohost.invalid", "calculator"],
    ["app", "--host", "", "calculator"],
    ["proxy", "--port", "99999"],
    ["proxy", "--upstream", "notaurl"],
    ["proxy", "--upstream", "ftp://127.0.0.1:1"],
    ["proxy", "--region", "nowhere"],
    ["proxy", "--demo", "--env-file", "{tmp}/no/such/dir/env"],
    ["proxy", "--demo", "--upstream", "http://127.0.0.1:1"],
    ["workshop", "up", "-n", "0", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:1"],
    ["workshop", "up", "-n", "abc", "--region", "us-east-1"],
    ["workshop", "up", "-n", "2", "--prefix", "bad prefix!", "--region", "us-east-1",
     "--endpoint-url", "http://127.0.0.1:1", "--out", "{tmp}/ws1"],
    ["workshop", "up", "-n", "2", "--region", "x\x01y", "--endpoint-url", "http://127.0.0.1:1",
     "--out", "{tmp}/ws2"],
    ["workshop", "up", "-n", "2", "--region", "us-east-1", "--endpoint-url", "notaurl",
     "--out", "{tmp}/ws3"],
    ["workshop", "up", "-n", "1", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:1",
     "--out", "{tmp}/ws4"],
    ["workshop", "down", "--out", "{tmp}/nothing-here"],
    ["workshop", "down", "--workshop-id", "x\x01", "--region", "us-east-1",
     "--endpoint-url", "http://127.0.0.1:1"],
    ["check-client", "-p", "x", "-c", "y", "--endpoint-url", "http://127.0.0.1:1"],
    ["check-client", "-p", "us-east-1_abc", "-c", "\udcff", "--endpoint-url", "http://127.0.0.1:1"],
    ["check-client", "-p", "us-east-1_abc", "-c", "y", "--endpoint-url", "notaurl"],
    ["check-client", "-p", "us-east-1_abc", "-c", "y", "--endpoint-url", "http://127.0.0.1:1"],
    ["verify", "-c", "abc", "-u", "alice", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
    ["verify", "-c", "abc", "-u", "\udcff", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
    ["verify", "-c", "", "-u", "", "--endpoint-url", "ftp://x", "--region", "us-east-1"],
    ["verify", "-c", "abc", "-u", "alice", "--endpoint-url", "http://127.0.0.1:1", "--region", "nowhere"],
]


@pytest.mark.parametrize("args", SERVER_AND_AWS_ARGS, ids=[" ".join(a)[:60] for a in SERVER_AND_AWS_ARGS])
def test_cli_bad_arguments_of_server_and_aws_commands(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "AWS_"))}
    env.update(
        COGNITO_CLIENT_SECRET="abcdefabcdefabcdefabcdef",
        COGNITO_PASSWORD="Passw0rd!",
        AWS_ACCESS_KEY_ID="AKIALOCALCOGNITO0000",
        AWS_SECRET_ACCESS_KEY="dummy",  # never used: every endpoint here is loopback or refused
        PYTHONIOENCODING="utf-8",
    )
    argv = [a.replace("{tmp}", str(tmp_path)).encode("utf-8", "surrogateescape") for a in args]
    # Valid arguments would serve forever: every case here must end by itself, quickly.
    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"cognito_helpers", *argv],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (1, 2, 3) or args[:2] == ["workshop", "down"], (proc.returncode, err)
    assert b"Traceback" not in proc.stderr + proc.stdout, err
    assert b"abcdefabcdefabcdefabcdef" not in proc.stderr + proc.stdout
    if proc.returncode == 2:
        assert "error" in err.lower()
