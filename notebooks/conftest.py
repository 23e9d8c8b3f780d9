"""pytest setup for the notebooks (run by nbval, see notebooks/README.md).

* The sanitize file named in pyproject.toml's addopts is resolved against the
  project root, so `pytest` works from any directory.
* Tests never reach AWS: the variables that would point ``get_target()`` at a
  real user pool are removed before nbval starts any kernel (kernels inherit
  this process's environment), so every notebook runs against the local Cognito.
* nbval's kernels fork from a zygote that has already imported ipykernel, boto3 and
  moto (tests/kernel_zygote.py says how, and what stays the same);
  ``COGNITO_LAB_FORK_KERNELS=0`` starts them the usual way.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

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
    _fork_nbval_kernels(config)


def _zygote_module() -> Any:
    path = Path(__file__).resolve().parent.parent / "tests" / "kernel_zygote.py"
    spec = importlib.util.spec_from_file_location("kernel_zygote", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_zygote: Any = None


def _fork_nbval_kernels(config: pytest.Config) -> None:
    """Start this process's zygote and point nbval's current-env kernel spec at it."""
    global _zygote
    if not (config.option.nbval or config.option.nbval_lax):
        return
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return  # pytest-xdist's controller: its workers run the notebooks
    boot = sys.modules.get("tests.pytest_boot")  # make test's first plugin started one early
    early = getattr(boot, "ZYGOTE", None)
    zygote = sys.modules["tests.kernel_zygote"] if early is not None else _zygote_module()
    if not zygote.available():
        return
    import nbval.kernel

    _zygote = early if early is not None else zygote.Zygote().start()
    manager = nbval.kernel.NbvalKernelspecManager
    original = manager.get_kernel_spec
    state: dict[str, bool] = {}

    def get_kernel_spec(self: Any, kernel_name: str) -> Any:
        spec = original(self, kernel_name)
        if kernel_name != nbval.kernel.CURRENT_ENV_KERNEL_NAME or _zygote is None:
            return spec
        if "ready" not in state:  # once: a zygote that failed leaves kernels as they were
            state["ready"] = _zygote.wait_ready()
            if state["ready"]:
                os.environ[zygote.SOCKET_ENV] = _zygote.path
        if state["ready"]:
            spec.argv = zygote.kernel_argv()
        return spec

    manager.get_kernel_spec = get_kernel_spec


def pytest_unconfigure(config: pytest.Config) -> None:
    global _zygote
    if _zygote is not None:
        _zygote.stop()
        _zygote = None
