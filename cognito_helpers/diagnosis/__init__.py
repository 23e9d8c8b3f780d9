"""The diagnosis engine: from an error, a hash or a client's settings to cause and fix.

Plain functions returning a :class:`Diagnosis` (text, JSON, notebook HTML);
the CLI, the inspecting proxy and ``notebooks/09-troubleshooting.ipynb`` are
front ends to them.

* :func:`explain` - recognise a pasted Cognito error (no boto3 needed)
* :func:`fingerprint` - name the mistake behind a wrong SECRET_HASH (no boto3)
* :func:`fingerprint_authorization` - the same for the OAuth token endpoint's Basic header
* :func:`check_client` - read an app client's settings (uses your boto3 client)
* :func:`verify_flow` - sign in and refresh with a correct hash, step by step

None of these modules imports boto3 itself.
"""

from __future__ import annotations

from .authorization import fingerprint_authorization
from .check import check_client, pool_region
from .explain import explain
from .fingerprint import fingerprint
from .result import Check, Diagnosis
from .verify import verify_flow

__all__ = [
    "Check",
    "Diagnosis",
    "check_client",
    "explain",
    "fingerprint",
    "fingerprint_authorization",
    "pool_region",
    "verify_flow",
]
