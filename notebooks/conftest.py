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


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb" and path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group(f"notebooks/{path.name}"))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook, on the controller
def pytest_xdist_node_collection_finished(node: object, ids: list[str]) -> None:
    """Stop before running if a worker's notebook cells lost their group.

    pytest-xdist 3.8 groups by appending ``@group`` to the node ids, which pytest 9.2 no
    longer lets it do (pytest-dev/pytest-xdist#1386): the cells of one notebook would go to
    two kernels and fail with NameErrors. requirements-test.txt keeps pytest below 9.2.
    """
    lost = [i for i in ids if ".ipynb::" in i and "@" not in i.rsplit("::", 1)[-1]]
    if lost:
        pytest.exit(
            f"{len(lost)} notebook cells were not kept on one worker (first: {lost[0]}): a"
            " notebook's cells need one kernel. Run with --dist loadgroup (make test does) and"
            f" the pytest of requirements-test.txt (this is {pytest.__version__}; 9.2 breaks"
            " pytest-xdist 3.8's loadgroup, pytest-dev/pytest-xdist#1386).",
            returncode=4,
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
