"""The CLI's ``local`` command: a LocalCognito in the foreground, its banner and codes.

``python -m cognito_helpers local [--demo --env-file FILE]``: README, "The
local Cognito".
"""

from __future__ import annotations

import os
import sys
import threading

from ..exceptions import InvalidInputError
from ..redact import mask
from .outbox import OUTBOX_PATH
from .server import LocalCognito
from .signup import Message

__all__ = ["serve_forever"]


def _write_env_file(path: str, env: dict[str, str]) -> None:
    try:
        # never through a symlink: it would write the demo secret wherever the link points
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except (OSError, ValueError) as exc:  # no such directory, read-only, NUL in the name, a symlink
        if os.path.islink(path):
            raise InvalidInputError("--env-file", f"{path!r} is a symlink; give a plain file name.") from None
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise InvalidInputError("--env-file", f"cannot write {path!r} ({reason}).") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), 0o600)
        for key, value in env.items():
            fh.write(f"{key}={value}\n")


def _print_code(message: Message) -> None:
    """Print a code as it is sent (the CLI's ``local``): what a developer types in next.

    Shown in full on purpose: a one-time code of a fake local user is what the
    developer needs to finish ConfirmSignUp or ConfirmForgotPassword, and it is
    worthless anywhere else.
    """
    to = f" (to {message.destination})" if message.destination else ""
    print(f"code {message.kind} for {message.username}: {message.code}{to}", flush=True)


def serve_forever(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    demo: bool = False,
    env_file: str | None = None,
    region: str = "us-east-1",
    allow_remote: bool = False,
    aws_issuer: bool | None = None,
) -> int:
    """Run a LocalCognito in the foreground until Ctrl-C / SIGTERM (the CLI's ``local``)."""
    import signal

    from ..loopback import is_loopback, listen_address, warn_remote
    from ..validate import flag, text

    flag("demo", demo)
    text("env_file", env_file, optional=True, what="a file's path (str)")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if env_file and not demo:
        print("error: --env-file needs --demo (it holds the demo pool's settings)", file=sys.stderr)
        return 2
    address = listen_address(host, allow_remote=allow_remote)
    if not is_loopback(address):
        warn_remote("the local Cognito", address)
    with LocalCognito(
        region=region, host=address, port=port, on_message=_print_code, allow_remote=allow_remote,
        aws_issuer=aws_issuer,
        in_process=False,  # served for other programs: an HTTP server, whatever the default
    ) as lc:
        # "ready" comes last, once everything it announces exists (demo pool, env file):
        # a script that waits for it may use all of it at once.
        lines = []
        if demo:
            pool = lc.demo()
            urls = pool.oauth_urls()
            lines += [
                f"  user pool      {pool.user_pool_id}",
                f"  client+secret  {pool.client_id}  secret {mask(pool.client_secret)}",
                f"  public client  {pool.public_client_id}",
                f"  user           {pool.username}  password {mask(pool.password, keep=0)}",
                f"  m2m client     {pool.m2m_client_id}  secret {mask(pool.m2m_client_secret)}"
                f"  scope {pool.resource_scope}",
                f"  OAuth 2.0      domain {pool.domain}, callback URL {pool.callback_url}",
                f"    issuer     {pool.issuer}",
            ]
            for name in ("discovery", "authorize", "token", "userinfo", "revoke", "logout"):
                lines.append(f"    {name:<10} {urls[name]}")
            if env_file:
                _write_env_file(env_file, pool.env())
                lines.append(f"  settings (secret included) written to {env_file} (mode 600)")
            else:
                lines.append("  (add --env-file FILE to get the secret and password in a file)")
        print(f"Local Cognito ready at {lc.endpoint_url} (region {lc.region})")
        for line in lines:
            print(line)
        print(
            f"  codes (sign-up, password reset) are printed here as they are sent, and served "
            f"as JSON at {lc.endpoint_url}{OUTBOX_PATH}?username=NAME"
        )
        print("Point your SDK's endpoint at the URL above. Ctrl-C stops.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("stopped", flush=True)
    return 0
