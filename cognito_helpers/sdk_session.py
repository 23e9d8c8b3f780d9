"""boto3 and botocore sessions that share one data loader: botocore's JSON read once.

Every new boto3 ``Session`` reads and decodes botocore's data files again
(``endpoints.json``, ~1 MB, and cognito-idp's service model, ~1 MB): ~20 ms per
session. A lesson's first cell made three (the local Cognito's parameter checks, its
``client()``, ``Target.client()``), and the tests make thousands. botocore's
``Loader`` caches what it has read, and a session takes its loader as a component
(``data_loader``), so the package's sessions share one. The files are botocore's
own and never change while a process runs; only what they describe is shared, not
credentials, region or configuration, which stay each session's own.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["boto3_session", "botocore_session"]

_lock = threading.Lock()
_loader: Any = None


def botocore_session() -> Any:
    """A new botocore ``Session`` whose data loader is the process's shared one."""
    import botocore.session
    from botocore.loaders import create_loader

    global _loader
    session = botocore.session.Session()
    with _lock:
        if _loader is None:
            # what Session would make for itself: the search path of AWS_DATA_PATH / data_path
            _loader = create_loader(session.get_config_variable("data_path"))
        loader = _loader
    session.register_component("data_loader", loader)
    # a local Cognito served in process (no server: Pyodide) answers its endpoint's
    # requests here, before botocore would open a connection (local/in_process.py)
    from .local.in_process import botocore_before_send

    session.register("before-send", botocore_before_send, unique_id="cognito-helpers-in-process")
    return session


def boto3_session(**kwargs: Any) -> Any:
    """``boto3.session.Session(**kwargs)`` on a :func:`botocore_session`."""
    import boto3

    return boto3.session.Session(botocore_session=botocore_session(), **kwargs)
