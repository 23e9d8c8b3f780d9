"""Loaded first by ``make test`` (``-p tests.pytest_boot``), before any other plugin.

nbval imports nbformat, which imports jsonschema, whose format checkers import
rfc3987-syntax if it is installed (jupyter-events brings it): that package builds a
Lark grammar when imported, ~0.7 s of every pytest start, only to check the ``iri``
format, which no schema the tests validate uses (nbformat's has no ``format``
keyword). Marking it absent here makes jsonschema skip that one checker, in this
process only: kernels, JupyterLab and the servers the tests start are their own
processes. Plain ``pytest`` works without this file, only slower to start.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
