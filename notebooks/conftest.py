"""pytest setup for the notebooks (run by nbval, see notebooks/README.md).

* The sanitize file named in pyproject.toml's addopts is resolved against the
  project root, so `pytest` works from any directory.
* Tests never reach AWS: the variables that would point ``get_target()`` at a
  real user pool are removed before nbval starts any kernel (kernels inherit
  this process's environment), so every notebook runs against the local Cognito.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REAL_TARGET_VARS = (
    "COGNITO_USER_POOL_ID",
    "COGNITO_CLIENT_ID",
    "COGNITO_CLIENT_SECRET",
    "COGNITO_ENDPOINT_URL",
    "COGNITO_USERNAME",
    "COGNITO_PASSWORD",
)


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    path = getattr(option, "nbval_sanitize_with", None)
    if path and not Path(path).is_absolute() and not Path(path).exists():
        candidate = config.rootpath / path
        if candidate.exists():
            option.nbval_sanitize_with = str(candidate)
    for name in REAL_TARGET_VARS:
        os.environ.pop(name, None)
