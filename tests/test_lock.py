"""The locks in lock/ are what `make lock` makes from today's inputs, and they hold together.

`make lab`, `make test` and CI install from lock/ in pip's hash-checking mode (lock/lock.py
says how the files are made). Checked here, offline:

* each lock's header records the digest of its inputs (the requirement lines of
  requirements*.txt, pyproject's requires-python, dependencies and build-system.requires,
  uv's options), and that digest is today's: an input edited without `make lock` fails here;
* every requirement of those inputs is met by exactly one pin of the lock, on each supported
  Python (3.10 to 3.13, Linux, macOS, Windows), markers evaluated as pip does;
* lab.txt is test.txt's pins for what requirements.txt needs: one version and the same
  hashes for every package they share, so `make test` on top of `make lab` changes nothing;
* every pin is exact (==) and carries sha256 hashes; no editable, no URL;
* the Makefile's stamps depend on the locks, so a changed lock re-installs.

CI also re-resolves them from PyPI (`make lock-check` in .ci/run).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _load_lock_script():
    spec = importlib.util.spec_from_file_location("lock_script", ROOT / "lock" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


lock = _load_lock_script()
LOCKS = list(lock.LOCKS)
FIX = "run `make lock` (then `make test`) and commit lock/"

# every supported Python, at its first and a late patch release (a marker may split a
# minor version: soupsieve is pinned apart below and from 3.11.5), on three platforms
ENVIRONMENTS = [
    {"python_version": f"3.{minor}", "python_full_version": f"3.{minor}.{patch}",
     "sys_platform": platform, "os_name": os_name, "platform_system": system,
     "implementation_name": "cpython", "platform_python_implementation": "CPython",
     "platform_machine": "x86_64", "extra": ""}
    for minor in range(10, 14) for patch in (0, 99)
    for platform, os_name, system in (("linux", "posix", "Linux"), ("darwin", "posix", "Darwin"),
                                      ("win32", "nt", "Windows"))
]


def _env_id(env: dict) -> str:
    return f"{env['python_full_version']}-{env['sys_platform']}"


def entries(text: str) -> list[tuple[Requirement, list[str]]]:
    """(requirement, its hashes) for each entry of a lock, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"an option line in a lock: {line!r}"
        spec, _, rest = line.partition(" --hash=")
        hashes = re.findall(r"sha256:([0-9a-f]+)", "--hash=" + rest) if rest else []
        out.append((Requirement(spec.strip()), hashes))
    return out


def pins_for(name: str, env: dict) -> dict[str, tuple[str, tuple[str, ...]]]:
    """package -> (version, hashes) that pip installs from lock/<name> in ``env``."""
    pins: dict[str, tuple[str, tuple[str, ...]]] = {}
    for req, hashes in entries((ROOT / "lock" / name).read_text(encoding="utf-8")):
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        key = canonicalize_name(req.name)
        assert key not in pins, f"lock/{name} pins {req.name} twice for {_env_id(env)}"
        (spec,) = req.specifier
        pins[key] = (spec.version, tuple(sorted(hashes)))
    return pins


def input_requirements(name: str) -> list[Requirement]:
    """What lock/<name> must satisfy: its requirements files (options such as ``-e .`` and
    ``-r`` left out; the included files are read in their place) and pyproject's
    dependencies and build-system.requires."""
    _, inputs, _ = lock.LOCKS[name]
    lines = [line for file in inputs for _, line in lock.requirement_lines(file)
             if not line.startswith("-")]
    project = lock._pyproject()["project"]
    return [Requirement(line) for line in
            [*lines, *project.get("dependencies", []), *lock.build_requires()]]


def unmet(requirements: list[Requirement], pins: dict, env: dict) -> list[str]:
    """The requirements that no pin satisfies in ``env``, as text."""
    missing = []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        pinned = pins.get(canonicalize_name(req.name))
        if pinned is None or not req.specifier.contains(pinned[0], prereleases=True):
            missing.append(f"{req} (lock: {pinned[0] if pinned else 'nothing'})")
    return missing


@pytest.mark.parametrize("name", LOCKS)
def test_lock_records_the_digest_of_todays_inputs(name):
    text = (ROOT / "lock" / name).read_text(encoding="utf-8")
    recorded = lock.recorded_digest(text)
    assert recorded, f"lock/{name} has no '# inputs-sha256:' line: {FIX}"
    _, inputs, _ = lock.LOCKS[name]
    assert recorded == lock.inputs_digest(name), (
        f"lock/{name} was made from other inputs than today's {', '.join(inputs)} / "
        f"pyproject.toml: {FIX}")


@pytest.mark.parametrize("name", LOCKS)
@pytest.mark.parametrize("env", ENVIRONMENTS, ids=_env_id)
def test_every_input_requirement_is_met_by_the_lock(name, env):
    missing = unmet(input_requirements(name), pins_for(name, env), env)
    assert not missing, f"lock/{name} does not satisfy, on {_env_id(env)}: {missing}; {FIX}"


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=_env_id)
def test_lab_lock_is_the_test_locks_pins(env):
    lab, test = pins_for("lab.txt", env), pins_for("test.txt", env)
    differ = {name: (pin, test.get(name)) for name, pin in lab.items() if test.get(name) != pin}
    assert not differ, f"lock/lab.txt and lock/test.txt disagree on {sorted(differ)}: {FIX}"


@pytest.mark.parametrize("name", [*LOCKS, *lock.TOOLS])
def test_every_pin_is_exact_and_hashed(name):
    found = entries((ROOT / "lock" / name).read_text(encoding="utf-8"))
    assert found
    for req, hashes in found:
        assert req.url is None, f"lock/{name}: {req} is a URL"
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"lock/{name}: {req} is not a pin"
        assert hashes and all(len(h) == 64 for h in hashes), f"lock/{name}: {req.name} has no sha256"


def test_the_committed_outputs_versions_are_the_locked_ones():
    """01-setup-check and 08-rotate-the-secret print versions; the lock must be them
    (nbval cannot tell: its sanitize file hides versions, for installs from the ranges)."""
    printed = {}
    for notebook in ("01-setup-check.ipynb", "08-rotate-the-secret.ipynb"):
        text = (ROOT / "notebooks" / notebook).read_text(encoding="utf-8")
        printed.update(re.findall(r'"(python|boto3|botocore|moto|ipywidgets|jupyterlab|pyjwt) == ([\d.]+)', text))
    assert {"python", "boto3", "moto", "jupyterlab"} <= printed.keys()
    python = printed.pop("python")  # the pins for the Python the outputs were made on
    env = {**ENVIRONMENTS[0], "python_version": python.rsplit(".", 1)[0], "python_full_version": python}
    pins = pins_for("lab.txt", env)
    assert {name: pins[name][0] for name in printed} == printed, (
        "the committed outputs of notebooks 01 and 08 print other versions than lock/lab.txt pins: "
        "after `make lock LOCK_ARGS=--upgrade`, run the notebooks again and commit their outputs")


def test_a_changed_requirement_changes_the_digest_and_a_comment_does_not(tmp_path, monkeypatch):
    """The digest test above can fail: edit a range and it does; edit a comment and it does not."""
    for name in ("requirements.txt", "requirements-test.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "room").mkdir()
    shutil.copy(ROOT / "room" / "requirements.txt", tmp_path / "room" / "requirements.txt")
    monkeypatch.setattr(lock, "ROOT", tmp_path)
    before = {name: lock.inputs_digest(name) for name in LOCKS}
    assert before == {name: lock.recorded_digest((ROOT / "lock" / name).read_text()) for name in LOCKS}

    requirements = tmp_path / "requirements.txt"
    requirements.write_text(requirements.read_text() + "# a comment only\n")
    assert {name: lock.inputs_digest(name) for name in LOCKS} == before

    requirements.write_text(requirements.read_text().replace("moto[cognitoidp]>=5.1", "moto[cognitoidp]>=5.3"))
    assert all(lock.inputs_digest(name) != before[name] for name in LOCKS)
    # and the pins no longer satisfy it (moto is locked below 5.3)
    env = ENVIRONMENTS[0]
    assert unmet(input_requirements("lab.txt"), pins_for("lab.txt", env), env) == [
        f"moto[cognitoidp]>=5.3 (lock: {pins_for('lab.txt', env)['moto'][0]})"]

    room = tmp_path / "room" / "requirements.txt"  # reached through requirements-test.txt's -r
    room.write_text(room.read_text().replace("jupyterhub==", "jupyterhub>="))
    assert lock.inputs_digest("test.txt") != before["test.txt"]


def test_the_makefile_installs_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(STAMP\):.*\block/lab\.txt\b", makefile, re.MULTILINE)
    assert re.search(r"^\$\(TEST_STAMP\):.*\$\(STAMP\).*\block/test\.txt\b", makefile, re.MULTILINE)
    assert "--require-hashes" in makefile
    for name in ("lab.txt", "test.txt", "pip.txt"):
        assert f"$(PIP_LOCKED) -r lock/{name}" in makefile
    # no install from the ranges outside the room's own target
    assert not re.search(r"pip install[^\n]*-r requirements(-test)?\.txt", makefile)
