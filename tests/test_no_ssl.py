"""PyJWT and botocore in a Python without ssl (cognito_helpers/no_ssl.py), as in Pyodide.

Run in a subprocess whose imports of ``ssl`` fail (a meta-path blocker): importing the
package installs the hook, after which PyJWT imports, boto3 makes clients, the stand-in
``ssl`` is gone from ``sys.modules``, and an https request fails as an error of the
client (the package's own clients say why) instead of a missing module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from cognito_helpers import no_ssl

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import importlib.abc, json, sys

    class NoSsl(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name in ("ssl", "_ssl"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoSsl())
    import cognito_helpers  # installs the hook
    import jwt
    import boto3
    from botocore.exceptions import BotoCoreError

    result = {"hook": any(type(f).__module__ == "cognito_helpers.no_ssl" for f in sys.meta_path)}
    result["ssl_after_jwt"] = "ssl" in sys.modules
    client = boto3.session.Session(
        aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="example", region_name="us-east-1"
    ).client("cognito-idp", endpoint_url="https://127.0.0.1:9")
    try:
        client.list_user_pools(MaxResults=1)
    except (BotoCoreError, OSError, TypeError) as exc:
        result["https"] = f"{type(exc).__name__}: {exc}"
    from cognito_helpers.deadline import deadline_client
    from cognito_helpers.exceptions import ConfigurationError
    try:
        deadline_client(client).list_user_pools(MaxResults=1)  # the package's own transport
    except ConfigurationError as exc:
        result["package_https"] = str(exc)
    import urllib.request
    result["https_handler"] = hasattr(urllib.request, "HTTPSHandler")
    result["jwt_hs256"] = jwt.decode(jwt.encode({"a": 1}, "k" * 32), "k" * 32, algorithms=["HS256"])
    print(json.dumps(result))
""")


def test_pyjwt_and_botocore_import_and_fail_https_clearly_without_ssl():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["hook"] is True and result["jwt_hs256"] == {"a": 1}
    assert result["ssl_after_jwt"] is False  # the stand-in left with jwks_client's import
    assert result["https_handler"] is False  # urllib decided before any stand-in existed
    # boto3's own transport fails as urllib3 does without ssl; the package's says why
    assert "https" in result and "ModuleNotFoundError" not in result["https"], result
    assert "no ssl module" in result["package_https"] and "make lab" in result["package_https"]


def test_with_ssl_nothing_is_installed():
    assert no_ssl.ssl_available()
    assert no_ssl.install() is False
    assert not any(type(f).__module__ == "cognito_helpers.no_ssl" for f in sys.meta_path)
