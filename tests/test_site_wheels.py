"""The wheels the static site trims at build time (site/build.py, ``TRIM``).

botocore, moto, boto3, PyYAML, MarkupSafe and PyJWT reach the page cut down from the
pinned PyPI wheels. This checks the cutting on the wheels ``make site`` downloaded into
site/.cache/wheels (it skips, saying so, before the first ``make site``; it never
downloads): the same inputs give the same bytes, the content is what
site/trimmed-wheels.txt pins, botocore keeps cognito-idp's data and no other service's,
moto keeps the packages its Cognito backend imports, and every patch applied.
"""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pypi(build) -> dict[str, Path]:
    pins = build.read_pins()
    cache = build.CACHE
    found = {}
    for whl in cache.glob("*.whl") if cache.is_dir() else ():
        name, version = build.wheel_name_version(whl)
        if name in build.TRIM and pins[name][0] == version and build.sha256(whl) == pins[name][1]:
            found[name] = whl
    missing = sorted(set(build.TRIM) - set(found))
    if missing:
        pytest.skip(f"no pinned wheels for {missing} in {cache}: run 'make site' once")
    return found


def test_trimming_twice_gives_the_same_bytes_and_the_pinned_content(build, pypi, tmp_path):
    first = build.trim_wheels(pypi, tmp_path / "a")
    second = build.trim_wheels(pypi, tmp_path / "b")  # each also checks trimmed-wheels.txt
    for name in build.TRIM:
        assert first[name].name == second[name].name
        assert first[name].read_bytes() == second[name].read_bytes(), name
        assert "+" in first[name].name and first[name].name.endswith("-py3-none-any.whl")


def test_botocore_keeps_cognito_idp_and_what_it_loads_at_start(build, pypi, tmp_path):
    trimmed = build.trim_wheel(pypi["botocore"], build.TRIM["botocore"], tmp_path)
    names = zipfile.ZipFile(trimmed).namelist()
    services = {n.split("/")[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 2}
    assert services == {"cognito-idp"}
    for data in ("endpoints.json", "partitions.json", "_retry.json",
                 "sdk-default-configuration.json"):
        assert f"botocore/data/{data}" in names
    assert trimmed.stat().st_size < pypi["botocore"].stat().st_size / 10
    session = zipfile.ZipFile(trimmed).read("botocore/httpsession.py").decode()
    assert "except ImportError:  # Pyodide" in session and "    ssl,\n)" not in session


def test_moto_keeps_its_core_and_the_services_cognitoidp_imports(build, pypi, tmp_path):
    trimmed = build.trim_wheel(pypi["moto"], build.TRIM["moto"], tmp_path)
    with zipfile.ZipFile(trimmed) as zf:
        names = zf.namelist()
        policies = zf.read("moto/iam/aws_managed_policies.py").decode()
    packages = {n.split("/")[1] for n in names if n.startswith("moto/") and n.count("/") > 1}
    assert packages == set(build.MOTO_PACKAGES)
    assert "moto/cognitoidp/resources/jwks-public.json.gz" in names
    assert 'aws_managed_policies_data = "{}"' in policies


def _lab_lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "lock" / "lab.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith((" ", "#")):
            pins[name.strip().lower().replace("_", "-")] = version.split()[0].rstrip("\\")
    return pins


def test_the_page_runs_the_labs_versions_where_pyodide_does_not_decide(build):
    """The committed outputs were made with lock/lab.txt's boto3, botocore and moto: the page
    runs those too. Only a package Pyodide's own lock names keeps the version it names (the
    kernel needs them as Pyodide built them: site/kernel-wheels.txt, section 1 and 3)."""
    import json

    npm_lock = build.NPM_PYODIDE / "pyodide-lock.json"
    if not npm_lock.is_file():
        pytest.skip(f"no {npm_lock}: run 'make site' once (npm ci in site/)")
    decided = {build.normalize(n) for n in json.loads(npm_lock.read_text())["packages"]}
    lab = _lab_lock()
    differ = {name: (version, lab[build.normalize(name)])
              for name, (version, _sha) in build.read_pins().items()
              if build.normalize(name) in lab and build.normalize(name) not in decided
              and version != lab[build.normalize(name)]}
    assert differ == {}, (
        f"site/kernel-wheels.txt pins these at other versions than lock/lab.txt (site, lab): "
        f"{differ}; pin the lab's version with its wheel's sha256 from PyPI")
    assert {"boto3", "botocore", "moto"} <= {n for n in map(build.normalize, build.read_pins())
                                            if n in lab and n not in decided}
