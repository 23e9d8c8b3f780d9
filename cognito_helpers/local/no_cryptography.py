"""moto's Cognito backend imported where ``cryptography`` is not (the browser edition).

moto's ``cognitoidp`` package imports, at import time, three things from
``cryptography`` and two from ``joserfc`` (which needs ``cryptography`` itself):

* ``cryptography.hazmat.primitives.twofactor``: ``InvalidToken``, and
  ``...twofactor.totp.TOTP`` with ``...hashes.SHA1``, for its software-token MFA
  (``cognitoidp/utils.py``'s ``cognito_totp``);
* ``joserfc``: ``jwk.RSAKey.import_key`` for the signing key it ships, and
  ``jwt.encode`` to sign with it (``cognitoidp/models.py``).

and moto's IAM models, which every moto request imports (``core/responses.py``
records each account's visit there), import ``cryptography.x509`` and
``cryptography.hazmat.backends.default_backend`` for IAM's server certificates.

:func:`import_moto_cognitoidp` imports moto's ``cognitoidp`` modules with
stand-ins for those names, registered in ``sys.modules`` only for the length of
that import, so nothing else (PyJWT above all, which probes for ``cryptography``)
ever sees a fake ``cryptography``. The TOTP stand-in is RFC 6238's algorithm
with the standard library's ``hmac`` (HMAC-SHA1, 30-second steps, as moto asks).
moto's own key is never needed: the layer's pools mint with their own keys
(:mod:`.tokens`, over :mod:`cognito_helpers.pure_crypto`), and moto's key is
only read on first use (:mod:`.moto_key`); should anything sign with it anyway,
it gets a clear error instead of a wrong token. Where ``cryptography`` imports,
none of this runs.
"""

from __future__ import annotations

import hmac
import struct
import sys
import types
from typing import Any

__all__ = ["import_moto_cognitoidp"]


class InvalidToken(Exception):
    """``cryptography.hazmat.primitives.twofactor.InvalidToken``, as moto catches it."""


class SHA1:
    """``cryptography``'s ``hashes.SHA1()``, as moto passes it to TOTP."""

    name = "sha1"


class TOTP:
    """RFC 6238 TOTP with the interface moto calls (``generate``, ``verify``)."""

    def __init__(self, key: bytes, length: int, algorithm: Any, time_step: int,
                 **_: Any) -> None:
        self._key = bytes(key)
        self._length = int(length)
        self._digest = getattr(algorithm, "name", "sha1")
        self._step = int(time_step)

    def generate(self, time: float) -> bytes:
        counter = struct.pack(">Q", int(time // self._step))
        mac = hmac.new(self._key, counter, self._digest).digest()
        offset = mac[-1] & 0x0F  # RFC 4226 5.3, dynamic truncation
        code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**self._length
        return str(code).zfill(self._length).encode("ascii")

    def verify(self, totp: bytes, time: float) -> None:
        if not hmac.compare_digest(self.generate(time), bytes(totp)):
            raise InvalidToken("Supplied TOTP value does not match.")


class _MotoKeyUnavailable:
    """moto's shipped key, which nothing signs with here; using it says why it cannot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @classmethod
    def import_key(cls, *args: Any, **kwargs: Any) -> _MotoKeyUnavailable:
        return cls()

    def __getattr__(self, name: str) -> Any:
        raise _unavailable()


def _unavailable() -> RuntimeError:
    return RuntimeError(
        "moto's own signing key needs the 'cryptography' package, which is not installed here "
        "(the browser edition). The local Cognito's pools sign with keys of their own; this "
        "call went to moto's signing, which is a bug of the local Cognito."
    )


def _jwt_encode(*args: Any, **kwargs: Any) -> str:
    raise _unavailable()


def _no_certificates(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(
        "IAM server certificates need the 'cryptography' package, which is not installed here "
        "(the browser edition of the local Cognito serves Cognito only)."
    )


def _module(name: str, package: bool = False, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name, "a stand-in while moto's cognitoidp imports "
                                    "(cognito_helpers/local/no_cryptography.py)")
    if package:
        module.__path__ = []
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


def _stand_ins() -> dict[str, types.ModuleType]:
    twofactor = _module("cryptography.hazmat.primitives.twofactor", True, InvalidToken=InvalidToken)
    totp = _module("cryptography.hazmat.primitives.twofactor.totp", TOTP=TOTP)
    hashes = _module("cryptography.hazmat.primitives.hashes", SHA1=SHA1)
    twofactor.totp = totp
    primitives = _module("cryptography.hazmat.primitives", True, hashes=hashes,
                         twofactor=twofactor)
    backends = _module("cryptography.hazmat.backends", default_backend=lambda: None)
    hazmat = _module("cryptography.hazmat", True, primitives=primitives, backends=backends)
    x509 = _module("cryptography.x509", load_pem_x509_certificate=_no_certificates)
    jwk = _module("joserfc.jwk", RSAKey=_MotoKeyUnavailable)
    jwt = _module("joserfc.jwt", encode=_jwt_encode)
    return {
        "cryptography": _module("cryptography", True, hazmat=hazmat, x509=x509),
        "cryptography.x509": x509,
        "cryptography.hazmat": hazmat,
        "cryptography.hazmat.backends": backends,
        "cryptography.hazmat.primitives": primitives,
        "cryptography.hazmat.primitives.hashes": hashes,
        "cryptography.hazmat.primitives.twofactor": twofactor,
        "cryptography.hazmat.primitives.twofactor.totp": totp,
        "joserfc": _module("joserfc", True, jwk=jwk, jwt=jwt),
        "joserfc.jwk": jwk,
        "joserfc.jwt": jwt,
    }


def import_moto_cognitoidp() -> None:
    """Import moto's ``cognitoidp`` (and IAM) modules; without ``cryptography``, over the
    stand-ins."""
    if "moto.cognitoidp.models" in sys.modules:
        return
    from ..pure_crypto import have_cryptography

    if have_cryptography():
        import moto.cognitoidp.models
        return
    stand_ins = {name: module for name, module in _stand_ins().items()
                 if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        import moto.cognitoidp.models
        import moto.cognitoidp.responses
        import moto.cognitoidp.utils
        import moto.iam.models  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
