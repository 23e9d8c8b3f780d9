"""Paths the file system cannot take are package errors (issue 25 item 5).

``load_env_file`` and its siblings that take a path (``workshop_up`` /
``workshop_down``'s ``out_dir``) used to hand a lone surrogate (``"\\ud800"``:
text no file name encodes) to ``open()``, which raised a bare UnicodeEncodeError.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cognito_helpers import InvalidInputError
from cognito_helpers.validate import file_path
from cognito_helpers.workshop import load_env_file, workshop_down, workshop_up


class _PathLike:
    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


def _printable(text: str) -> None:
    text.encode("utf-8")  # raises if a raw surrogate is left in the message


@pytest.mark.parametrize("path", ["\ud800", "dir/\udfff.env", "a\ud83d.env"])
def test_load_env_file_refuses_a_lone_surrogate_with_a_package_error(tmp_path, path):
    environ: dict[str, str] = {}
    for given in (str(tmp_path / path), _PathLike(str(tmp_path / path)), tmp_path / path):
        with pytest.raises(InvalidInputError, match="lone surrogate") as info:
            load_env_file(given, environ=environ)
        _printable(str(info.value))
        assert info.value.__cause__ is None and info.value.__suppress_context__
    assert environ == {}


def test_a_name_from_the_file_system_with_undecodable_bytes_still_loads(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/p\xff.env"  # not UTF-8: os.listdir gives \udcff
    with open(raw, "wb") as f:
        f.write(b"COGNITO_REGION=eu-west-1\n")
    (name,) = os.listdir(tmp_path)
    assert name == "p\udcff.env"
    environ: dict[str, str] = {}
    assert load_env_file(tmp_path / name, environ=environ) == ["COGNITO_REGION"]
    assert environ == {"COGNITO_REGION": "eu-west-1"}


def test_messages_naming_such_a_file_are_printable(tmp_path):
    missing = tmp_path / "gone\udcff.env"
    with pytest.raises(InvalidInputError, match="no such file") as info:
        load_env_file(missing, environ={})
    _printable(str(info.value))
    assert "\\udcff" in str(info.value)
    raw = os.fsencode(str(tmp_path)) + b"/bad\xfe.env"
    with open(raw, "wb") as f:
        f.write(b"not a setting\n")
    with pytest.raises(InvalidInputError, match=r"line 1 of .* is not NAME=value") as info:
        load_env_file(os.fsdecode(raw), environ={})
    _printable(str(info.value))


@pytest.mark.parametrize("call", [
    lambda out: workshop_down(out_dir=out),
    lambda out: workshop_up(1, out_dir=out, region="us-east-1",
                            endpoint_url="http://127.0.0.1:9", progress=lambda *_: None),
])
def test_workshop_out_dir_with_a_lone_surrogate_is_a_clear_error(tmp_path, call):
    out = str(tmp_path / "ws\ud800")
    with pytest.raises(InvalidInputError, match=r"--out: .*lone surrogate") as info:
        call(out)
    _printable(str(info.value))
    assert not any(Path(tmp_path).iterdir())  # nothing was created


@pytest.mark.parametrize("value, why", [
    (b"/tmp/x", "str or Path"), ("", "non-empty"), ("a\x00b", "NUL"), (5, "str or Path"),
    (_PathLike("\udc80\ud800"), "lone surrogate"),
])
def test_file_path_refusals(value, why):
    with pytest.raises(InvalidInputError, match=why):
        file_path("path", value)


def test_file_path_returns_the_text():
    assert file_path("path", Path("/tmp/x")) == "/tmp/x"
    assert file_path("path", "/tmp/\udcff") == "/tmp/\udcff"
