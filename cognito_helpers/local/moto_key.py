"""moto's bundled signing key, imported only if something signs with it.

moto's ``CognitoIdpUserPool.__init__`` reads the private key it ships
(``cognitoidp/resources/jwks-private.json``, ``kid`` "dummy") and imports it
with joserfc for every pool it creates. The file holds only ``n``, ``e`` and
``d``, so each import recovers the two primes: 0.1-0.2 s of CPU per
CreateUserPool, most of a lesson's first ``get_target()`` and a large share of
the test suite.

Our pools never sign with that key: :class:`~.tokens.LocalUserPool` mints
every token with the pool's own keys. :func:`defer_moto_key` hands moto's
module a ``jwk`` whose ``RSAKey.import_key`` returns a :class:`DeferredKey`,
and gives moto's pool class a ``json_web_key`` property that resolves it
(imports the real key, once per pool) the first time anything reads it. So
moto's own ``create_jwt`` still signs, for our pools and for plain moto pools
in the same process (a test suite that also uses moto's ``mock_aws``, or the
benchmarks' bare moto). moto's source is not changed.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["DeferredKey", "defer_moto_key"]

_lock = threading.Lock()


class DeferredKey:
    """An ``RSAKey.import_key(...)`` call, made when :meth:`resolve` is first called."""

    __slots__ = ("_args", "_import", "_key", "_kwargs")

    def __init__(self, import_key: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._import = import_key
        self._args = args
        self._kwargs = kwargs
        self._key: Any = None

    def resolve(self) -> Any:
        with _lock:
            if self._key is None:
                self._key = self._import(*self._args, **self._kwargs)
            return self._key

    def __repr__(self) -> str:
        return f"<DeferredKey {'imported' if self._key is not None else 'not imported'}>"


class _DeferredRSAKey:
    def __init__(self, real: Any) -> None:
        self._real = real

    def import_key(self, *args: Any, **kwargs: Any) -> DeferredKey:
        return DeferredKey(self._real.import_key, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _JwkDeferringRSA:
    """joserfc's ``jwk`` module as moto's pool module sees it: all of it, RSAKey deferred."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.RSAKey = _DeferredRSAKey(real.RSAKey)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _get_key(pool: Any) -> Any:
    key = pool.__dict__.get("json_web_key")
    if isinstance(key, DeferredKey):
        key = pool.__dict__["json_web_key"] = key.resolve()
    return key


def _set_key(pool: Any, value: Any) -> None:
    pool.__dict__["json_web_key"] = value


def defer_moto_key() -> None:
    """From now on, moto's new pools defer importing its bundled key (idempotent)."""
    import moto.cognitoidp.models as models

    with _lock:
        pool_class = models.CognitoIdpUserPool
        if not isinstance(pool_class.__dict__.get("json_web_key"), property):
            # a data descriptor: read through it even though __init__ stores the value
            pool_class.json_web_key = property(_get_key, _set_key, doc="moto's key, imported on first read")
        if not isinstance(models.jwk, _JwkDeferringRSA):
            models.jwk = _JwkDeferringRSA(models.jwk)
