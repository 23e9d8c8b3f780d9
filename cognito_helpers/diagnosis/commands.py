"""The CLI's diagnosis subcommands: explain, fingerprint, check-client, verify, proxy.

Registered by ``cognito_helpers/cli.py`` (``_add_explain`` and friends);
kept here so the diagnosis front end lives beside its engine. ``explain`` and
``fingerprint`` import no boto3 (they start fast); the others import it only
when they run. Exit codes are cli.py's: 0 ok, 1 problem found (or no known
cause matched), 2 bad input, 3 target unreachable / could not check.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any
from urllib.parse import urlparse

from ..cli_common import (
    EXIT_FOUND,
    EXIT_OK,
    EXIT_UNREACHABLE,
    SECRET_ENV,
    add_timeout_arg,
    read_secret,
    strict_for,
    timeout_of,
)
from ..exceptions import ConfigurationError, InvalidInputError
from .result import Diagnosis

__all__ = ["add_check_client", "add_explain", "add_fingerprint", "add_proxy", "add_verify"]

_MAX_STDIN = 1024 * 1024


def _show(d: Diagnosis, as_json: bool) -> None:
    try:
        print(d.to_json() if as_json else d.to_text(), flush=True)
    except BrokenPipeError:  # `... | head`: the reader left; that is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _exit_code(d: Diagnosis) -> int:
    if d.status == "ok" or (d.kind == "explain" and d.status == "found"):
        return EXIT_OK
    if d.status == "incomplete" and (d.kind == "check-client" or d.facts.get("unreachable")):
        return EXIT_UNREACHABLE
    return EXIT_FOUND


# -- explain ----------------------------------------------------------------------


def _cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain

    text = args.text
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            raise InvalidInputError(
                "TEXT",
                "missing. Pass the error message as an argument (quoted), or pipe it "
                "in: pbpaste | python -m cognito_helpers explain",
            )
        text = sys.stdin.read(_MAX_STDIN)
    d = explain(text)
    _show(d, args.json)
    return _exit_code(d)


def add_explain(sub: argparse._SubParsersAction) -> None:
    """Register ``explain``."""
    p = sub.add_parser(
        "explain",
        help="explain a Cognito error message: cause, fix, what would confirm it",
        description="Recognise a Cognito error as pasted from boto3, the Go, JS or Java SDK, "
        "Amplify, a JSON error body, or just the message, and print its cause and fix. "
        "Exit 0 when recognised, 1 when not (the closest known causes are listed).",
    )
    p.add_argument(
        "text",
        nargs="?",
        metavar="TEXT",
        help="the error text (quote it); read from stdin when absent or '-'",
    )
    p.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    p.set_defaults(func=_cmd_explain)


# -- fingerprint --------------------------------------------------------------------


def _read_previous(paths: list[str] | None) -> list[str]:
    out: list[str] = []
    for path in paths or []:
        try:
            with open(path, encoding="utf-8") as fh:
                lines = [ln.rstrip("\r\n") for ln in fh.read().splitlines()]
        except FileNotFoundError:
            raise InvalidInputError("--previous-secret-file", f"no such file: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(
                "--previous-secret-file", f"cannot read {path}: {exc.__class__.__name__}"
            ) from None
        values = [ln for ln in lines if ln.strip()]
        if not values:
            raise InvalidInputError(
                "--previous-secret-file", f"{path} is empty; put one previous secret per line."
            )
        out += values
    return out


def _cmd_fingerprint(args: argparse.Namespace) -> int:
    from .fingerprint import fingerprint

    if args.authorization is not None:
        from .authorization import fingerprint_authorization

        secret = "" if args.public else read_secret(args.secret_file)
        d = fingerprint_authorization(
            args.authorization,
            args.client_id,
            secret,
            usernames=[n for n in [args.username, *(args.other_username or ())] if n],
            previous_secrets=_read_previous(args.previous_secret_file),
            public=args.public,
        )
        _show(d, args.json)
        return _exit_code(d)
    for flag, value in (("--username", args.username), ("--sent", args.sent)):
        if value is None:
            raise InvalidInputError(
                flag, "is required (or give --authorization to check a token-endpoint header)."
            )
    secret = read_secret(args.secret_file)
    d = fingerprint(
        args.username,
        args.client_id,
        secret,
        args.sent,
        other_usernames=args.other_username or (),
        previous_secrets=_read_previous(args.previous_secret_file),
    )
    _show(d, args.json)
    return _exit_code(d)


def add_fingerprint(sub: argparse._SubParsersAction) -> None:
    """Register ``fingerprint``."""
    p = sub.add_parser(
        "fingerprint",
        help="name the mistake behind the SECRET_HASH (or the token endpoint's Authorization "
        "header) your app sent",
        description="Given the username the call needs, the client id, the secret (from "
        f"${SECRET_ENV}, --secret-file or a hidden prompt) and the hash your app sent, say "
        "which mistake produced it (hex, URL-safe base64, reversed order, whitespace in the "
        "secret, another username, an old secret...). Exit 0 if the hash is correct, 1 if a "
        "mistake was found or none matched.",
    )
    p.add_argument(
        "--username",
        "-u",
        help="the username this call must hash (refresh: the internal username)",
    )
    p.add_argument("--client-id", "-c", required=True, help="the app client id")
    p.add_argument("--sent", "-s", metavar="HASH", help="the SECRET_HASH value your app sent")
    p.add_argument(
        "--authorization",
        "-a",
        metavar="HEADER",
        help="instead of --sent: the Authorization header sent to /oauth2/token ('Basic ...')",
    )
    p.add_argument(
        "--public",
        action="store_true",
        help="with --authorization: the app client has no secret (none is read)",
    )
    p.add_argument(
        "--other-username",
        action="append",
        metavar="NAME",
        help="another name the app may have hashed (email, alias, sub); repeatable",
    )
    p.add_argument(
        "--previous-secret-file",
        action="append",
        metavar="FILE",
        help="a file with earlier client secrets, one per line; repeatable",
    )
    p.add_argument("--secret-file", metavar="FILE", help="read the client secret from FILE")
    p.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    p.set_defaults(func=_cmd_fingerprint)


# -- AWS client for check-client / verify ------------------------------------------


def _is_loopback(url: str | None) -> bool:
    return bool(url) and (urlparse(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def _boto_client(endpoint_url: str | None, region: str, timeout: float | None = None) -> Any:
    """The commands' boto3 client: the endpoint checked, each call within ``timeout`` s."""
    if endpoint_url is not None:
        parsed = urlparse(endpoint_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InvalidInputError(
                "--endpoint-url",
                f"{endpoint_url!r} is not an http(s) URL (e.g. http://127.0.0.1:9229).",
            )
    try:
        import boto3  # noqa: F401 - a clear error when it is missing
        from botocore.config import Config

        from ..sdk_session import boto3_session
    except ImportError:
        raise ConfigurationError("this command needs boto3: pip install boto3") from None
    session = boto3_session(region_name=region)
    kwargs: dict[str, Any] = {}
    if _is_loopback(endpoint_url):
        # A local Cognito accepts any signature: dummy credentials, and no lookup of real
        # ones (which could ask the EC2 metadata service, off this machine).
        kwargs = {
            "aws_access_key_id": "AKIALOCALCOGNITO0000",
            "aws_secret_access_key": "local-cognito-dummy-secret-key",
        }
    from ..deadline import deadline_client, resolve_timeout
    from ..safelog import protect_sdk_logs

    seconds = resolve_timeout(timeout)
    protect_sdk_logs()  # botocore's DEBUG logs would show passwords and secrets
    return deadline_client(session.client(
        "cognito-idp",
        endpoint_url=endpoint_url,
        **kwargs,
        config=Config(
            retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=20
        ),
    ), seconds)


def _region(args: argparse.Namespace) -> str:
    from .check import pool_region

    # What the app would call: --region, else the environment's region (so a mismatch
    # with the pool shows), else the pool's own region (the prefix of its id).
    env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if args.region:
        return str(args.region)
    if env_region:
        return env_region
    if getattr(args, "user_pool_id", None):
        return pool_region(args.user_pool_id)
    return "us-east-1"


def _add_endpoint_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--endpoint-url",
        default=os.environ.get("COGNITO_ENDPOINT_URL"),
        metavar="URL",
        help="Cognito endpoint (default $COGNITO_ENDPOINT_URL, else AWS's endpoint for the region)",
    )
    p.add_argument("--region", help="region to call (default: $AWS_REGION, else the prefix "
                   "of the user pool id)")


# -- check-client ------------------------------------------------------------------


def _cmd_check_client(args: argparse.Namespace) -> int:
    from .check import check_client, pool_region

    pool_region(args.user_pool_id)  # a clear error before any network call
    region = _region(args)
    d = check_client(
        _boto_client(args.endpoint_url, region, timeout_of(args)),
        args.user_pool_id,
        args.client_id,
        endpoint_region=region,
    )
    _show(d, args.json)
    return _exit_code(d)


def add_check_client(sub: argparse._SubParsersAction) -> None:
    """Register ``check-client``."""
    p = sub.add_parser(
        "check-client",
        help="read an app client's settings: secret or not, flows, rotation, region",
        description="Read the app client (DescribeUserPoolClient, ListUserPoolClientSecrets) "
        "and say whether a SECRET_HASH must be sent, which flows are enabled, whether "
        "refresh-token rotation is on, and whether the region matches the pool. Needs AWS "
        "credentials for a real pool. Exit 0 ok, 1 problem found, 3 could not check.",
    )
    p.add_argument("--user-pool-id", "-p", required=True, help="e.g. eu-west-1_AbCdEf123")
    p.add_argument("--client-id", "-c", required=True, help="the app client id")
    _add_endpoint_args(p)
    add_timeout_arg(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_check_client)


# -- verify ------------------------------------------------------------------------


def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify_flow

    timeout = timeout_of(args)  # a bad --timeout / $COGNITO_TIMEOUT before any prompt
    secret = None if args.no_secret else read_secret(args.secret_file)
    password = os.environ.get(args.password_env)
    if not password:
        if not sys.stdin.isatty():
            raise InvalidInputError(
                "password",
                f"not given. Set ${args.password_env} or run in a terminal to be "
                "prompted (never on the command line).",
            )
        import getpass

        password = getpass.getpass("Password (not echoed): ")
    region = _region(args)
    d = verify_flow(
        _boto_client(args.endpoint_url, region, timeout),
        args.client_id,
        args.username,
        password,
        client_secret=secret,
        user_pool_id=args.user_pool_id,
        flow=args.flow,
        refresh=not args.no_refresh,
        strict=strict_for(args.no_strict),
    )
    _show(d, args.json)
    return _exit_code(d)


def add_verify(sub: argparse._SubParsersAction) -> None:
    """Register ``verify``."""
    p = sub.add_parser(
        "verify",
        help="sign in (and refresh) with a correct hash; report the first failing step",
        description="Run the sign-in your app uses with a correctly computed SECRET_HASH, then "
        "refresh hashing the internal username, and report the first step that fails. The "
        f"password comes from $COGNITO_PASSWORD (or --password-env) or a hidden prompt, the "
        f"secret from ${SECRET_ENV}, --secret-file or a prompt. Exit 0 when every step "
        "passes, 1 when one fails, 3 when the endpoint cannot be reached.",
    )
    p.add_argument("--client-id", "-c", required=True, help="the app client id")
    p.add_argument("--username", "-u", required=True, help="the username your app signs in with")
    p.add_argument("--user-pool-id", "-p", help="read the client's settings first (secret or "
                   "not; needs credentials for a real pool); needed for ADMIN_USER_PASSWORD_AUTH")
    p.add_argument(
        "--flow",
        default="USER_PASSWORD_AUTH",
        choices=["USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH"],
    )
    p.add_argument("--no-refresh", action="store_true", help="stop after signing in")
    p.add_argument("--no-secret", action="store_true", help="the client has no secret")
    p.add_argument("--secret-file", metavar="FILE", help="read the client secret from FILE")
    p.add_argument(
        "--no-strict",
        action="store_true",
        help="hash the values exactly as given, without Cognito's character rules "
        "(also COGNITO_STRICT=0)",
    )
    p.add_argument(
        "--password-env",
        default="COGNITO_PASSWORD",
        metavar="NAME",
        help="environment variable holding the password (default COGNITO_PASSWORD)",
    )
    _add_endpoint_args(p)
    add_timeout_arg(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_verify)


# -- proxy -------------------------------------------------------------------------


def _cmd_proxy(args: argparse.Namespace) -> int:
    from .proxy import serve_proxy

    if not 0 <= args.port <= 65535:
        raise InvalidInputError("--port", f"{args.port} is not a port number (0-65535).")
    secrets: dict[str, list[str]] = {}
    if args.client_id:
        secrets[args.client_id] = [read_secret(args.secret_file)]
    elif args.secret_file:
        raise InvalidInputError("--secret-file", "needs --client-id (whose secret it is).")
    if args.upstream and not args.client_id:
        print(
            "note: no --client-id given; the proxy can only check clients whose secret it "
            "sees in DescribeUserPoolClient / CreateUserPoolClient answers.",
            file=sys.stderr,
        )
    return serve_proxy(
        upstream=args.upstream,
        host=args.host,
        port=args.port,
        region=args.region or "us-east-1",
        demo=args.demo,
        env_file=args.env_file,
        secrets=secrets,
        previous_secrets=_read_previous(args.previous_secret_file),
        as_json=args.json,
        timeout=timeout_of(args),
        allow_remote=args.allow_remote,
        owner_only=args.owner_only,
    )


def add_proxy(sub: argparse._SubParsersAction) -> None:
    """Register ``proxy``."""
    p = sub.add_parser(
        "proxy",
        help="a loopback proxy for your own app that judges every SECRET_HASH it sends",
        description="Listen on loopback; point your app's Cognito endpoint at it. Each call's "
        "SECRET_HASH is checked (present? right username for this operation? which mistake?) "
        "and the verdict printed; then the call is answered by an embedded local Cognito, or "
        "forwarded to --upstream. Secrets, passwords and tokens are never printed.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a --host beyond loopback (anyone reaching it can use it)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument(
        "--owner-only", action="store_true", default=None,
        help="serve only connections opened by your Unix user (and root): other users of "
        "a shared machine get 403 (Linux; also COGNITO_LOCAL_OWNER_ONLY=1)",
    )
    add_timeout_arg(p, "each upstream answer")
    p.add_argument(
        "--upstream",
        metavar="URL",
        help="forward to this Cognito endpoint instead of the local Cognito",
    )
    p.add_argument(
        "--client-id",
        "-c",
        help="with --upstream: the client whose secret you give "
        f"(${SECRET_ENV}, --secret-file or a prompt)",
    )
    p.add_argument("--secret-file", metavar="FILE", help="read that client's secret from FILE")
    p.add_argument(
        "--previous-secret-file",
        action="append",
        metavar="FILE",
        help="earlier client secrets, one per line, to recognise an old one",
    )
    p.add_argument("--region", help="region of the local Cognito (default us-east-1)")
    p.add_argument(
        "--demo", action="store_true", help="provision the demo pool in the local Cognito"
    )
    p.add_argument(
        "--env-file",
        metavar="FILE",
        help="with --demo: write the demo's settings, endpoint = the proxy, to FILE",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per call")
    p.set_defaults(func=_cmd_proxy)
