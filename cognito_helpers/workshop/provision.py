"""Provisioning against a target: ``workshop_up`` creates, ``workshop_down`` removes.

``workshop_up`` creates, in the account and region of the instructor's AWS
credentials (or on ``endpoint_url``, e.g. a local Cognito), a user pool named
and tagged after the workshop id, an app client with a secret and the
:data:`FLOWS` the notebooks use, and N confirmed participants with generated
passwords; it records each step in the state file (:mod:`.files`) before going
on. ``workshop_down`` deletes exactly the pool ``up`` created (by the state
file, or by its tag), then the files; it is idempotent. README, "Run a
workshop".
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import string
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..exceptions import ConfigurationError, DeadlineError, InvalidInputError, WorkshopError
from ..redact import mask
from ..validate import callback, file_path, has_methods, number
from ..validate import text as expect_text
from .envfile import _env_text
from .files import (
    STATE_FILE,
    STATE_VERSION,
    _load_state,
    _private_dir,
    _remove_own_file,
    _save_state,
    _sheet_csv,
    _sheet_html,
    _state_path,
    _write_private,
)
from .records import DownResult, Participant, Workshop

_CIP_METHODS = ("list_user_pools", "describe_user_pool")
_CIP = "a boto3 cognito-idp client (make_client(), Target.client())"


def _check_client(cip: Any, optional: bool = False) -> None:
    if not (optional and cip is None):
        has_methods("--client", cip, _CIP_METHODS, _CIP)


def _check_out_dir(out_dir: object, optional: bool = False) -> None:
    if out_dir is None and optional:
        return
    file_path("--out", out_dir, "a directory's path")


__all__ = [
    "FLOWS",
    "MAX_PARTICIPANTS",
    "TAG_KEY",
    "check_same_endpoint",
    "find_workshop_pools",
    "generate_password",
    "make_client",
    "workshop_down",
    "workshop_up",
]

TAG_KEY = "cognito-lab-workshop"
_PAGE_SIZE = 60  # ListUserPools' maximum MaxResults
MAX_PARTICIPANTS = 200
#: The flows the notebooks use (SRP for the SRP lesson, refresh for notebook 07...).
FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")
_WORKSHOP_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}-[0-9a-f]{6}")
# Symbols Cognito's password policy counts that are also safe unquoted in an
# env file (`source`, docker --env-file, python-dotenv) and easy to read aloud.
_SYMBOLS = "-_.+"
_LETTERS = "".join(c for c in string.ascii_letters if c not in "lIO")
_DIGITS = "23456789"

Progress = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def generate_password(length: int = 16) -> str:
    """A random password meeting Cognito's default policy (upper, lower, digit, symbol)."""
    # 8 is Cognito's minimum, 256 its maximum (PasswordType)
    number("length", length, minimum=8, maximum=256, integer=True, unit="characters")
    alphabet = _LETTERS + _DIGITS + _SYMBOLS
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in pw)
            and any(c.isupper() for c in pw)
            and any(c in _DIGITS for c in pw)
            and any(c in _SYMBOLS for c in pw)
            and pw[0].isalnum()
        ):
            return pw


# -- AWS calls ---------------------------------------------------------------------


def make_client(region: str, endpoint_url: str | None = None, *,
                timeout: float | None = None) -> Any:
    """A boto3 ``cognito-idp`` client for the instructor's credentials (standard retries);
    each call answers within ``timeout`` seconds ($COGNITO_TIMEOUT, else 10) or raises
    DeadlineError."""
    from botocore.config import Config

    from ..deadline import deadline_client, resolve_timeout
    from ..sdk_session import boto3_session

    seconds = resolve_timeout(timeout, field="--timeout")
    expect_text("--region", region, what="an AWS region name (str)")
    expect_text("--endpoint-url", endpoint_url, optional=True, what="an http(s) URL (str)")
    if endpoint_url is not None and not re.match(r"https?://[^/\s]", endpoint_url):
        # botocore would fail with a raw ValueError ("Invalid endpoint")
        raise InvalidInputError(
            "--endpoint-url", f"{endpoint_url!r} is not an http(s) URL (e.g. http://127.0.0.1:9229)."
        )
    if not re.fullmatch(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}", region or ""):
        # botocore would fail with a raw InvalidRegionError
        raise InvalidInputError("--region", f"{region!r} is not an AWS region name (e.g. eu-west-1).")
    session = boto3_session(region_name=region)
    if session.get_credentials() is None:
        raise ConfigurationError(
            "no AWS credentials found; provisioning calls are signed. Set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (any dummy values for a local Cognito)."
        )
    from ..safelog import protect_sdk_logs

    protect_sdk_logs()  # botocore's DEBUG logs would show passwords and participants' passwords
    return deadline_client(session.client(
        "cognito-idp",
        endpoint_url=endpoint_url,
        config=Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5,
                      read_timeout=30),
    ), seconds)


def _aws_failure(exc: BaseException, doing: str) -> WorkshopError:
    """A WorkshopError saying what failed, with AWS's code and message (never a secret)."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, DeadlineError):  # its text names the call, the host and the deadline
        return WorkshopError(f"{doing} failed ({exc} The call may still have been carried out.)")
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        detail = f"{err.get('Code', 'Error')}: {err.get('Message', '')}".strip()
    elif isinstance(exc, BotoCoreError):
        detail = str(exc)
    else:
        detail = f"{exc.__class__.__name__}: {exc}"
    return WorkshopError(f"{doing} failed ({detail})")


def _resolved_endpoint(cip: Any) -> str | None:
    url = getattr(getattr(cip, "meta", None), "endpoint_url", None)
    return url.rstrip("/") if isinstance(url, str) else None


def _same_endpoint(a: str | None, b: str | None) -> bool:
    return (a or "").rstrip("/") == (b or "").rstrip("/")


def check_same_endpoint(cip: Any, state: dict[str, Any] | None, command: str) -> None:
    """Refuse a client whose calls would go elsewhere than 'up''s went (state's resolved_endpoint).

    AWS_ENDPOINT_URL or the AWS config can move the calls without any flag: looking in
    the wrong place finds nothing (down would call the pool gone; room would change
    another pool's client).
    """
    recorded = state.get("resolved_endpoint") if state is not None else None
    now = _resolved_endpoint(cip)
    if recorded and now and not _same_endpoint(recorded, now):
        raise WorkshopError(
            f"'up' sent its calls to {recorded} but {command} would call {now} "
            f"(AWS_ENDPOINT_URL or the AWS config differs). Nothing was "
            f"{'removed' if command == 'down' else 'changed'} (pool and files kept); run "
            f"{command} with the same environment as up."
        )


def _is_not_found(exc: BaseException) -> bool:
    from botocore.exceptions import ClientError

    return (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
    )


def find_workshop_pools(cip: Any, workshop_id: str) -> Iterator[str]:
    """Ids of the pools tagged ``{TAG_KEY: workshop_id}`` (ListUserPools, all pages).

    ListUserPools does not return tags, so pools named after the workshop are
    described and their ``UserPoolTags`` checked: a pool is only ever chosen by
    its tag, never by its name alone.
    """
    _check_client(cip)
    expect_text("--workshop-id", workshop_id)
    return _tagged_pools(cip, workshop_id)


def _tagged_pools(cip: Any, workshop_id: str) -> Iterator[str]:
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"MaxResults": _PAGE_SIZE}
        if token:
            kwargs["NextToken"] = token
        page = cip.list_user_pools(**kwargs)
        for pool in page.get("UserPools", []):
            if pool.get("Name") != workshop_id:
                continue
            try:
                described = cip.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
            except Exception as exc:
                if _is_not_found(exc):
                    continue
                raise
            if (described.get("UserPoolTags") or {}).get(TAG_KEY) == workshop_id:
                yield pool["Id"]
        token = page.get("NextToken")
        if not token:
            return


def _pool_tag(cip: Any, pool_id: str) -> str | None:
    """The workshop tag of a pool, or None when the pool does not exist."""
    try:
        described = cip.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    except Exception as exc:
        if _is_not_found(exc):
            return None
        raise
    return (described.get("UserPoolTags") or {}).get(TAG_KEY, "")


# -- up ----------------------------------------------------------------------------


def _check_up_args(participants: int, prefix: str) -> None:
    expect_text("--prefix", prefix)
    if isinstance(participants, bool) or not isinstance(participants, int) or not 1 <= participants <= MAX_PARTICIPANTS:
        raise InvalidInputError(
            "--participants", f"must be a whole number from 1 to {MAX_PARTICIPANTS}, got {participants!r}"
        )
    if not _PREFIX.fullmatch(prefix or ""):
        raise InvalidInputError(
            "--prefix", f"{prefix!r} is not allowed: use 1-40 letters, digits or '-', "
            "starting with a letter or digit (e.g. cognito-lab)"
        )


def workshop_up(
    participants: int,
    *,
    out_dir: str | os.PathLike[str],
    region: str,
    prefix: str = "cognito-lab",
    endpoint_url: str | None = None,
    client: Any = None,
    progress: Progress = _stderr,
    timeout: float | None = None,
) -> Workshop:
    """Create the pool, the client with a secret and ``participants`` users; write the files.

    The state file is written before the first call and updated after each, so
    whatever happens, ``workshop_down(out_dir=...)`` can remove what exists.
    """
    _check_up_args(participants, prefix)
    _check_out_dir(out_dir)
    expect_text("--region", region, what="an AWS region name (str)")
    expect_text("--endpoint-url", endpoint_url, optional=True, what="an http(s) URL (str)")
    callback("progress", progress, what="a function of one line of text")
    out = Path(out_dir)
    if _load_state(out) is not None:
        raise InvalidInputError(
            "--out", f"{out} already holds a workshop ({STATE_FILE}). Run "
            f"'python -m cognito_helpers workshop down --out {out}' first, or choose another --out."
        )
    # never touch what the tool did not create: no symlink, no one else's files, no chmod of
    # an existing directory, and down removes the directory only if up made it
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InvalidInputError("--out", f"{out} is a symlink or not a directory; give a new directory.")
    try:
        occupied = out.is_dir() and any(out.iterdir())
    except OSError as exc:
        raise InvalidInputError("--out", f"cannot read {out} ({exc.strerror or exc.__class__.__name__}).") from None
    if occupied:
        raise InvalidInputError(
            "--out", f"{out} already exists and holds files that are not a workshop's; "
            "give a new (or empty) directory so nothing of yours is overwritten or deleted."
        )
    _check_client(client, optional=True)  # after --out: a refused --out never needs one
    # credentials and endpoint first: a refusal here leaves nothing behind
    cip = client if client is not None else make_client(region, endpoint_url, timeout=timeout)
    created_dir = not out.exists()
    env_dir = out / "env"
    made: list[Path] = []  # what this call created on disk, for a clean refusal
    workshop_id = f"{prefix}-{secrets.token_hex(3)}"
    width = max(2, len(str(participants)))
    usernames = [f"{prefix}-{n:0{width}d}" for n in range(1, participants + 1)]
    state: dict[str, Any] = {
        "version": STATE_VERSION,
        "workshop_id": workshop_id,
        "status": "creating",
        "region": region,
        "endpoint_url": endpoint_url,
        # where the calls really went (AWS_ENDPOINT_URL can move them): down checks it goes there too
        "resolved_endpoint": _resolved_endpoint(cip),
        "tag": {TAG_KEY: workshop_id},
        "user_pool_id": None,
        "client_id": None,
        "users": [],
        "files": [],
        "created_dir": created_dir,
    }
    try:  # every directory and the state file exist before the first AWS call
        if created_dir:
            _private_dir(out)
            made.append(out)
        _private_dir(env_dir)
        made.append(env_dir)
        _save_state(out, state, first=True)
    except InvalidInputError:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    progress(f"workshop {workshop_id}: creating in {region}"
             + (f" at {endpoint_url}" if endpoint_url else ""))
    step = "CreateUserPool"
    try:
        pool = cip.create_user_pool(
            PoolName=workshop_id,
            UserPoolTags={TAG_KEY: workshop_id},
            DeletionProtection="INACTIVE",
            Policies={"PasswordPolicy": {
                "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                "RequireNumbers": True, "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }},
        )["UserPool"]
        state["user_pool_id"] = pool["Id"]
        _save_state(out, state)
        progress(f"  user pool   {pool['Id']} (tag {TAG_KEY}={workshop_id})")

        step = "CreateUserPoolClient"
        app = cip.create_user_pool_client(
            UserPoolId=pool["Id"],
            ClientName=f"{workshop_id}-app",
            GenerateSecret=True,
            ExplicitAuthFlows=FLOWS,
        )["UserPoolClient"]
        state["client_id"] = app["ClientId"]
        _save_state(out, state)
        secret = app["ClientSecret"]
        progress(f"  app client  {app['ClientId']} secret {mask(secret)}")

        people = []
        for username in usernames:
            step = f"creating user {username}"
            password = generate_password()
            cip.admin_create_user(
                UserPoolId=pool["Id"], Username=username, MessageAction="SUPPRESS",
                TemporaryPassword=generate_password(),
            )
            state["users"].append(username)
            _save_state(out, state)
            cip.admin_set_user_password(
                UserPoolId=pool["Id"], Username=username, Password=password, Permanent=True
            )
            people.append(Participant(username, password, f"env/{username}.env"))
        progress(f"  users       {len(people)} confirmed ({usernames[0]} ... {usernames[-1]}), "
                 "passwords generated")
    except WorkshopError:
        raise
    except InvalidInputError as exc:
        # the state file could not be updated: without it down cannot find what exists,
        # so undo it now rather than leave a pool nobody knows about
        raise _rolled_back(cip, state, out, exc, region, endpoint_url) from None
    except Exception as exc:
        state["status"] = "failed"
        state["failed_at"] = step
        with contextlib.suppress(InvalidInputError):  # the last saved state still names it all
            _save_state(out, state)
        failure = _aws_failure(exc, step)
        raise WorkshopError(
            f"{failure}. What was created is recorded in {_state_path(out)}; remove it with "
            f"'python -m cognito_helpers workshop down --out {out}'."
        ) from None

    ws = Workshop(workshop_id, region, endpoint_url, pool["Id"], app["ClientId"], secret,
                  tuple(people), out)
    planned = [(p.env_file, _env_text(ws.env(p))) for p in people] + [
        ("participants.csv", _sheet_csv(ws)), ("participants.html", _sheet_html(ws))]
    # down may delete every planned file (plain files of ours only) if up stops before
    # recording which ones it wrote
    state["files"] = [name for name, _ in planned]
    problems: list[str] = []
    try:
        _save_state(out, state)
    except InvalidInputError as exc:
        problems.append(str(exc).removeprefix("--out: "))
    written = []
    if not problems:
        for name, text in planned:
            try:
                _write_private(out / name, text)
                written.append(name)
            except InvalidInputError as exc:
                problems.append(str(exc).removeprefix("--out: "))
        state["files"] = written
        state["status"] = "ready"
        if problems:
            state["unwritten"] = [name for name, _ in planned if name not in written]
        try:
            _save_state(out, state)
        except InvalidInputError as exc:
            problems.append(str(exc).removeprefix("--out: "))
    if problems:
        kept = (f"the other {len(written)} of {len(planned)} files are written"
                if written else "no participant file is written")
        reasons = "; ".join(p.rstrip(".") for p in problems)
        raise InvalidInputError(
            "--out", f"workshop {workshop_id} is up (pool {pool['Id']}, {len(people)} "
            f"participants) but {reasons}; {kept}. To start again: 'python -m "
            f"cognito_helpers workshop down --out {out}' (it removes only what up made), "
            "clear the way, and run up."
        )
    progress(f"  files       {out}/participants.csv, participants.html, env/*.env "
             "(owner-only: dir 700, files 600; passwords and secret are only in these files)")
    return ws


def _rolled_back(
    cip: Any, state: dict[str, Any], out: Path, exc: InvalidInputError, region: str,
    endpoint_url: str | None,
) -> InvalidInputError | WorkshopError:
    """Undo a pool whose state file could not be written; say what is left, if anything."""
    why = str(exc).removeprefix("--out: ")
    pool_id = state.get("user_pool_id")
    if pool_id is None:  # the pool's own id was never answered: find it by its tag
        try:
            found = list(find_workshop_pools(cip, state["workshop_id"]))
        except Exception:
            found = []
        pool_id = found[0] if found else None
    if pool_id is not None:
        try:
            cip.delete_user_pool(UserPoolId=pool_id)
        except Exception as delete_exc:
            if not _is_not_found(delete_exc):
                where = f" --endpoint-url {endpoint_url}" if endpoint_url else ""
                return WorkshopError(
                    f"{why}; the workshop could not be recorded, and deleting its pool "
                    f"{pool_id} again failed ({_aws_failure(delete_exc, 'DeleteUserPool')}). "
                    f"Remove it with 'python -m cognito_helpers workshop down --workshop-id "
                    f"{state['workshop_id']} --region {region}{where}'."
                )
    if _remove_own_file(_state_path(out))[1] is None:
        with contextlib.suppress(OSError):
            (out / "env").rmdir()
        if state.get("created_dir"):
            with contextlib.suppress(OSError):
                out.rmdir()
    return InvalidInputError(
        "--out", f"{why}; the workshop could not be recorded, so its pool was deleted again "
        "and nothing is left in Cognito. Fix that and run up again."
    )


# -- down --------------------------------------------------------------------------


def _remove_files(out: Path, names: list[str], result: DownResult, progress: Progress) -> None:
    """Delete the files up wrote: plain files of ours, in ``out`` or ``out/env`` only."""
    for name in names:
        if name.count("/") > 1 or (name.count("/") == 1 and not name.startswith("env/")) or (
            name.startswith(("/", ".")) or ".." in name.split("/")
        ):
            continue  # a tampered state file must not make us delete elsewhere
        deleted, left = _remove_own_file(out / name)
        if deleted:
            result.deleted_files.append(name)
        elif left is not None:
            result.left_files.append(name)
            progress(f"  left        {name}: {left}")
    with contextlib.suppress(OSError):
        if not (out / "env").is_symlink():
            (out / "env").rmdir()


def workshop_down(
    *,
    out_dir: str | os.PathLike[str] | None = None,
    workshop_id: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    default_region: str | None = None,
    client: Any = None,
    progress: Progress = _stderr,
    timeout: float | None = None,
) -> DownResult:
    """Delete the workshop's pool (with its client and users), then the files ``up`` wrote.

    The pool is found by the state file in ``out_dir`` and/or by its tag
    (``workshop_id``); a pool is deleted only if it carries this workshop's tag.
    Anything already gone is skipped, so running it twice is harmless.

    The state file's region and endpoint win: ``region``/``endpoint_url`` that
    disagree with it are refused with nothing removed (the pool is where ``up``
    made it, and looking elsewhere would find nothing and delete the only
    record of a live pool). ``default_region`` (e.g. ``$AWS_REGION``) is used
    only when there is no state file. The files are deleted only after every
    pool they describe is confirmed deleted or not found.
    """
    _check_out_dir(out_dir, optional=True)
    expect_text("--workshop-id", workshop_id, optional=True)
    expect_text("--region", region, optional=True, what="an AWS region name (str)")
    expect_text("--endpoint-url", endpoint_url, optional=True, what="an http(s) URL (str)")
    expect_text("default_region", default_region, optional=True, what="an AWS region name (str)")
    _check_client(client, optional=True)
    callback("progress", progress, what="a function of one line of text")
    if out_dir is None and workshop_id is None:
        raise InvalidInputError("--out", "give --out DIR (the directory 'up' wrote) or --workshop-id ID")
    if workshop_id is not None and not _WORKSHOP_ID.fullmatch(workshop_id):
        raise InvalidInputError(
            "--workshop-id", f"{workshop_id!r} is not a workshop id (like cognito-lab-1a2b3c; "
            f"'up' prints it and {STATE_FILE} holds it)"
        )
    out = Path(out_dir) if out_dir is not None else None
    state = _load_state(out) if out is not None else None
    if state is not None:
        if workshop_id is not None and workshop_id != state["workshop_id"]:
            raise InvalidInputError(
                "--workshop-id", f"{workshop_id} does not match {state['workshop_id']} in {out / STATE_FILE}"
            )
        workshop_id = state["workshop_id"]
        recorded_region, recorded_endpoint = state.get("region"), state.get("endpoint_url")
        here = out / STATE_FILE
        if region and recorded_region and region != recorded_region:
            raise InvalidInputError(
                "--region", f"{region} disagrees with {here}, which says 'up' created the pool in "
                f"{recorded_region}. Nothing was removed (pool and files kept); run down without "
                "--region to use the state file's."
            )
        if endpoint_url and not _same_endpoint(endpoint_url, recorded_endpoint):
            raise InvalidInputError(
                "--endpoint-url", f"{endpoint_url} disagrees with {here}, which says 'up' used "
                f"{recorded_endpoint or 'AWS itself (no --endpoint-url)'}. Nothing was removed (pool "
                "and files kept); run down without --endpoint-url to use the state file's."
            )
        region = recorded_region or region or default_region
        endpoint_url = recorded_endpoint
    else:
        region = region or default_region
    result = DownResult(workshop_id)
    if workshop_id is None:
        progress(f"no workshop state in {out}: nothing to remove (already down?)")
        return result
    if not region:
        raise InvalidInputError("--region", "not given and not in the state file; pass --region")
    cip = client if client is not None else make_client(region, endpoint_url, timeout=timeout)
    check_same_endpoint(cip, state, "down")

    try:
        candidates: list[str] = []
        if state is not None and state.get("user_pool_id"):
            candidates.append(state["user_pool_id"])
        else:
            # up died before recording the pool id (or there is no state file): use the tag.
            candidates.extend(find_workshop_pools(cip, workshop_id))
        for pool_id in candidates:
            tag = _pool_tag(cip, pool_id)
            if tag is None:
                result.already_gone.append(pool_id)
                progress(f"  user pool   {pool_id} already gone")
                continue
            if tag != workshop_id:
                raise WorkshopError(
                    f"user pool {pool_id} is not tagged {TAG_KEY}={workshop_id}; "
                    "refusing to delete it."
                )
            try:
                cip.delete_user_pool(UserPoolId=pool_id)
            except Exception as exc:
                if not _is_not_found(exc):
                    raise
            result.deleted_pools.append(pool_id)
            progress(f"  user pool   {pool_id} deleted (with its app client and users)")
    except WorkshopError:
        raise
    except Exception as exc:
        failure = _aws_failure(exc, f"removing workshop {workshop_id}")
        raise WorkshopError(f"{failure}. Nothing else was removed; run the same command again.") from None

    if out is not None and state is not None:
        names = list(state.get("files") or [])
        if not names and state.get("status") != "ready":
            # up stopped before recording its files: what it may have written
            names = [f"env/{u}.env" for u in state.get("users", [])]
            names += ["participants.csv", "participants.html"]
        _remove_files(out, sorted(set(names)), result, progress)
        _, left = _remove_own_file(_state_path(out))
        if left is not None:
            raise WorkshopError(
                f"the pool is deleted, but {_state_path(out)} could not be removed ({left}); "
                "delete it by hand."
            )
        with contextlib.suppress(OSError):
            if state.get("created_dir", True):
                out.rmdir()  # left in place when the instructor's own files are in it
    kept = f", {len(result.left_files)} left in place" if result.left_files else ""
    progress(f"workshop {workshop_id}: removed ({len(result.deleted_pools)} pool deleted, "
             f"{len(result.already_gone)} already gone, {len(result.deleted_files)} files{kept})")
    return result
