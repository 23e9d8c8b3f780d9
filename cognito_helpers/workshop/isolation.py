"""A room where no participant can touch another: one Unix user per participant.

When ``workshop room`` runs as root (a workshop VM, CI) it gives each
participant a Unix user of their own, named for the room
(``cl<room id>-01``...; the GECOS field says which room and participant, so a
user of another room or of the machine is never taken over), a home of their
own (mode 700, owned by them, the lessons copied in) and a Python runtime they
can read and run but not change: the project's venv and package as they are
(root's, read-only), seen through a small venv of the room's whose interpreter
is hard-linked out of a place they cannot reach (``/root/.pyenv``) when it has
to be. ``workshop room --down`` kills what those users still run, deletes the
users and removes everything the room made for them.

What is isolated and how: README, "Run a workshop".
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from ..exceptions import ConfigurationError, InvalidInputError

__all__ = [
    "RUNTIME_ROOT",
    "check_may_run",
    "create_users",
    "isolation_available",
    "prepare_runtime",
    "remove_room_users",
    "unix_names",
]

#: Where a room's participants' runtime and homes live (root's, mode 755, one folder per room).
RUNTIME_ROOT = Path(os.environ.get("COGNITO_ROOM_RUNTIME_ROOT", "/var/lib/cognito-lab-room"))
_MARK = "cognito-lab room"
_ROOM_ID = re.compile(r"^[0-9a-f]{6}$")
NOLOGIN = next((s for s in ("/usr/sbin/nologin", "/sbin/nologin") if Path(s).exists()), "/bin/false")


def isolation_available() -> bool:
    """True where the room can make Unix users: running as root on a POSIX system."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def check_may_run(participants: int, *, rehearsal: bool, isolated: bool) -> str | None:
    """Refuse a shared room without isolation unless ``--rehearsal`` says so; what it means."""
    if isolated or participants <= 1:
        return None
    if not rehearsal:
        raise ConfigurationError(
            f"not running as root, so the room cannot give its {participants} participants a "
            "Unix user each: every server would run as you, and any participant could read "
            "and change the others' files, your checkout and the room's settings, and read "
            "your environment (AWS credentials included) from /proc. Run it as root (sudo) on "
            "the workshop machine, or pass --rehearsal to accept no isolation (a rehearsal "
            "with people you trust)."
        )
    uid = os.geteuid() if hasattr(os, "geteuid") else "?"
    return (
        f"--rehearsal: NO ISOLATION. Every participant's server and kernel runs as you (uid "
        f"{uid}): each can read and change every other participant's files and your "
        "checkout, read the room's settings and passwords, read your environment (AWS "
        "credentials included) and signal your processes. Use it only to rehearse with "
        "people you trust; run the room as root for a real workshop."
    )


def unix_names(room_id: str, participants: list[str]) -> dict[str, str]:
    """Each participant's Unix user: ``cl<room id>-NN``, unique to the room (32 chars at most)."""
    if not _ROOM_ID.match(room_id):
        raise InvalidInputError("room_id", f"{room_id!r} is not 6 hex digits.")
    return {name: f"cl{room_id}-{i:02d}" for i, name in enumerate(participants, 1)}


def _comment(room_id: str, participant: str) -> str:
    # GECOS may not hold ':' or ','; participant names are hub names (letters, digits, -._@)
    return f"{_MARK} {room_id} {re.sub(r'[:,=]', '_', participant)}"


def _owner_of(user: str) -> str | None:
    """The room id a Unix user belongs to, or None when it is not a room's user."""
    try:
        gecos = pwd.getpwnam(user).pw_gecos
    except KeyError:
        return ""
    parts = gecos.split(" ")
    if gecos.startswith(_MARK + " ") and len(parts) >= 4 and _ROOM_ID.match(parts[2]):
        return parts[2]
    return None


def _run(cmd: list[str]) -> None:
    for attempt in range(20):  # another room's useradd/userdel holds /etc/passwd's lock: wait
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)  # noqa: S603
        if out.returncode == 0:
            return
        if "lock" not in out.stderr or attempt == 19:
            break
        time.sleep(0.25)
    raise ConfigurationError(f"{cmd[0]} {cmd[-1]} failed: {out.stderr.strip()[:300]}")


def room_dir_of(room_id: str) -> Path:
    return RUNTIME_ROOT / room_id


def _make_base(room_id: str) -> Path:
    """The room's folder under RUNTIME_ROOT (root's, 755) and its homes' folder (711)."""
    base = room_dir_of(room_id)
    homes = base / "home"
    homes.mkdir(mode=0o755, parents=True, exist_ok=True)  # parents: another room's --down may
    for d in (RUNTIME_ROOT, base, homes):                  # remove an empty RUNTIME_ROOT meanwhile
        if d.is_symlink() or not d.is_dir():
            raise ConfigurationError(f"{d} is not a folder of the room's; move it away.")
        os.chown(d, 0, 0)
        os.chmod(d, 0o711 if d == homes else 0o755)  # homes: pass through, never list
    return base


def create_users(room_id: str, participants: list[str]) -> dict[str, dict[str, object]]:
    """Make (or find, after a restart) each participant's Unix user and home; their records.

    A name that exists and is not this room's is refused: nothing is created then.
    """
    names = unix_names(room_id, participants)
    for participant, user in names.items():
        owner = _owner_of(user)
        if owner not in ("", room_id):
            raise ConfigurationError(
                f"the Unix user {user!r} (for {participant}) already exists and is not this "
                f"room's ({'room ' + owner if owner else 'a user of this machine'}); nothing was "
                "changed. Remove the old room with 'workshop room --down --dir ITS_DIR', or "
                "start this room in a new --dir (a new room id)."
            )
    homes = _make_base(room_id) / "home"
    records: dict[str, dict[str, object]] = {}
    for participant, user in names.items():
        home = homes / participant
        if _owner_of(user) == "":
            _run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell", NOLOGIN,
                  "--comment", _comment(room_id, participant), "--user-group", user])
        entry = pwd.getpwnam(user)
        home.mkdir(mode=0o700, exist_ok=True)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        os.chmod(home, 0o700)
        records[participant] = {"user": user, "uid": entry.pw_uid, "gid": entry.pw_gid,
                                "home": str(home)}
    return records


def own_tree(path: Path, uid: int, gid: int) -> None:
    """``path`` and what is under it belong to the participant (never through a symlink)."""
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid, follow_symlinks=False)
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


# -- the participants' Python: the project's venv, read-only ----------------------------


def _others_can_reach(path: Path) -> bool:
    """Can a user who is neither owner nor in the group read ``path`` (every folder on the way)?"""
    path = Path(os.path.realpath(path))
    for parent in [*reversed(path.parents), path]:
        try:
            mode = os.stat(parent).st_mode
        except OSError:
            return False
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    return bool(mode & stat.S_IROTH)


def _writable_by_others(path: Path) -> list[str]:
    """Files and folders under ``path`` that a participant (an "other") could change."""
    found = []
    for root, dirs, files in os.walk(path):
        for name in [".", *dirs, *files]:
            p = os.path.join(root, name)
            with contextlib.suppress(OSError):
                st = os.lstat(p)
                if not stat.S_ISLNK(st.st_mode) and st.st_mode & stat.S_IWOTH:
                    found.append(p)
        dirs[:] = [d for d in dirs if d != "__pycache__"]
    return found


def _link_tree(src: Path, dst: Path, skip: set[str]) -> None:
    """Hard-link ``src`` into ``dst``, skipping paths (relative) and names in ``skip``.

    A link is the same file, so it is exactly as read-only as the original; a file
    other users cannot read is copied instead and the copy made readable (0644/0755).
    """
    for root, dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        dirs[:] = [d for d in dirs if str(rel / d) not in skip and d not in skip]  # .pyc too: valid for the same inodes
        (dst / rel).mkdir(mode=0o755, exist_ok=True)
        os.chmod(dst / rel, 0o755)  # noqa: S103 - participants read the runtime, never write it
        for name in files:
            s, d = Path(root) / name, dst / rel / name
            if d.exists() or d.is_symlink() or name in skip:
                continue
            if s.is_symlink():
                d.symlink_to(os.readlink(s))
                continue
            mode = os.stat(s).st_mode
            try:
                if not mode & stat.S_IROTH:
                    raise PermissionError  # a copy the participants can read
                os.link(s, d)
            except OSError:
                shutil.copy2(s, d)
                os.chmod(d, 0o755 if mode & stat.S_IXUSR else 0o644)


#: What a linked-out checkout leaves behind: not code a kernel imports.
_NOT_CODE = {".git", ".venv", ".venv-site", "node_modules", "_output", ".pytest_cache", "room-data"}


def prepare_runtime(room_id: str, repo: Path) -> dict[str, str]:
    """The room's venv the participants run: its python, and its environment's extra entries.

    The project's venv and package are used where they are when other users can
    read them; where they cannot (a checkout in a mode-700 folder, pyenv under
    /root) they are hard-linked into the room's runtime, read-only. Refuses when a
    participant could change the package or the venv (they would run each other's
    code, and the hub's).
    """
    package = repo / "cognito_helpers"
    site_dir = Path(sysconfig.get_paths()["purelib"])
    loose = _writable_by_others(package)
    if loose or os.stat(site_dir).st_mode & stat.S_IWOTH:
        raise ConfigurationError(
            f"participants could change the code every kernel and the hub import "
            f"({(loose or [str(site_dir)])[0]} is writable by every user); make the checkout "
            "and its venv writable by their owner only (chmod -R o-w)."
        )
    base = _make_base(room_id)
    venv = base / "venv"
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    base_prefix = Path(sys.base_prefix)
    env: dict[str, str] = {}
    if _others_can_reach(base_prefix / "lib" / version / "os.py"):
        python_home = base_prefix
    else:  # e.g. pyenv under /root: link the interpreter and its stdlib out (no site-packages)
        python_home = base / "python"
        _link_tree(base_prefix, python_home, {f"lib/{version}/site-packages", f"lib/{version}/test",
                                              "include", "share"})
        (python_home / "lib" / version / "site-packages").mkdir(exist_ok=True)
        env["LD_LIBRARY_PATH"] = str(python_home / "lib")  # its RUNPATH names the old place
    exe = python_home / "bin" / Path(os.path.realpath(sys._base_executable)).name  # type: ignore[attr-defined]
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    site = venv / "lib" / version / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    (venv / "pyvenv.cfg").write_text(
        f"home = {exe.parent}\ninclude-system-site-packages = false\n"
        f"version = {'.'.join(map(str, sys.version_info[:3]))}\n", encoding="utf-8")
    python = venv / "bin" / "python"
    if not python.is_symlink():
        python.symlink_to(exe)
    pth = []
    if not _others_can_reach(package / "__init__.py"):  # the checkout, linked out (code only)
        _link_tree(repo, base / "src", _NOT_CODE)
        pth.append(str(base / "src"))  # before the editable install's finder, which names the old place
    if not _others_can_reach(site_dir):
        _link_tree(site_dir, base / "site-packages", set())
        site_dir = base / "site-packages"
    # the project's venv, read-only: its packages (and their .pth files: the editable install)
    pth.append(f"import site; site.addsitedir({str(site_dir)!r})")
    (site / "_cognito_room.pth").write_text("\n".join(pth) + "\n", encoding="utf-8")
    for shared in ("share", "etc"):  # JupyterLab's assets, kernel spec, server extensions' config
        link, target = venv / shared, Path(sys.prefix) / shared
        if not target.is_dir() or link.exists() or link.is_symlink():
            continue
        if _others_can_reach(target):
            link.symlink_to(target)
        else:
            _link_tree(target, link, set())
    for root, dirs, files in os.walk(venv):
        for name in [".", *dirs, *files]:
            os.chown(os.path.join(root, name), 0, 0, follow_symlinks=False)
    env["PATH"] = f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    env["VIRTUAL_ENV"] = str(venv)
    return {"python": str(python), **{f"env:{k}": v for k, v in env.items()}}


# -- removing a room's users --------------------------------------------------------------


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.append(int(entry))
    return pids


def remove_room_users(room_id: str) -> list[str]:
    """Kill what the room's users run, delete them and the room's runtime and homes; who went.

    Only users whose GECOS names this room are touched.
    """
    removed = []
    for entry in pwd.getpwall():
        if _owner_of(entry.pw_name) != room_id:
            continue
        for _ in range(50):  # their servers and kernels: the room's own processes
            pids = _pids_of(entry.pw_uid)
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
        _run(["userdel", entry.pw_name])
        removed.append(entry.pw_name)
    base = room_dir_of(room_id)
    if base.is_dir() and not base.is_symlink():
        shutil.rmtree(base)
    with contextlib.suppress(OSError):
        RUNTIME_ROOT.rmdir()  # the last room's: nothing of the rooms is left on the machine
    return removed
