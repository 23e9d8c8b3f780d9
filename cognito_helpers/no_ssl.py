"""PyJWT and botocore where Python has no ``ssl`` module (the browser edition).

Pyodide's npm package carries no ``ssl`` (Pyodide serves it from its own CDN,
which the site may not use), and the browser edition needs no TLS: its local
Cognito answers in process (:mod:`.local.in_process`). Two libraries still
import ``ssl`` names unconditionally, so they would not even import:

* PyJWT's ``jwt/jwks_client.py``: ``from ssl import SSLContext`` (for a type and
  an optional argument of ``PyJWKClient``);
* botocore's ``botocore/httpsession.py``: ``from urllib3.util.ssl_ import ...,
  ssl``, a name urllib3 only defines when ``ssl`` imports; and every client
  builds an ``SSLContext`` for its connection pool when it is made.

:func:`install` (called by ``cognito_helpers/__init__.py`` only when ``ssl``
cannot be imported) adds an import hook for exactly those two modules. While
``jwt.jwks_client`` executes, a stand-in ``ssl`` (an ``SSLContext`` that refuses
to be made, and the ``SSLError`` family) is in ``sys.modules``, and it is taken
out right after, so no other module sees an ``ssl`` that is not one. Before
``botocore.httpsession`` executes, urllib3's module gets ``ssl = None``; after,
botocore's connection pools get no TLS context (``None``, which urllib3 accepts
for plain-HTTP pools). An https request then fails with a clear error, as it must
in a Python without TLS. Where ``ssl`` imports, none of this runs.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import threading
import types
from typing import Any

__all__ = ["install", "ssl_available"]

_lock = threading.Lock()
_installed = False
_NO_TLS = ("this Python has no ssl module (the browser edition, Pyodide), so it cannot make "
           "TLS (https) connections; the local Cognito there is reached in process, over no "
           "connection at all.")


def ssl_available() -> bool:
    """Whether the standard library's ``ssl`` can be imported here."""
    if sys.modules.get("ssl") is not None:
        return True
    try:
        return importlib.util.find_spec("ssl") is not None
    except (ImportError, ValueError):
        return False


class SSLError(OSError):
    """``ssl.SSLError``, as libraries name it in ``except`` clauses."""


class SSLZeroReturnError(SSLError):
    pass


class SSLWantReadError(SSLError):
    pass


class SSLWantWriteError(SSLError):
    pass


class SSLSyscallError(SSLError):
    pass


class SSLEOFError(SSLError):
    pass


class SSLCertVerificationError(SSLError, ValueError):
    pass


class SSLContext:
    """``ssl.SSLContext`` of a Python without TLS: it cannot be made."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise OSError(_NO_TLS)


def _stand_in_ssl() -> types.ModuleType:
    module = types.ModuleType("ssl", "a stand-in while PyJWT's jwks_client imports "
                                     "(cognito_helpers/no_ssl.py); there is no TLS here")
    for cls in (SSLContext, SSLError, SSLZeroReturnError, SSLWantReadError, SSLWantWriteError,
                SSLSyscallError, SSLEOFError, SSLCertVerificationError):
        setattr(module, cls.__name__, cls)
    module.CertificateError = SSLCertVerificationError  # type: ignore[attr-defined]
    return module


def _before_jwks_client() -> Any:
    if "ssl" in sys.modules:
        return None
    # http.client and urllib.request decide once, on import, whether they have TLS (and
    # jwks_client imports both): let them decide before the stand-in exists
    import http.client  # noqa: F401
    import urllib.request  # noqa: F401

    stand_in = _stand_in_ssl()
    sys.modules["ssl"] = stand_in
    return stand_in


def _after_jwks_client(stand_in: Any) -> None:
    if stand_in is not None and sys.modules.get("ssl") is stand_in:
        del sys.modules["ssl"]


def _before_httpsession() -> None:
    import urllib3.util.ssl_ as urllib3_ssl

    if not hasattr(urllib3_ssl, "ssl"):
        urllib3_ssl.ssl = None  # type: ignore[attr-defined]


def _after_httpsession(module: types.ModuleType) -> None:
    session = getattr(module, "URLLib3Session", None)
    if session is not None:
        # plain-HTTP pools need no TLS context; an https one fails when it connects
        session._get_ssl_context = lambda self: None


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any, name: str) -> None:
        self._inner = inner
        self._name = name

    def create_module(self, spec: Any) -> Any:
        return self._inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        if self._name == "jwt.jwks_client":
            stand_in = _before_jwks_client()
            try:
                self._inner.exec_module(module)
            finally:
                _after_jwks_client(stand_in)
        else:
            _before_httpsession()
            self._inner.exec_module(module)
            _after_httpsession(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the loaders of ``jwt.jwks_client`` and ``botocore.httpsession``; nothing else."""

    _names = frozenset({"jwt.jwks_client", "botocore.httpsession"})

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname not in self._names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader, fullname)
                return spec
        return None


def install() -> bool:
    """Without ``ssl``: let PyJWT and botocore import (idempotent). Returns whether the hook
    is in place (False: ``ssl`` imports here and nothing was changed)."""
    global _installed
    if ssl_available():
        return False
    with _lock:
        if not _installed:
            sys.meta_path.insert(0, _Finder())
            _installed = True
    return True
