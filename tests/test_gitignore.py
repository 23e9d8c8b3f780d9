"""Every file the README's own commands write is ignored by git: some hold the secret.

The paths are read from the README's command blocks (``--env-file``, ``--out``,
``> file``, ``--secret-file``), so a command added there with a new output file
fails here until ``.gitignore`` covers it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# an option that names a file, or a shell redirection (`> file`, `2> file`), not `<port>`
_WRITES = re.compile(r"(?:--env-file|--out|--secret-file|(?:^|\s)\d?>)\s*([\w./-]+)")


def _commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return [ln.strip() for ln in readme.splitlines()
            if ln.startswith("    ") and ("cognito_helpers" in ln or ">" in ln)]


def _written() -> set[str]:
    out = set()
    for line in _commands():
        for path in _WRITES.findall(line):
            if path.isupper() or path.startswith(("/", "&")):  # FILE placeholders, /dev/null, 2>&1
                continue
            out.add(path)
    return out


def _ignored(path: str) -> bool:
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=REPO,
                          capture_output=True, timeout=30, check=False)
    return done.returncode == 0


@pytest.fixture(scope="module")
def git() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: .gitignore cannot be asked")


def test_the_readme_writes_these_files() -> None:
    assert {"demo.env", "local.log", "rehearsal", "workshop"} <= _written()


def test_every_file_the_readme_writes_is_ignored(git) -> None:
    for path in sorted(_written()):
        assert _ignored(path), f"{path} (written by a README command) is not in .gitignore"


def test_participant_env_files_are_ignored(git) -> None:
    for path in ("cognito-lab-01.env", "workshop/env/cognito-lab-01.env",
                 "rehearsal/participants.csv", "notebooks/demo.env"):
        assert _ignored(path), path


def test_tracked_files_stay_tracked(git) -> None:
    tracked = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=REPO,
                             capture_output=True, text=True, timeout=30, check=True).stdout
    assert tracked == "", f"tracked files that .gitignore now matches:\n{tracked}"
