"""Make, or check, the locks that `make lab`, `make test` and CI install from.

requirements.txt and requirements-test.txt keep ranges, for whoever installs the
package their own way. The Makefile installs from the files here instead, each
package pinned with its sha256 hashes (``pip install --require-hashes``), so a
learner next year gets the moto, boto3 and JupyterLab the committed notebook
outputs were made with:

    lock/test.txt  requirements.txt + requirements-test.txt (`make test`, CI)
    lock/lab.txt   requirements.txt alone (`make lab`), the same pins as test.txt
    lock/pip.txt   the pip that installs them, lock/uv.txt the resolver (uv)

Both locks also hold pyproject.toml's build-system.requires (setuptools), so the
editable install of the package itself builds offline, with no unpinned download
(``pip install --no-build-isolation --no-deps -e .``). One file serves Python
3.10 to 3.13 (uv's universal resolution: a package whose newest release dropped
3.10 is pinned twice, each pin with its own environment marker).

    python lock/lock.py            re-lock after requirements*.txt or pyproject's
                                   dependencies changed (`make lock`): every pin that
                                   still satisfies the ranges is kept
    python lock/lock.py --upgrade  the newest versions the ranges allow (then run
                                   `make test` and commit what changed)
    python lock/lock.py --check    CI: re-resolve into a temporary folder and fail if
                                   the pins differ from the committed ones (reaches PyPI)

Each lock's header records ``inputs-sha256``, a digest of what it was made from
(the requirement lines of the requirements files, comments left out; pyproject's
requires-python, dependencies and build-system.requires; uv's options).
tests/test_lock.py recomputes it, offline, with :func:`inputs_digest`, so a
changed input without `make lock` fails the tests. Runs on the standard library
alone (plus tomli on Python 3.10); the resolver is ``uv`` on PATH or ``--uv``.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: tomli (a dependency of pytest there, in the lock)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
LOCK_DIR = ROOT / "lock"

# name -> (what it is for, its inputs, the locks it must agree with). test.txt is made
# first, lab.txt then under test.txt's pins as constraints, so that every package the two
# share has one version and `make test`'s install on top of `make lab`'s changes nothing.
LOCKS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "test.txt": ("what `make test` and CI install", ("requirements.txt", "requirements-test.txt"), ()),
    "lab.txt": ("what `make lab` installs", ("requirements.txt",), ("test.txt",)),
}
# the tools: pinned and hashed like the rest, kept at their version by `make lock`
TOOLS = {"pip.txt": ("the pip that installs the locks", "pip"),
         "uv.txt": ("the resolver that makes them (`make lock`)",
                    "uv\ntomli ; python_version < '3.11'")}  # tomli: this script on 3.10


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def oldest_python() -> str:
    """The X.Y of pyproject's requires-python (``>=3.10``): the lock's --python-version."""
    spec = _pyproject()["project"]["requires-python"]
    found = re.fullmatch(r"\s*>=\s*(\d+\.\d+)\s*", spec)
    if not found:
        raise SystemExit(f"lock.py reads requires-python as '>=X.Y'; pyproject.toml says {spec!r}")
    return found.group(1)


def uv_options() -> list[str]:
    """uv pip compile's options for both locks (part of the inputs' digest)."""
    return ["--universal", "--generate-hashes", "--python-version", oldest_python(),
            "--no-emit-package", _pyproject()["project"]["name"],
            "--custom-compile-command", "make lock"]


def build_requires() -> list[str]:
    """pyproject's build-system.requires: locked, for `pip install --no-build-isolation -e .`."""
    return list(_pyproject()["build-system"]["requires"])


def requirement_lines(name: str, seen: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(file, line) for each requirement line of a requirements file and the files it
    includes with ``-r``/``-c``, comments and blank lines left out."""
    if name in seen:
        return []
    path = ROOT / name
    out: list[tuple[str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line:
            continue
        out.append((name, line))
        included = re.fullmatch(r"(?:-r|-c|--requirement|--constraint)\s*=?\s*(\S+)", line)
        if included:
            child = (path.parent / included.group(1)).resolve().relative_to(ROOT).as_posix()
            out.extend(requirement_lines(child, (*seen, name)))
    return out


def inputs_digest(lock: str) -> str:
    """sha256 of everything a lock is made from; its header records it."""
    _, inputs, _ = LOCKS[lock]
    project = _pyproject()["project"]
    what = {
        "files": [requirement_lines(name) for name in inputs],
        "requires-python": project["requires-python"],
        "dependencies": project.get("dependencies", []),
        "build-system.requires": build_requires(),
        "uv": uv_options(),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


DIGEST_LINE = re.compile(r"^# inputs-sha256: ([0-9a-f]{64})$", re.MULTILINE)


def recorded_digest(text: str) -> str | None:
    found = DIGEST_LINE.search(text)
    return found.group(1) if found else None


def without_hashes(text: str) -> str:
    """A lock's pins and annotations, its --hash lines left out: what --check compares
    (a project may upload one more wheel for a version already pinned; pip ignores a file
    whose hash is not listed, so that alone is no reason to fail CI)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--hash=")]
    return "\n".join(line.removesuffix(" \\") for line in lines) + "\n"


def _header(lock: str, purpose: str, inputs: str, digest: str | None) -> str:
    lines = [f"# lock/{lock}: {purpose}; every package pinned, with its hashes",
             "# (pip install --require-hashes). Never edited by hand: `make lock` (lock/lock.py)",
             f"# writes it from {inputs}."]
    if digest:
        lines.append(f"# inputs-sha256: {digest}")
    return "\n".join(lines) + "\n"


def _uv(uv: str, args: list[str], stdin: str, out: Path) -> None:
    # uv reads the file given with -o as its preferences: a pin there that still
    # satisfies the inputs is kept
    command = [uv, "pip", "compile", "--quiet", *args, "-o", str(out)]
    done = subprocess.run(command, cwd=ROOT, input=stdin, text=True, capture_output=True,  # noqa: S603 (our uv)
                          env={**os.environ, "UV_NO_CONFIG": "1"})
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"uv pip compile failed for {out.name} (exit {done.returncode})")


def make_locks(uv: str, into: Path, upgrade: bool) -> None:
    """Write every lock into ``into``, starting from the committed ones (kept where they
    still satisfy the inputs, unless ``upgrade``)."""
    extra = ["--upgrade"] if upgrade else []
    for name in (*LOCKS, *TOOLS):
        if (LOCK_DIR / name).exists():
            shutil.copy(LOCK_DIR / name, into / name)
    for name, (purpose, inputs, constraints) in LOCKS.items():
        args = [*uv_options(), *extra, *inputs, "-"]
        for other in constraints:
            args += ["-c", str(into / other)]
        _uv(uv, args, "\n".join(build_requires()) + "\n", into / name)
        with_pyproject = " + ".join(inputs) + " (+ pyproject.toml's build-system.requires)"
        body = (into / name).read_text(encoding="utf-8")
        for other in constraints:  # uv's "via -c <path>": the lock's name, not the temporary copy's
            body = body.replace(str(into / other), f"lock/{other}")
        (into / name).write_text(_header(name, purpose, with_pyproject, inputs_digest(name)) + body,
                                 encoding="utf-8")
    for name, (purpose, package) in TOOLS.items():
        _uv(uv, ["--universal", "--generate-hashes", "--python-version", oldest_python(),
                 "--custom-compile-command", "make lock", *extra, "-"], package + "\n", into / name)
        body = (into / name).read_text(encoding="utf-8")
        (into / name).write_text(_header(name, purpose, ", ".join(package.splitlines()), None) + body,
                                 encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="newest versions the ranges allow")
    parser.add_argument("--check", action="store_true",
                        help="re-resolve and fail if the committed locks differ (CI)")
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="the uv to run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lock-") as tmp:
        made = Path(tmp)
        make_locks(args.uv, made, args.upgrade and not args.check)
        names = [*LOCKS, *TOOLS]
        if args.check:
            stale = []
            for name in names:
                committed = (LOCK_DIR / name).read_text(encoding="utf-8") if (LOCK_DIR / name).exists() else ""
                fresh = (made / name).read_text(encoding="utf-8")
                if recorded_digest(committed) != recorded_digest(fresh) \
                        or without_hashes(committed) != without_hashes(fresh):
                    stale.append(name)
                    sys.stdout.writelines(difflib.unified_diff(
                        without_hashes(committed).splitlines(True), without_hashes(fresh).splitlines(True),
                        f"lock/{name} (committed)", f"lock/{name} (uv today)"))
            if stale:
                print(f"lock.py --check: {', '.join('lock/' + n for n in stale)} not what `make lock` "
                      "makes from today's requirements*.txt and pyproject.toml: run `make lock`, "
                      "then `make test`, and commit lock/", file=sys.stderr)
                return 1
            print(f"lock.py --check: {', '.join('lock/' + n for n in names)} match their inputs")
            return 0
        for name in names:
            fresh = (made / name).read_text(encoding="utf-8")
            target = LOCK_DIR / name
            if not target.exists() or target.read_text(encoding="utf-8") != fresh:
                target.write_text(fresh, encoding="utf-8")  # untouched if equal: no re-install
                print(f"lock/{name} written")
            else:
                print(f"lock/{name} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
