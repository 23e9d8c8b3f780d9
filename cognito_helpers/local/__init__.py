"""The embedded local Cognito: moto's Cognito on loopback, made to answer like AWS.

Laid out the way moto lays out a service, state apart from the wire:

- :mod:`.server`: the lifecycle, ``LocalCognito`` (a server on a free loopback
  port, or in process: :mod:`.in_process`, for Pyodide); :mod:`.demo`:
  ``DemoPool`` (a ready pool); :mod:`.console`: the CLI's ``local`` command.
- :mod:`.no_cryptography`: moto's Cognito backend imported where
  ``cryptography`` is not (the browser edition; its RS256:
  :mod:`cognito_helpers.pure_crypto`).
- :mod:`.layer`: the WSGI entry in front of moto, reading, validating and
  dispatching each request (:mod:`.routes`: what it answers and what a web
  page may ask; :mod:`.validation`: the API model's checks).
- :mod:`.state`: where moto's pools, clients and users are found.
- :mod:`.pools`: AWS-shaped pool ids and each pool's JWKS.
- :mod:`.tokens`: the tokens every flow issues (per-pool keys, AWS's claims).
- :mod:`.clients`: app clients and their auth-flow settings.
- :mod:`.client_secrets`: client secrets, their rotation, and the SECRET_HASH check.
- :mod:`.signup`: the sign-up family and the outbox of codes.
- :mod:`.signin`: InitiateAuth, challenges, SRP (:mod:`.srp`) and refresh.
- :mod:`.answers`: the catalogue of AWS's exact answers (codes and texts).

Taught in ``notebooks/01-setup-check.ipynb`` (starting it) and
``02-reproduce-the-error.ipynb`` (what it answers). Names load on first use,
so importing the catalogue (the diagnosis engine does) starts nothing.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_LAZY = {
    "LocalCognito": "server",
    "DemoPool": "demo",
    "serve_forever": "console",
    "FidelityLayer": "layer",
    "HashCheck": "client_secrets",
    "SecretRecord": "client_secrets",
    "Message": "signup",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cognito_helpers.local' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
