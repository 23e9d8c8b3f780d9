"""Garbage into the public API: every public callable, arguments of every type (issue 12 item 15).

The public API is the ``__all__`` of ``cognito_helpers`` and of each subpackage
that declares one (``PUBLIC_MODULES``; a test below fails when a subpackage
with an ``__all__`` is missing from it). Every callable there is called with
arguments drawn by hypothesis: for each parameter, either a value that works
(``VALID``, by parameter name) or garbage of any type (None, bool, huge and
negative ints, nan/inf, empty/NUL/surrogate/10 KB text, bytes, list, dict,
tuple, set, ``object()``, a callable, a ``Path``), passed positionally or by
keyword. Public methods are called the same way on an instance the package
built (``INSTANCES``).

Each call either returns or raises a :class:`CognitoHelpersError` with a
non-empty message and no traceback in it. Anything else (TypeError, KeyError,
AttributeError, TraitError, OSError, botocore's errors...) fails, naming the
function and the arguments.

Nothing leaves the machine: AWS_* and COGNITO_* are cleared, AWS_ENDPOINT_URL
points every boto3 client at a loopback port nobody listens on, and a guard on
``socket`` refuses (and fails the test on) any connection or name lookup that
is not loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import importlib
import inspect
import ipaddress
import itertools
import math
import os
import pkgutil
import signal
import socket
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cognito_helpers as ch
from cognito_helpers.exceptions import CognitoHelpersError

PUBLIC_MODULES = (
    "cognito_helpers",
    "cognito_helpers.diagnosis",
    "cognito_helpers.lessons.exercises",
    "cognito_helpers.local",
    "cognito_helpers.workshop",
)

# Left out of the garbage calls, each with its reason. Also left out: every exception
# class (building one is how the package raises; its texts are checked where it is raised).
EXCLUDED = {
    # no parameters, so no garbage to give; calling them would start or stop the process's
    # shared local Cognito under the other tests of this worker (tests/test_target.py has them)
    "local_cognito": "takes no arguments; starts the process's shared local Cognito",
    "reset_local_target": "takes no arguments; stops the process's shared local Cognito",
    # a WSGI middleware over moto's app: its input is HTTP, fuzzed on the wire by
    # tests/test_robustness.py (test_fuzzed_requests_never_crash_the_server)
    "FidelityLayer.__init__": "WSGI layer, fuzzed over HTTP in test_robustness.py",
}

# -- garbage ----------------------------------------------------------------------

NASTY_TEXT = ["", " ", "\x00", "a\x00b", "\n", "line\nbreak", "\ud800", "a\udcff", "\ufeff",
              "😀", "-h", "%s{0}", "x" * 10_000, "é" * 3_000, "../../etc/passwd", "nope"]


def _a_callable(*args: Any, **kwargs: Any) -> None:
    return None


GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**64, -(2**64), 10**100, -(10**4000)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e-300]),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=12),
    st.binary(max_size=12),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.text(max_size=4), st.none()),
                    max_size=3),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.sets(st.integers(), max_size=3),
    st.builds(object),
    st.just(_a_callable),
    st.sampled_from([Path("garbage-dir"), Path("no/such/file.env"), Path("")]),
)


class Valid:
    """A valid argument, shown by its parameter's name in a failure (it may be a secret)."""

    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value

    def __repr__(self) -> str:
        return f"<valid {self.name}>"


class Fresh:
    """A valid value made anew for each call (a directory, a pool...)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


# -- no network beyond loopback ---------------------------------------------------------

ATTEMPTS: list[str] = []


def _is_loopback_host(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def loopback_only() -> Iterator[None]:
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback_host(address[0]):
            ATTEMPTS.append(f"connect to {address!r}")
            raise ConnectionRefusedError(f"test: no network beyond loopback ({address!r})")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback_host(host):
            ATTEMPTS.append(f"name lookup of {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "test: no name lookups beyond loopback")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = real_getaddrinfo


def _dead_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No AWS, no COGNITO_* settings, a scratch working directory, loopback only."""
    work = tmp_path_factory.mktemp("garbage")
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("AWS_", "COGNITO_")):
                mp.delenv(name)
        dead = f"http://127.0.0.1:{_dead_loopback_port()}"
        mp.setenv("AWS_ENDPOINT_URL", dead)  # any boto3 client that is not told otherwise
        mp.setenv("AWS_ACCESS_KEY_ID", "AKIAGARBAGETEST00000")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "garbage-test-dummy-secret")
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_CONFIG_FILE", str(work / "no-aws-config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(work / "no-aws-credentials"))
        mp.setenv("AWS_MAX_ATTEMPTS", "1")
        mp.chdir(work)  # relative garbage paths land here
        with loopback_only():
            yield work


# -- valid values, by parameter name -------------------------------------------------------


@pytest.fixture(scope="module")
def world(sandbox: Path, local_cognito: Any) -> dict[str, Any]:
    """Working values for every parameter name of the public API (and per-function overrides)."""
    from cognito_helpers.diagnosis import explain
    from cognito_helpers.lessons.exercises import registered
    from cognito_helpers.lessons.snippets import snippet_env
    from cognito_helpers.local.answers import CATALOGUE

    demo = local_cognito.demo()
    target = ch.Target.from_demo(demo)
    cip = local_cognito.client()
    auth = cip.initiate_auth(
        ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                        "SECRET_HASH": ch.secret_hash(demo.username, demo.client_id,
                                                      demo.client_secret)},
    )["AuthenticationResult"]
    urls = demo.oauth_urls()
    jwks_url = ch.jwks_url(demo.region, demo.user_pool_id, demo.endpoint_url)
    env_file = sandbox / "valid.env"
    env_file.write_text("COGNITO_CLIENT_ID=abc\n", encoding="utf-8")
    counter = itertools.count()

    def fresh_dir() -> Path:
        return sandbox / f"out-{next(counter)}"

    import botocore.exceptions

    valid: dict[str, Any] = {
        # hashes and ids
        "username": demo.username,
        "client_id": demo.client_id,
        "client_secret": demo.client_secret,
        "sent": ch.secret_hash(demo.username, demo.client_id, demo.client_secret),
        "strict": True,
        "other_usernames": ["bob"],
        "previous_secrets": [],
        "usernames": [],
        "public": False,
        "header": ch.basic_authorization(demo.client_id, demo.client_secret),
        "authorization": "",
        "value": "abcdefghijkl",
        "keep": 2,
        # diagnosis
        "text": "NotAuthorizedException: Unable to verify secret hash for client x",
        "error": "NotAuthorizedException: Unable to verify secret hash for client x",
        "cognito_client": cip,
        "cip": cip,
        "user_pool_id": demo.user_pool_id,
        "endpoint_region": None,
        "password": demo.password,
        "flow": "USER_PASSWORD_AUTH",
        "refresh": False,
        # targets, tokens, URLs
        "env": {"COGNITO_USER_POOL_ID": demo.user_pool_id, "COGNITO_CLIENT_ID": demo.client_id,
                "AWS_REGION": demo.region, "COGNITO_ENDPOINT_URL": demo.endpoint_url},
        "fresh": False,
        "region": demo.region,
        "endpoint_url": demo.endpoint_url,
        "token": auth["IdToken"],
        "target": target,
        "token_use": "id",
        "jwks": ch.fetch_jwks(jwks_url),
        "issuer": ch.expected_issuer(demo.region, demo.user_pool_id, demo.endpoint_url),
        "leeway": 0,
        "at": None,
        "url": jwks_url,
        "timeout": 5,
        "bearer": None,
        "form": {"grant_type": "client_credentials"},
        "authorize_url": urls["authorize"],
        "verifier": None,
        "body": {"access_token": auth["AccessToken"], "token_type": "Bearer"},
        "exc": botocore.exceptions.ClientError(
            {"Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}}, "InitiateAuth"),
        "secrets": (),
        "operation": "InitiateAuth",
        "params": {"AuthParameters": {"USERNAME": "alice", "SECRET_HASH": "x"}},
        "key": next(iter(CATALOGUE)),
        # lessons
        "exercise_id": "03.1",
        "answer": None,
        "notebook": "03",
        "title": "An exercise",
        "lang": "python",
        "mode": "signin",
        "mistake": False,
        "secret_env": "COGNITO_CLIENT_SECRET",
        "ask": lambda prompt: "n",
        # workshop
        "path": env_file,
        "environ": Fresh(dict),
        "sub": Fresh(lambda: argparse.ArgumentParser().add_subparsers()),
        "length": 16,
        "workshop_id": None,
        "participants": 1,
        "out_dir": Fresh(fresh_dir),
        "prefix": "cognito-lab",
        "client": None,
        "progress": lambda line: None,
        "default_region": None,
        # local Cognito
        "host": "127.0.0.1",
        "port": 0,
        "on_check": None,
        "clock": None,
        "on_message": None,
        "allow_remote": False,
        "aws_issuer": False,
        "in_process": None,
        "demo": False,
        "env_file": None,
        "email_as_username": False,
        "name": None,
        "seconds": 1.0,
        "attempts": 1,
        "with_value": False,
        "indent": 2,
        "participant": None,  # set below
        "changes": {"sub": "x"},
        "context": {},
    }
    overrides: dict[tuple[str, str], Any] = {
        ("run_snippet", "env"): snippet_env(target),
        ("oauth_get", "url"): urls["userinfo"],
        ("oauth_get", "bearer"): auth["AccessToken"],
        ("token_request", "url"): urls["token"],
        ("token_request", "authorization"): ch.basic_authorization(demo.m2m_client_id,
                                                                   demo.m2m_client_secret),
        ("get_target", "strict"): None,
        ("remove_users", "usernames"): ["nobody-here"],
        ("load_env_file", "environ"): Fresh(dict),
        ("serve_forever", "port"): 0,
        ("LocalCognito.lockout_state", "user_pool_id"): demo.user_pool_id,
        ("Target.from_demo", "demo"): demo,
    }
    up = ch.Target.from_demo(demo)
    return {
        "valid": valid,
        "overrides": overrides,
        "demo": demo,
        "target": up,
        "diagnosis": explain("Unable to verify secret hash for client x"),
        "registered": registered("03"),
        "local_cognito": local_cognito,
    }


# -- the callables -----------------------------------------------------------------------------


def public_names() -> dict[str, Any]:
    """name -> object for every public name (the first module that exports an object names it)."""
    found: dict[str, Any] = {}
    seen: set[int] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            found[name] = obj
    return found


def _is_record(cls: type) -> bool:
    """A dataclass whose generated __init__ only stores its fields (no code of ours runs)."""
    return dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__")


def public_callables() -> dict[str, Callable[..., Any]]:
    """qualified name -> callable: functions, constructors, and public methods of classes.

    Methods are named ``Class.method`` and unbound; they are called on ``INSTANCES[Class]``.
    """
    out: dict[str, Callable[..., Any]] = {}
    for name, obj in public_names().items():
        if not callable(obj) or name in EXCLUDED:
            continue
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            continue
        if inspect.isclass(obj):
            if not _is_record(obj) and f"{name}.__init__" not in EXCLUDED:
                out[f"{name}.__init__"] = obj
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, (classmethod, staticmethod)):
                    out[f"{name}.{attr}"] = getattr(obj, attr)
                elif inspect.isfunction(member):
                    out[f"{name}.{attr}"] = member
        else:
            out[name] = obj
    return out


CALLABLES = public_callables()

# Methods run on an instance the package built (key: the class's public name).
INSTANCES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Target": lambda w: w["target"],
    "DemoPool": lambda w: w["demo"],
    "Diagnosis": lambda w: w["diagnosis"],
    "LocalCognito": lambda w: w["own_local"],
    "Check": lambda w: w["diagnosis"].checks[0] if w["diagnosis"].checks else
    __import__("cognito_helpers.diagnosis", fromlist=["Check"]).Check("x", "ok", "y"),
    "SecretRecord": lambda w: w["local_cognito"].client_secrets(w["demo"].client_id)[0],
    "Workshop": lambda w: w["workshop"],
    "CleanupReport": lambda w: ch.CleanupReport(pool="p"),
}

# Examples per callable: calls that start a server or a process are slower.
MAX_EXAMPLES = {
    "serve_forever": 8,
    "run_snippet": 8,
    "workshop_up": 12,
    "workshop_down": 20,
    "LocalCognito.__init__": 40,
    "sign_in_on_page": 20,
    "remove_users": 20,
    "verify_flow": 30,
    "check_client": 30,
}
DEFAULT_EXAMPLES = 60


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int of more than 4300 digits
        return f"<{type(value).__name__} too large to show>"
    return text if len(text) <= 120 else f"{text[:100]}...({len(text)} chars)"


def _valid(world: dict[str, Any], function: str, parameter: str) -> Any:
    value = world["overrides"].get((function, parameter), world["valid"].get(parameter))
    return value.make() if isinstance(value, Fresh) else value


def _parameters(fn: Callable[..., Any], method: bool) -> list[inspect.Parameter]:
    params = list(inspect.signature(fn).parameters.values())
    return params[1:] if method else params


def draw_call(data: st.DataObject, world: dict[str, Any], name: str,
              fn: Callable[..., Any], method: bool) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for ``fn``: each one valid or garbage, some defaults left."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    positional = True
    for p in _parameters(fn, method):
        if p.kind is p.VAR_POSITIONAL:
            args += data.draw(st.lists(GARBAGE, max_size=2), label=f"*{p.name}") if positional else []
            continue
        if p.kind is p.VAR_KEYWORD:
            extra = data.draw(st.dictionaries(st.sampled_from(["sub", "aud", "x", "exp"]), GARBAGE,
                                              max_size=2), label=f"**{p.name}")
            kwargs.update({k: v for k, v in extra.items() if k not in kwargs})
            continue
        if p.default is not p.empty and data.draw(st.booleans(), label=f"omit {p.name}"):
            positional = False
            continue
        garbage = data.draw(st.booleans(), label=f"garbage {p.name}")
        value = data.draw(GARBAGE, label=p.name) if garbage else Valid(p.name, _valid(world, name, p.name))
        if p.kind is p.POSITIONAL_OR_KEYWORD and positional:
            positional = data.draw(st.booleans(), label=f"positional {p.name}")
        if p.kind is p.POSITIONAL_ONLY or (p.kind is p.POSITIONAL_OR_KEYWORD and positional):
            args.append(value)
        else:
            positional = False
            kwargs[p.name] = value
    return args, kwargs


# Valid arguments that are secrets: an error message never holds one (a mask is fine).
SECRET_PARAMETERS = {"client_secret", "password", "token", "bearer", "authorization", "header"}


def _secrets_in(args: list[Any], kwargs: dict[str, Any]) -> list[str]:
    return [v.value for v in [*args, *kwargs.values()]
            if isinstance(v, Valid) and v.name in SECRET_PARAMETERS
            and isinstance(v.value, str) and len(v.value) >= 8]


def _unwrap(value: Any) -> Any:
    return value.value if isinstance(value, Valid) else value


def judge(name: str, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> None:
    """``fn(*args, **kwargs)`` returns, or raises a CognitoHelpersError with a clear message."""
    shown = ", ".join([*map(_short, args), *(f"{k}={_short(v)}" for k, v in kwargs.items())])
    del ATTEMPTS[:]
    saved = dict(os.environ)  # load_env_file() writes os.environ by default: keep it as it was
    try:
        out = fn(*map(_unwrap, args), **{k: _unwrap(v) for k, v in kwargs.items()})
        if inspect.isgenerator(out):
            list(itertools.islice(out, 5))
    except CognitoHelpersError as exc:
        message = str(exc)
        assert message.strip(), f"{name}({shown}) raised {type(exc).__name__} with no message"
        assert "Traceback (most recent call last)" not in message, f"{name}({shown}): {message}"
        for secret in _secrets_in(args, kwargs):
            assert secret not in message, f"{name}({shown}): the message holds a secret argument"
    except Exception as exc:  # what the test is about: anything else fails
        pytest.fail(f"{name}({shown}) raised {type(exc).__module__}.{type(exc).__name__}: "
                    f"{_short(str(exc))}", pytrace=False)
    finally:
        if os.environ != saved:
            os.environ.clear()
            os.environ.update(saved)
    assert not ATTEMPTS, f"{name}({shown}) tried to leave loopback: {ATTEMPTS}"


# -- callables that block or start things: bounded with a fake ---------------------------


@pytest.fixture(scope="module")
def bounded(world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """serve_forever returns at once (its wait is faked); the methods get their own LocalCognito."""
    from cognito_helpers.local import console
    from cognito_helpers.local.server import LocalCognito

    class ReturnAtOnce(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            return True

    own = LocalCognito().start()
    world["own_local"] = own
    world["workshop"] = ch_workshop_for(world)
    with pytest.MonkeyPatch.context() as mp:
        # only serve_forever's own wait returns at once (the server's threads keep theirs)
        mp.setattr(console, "threading", types.SimpleNamespace(Event=ReturnAtOnce))
        mp.setattr(signal, "signal", lambda *args: None)  # keep pytest's SIGTERM handler
        yield world
    own.stop()


def ch_workshop_for(world: dict[str, Any]) -> Any:
    from cognito_helpers.workshop import workshop_up

    w = workshop_up(1, out_dir=Path.cwd() / "the-workshop", region=world["demo"].region,
                    endpoint_url=world["demo"].endpoint_url, progress=lambda line: None)
    world["valid"]["participant"] = w.participants[0]
    return w


# -- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_garbage_in_only_our_errors_out(name: str, bounded: dict[str, Any],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    fn = CALLABLES[name]
    cls_name, _, attr = name.partition(".")
    method = bool(attr) and attr != "__init__" and not inspect.ismethod(fn)
    if method:
        instance = INSTANCES[cls_name](bounded)

    @settings(max_examples=MAX_EXAMPLES.get(name, DEFAULT_EXAMPLES), derandomize=True,
              database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        args, kwargs = draw_call(data, bounded, name, fn, method)
        if method:
            judge(name, functools.partial(fn, instance), args, kwargs)
        else:
            judge(name, fn, args, kwargs)

    run()


# Subpackages with an ``__all__`` that are not public API, each with its reason.
INTERNAL_PACKAGES = {
    "cognito_helpers.local.oauth": "the local Cognito's OAuth endpoints: their input is HTTP, "
    "fuzzed on the wire (tests/test_local_oauth.py, tests/test_robustness.py)",
}


def test_every_subpackage_with_an_all_is_enumerated() -> None:
    declared = set()
    for info in pkgutil.walk_packages(ch.__path__, "cognito_helpers."):
        if info.ispkg:
            module = importlib.import_module(info.name)
            if "__all__" in vars(module):
                declared.add(info.name)
    assert declared | {"cognito_helpers"} == set(PUBLIC_MODULES) | set(INTERNAL_PACKAGES)


def test_every_parameter_has_a_valid_example(world: dict[str, Any]) -> None:
    """A new public function (or parameter) needs a working example here, or it is not fuzzed well."""
    missing = []
    for name, fn in CALLABLES.items():
        cls_name, _, attr = name.partition(".")
        method = bool(attr) and attr != "__init__" and not inspect.ismethod(fn)
        if method:
            assert cls_name in INSTANCES, f"{name}: add a way to build a {cls_name} to INSTANCES"
        for p in _parameters(fn, method):
            if p.kind in (p.VAR_POSITIONAL,):
                continue
            known = p.name in world["valid"] or any(k[1] == p.name for k in world["overrides"])
            if not known:
                missing.append(f"{name}({p.name})")
    assert not missing, missing


def test_the_guard_refuses_the_internet(sandbox: Path) -> None:
    del ATTEMPTS[:]
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with pytest.raises(OSError):
        socket.getaddrinfo("cognito-idp.us-east-1.amazonaws.com", 443)
    assert len(ATTEMPTS) == 2
    del ATTEMPTS[:]
    assert sys.modules["socket"].getaddrinfo("127.0.0.1", 80)


def test_the_judge_fails_on_a_foreign_exception() -> None:
    def boom() -> None:
        raise KeyError("nope")

    def ours() -> None:
        raise ch.InvalidInputError("x", "is wrong")

    with pytest.raises(pytest.fail.Exception, match="KeyError"):
        judge("boom", lambda _: boom(), ["nope"], {})
    judge("ours", ours, [], {})
