"""Loaded first by ``make test`` (``-p tests.pytest_boot``), before any other plugin, for
two start-up costs: rfc3987-syntax's import, and the kernel zygote's start (below).

nbval imports nbformat, which imports jsonschema, whose format checkers import
rfc3987-syntax: ~0.7 s of every pytest start, for the ``iri`` formats, which no schema
the tests validate uses (nbformat's has no ``format`` keyword). It is skipped here as
the Jupyter servers skip it (``cognito_helpers/jupyter_start.py`` says why that is
safe), in this process only: kernels, JupyterLab and the servers the tests start are
their own processes. Plain ``pytest`` works without this file, only slower to start.
"""

from __future__ import annotations

import sys

from cognito_helpers.jupyter_start import skip_unused_format_checker

skip_unused_format_checker()


def _start_kernel_zygote() -> object | None:
    """Start the zygote nbval's kernels fork from (tests/kernel_zygote.py) now, while pytest
    loads its plugins and collects, so that it has imported what kernels need by the time
    the first notebook asks (notebooks/conftest.py adopts it; started there otherwise).
    Not in pytest-xdist's controller, which runs no test."""
    import os

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker and any(a.startswith(("-n", "--numprocesses")) for a in sys.argv[1:]):
        return None
    from tests import kernel_zygote

    if not kernel_zygote.available():
        return None
    zygote = kernel_zygote.Zygote().start()
    import atexit

    atexit.register(zygote.stop)  # if notebooks/conftest.py did not stop it already
    return zygote


ZYGOTE = _start_kernel_zygote()
