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
  answered: its requests carry *its* host name. A ``Host`` that is no host name
  at all (``evil.example/.localhost:PORT``, which ends in ``.localhost`` but
  would put ``http://evil.example/...`` into every URL built from it) is refused
  first, by :func:`host_header_problem`: a name is DNS labels (RFC 1123 2.1:
  letters, digits, ``-``, 1-63 characters each, 253 in all), or an IP literal.

Standard library only (the CLI imports it before any server starts).
"""

from __future__ import annotations

import ipaddress
import re
import socket

from .exceptions import InvalidInputError

__all__ = [
    "endpoint_host",
    "host_allowed",
    "host_header_problem",
    "is_host_name",
    "is_loopback",
    "listen_address",
    "warn_remote",
]

_LOOPBACK_NAMES = ("localhost", "localhost.")
# A DNS label of a host name (RFC 1123 2.1, RFC 952): letters, digits and "-", not at either end.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def is_host_name(name: str) -> bool:
    """Whether ``name`` is a host name: DNS labels joined by dots (one final dot allowed).

    RFC 1123 2.1: labels of letters, digits and hyphens, 1-63 characters, not
    starting or ending with a hyphen; 253 characters in all. RFC 6761's
    ``localhost`` names are such names too (``app.localhost``).
    """
    body = name[:-1] if name.endswith(".") else name
    return 0 < len(body) <= 253 and all(_LABEL.fullmatch(label) for label in body.split("."))


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an IP literal, bracketed or not, or ``localhost``) is this machine only."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name in _LOOPBACK_NAMES or (
        name.endswith((".localhost", ".localhost.")) and is_host_name(name)
    ):
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


def _split_host(value: str) -> tuple[str, str | None] | None:
    """(name, port or None) of a stripped ``Host`` value, or None if it is not name[:port]."""
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        return name, (rest[1:] if rest else None)
    if value.count(":") == 1:
        name, port = value.split(":")
        return name, port
    if ":" in value:
        return None  # an unbracketed IPv6 address: not a Host header
    return value, None


def host_header_problem(host_header: str | None) -> str | None:
    """What is wrong with a ``Host`` header as a host and port (None: nothing).

    RFC 9110 7.2 and RFC 3986 3.2.2: a host is a name (DNS labels, see
    :func:`is_host_name`), an IPv4 address, or an IPv6 address in brackets;
    then an optional port of 1-65535. A missing header (HTTP/1.0) is fine.
    """
    if host_header is None:
        return None
    value = host_header.strip()
    if not value:
        return "the Host header is empty"
    parts = _split_host(value)
    if parts is None:
        return "the Host header is not host[:port] (an IPv6 address goes in brackets: [::1]:PORT)"
    name, port = parts
    if port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        return "the Host header's port is not a number from 1 to 65535"
    if name.startswith("["):
        try:
            ipaddress.IPv6Address(name[1:-1].split("%", 1)[0])
        except ValueError:
            return "the Host header's bracketed part is not an IPv6 address"
        return None
    if not name.isascii() or not is_host_name(name):
        return (
            "the Host header is not a host name: letters, digits and '-' in dot-separated "
            "labels (RFC 1123), or an IP address"
        )
    return None


def host_allowed(host_header: str | None, *, any_host: bool = False) -> bool:
    """Whether a request's ``Host`` header names this loopback server (DNS-rebinding check).

    Accepted: a loopback IP literal or ``localhost`` (any case, IPv6 in
    brackets; RFC 6761's ``*.localhost`` names), with or without a port: what
    SDKs and browsers send for a loopback endpoint (``127.0.0.1:PORT``,
    ``localhost:PORT``, ``[::1]:PORT``). The port is not compared: a port
    forward (``ssh -L 9000:127.0.0.1:5000``) changes it, and the name is what a
    rebinding page cannot fake. A missing header (HTTP/1.0) is accepted:
    browsers always send one. ``any_host`` (a server deliberately listening
    beyond loopback) accepts every well-formed one. A header that is not a host
    name at all (:func:`host_header_problem`) is never accepted.
    """
    if host_header is None:
        return True
    if host_header_problem(host_header) is not None:
        return False
    name, _ = _split_host(host_header.strip())  # type: ignore[misc]
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
