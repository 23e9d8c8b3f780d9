"""RS256 without ``cryptography``: the browser edition's lab-grade signatures (python-rsa).

The browser edition of the lessons runs in Pyodide, whose npm package carries no
``cryptography`` (its build is only on Pyodide's own CDN, which the site may not
use). What the package signs and verifies there is RS256 (RSASSA-PKCS1-v1_5 with
SHA-256, RFC 7518 3.3), and this module does it with python-rsa (PyPI ``rsa``), a
maintained pure-Python RSA implementation; nothing here implements RSA itself.
Everywhere ``cryptography`` imports (``make lab``, the CLI, the tests) it is used
instead and this module does nothing.

* :func:`install_pyjwt_rs256` gives PyJWT an RS256 algorithm backed by python-rsa
  when PyJWT found no ``cryptography``, so :func:`~cognito_helpers.tokens.verify_token`
  (and anything that verifies with PyJWT, :class:`jwt.PyJWK` included) works
  unchanged. It is called by :mod:`cognito_helpers.tokens` on import.
* :func:`lab_signing_key` hands the local Cognito (:mod:`.local.tokens`) a signing
  key. Making a 2048-bit RSA key in pure Python takes seconds (more in WebAssembly),
  and every pool needs two, so the first keys come from a fixed file shipped with
  the package, ``lab_rsa_keys.json`` (made once with ``cryptography``, see
  :func:`_write_lab_keys`); only when those run out is a key made with
  ``rsa.newkeys``. **These keys are public: they are lab-grade, for the local
  Cognito of the lessons, never for anything real.**

Lab-grade also means: python-rsa's arithmetic is not constant-time (its
maintainers say so), which does not matter for a local emulator whose keys are
published anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LabKey",
    "have_cryptography",
    "install_pyjwt_rs256",
    "lab_signing_key",
    "sign_rs256",
]

_KEYS_FILE = Path(__file__).with_name("lab_rsa_keys.json")
_KEY_BITS = 2048
_lock = threading.Lock()
_next_key = 0
_installed = False
_lab_keys: list[dict[str, str]] | None = None


def have_cryptography() -> bool:
    """Whether the real ``cryptography`` package imports here (not under Pyodide's npm build)."""
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: F401
    except ImportError:
        return False
    return True


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_uint(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _uint(text: Any, name: str) -> int:
    from jwt.exceptions import InvalidKeyError

    if not isinstance(text, str) or not text:
        raise InvalidKeyError(f"the RSA JWK has no '{name}'")
    try:
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")
    except ValueError:
        raise InvalidKeyError(f"the RSA JWK's '{name}' is not base64url") from None


# -- keys ------------------------------------------------------------------------------


@dataclass
class LabKey:
    """A python-rsa private key with what the local Cognito needs: kid, JWK, RS256 signing."""

    private: Any = field(repr=False)  # rsa.PrivateKey
    kid: str = ""

    def __post_init__(self) -> None:
        if not self.kid:
            der = self.public.save_pkcs1("DER")
            # AWS's kids are standard base64 of 32 bytes (44 characters, "=" padded).
            self.kid = base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")

    @property
    def public(self) -> Any:
        import rsa

        return rsa.PublicKey(self.private.n, self.private.e)

    @property
    def n(self) -> int:
        return int(self.private.n)

    @property
    def e(self) -> int:
        return int(self.private.e)

    def public_key(self) -> Any:
        """The public half, a python-rsa key (named as ``cryptography``'s keys name it)."""
        return self.public

    def sign_rs256(self, message: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 8.2), by python-rsa."""
        return sign_rs256(message, self.private)


def sign_rs256(message: bytes, private: Any) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 8.2.1) by a python-rsa private key.

    The same bytes as ``rsa.sign(message, private, "SHA-256")``, 3-4 times sooner:
    ``rsa.sign`` raises the padded digest to ``d`` modulo ``n``, while the key's
    ``blinded_decrypt`` does the same private-key operation (blinded) with the
    Chinese Remainder Theorem over ``p`` and ``q``. The padding is EMSA-PKCS1-v1_5
    (RFC 8017 9.2): ``00 01 FF..FF 00`` then SHA-256's DigestInfo and the digest.
    """
    from rsa.pkcs1 import HASH_ASN1

    size = (private.n.bit_length() + 7) // 8
    digest_info = HASH_ASN1["SHA-256"] + hashlib.sha256(message).digest()
    padded = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    signature = private.blinded_decrypt(int.from_bytes(padded, "big"))
    return int(signature).to_bytes(size, "big")


def _load_lab_keys() -> list[dict[str, str]]:
    global _lab_keys
    if _lab_keys is None:
        _lab_keys = list(json.loads(_KEYS_FILE.read_text(encoding="utf-8"))["keys"])
    return _lab_keys


def lab_signing_key() -> LabKey:
    """The next signing key for a pool of the local Cognito: from ``lab_rsa_keys.json``
    while it has unused ones (each pool gets its own), then made by ``rsa.newkeys``."""
    import rsa

    global _next_key
    with _lock:
        keys = _load_lab_keys()
        index = _next_key
        _next_key += 1
    if index < len(keys):
        k = {name: int(value, 16) for name, value in keys[index].items()}
        private = rsa.PrivateKey(k["n"], k["e"], k["d"], k["p"], k["q"])
        return LabKey(private)
    _, private = rsa.newkeys(_KEY_BITS)  # seconds in pure Python: only past the shipped keys
    return LabKey(private)


def _write_lab_keys(path: Path = _KEYS_FILE, count: int = 24) -> None:  # pragma: no cover
    """Regenerate ``lab_rsa_keys.json`` with ``cryptography`` (a maintainer's step)."""
    from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa

    keys = []
    for _ in range(count):
        numbers = crypto_rsa.generate_private_key(65537, _KEY_BITS).private_numbers()
        keys.append({
            "n": f"{numbers.public_numbers.n:x}", "e": f"{numbers.public_numbers.e:x}",
            "d": f"{numbers.d:x}", "p": f"{numbers.p:x}", "q": f"{numbers.q:x}",
        })
    note = ("Lab-grade RSA keys of the local Cognito's browser edition (cognito_helpers/"
            "pure_crypto.py). They are public: never use them for anything real.")
    path.write_text(json.dumps({"note": note, "keys": keys}, indent=1) + "\n", encoding="utf-8")


# -- PyJWT --------------------------------------------------------------------------------


def _pure_rs256() -> Any:
    """PyJWT's Algorithm interface for RS256 over python-rsa keys (made on first use)."""
    import rsa
    from jwt.algorithms import Algorithm
    from jwt.exceptions import InvalidKeyError

    class PureRS256(Algorithm):  # type: ignore[misc]
        """RS256 for PyJWT by python-rsa: keys are ``rsa`` keys, :class:`LabKey`, JWKs or PEM."""

        hash_alg = hashlib.sha256

        def prepare_key(self, key: Any) -> Any:
            if isinstance(key, LabKey):
                return key.private
            if isinstance(key, (rsa.PublicKey, rsa.PrivateKey)):
                return key
            if isinstance(key, dict):
                return self.from_jwk(key)
            if isinstance(key, str):
                key = key.encode("utf-8")
            if isinstance(key, bytes):
                text = key.strip()
                if text.startswith(b"{"):
                    return self.from_jwk(text.decode("utf-8"))
                try:
                    if b"BEGIN RSA PRIVATE KEY" in text:
                        return rsa.PrivateKey.load_pkcs1(text)
                    if b"BEGIN RSA PUBLIC KEY" in text:
                        return rsa.PublicKey.load_pkcs1(text)
                    if b"BEGIN PUBLIC KEY" in text:
                        return rsa.PublicKey.load_pkcs1_openssl_pem(text)
                except (ValueError, TypeError) as exc:
                    raise InvalidKeyError(f"not an RSA key: {exc}") from None
            raise InvalidKeyError(
                "RS256 without 'cryptography' takes an RSA JWK, a PKCS#1 or SubjectPublicKeyInfo "
                f"PEM, or a python-rsa key; got {type(key).__name__}"
            )

        def sign(self, msg: bytes, key: Any) -> bytes:
            if not isinstance(key, rsa.PrivateKey):
                raise InvalidKeyError("signing needs a private RSA key")
            return sign_rs256(msg, key)

        def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
            public = rsa.PublicKey(key.n, key.e)
            try:
                return bool(rsa.verify(msg, sig, public) == "SHA-256")  # RS256: SHA-256 only
            except rsa.VerificationError:
                return False

        @staticmethod
        def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
            jwk: dict[str, Any] = {"kty": "RSA", "key_ops": ["verify"],
                                   "n": _b64url_uint(key_obj.n), "e": _b64url_uint(key_obj.e)}
            if isinstance(key_obj, rsa.PrivateKey):
                jwk.update(key_ops=["sign"], d=_b64url_uint(key_obj.d),
                           p=_b64url_uint(key_obj.p), q=_b64url_uint(key_obj.q),
                           dp=_b64url_uint(key_obj.exp1), dq=_b64url_uint(key_obj.exp2),
                           qi=_b64url_uint(key_obj.coef))
            return jwk if as_dict else json.dumps(jwk)

        @staticmethod
        def from_jwk(jwk: Any) -> Any:
            if isinstance(jwk, str):
                try:
                    jwk = json.loads(jwk)
                except ValueError:
                    raise InvalidKeyError("the key is not JSON") from None
            if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
                raise InvalidKeyError("not an RSA key (kty)")
            n, e = _uint(jwk.get("n"), "n"), _uint(jwk.get("e"), "e")
            if "d" not in jwk:
                return rsa.PublicKey(n, e)
            if "p" not in jwk or "q" not in jwk:
                raise InvalidKeyError("a private RSA JWK without its primes p and q")
            return rsa.PrivateKey(n, e, _uint(jwk["d"], "d"), _uint(jwk["p"], "p"),
                                  _uint(jwk["q"], "q"))

    return PureRS256()


def install_pyjwt_rs256() -> bool:
    """Give PyJWT RS256 by python-rsa if it has no ``cryptography`` (idempotent).

    Returns whether PyJWT now uses python-rsa for RS256 (False: ``cryptography``
    is there and PyJWT's own RS256 is left alone). PyJWT takes its algorithms from
    ``jwt.algorithms.get_default_algorithms`` (its ``PyJWK`` on every key, each
    ``PyJWS`` when made) and refuses RS256 keys while ``requires_cryptography``
    names it: both are adjusted, for RS256 only.
    """
    global _installed
    import jwt.algorithms as algorithms

    if algorithms.has_crypto:
        return False
    with _lock:
        if _installed:
            return True
        import jwt.api_jwk as api_jwk
        import jwt.api_jws as api_jws
        import jwt.api_jwt as api_jwt

        rs256 = _pure_rs256()
        original = algorithms.get_default_algorithms

        def get_default_algorithms() -> dict[str, Any]:
            found = original()
            found.setdefault("RS256", rs256)
            return found

        for module in (algorithms, api_jwk, api_jws):
            if hasattr(module, "get_default_algorithms"):
                module.get_default_algorithms = get_default_algorithms  # type: ignore[attr-defined]
            if isinstance(getattr(module, "requires_cryptography", None), (set, frozenset)):
                module.requires_cryptography = set(module.requires_cryptography) - {"RS256"}  # type: ignore[attr-defined]
        made = [getattr(api_jws, "_jws_global_obj", None),
                getattr(getattr(api_jwt, "_jwt_global_obj", None), "_jws", None)]
        for jws in made:
            if jws is not None and "RS256" not in getattr(jws, "_algorithms", {"RS256": 0}):
                jws.register_algorithm("RS256", rs256)
        _installed = True
        return True
