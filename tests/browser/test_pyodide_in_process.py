"""The local Cognito in Pyodide (issue 24): in process, without cryptography or ssl, in Node.

The lessons that call Cognito can run in the browser edition because the local
Cognito needs no server there (local/in_process.py) and no ``cryptography``
(pure_crypto.py). This test proves it in the Pyodide the site ships, the npm
package ``pyodide`` in site/node_modules (``make site`` installs it), run by Node:
tests/in_process_flows.py signs in with the right hash (tokens) and a wrong one
(AWS's text), refreshes, rotates, verifies the tokens with the JWKS, and more.

What Pyodide loads is only its npm package (which carries no Python packages) and a
zip of pure-Python packages made here: the project's own source, and the
distributions installed in this venv (the versions the rest of the suite tests),
without their compiled extensions, so MarkupSafe and PyYAML run on their pure-Python
fallbacks and cryptography and cffi are left out. botocore's data is cut to
cognito-idp's and moto to the services its Cognito backend imports.
``COGNITO_LAB_PYODIDE_WHEELS=DIR`` takes every ``*.whl`` in DIR instead of this venv's
distributions (the site's own pinned wheels, say). Nothing is fetched: the Node
script makes every non-file URL fail and reports any it was asked for.

Skipped without Node or the npm package; under CI (or ``COGNITO_LAB_REQUIRE_BROWSER``)
that is a failure, as for the other browser tests.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "site" / "node_modules" / "pyodide"
SCRIPT = Path(__file__).with_name("pyodide_in_process.mjs")
FLOWS = ROOT / "tests" / "in_process_flows.py"
WHEELS_ENV = "COGNITO_LAB_PYODIDE_WHEELS"

# what the flows import (besides the project), as distributions of this venv
DISTRIBUTIONS = [
    "boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3",
    "moto", "Werkzeug", "Flask", "flask-cors", "Jinja2", "MarkupSafe", "itsdangerous",
    "click", "blinker", "PyYAML", "xmltodict", "responses", "requests", "certifi",
    "charset-normalizer", "idna", "PyJWT", "pycognito", "envs", "rsa", "pyasn1",
    "typing_extensions",
]
# moto's services that its Cognito backend and its request handling import
MOTO_PACKAGES = {"cognitoidp", "core", "iam", "moto_api", "moto_server", "utilities", "sts",
                 "s3", "events", "cloudwatch"}


def _unavailable(reason: str) -> None:
    message = (f"the Pyodide proof cannot run: {reason}. It needs Node and the npm package "
               "pyodide in site/node_modules ('make site' installs it, or 'npm ci' in site/).")
    if os.environ.get("CI") or os.environ.get("COGNITO_LAB_REQUIRE_BROWSER"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _wanted(path: PurePosixPath) -> bool:
    """Whether a file of an installed distribution goes to Pyodide."""
    parts = path.parts
    if not parts or parts[0] == ".." or "__pycache__" in parts:
        return False
    if path.suffix in (".so", ".pyd", ".pyc", ".c", ".h") or path.name.endswith(".dylib"):
        return False  # compiled for this CPython: the pure-Python fallbacks run instead
    if parts[0] == "botocore" and len(parts) > 3 and parts[1] == "data":
        return parts[2] == "cognito-idp"
    if parts[0] == "moto" and len(parts) > 2:
        return parts[1] in MOTO_PACKAGES
    return True


def _pack(zip_path: Path) -> int:
    """The zip unpacked into Pyodide's site-packages; returns how many files it holds."""
    count = 0
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for source in sorted((ROOT / "cognito_helpers").rglob("*")):
            rel = PurePosixPath(source.relative_to(ROOT).as_posix())
            if source.is_file() and _wanted(rel):
                out.write(source, str(rel))
                count += 1
        wheels = os.environ.get(WHEELS_ENV)
        if wheels:
            for wheel in sorted(Path(wheels).glob("*.whl")):
                if wheel.name.startswith("cognito_secret_hash_lab-"):
                    continue  # the project comes from this worktree
                with zipfile.ZipFile(wheel) as whl:
                    for name in whl.namelist():
                        if _wanted(PurePosixPath(name)) and not name.endswith("/"):
                            out.writestr(name, whl.read(name))
                            count += 1
            return count
        for name in DISTRIBUTIONS:
            dist = md.distribution(name)
            for file in dist.files or []:
                rel = PurePosixPath(str(file))
                source = Path(str(dist.locate_file(file)))
                if _wanted(rel) and source.is_file():
                    out.write(source, str(rel))
                    count += 1
    return count


def test_sign_in_in_pyodide_with_the_right_and_a_wrong_hash(tmp_path):
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (PYODIDE / "pyodide.mjs").is_file():
        _unavailable(f"no npm package pyodide at {PYODIDE}")
    archive = tmp_path / "site-packages.zip"
    files = _pack(archive)
    proc = subprocess.run(
        [node, str(SCRIPT), str(PYODIDE), str(archive), str(FLOWS)],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,
    )
    # Pyodide quotes its minified runtime in a trace: keep the lines a person can read
    shown = "\n".join(line[:400] for line in proc.stderr.splitlines()[-60:])
    assert proc.returncode == 0, f"{shown}\n{proc.stdout[-2000:]}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"Pyodide in Node: {files} files; {json.dumps(result['seconds'])}; in Python: "
          f"{json.dumps(result['timings'])}")

    assert result["platform"] == "emscripten"
    assert result["default_in_process"] is True  # chosen by itself under Pyodide
    assert result["has_cryptography"] is False  # python-rsa signed and verified
    assert result["ssl_imported"] is False
    assert result["network"] == []
    assert result["id_token_parts"] == 3
    code, message = result["wrong_hash"]
    assert code == "NotAuthorizedException"
    assert message.startswith("Unable to verify secret hash for client ")
    assert result["issuer"].startswith(f"{result['endpoint_url']}/us-east-1_")
