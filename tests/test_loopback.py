"""Loopback only: listen addresses, Host headers, --host / --allow-remote (issue 12, items 3, 11, 13)."""

# ruff: noqa: S104 - binding every interface is what these tests refuse

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cognito_helpers import InvalidInputError, LocalCognito
from cognito_helpers.loopback import (
    endpoint_host,
    host_allowed,
    host_header_problem,
    is_host_name,
    is_loopback,
    listen_address,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("header", [
    "127.0.0.1:9229", "localhost:9229", "LOCALHOST:1", "[::1]:9229", "127.0.0.1", "localhost",
    "[::1]", "127.8.9.10:5", "localhost.:5", "app.localhost:5", None,
])
def test_host_headers_sdks_and_browsers_send_are_allowed(header):
    assert host_allowed(header)


@pytest.mark.parametrize("header", [
    "evil.example:9229", "evil.example", "127.0.0.1.nip.io:9229", "localhost.evil.example:1",
    "", "  ", "::1:9229", "[::1", "[::1]x", "127.0.0.1:x", "127.0.0.1:99999", "10.0.0.1:9229",
    "[2001:db8::1]:9229", "0.0.0.0:9229",
])
def test_other_host_headers_are_refused(header):
    assert not host_allowed(header)
    if header.strip() and not header.startswith("::1:") and header != "[::1":
        assert host_allowed(header, any_host=True) in (True, False)  # never raises


@pytest.mark.parametrize("host", ["", "0.0.0.0", "::", " ", "8.8.8.8"])
def test_every_interface_or_a_remote_address_needs_allow_remote(host):
    with pytest.raises(InvalidInputError, match="--allow-remote"):
        listen_address(host)


def test_allow_remote_lets_it_through():
    assert listen_address("", allow_remote=True) == "0.0.0.0"
    assert listen_address("0.0.0.0", allow_remote=True) == "0.0.0.0"


@pytest.mark.parametrize("host", ["\xff", "\udcff", "a b", "\x00", "nohost.invalid", 5, None, b"x"])
def test_bad_hosts_are_clear_errors(host):
    with pytest.raises(InvalidInputError, match="host"):
        listen_address(host)


def test_loopback_forms():
    assert listen_address("::1") == "::1"
    assert listen_address("[::1]") == "::1"
    assert listen_address("localhost") in ("127.0.0.1", "::1")
    assert endpoint_host("::1") == "[::1]" and endpoint_host("127.0.0.1") == "127.0.0.1"
    assert is_loopback("[::1]") and is_loopback("127.0.0.2") and not is_loopback("10.0.0.1")


def test_local_cognito_refuses_every_interface_and_serves_ipv6_loopback():
    with pytest.raises(InvalidInputError, match="--allow-remote"):
        LocalCognito(host="0.0.0.0")
    try:
        socket.socket(socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 on this machine")
    with LocalCognito(host="::1") as lc:
        assert lc.endpoint_url.startswith("http://[::1]:")
        assert lc.client().list_user_pools(MaxResults=5)["UserPools"] == []


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cognito_helpers", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT, errors="replace")


@pytest.mark.parametrize("command", ["local", "proxy"])
@pytest.mark.parametrize("host", ["", "0.0.0.0", "\xff"])
def test_cli_refuses_every_interface_without_the_flag(command, host):
    proc = _cli(command, "--host", host)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "--host" in proc.stderr


@pytest.mark.parametrize("command", ["local", "proxy"])
def test_cli_allow_remote_warns_loudly(command):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_helpers", command, "--host", "0.0.0.0", "--allow-remote"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        err = ""
        while time.monotonic() < deadline and err.count("!" * 72) < 2:
            line = proc.stderr.readline()
            if not line:
                break
            err += line
        assert "WARNING" in err and "0.0.0.0" in err
        assert "client secrets" in err
    finally:
        proc.terminate()
        proc.communicate(timeout=30)  # closes both pipes


# -- issue 25 item 3 (c, d): only real host names ---------------------------------------


@pytest.mark.parametrize("header", [
    "evil.example/.localhost:9229", "evil.example/.localhost", "evil.example?.localhost:1",
    "evil.example#.localhost", "evil.example\\.localhost", "a b.localhost", "a..localhost",
    ".localhost", "-x.localhost", "x-.localhost", "x_y.localhost", "évil.localhost",
    "a" * 64 + ".localhost", "[not-v6]:1", "[127.0.0.1]:1", "localhost:+80", "localhost:٣",
])
def test_a_host_that_is_not_a_host_name_is_refused_even_with_any_host(header):
    assert host_header_problem(header) is not None
    assert not host_allowed(header) and not host_allowed(header, any_host=True)


def test_the_problem_says_what_is_wrong():
    assert "not a host name" in host_header_problem("evil.example/.localhost:1")
    assert "port" in host_header_problem("localhost:0")
    assert "IPv6" in host_header_problem("[zz]:1")
    assert "empty" in host_header_problem(" ")
    assert "brackets" in host_header_problem("::1:80")


@pytest.mark.parametrize("header", [
    None, "localhost:1", "LOCALHOST.", "app.localhost:5", "a-b.c9.localhost", "127.0.0.1:65535",
    "[::1]:1", "[fe80::1%25eth0]:1", "example.com:443", "a" * 63 + ".localhost",
])
def test_real_host_names_have_no_problem(header):
    assert host_header_problem(header) is None


def test_is_loopback_takes_localhost_names_only_when_they_are_names():
    assert is_loopback("app.localhost") and is_loopback("A.B.localhost.")
    assert not is_loopback("evil.example/.localhost") and not is_loopback("a b.localhost")
    assert is_host_name("x.localhost") and not is_host_name("x..localhost")
    assert not is_host_name("a" * 250 + ".localhost")  # 253 characters at most
