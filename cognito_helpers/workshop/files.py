"""The files ``up`` writes in its ``--out`` directory, owner-only (dir 700, files 600).

Nothing here follows a symlink, or changes, overwrites or deletes anything
``up`` did not create: directories are made with ``mkdir`` (refused if
something is there), files with ``O_EXCL | O_NOFOLLOW`` through a descriptor
of their directory, and ``down`` deletes only plain files of ours.

* ``workshop.json``, the state file: what exists (no secrets), saved after each
  provisioning step and read back by ``down``;
* ``participants.csv`` and ``participants.html``, the participant sheet
  (printable, one card each).

The participants' env files are :mod:`.envfile`'s. README, "Run a workshop".
"""

from __future__ import annotations

import contextlib
import csv
import errno
import html
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

from ..exceptions import InvalidInputError
from .records import Workshop

__all__ = ["STATE_FILE", "STATE_VERSION"]

STATE_FILE = "workshop.json"
STATE_VERSION = 1


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _why(exc: OSError) -> str:
    """An OSError in a few words ('No space left on device'), never a traceback."""
    return exc.strerror or exc.__class__.__name__


def _occupied(path: Path) -> str:
    """What sits at ``path`` (which up did not create), in words."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return f"something appeared at {path}"
    kind = ("a symlink" if stat.S_ISLNK(mode) else "a directory" if stat.S_ISDIR(mode)
            else "a file")
    return f"{path} is {kind} this tool did not create (left as it is)"


def _open_own_dir(path: Path, field: str = "--out") -> int:
    """A descriptor of ``path``, a real directory (never through a symlink) owned by us."""
    try:
        fd = os.open(path, _DIR_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise InvalidInputError(field, f"{_occupied(path)}; nothing was written there.") from None
        raise InvalidInputError(field, f"cannot open {path} ({_why(exc)}).") from None
    if os.fstat(fd).st_uid != os.geteuid():
        os.close(fd)
        raise InvalidInputError(field, f"{path} belongs to another user; nothing was written there.")
    return fd


def _private_dir(path: Path) -> None:
    """Create ``path`` with mode 700; refuse anything already there (a planted dir or
    symlink is never used, chmod-ed or written into). Missing parents are created
    with the usual mode, and left in place by ``down``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(path, 0o700)
    except FileExistsError:
        raise InvalidInputError(
            "--out", f"{_occupied(path)}; nothing was written there. Give a new --out directory."
        ) from None
    except OSError as exc:
        raise InvalidInputError(
            "--out", f"cannot create {path} ({_why(exc)}); give a directory you can write, "
            "e.g. --out ./workshop."
        ) from None
    fd = _open_own_dir(path)  # the directory just made, not one swapped in since
    try:
        os.fchmod(fd, 0o700)  # ours: the umask may have taken bits away, never added
    finally:
        os.close(fd)


def _write_private(path: Path, text: str, *, replace: bool = False, field: str = "--out") -> None:
    """Write ``text`` to a new file ``path``, mode 600, never following a symlink.

    A new file is created exclusively (``O_EXCL | O_NOFOLLOW``): whatever already
    sits at ``path`` (a planted symlink, a directory, someone's file) is refused
    and left as it is. ``replace=True`` rewrites a file this tool wrote before
    (the state file), atomically: a fresh exclusive temporary file renamed over
    it, only if what is there is still a plain file of ours. Every failure
    (occupied, ENOSPC, EACCES...) is an :class:`InvalidInputError` naming the
    path and the reason, and leaves no partial file behind.
    """
    dir_fd = _open_own_dir(path.parent, field)
    name = path.name
    target = f".{name}.tmp" if replace else name
    try:
        if replace:
            try:
                old = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except FileNotFoundError:
                old = None
            if old is not None and (not stat.S_ISREG(old.st_mode) or old.st_uid != os.geteuid()):
                raise InvalidInputError(field, f"{_occupied(path)}; it was not rewritten.")
        try:
            fd = os.open(target, _NEW_FILE_FLAGS, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            raise InvalidInputError(
                field, f"{_occupied(path.parent / target)}; nothing was written there."
            ) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InvalidInputError(
                    field, f"{_occupied(path.parent / target)}; nothing was written there."
                ) from None
            raise InvalidInputError(field, f"cannot write {path} ({_why(exc)}).") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                os.fchmod(fh.fileno(), 0o600)
                fh.write(text)
            if replace:
                os.replace(target, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(target, dir_fd=dir_fd)  # ours, half written
            raise InvalidInputError(field, f"cannot write {path} ({_why(exc)}).") from None
    finally:
        os.close(dir_fd)


def _remove_own_file(path: Path) -> tuple[bool, str | None]:
    """Delete ``path`` if it is a plain file of ours, never through a symlinked directory.

    Returns (deleted, why it was left): (False, None) when nothing was there; a
    reason when something else sits there (a directory, a symlink, another
    user's file) or the deletion failed.
    """
    try:
        dir_fd = os.open(path.parent, _DIR_FLAGS)
    except FileNotFoundError:
        return False, None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            return False, f"{path.parent} is not a directory this tool made (left as it is)"
        return False, _why(exc)
    try:
        try:
            found = os.stat(path.name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            return False, None
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.geteuid():
            return False, _occupied(path)
        os.unlink(path.name, dir_fd=dir_fd)
        return True, None
    except OSError as exc:
        return False, _why(exc)
    finally:
        os.close(dir_fd)


def _state_path(out_dir: Path) -> Path:
    return out_dir / STATE_FILE


def _save_state(out_dir: Path, state: dict[str, Any], *, first: bool = False) -> None:
    _write_private(_state_path(out_dir), json.dumps(state, indent=2) + "\n", replace=not first)


def _load_state(out_dir: Path, field: str = "--out") -> dict[str, Any] | None:
    path = _state_path(out_dir)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, encoding="utf-8") as fh:
            state = json.loads(fh.read())
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise InvalidInputError(
            field, f"{out_dir} is not a directory (a file is at it, or on its path); "
            "give a directory: a new one to up, the one up wrote to down and room."
        ) from None
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            field, f"{path} is not a workshop state file ({exc.__class__.__name__}); "
            "pass --workshop-id to find the pool by its tag instead."
        ) from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise InvalidInputError(field, f"{path} is not a version-{STATE_VERSION} workshop state file")
    return state


def _sheet_csv(ws: Workshop) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["username", "password", "user_pool_id", "client_id", "client_secret", "region", "env_file"]
    )
    for p in ws.participants:
        writer.writerow(
            [p.username, p.password, ws.user_pool_id, ws.client_id, ws.client_secret, ws.region,
             p.env_file]
        )
    return buf.getvalue()


def _sheet_html(ws: Workshop) -> str:
    e = html.escape
    cards = []
    for p in ws.participants:
        rows = [
            ("Username", p.username),
            ("Password", p.password),
            ("Region", ws.region),
            ("User pool id", ws.user_pool_id),
            ("App client id", ws.client_id),
            ("Client secret", ws.client_secret),
        ]
        if ws.endpoint_url:
            rows.append(("Endpoint", ws.endpoint_url))
        body = "".join(f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>" for k, v in rows)
        cards.append(
            f'<section class="card"><h2>{e(p.username)}</h2><table>{body}</table>'
            f"<p>Or load <code>{e(p.env_file)}</code> into your environment.</p></section>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Workshop {e(ws.workshop_id)}: participant sheet</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
.card {{ border: 1px dashed #888; padding: .5em 1em; margin: 0 0 1em; break-inside: avoid; }}
th {{ text-align: left; padding-right: 1em; font-weight: normal; color: #444; }}
code {{ font-size: 1.05em; word-break: break-all; }}
@media print {{ .card {{ page-break-inside: avoid; }} }}
</style></head><body>
<h1>Cognito Secret Hash Lab: workshop {e(ws.workshop_id)}</h1>
<p>Cut along the dashed lines: one card per participant. Secret: do not share or post.</p>
{"".join(cards)}
</body></html>
"""
