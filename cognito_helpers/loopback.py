"""Loopback only: which addresses the tools listen on, and which ``Host`` headers they answer.

The local Cognito and the inspecting proxy hold pools, secrets and passwords
and accept any AWS signature, so they listen on loopback unless told
otherwise. Two things keep other parties out:

* :func:`listen_address` refuses an address that is not loopback (``""`` and
  ``0.0.0.0`` mean every interface) unless the caller says
  ``allow_remote=True`` (the CLI's ``--allow-remote``), and turns names into
  the address to bind, so an unbracketed ``::1`` or a name that is not text
  gives a clear error instead of a traceback;
* :func:`host_allowed` checks the ``Host`` header of each request against the
  names a loopback server really has (``127.0.0.1:PORT``, ``localhost:PORT``,
  ``[::1]:PORT``: what boto3, the Go, JS and Java SDKs and browsers send), so a
  page whose own domain was re-pointed at 127.0.0.1 (DNS rebinding) is not
  answered: its requests carry *its* host name.

Standard library only (the CLI imports it before any server starts).
"""

from __future__ import annotations

import ipaddress
import socket

from .exceptions import InvalidInputError

__all__ = ["endpoint_host", "host_allowed", "is_loopback", "listen_address", "warn_remote"]

_LOOPBACK_NAMES = ("localhost", "localhost.")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an IP literal, bracketed or not, or ``localhost``) is this machine only."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name in _LOOPBACK_NAMES or name.endswith((".localhost", ".localhost.")):
        return True  # RFC 6761: browsers and resolvers keep *.localhost on loopback
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def listen_address(host: object, *, allow_remote: bool = False, field: str = "--host") -> str:
    """The address to bind for ``host``; refuses non-loopback ones unless ``allow_remote``.

    ``""``, ``0.0.0.0`` and ``::`` listen on every interface: anyone on the
    network could then read client secrets (DescribeUserPoolClient) and set
    passwords, since the local Cognito accepts any signature.
    """
    if not isinstance(host, str):
        raise InvalidInputError(field, f"expected an address (str), got {type(host).__name__}.")
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]  # [::1] as in a URL
    if not text.isascii() or not text.isprintable() or " " in text:
        raise InvalidInputError(
            field, f"{host.encode('utf-8', 'backslashreplace').decode()!r} is not an address; "
            "use 127.0.0.1 (the default), ::1 or localhost."
        )
    if text in ("", "0.0.0.0", "::"):  # noqa: S104 - refused below unless asked for
        if not allow_remote:
            raise InvalidInputError(
                field, f"{host!r} listens on every network interface: anyone who can reach this "
                "machine could read your client secrets and set passwords (the local Cognito "
                "accepts any signature). Use 127.0.0.1, or add --allow-remote if you mean it."
            )
        return text or "0.0.0.0"  # noqa: S104
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
        literal = True
    except ValueError:
        literal = False
    if literal:
        address = text
    else:
        try:
            infos = socket.getaddrinfo(text, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise InvalidInputError(
                field, f"cannot resolve {text!r} ({exc.__class__.__name__}); use 127.0.0.1 or ::1."
            ) from None
        addresses = [str(info[4][0]) for info in infos]
        loopback = [a for a in addresses if is_loopback(a)]
        address = (loopback or addresses)[0]
        if text.lower() in _LOOPBACK_NAMES:
            address = "127.0.0.1" if "127.0.0.1" in addresses else address
    if not is_loopback(address) and not allow_remote:
        raise InvalidInputError(
            field, f"{host!r} is not a loopback address: other machines could reach the server, "
            "read client secrets and set passwords (the local Cognito accepts any signature). "
            "Use 127.0.0.1, or add --allow-remote if you mean it."
        )
    return address


def endpoint_host(address: str) -> str:
    """``address`` as the host part of a URL (IPv6 in brackets: ``http://[::1]:9229``)."""
    return f"[{address}]" if ":" in address else address


def host_allowed(host_header: str | None, *, any_host: bool = False) -> bool:
    """Whether a request's ``Host`` header names this loopback server (DNS-rebinding check).

    Accepted: a loopback IP literal or ``localhost`` (any case, IPv6 in
    brackets), with or without a port: what SDKs and browsers send for a
    loopback endpoint (``127.0.0.1:PORT``, ``localhost:PORT``, ``[::1]:PORT``).
    The port is not compared: a port forward (``ssh -L 9000:127.0.0.1:5000``)
    changes it, and the name is what a rebinding page cannot fake. A missing
    header (HTTP/1.0) is accepted: browsers always send one. ``any_host`` (a
    server deliberately listening beyond loopback) accepts every well-formed one.
    """
    if host_header is None:
        return True
    value = host_header.strip()
    if not value:
        return False
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return False
        name, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return False
        given = rest[1:] if rest else None
    elif value.count(":") == 1:
        name, given = value.split(":")
    elif ":" in value:
        return False  # an unbracketed IPv6 address: not a Host header
    else:
        name, given = value, None
    if given is not None and not (given.isdigit() and 0 < int(given) < 65536):
        return False
    return any_host or is_loopback(name)


def warn_remote(what: str, address: str) -> None:
    """Say loudly, on stderr, that a server listens beyond loopback (``--allow-remote``)."""
    import sys

    bar = "!" * 72
    print(
        f"{bar}\nWARNING: {what} listens on {address or 'every interface'}, not only on this "
        "machine.\nAnyone who can reach this address can read client secrets, list users and "
        "set\npasswords: it accepts any AWS signature. Use it only on a network you trust, "
        f"and\nstop it when you are done.\n{bar}",
        file=sys.stderr,
        flush=True,
    )
