"""Which Unix user opened a loopback connection: the local Cognito's owner-only mode.

On a shared machine (a workshop room, where every participant is a Unix user of
their own) any process can connect to any ``127.0.0.1`` port, so one participant's
code could reach another's kernel-local Cognito, which takes any credentials, as
moto does. With ``owner_only`` the local Cognito answers only connections opened by
the Unix user that started it (and root, who can read everything anyway); anyone
else gets a 403 that says why.

How the user is found: the connection's other end is a socket on this machine, and
Linux tells its owner through the ``NETLINK_SOCK_DIAG`` interface (the one ``ss -e``
uses): one exact-match ``SOCK_DIAG_BY_FAMILY`` request, keyed by the connection's
two addresses and ports, answers an ``inet_diag_msg`` whose ``idiag_uid`` is the
user that created the socket. 15 to 25 microseconds here, once per connection (reading
``/proc/net/tcp`` instead takes milliseconds on a busy machine). The structures are
the kernel's UAPI (``linux/inet_diag.h``, ``linux/sock_diag.h``, ``linux/netlink.h``);
``sock_diag(7)`` documents them.

Elsewhere than Linux there is no such interface: asking for ``owner_only`` there is
an error at start, never a silent "allow everyone".
"""

from __future__ import annotations

import errno
import os
import socket
import struct
import sys
from typing import Any

# linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h
_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST = 0x01
_NLMSG_ERROR = 2
_NLMSG_HDR = struct.Struct("=IHHII")  # len, type, flags, seq, pid
# inet_diag_req_v2: family, protocol, ext, pad, states; then inet_diag_sockid:
# sport, dport (network order), src[16], dst[16], if, cookie[2]
_REQ = struct.Struct("=BBBBI")
_SOCKID = struct.Struct("!HH16s16s")
_SOCKID_TAIL = struct.Struct("=III")
_NO_COOKIE = 0xFFFFFFFF
_ALL_STATES = 0xFFFFFFFF
# inet_diag_msg: family, state, timer, retrans, sockid (48 bytes), expires, rqueue,
# wqueue, uid, inode
_UID_OFFSET = _NLMSG_HDR.size + 4 + 48 + 12

ROOT_UID = 0

#: the environment variable that turns ``owner_only`` on when the code does not say
#: (the workshop room sets it in each participant's server, so every local Cognito
#: and inspecting proxy their kernels and terminals start is theirs alone)
OWNER_ONLY_ENV = "COGNITO_LOCAL_OWNER_ONLY"


class PeerUnknown(Exception):
    """The owner of a connection's other end could not be found (the text says why)."""


def supported() -> str | None:
    """``None`` when this machine can tell connections' users apart, else why not."""
    if not sys.platform.startswith("linux"):
        return f"telling which user opened a connection needs Linux (this is {sys.platform})"
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG)
    except (OSError, AttributeError) as exc:
        return f"the kernel's sock_diag interface is not available ({exc})"
    sock.close()
    return None


def _address(family: int, host: str) -> bytes:
    packed = socket.inet_pton(family, host)
    return packed.ljust(16, b"\0")


def peer_uid(conn: socket.socket) -> int:
    """The Unix user id that created the socket at the other end of ``conn``.

    ``conn`` is an accepted TCP connection whose peer is on this machine (loopback).
    Raises :class:`PeerUnknown` when the kernel has no such socket (the peer is on
    another machine, or already gone) or cannot be asked.
    """
    family = conn.family
    if family not in (socket.AF_INET, socket.AF_INET6):
        raise PeerUnknown(f"not a TCP/IP connection (address family {family})")
    try:
        local: Any = conn.getsockname()
        peer: Any = conn.getpeername()
    except OSError:
        raise PeerUnknown("the connection was already closed by its other end") from None
    # The peer's socket, seen from its side: it sent from its port to ours.
    sockid = _SOCKID.pack(peer[1], local[1], _address(family, peer[0]), _address(family, local[0]))
    body = (_REQ.pack(family, socket.IPPROTO_TCP, 0, 0, _ALL_STATES) + sockid
            + _SOCKID_TAIL.pack(0, _NO_COOKIE, _NO_COOKIE))
    message = _NLMSG_HDR.pack(_NLMSG_HDR.size + len(body), _SOCK_DIAG_BY_FAMILY,
                              _NLM_F_REQUEST, 1, 0) + body
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as nl:
            nl.settimeout(1.0)
            nl.sendto(message, (0, 0))
            reply = nl.recv(8192)
    except OSError as exc:
        raise PeerUnknown(f"the kernel's sock_diag interface did not answer ({exc})") from None
    if len(reply) < _NLMSG_HDR.size:
        raise PeerUnknown("the kernel's sock_diag answer was cut short")
    _, kind, _, _, _ = _NLMSG_HDR.unpack_from(reply)
    if kind == _NLMSG_ERROR:
        (code,) = struct.unpack_from("=i", reply, _NLMSG_HDR.size)
        if -code == errno.ENOENT:
            raise PeerUnknown("the other end of this connection is not a socket on this machine")
        raise PeerUnknown(f"the kernel's sock_diag refused the lookup ({os.strerror(-code)})")
    if kind != _SOCK_DIAG_BY_FAMILY or len(reply) < _UID_OFFSET + 4:
        raise PeerUnknown("the kernel's sock_diag answer was not understood")
    (uid,) = struct.unpack_from("=I", reply, _UID_OFFSET)
    return uid


def _user(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name}, uid {uid}"
    except (ImportError, KeyError):
        return f"uid {uid}"


class OwnerOnly:
    """Decides, per connection, whether its user may use this server.

    ``what`` names the server in the refusal ("This local Cognito"), ``how`` says
    what the refused user should do instead.
    """

    def __init__(self, what: str, how: str, owner: int | None = None) -> None:
        why = supported()
        if why is not None:
            raise OSError(why)
        self.what, self.how = what, how
        self.owner = os.geteuid() if owner is None else owner
        self.allowed = frozenset({self.owner, ROOT_UID})

    def refusal(self, conn: socket.socket) -> str | None:
        """``None`` for the owner (or root); otherwise the 403's text, naming the fix."""
        try:
            uid = peer_uid(conn)
        except (PeerUnknown, OSError) as exc:
            return (f"{self.what} serves only its owner ({_user(self.owner)}) and could not "
                    f"tell who opened this connection: {exc}. Connect from this machine, as "
                    "that user.")
        if uid in self.allowed:
            return None
        return (f"{self.what} serves only its owner ({_user(self.owner)}); this connection "
                f"was opened by {_user(uid)}. On a shared machine each user starts one of "
                f"their own: {self.how}.")


def owner_only_wanted() -> bool:
    """``$COGNITO_LOCAL_OWNER_ONLY``: ``1`` to serve only this Unix user; ``0`` or unset: anyone."""
    from ..exceptions import InvalidInputError

    value = os.environ.get(OWNER_ONLY_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise InvalidInputError(
        OWNER_ONLY_ENV,
        f"{value[:40]!r} is not a choice: set it to 1 (serve only the Unix user that starts "
        "the local Cognito or proxy, and root) or 0 (anyone on this machine), or unset it.",
    )


def owner_check(enabled: bool, what: str, how: str) -> OwnerOnly | None:
    """The per-connection check when ``enabled`` (``None`` when anyone is served).

    Raises :class:`~cognito_helpers.exceptions.LocalCognitoError` where it cannot be
    kept: a server asked to serve only its owner never silently serves everyone.
    """
    if not enabled:
        return None
    from ..exceptions import LocalCognitoError

    try:
        return OwnerOnly(what, how)
    except OSError as exc:
        raise LocalCognitoError(
            f"owner_only cannot be kept here: {exc}. Start it without owner_only (and unset "
            f"{OWNER_ONLY_ENV}) on a machine only you use, or run it on Linux."
        ) from None
