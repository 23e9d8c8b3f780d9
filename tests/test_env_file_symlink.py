"""`local --demo --env-file` never writes through a symlink (issue 12 item 8)."""

import os
import stat

import pytest

from cognito_helpers.exceptions import InvalidInputError
from cognito_helpers.local.console import _write_env_file


def test_env_file_symlink_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "someone-elses.txt"
    target.write_text("keep me\n")
    link = tmp_path / "demo.env"
    link.symlink_to(target)
    with pytest.raises(InvalidInputError, match="symlink"):
        _write_env_file(str(link), {"COGNITO_CLIENT_SECRET": "s3cr3t"})
    assert target.read_text() == "keep me\n" and link.is_symlink()


def test_env_file_plain_file_is_written_owner_only(tmp_path):
    path = tmp_path / "demo.env"
    path.write_text("old\n")
    _write_env_file(str(path), {"A": "1"})
    assert path.read_text() == "A=1\n" and stat.S_IMODE(os.stat(path).st_mode) == 0o600
