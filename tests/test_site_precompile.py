"""site/precompile.py, on CPython: the bytecode it adds to a wheel and to a stdlib zip is used.

In the build it runs inside the site's Pyodide (tests/browser/test_site.py checks the
built site boots and runs the lessons' flows without compiling a module); here the
same functions run on this CPython, whose own magic number and cache tag they take.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("site_precompile", ROOT / "site" / "precompile.py")
precompile = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(precompile)

SP = precompile.SITE_PACKAGES
TAG = sys.implementation.cache_tag


def _wheel(path: Path, files: dict[str, str]) -> Path:
    info = "demo-1.0.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        zf.writestr(f"{info}/METADATA", "Name: demo\nVersion: 1.0\n")
        zf.writestr(f"{info}/RECORD", f"{info}/METADATA,,\n{info}/RECORD,,\n")
    return path


def test_a_wheel_gets_unchecked_hash_pycs_for_the_wanted_modules_and_a_record_of_them(
        tmp_path: Path):
    whl = _wheel(tmp_path / "demo-1.0-py3-none-any.whl", {
        "demo/__init__.py": "", "demo/mod.py": "VALUE = 'from the build'\n",
        "demo/unused.py": "X = 1\n"})
    report = precompile.compile_archive(str(whl), {f"{SP}/demo/__init__.py", f"{SP}/demo/mod.py"})
    assert report == {"archive": whl.name, "pyc": 2, "skipped": []}
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        pyc = zf.read(f"demo/__pycache__/mod.{TAG}.pyc")
        record = zf.read("demo-1.0.dist-info/RECORD").decode().splitlines()
    assert f"demo/__pycache__/unused.{TAG}.pyc" not in names  # never imported: no bytecode
    assert {"demo/__init__.py", "demo/mod.py", "demo/unused.py"} <= set(names)  # sources stay
    assert names[-1] == "demo-1.0.dist-info/RECORD"
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # PEP 552: hash-based, unchecked
    assert pyc[8:16] == importlib.util.source_hash(b"VALUE = 'from the build'\n")
    digest = base64.urlsafe_b64encode(hashlib.sha256(pyc).digest()).rstrip(b"=").decode()
    assert f"demo/__pycache__/mod.{TAG}.pyc,sha256={digest},{len(pyc)}" in record
    assert record[-1] == "demo-1.0.dist-info/RECORD,,"

    # unpacked (every file's mtime now), Python takes the pyc without looking at the source
    site = tmp_path / "site"
    zipfile.ZipFile(whl).extractall(site)
    (site / "demo" / "mod.py").write_text("VALUE = 'edited after the build'\n")
    out = subprocess.run([sys.executable, "-c", "import demo.mod; print(demo.mod.VALUE)"],
                         env={"PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "from the build"


def test_the_stdlib_zip_gets_pycs_in_place_of_the_wanted_sources(tmp_path: Path):
    stdlib = tmp_path / "python_stdlib.zip"
    with zipfile.ZipFile(stdlib, "w") as zf:
        zf.writestr("hot.py", "WHERE = 'bytecode'\n")
        zf.writestr("cold.py", "WHERE = 'source'\n")
    z = precompile.STDLIB_ZIP
    assert precompile.compile_archive(str(stdlib), {f"{z}/hot.py"})["pyc"] == 1
    with zipfile.ZipFile(stdlib) as zf:
        assert sorted(zf.namelist()) == ["cold.py", "hot.pyc"]
    out = subprocess.run(
        [sys.executable, "-c", "import hot, cold; print(hot.WHERE, hot.__file__.endswith('.pyc'),"
         " cold.WHERE)"], env={"PYTHONPATH": str(stdlib)}, capture_output=True, text=True,
        check=True)
    assert out.stdout.split() == ["bytecode", "True", "source"]


def test_a_file_that_is_not_python_313_is_left_as_it_is(tmp_path: Path):
    whl = _wheel(tmp_path / "demo-1.0-py3-none-any.whl", {"demo/py2.py": "print 'old'\n"})
    before = whl.read_bytes()
    report = precompile.compile_archive(str(whl), {f"{SP}/demo/py2.py"})
    assert report == {"archive": whl.name, "pyc": 0, "skipped": ["demo/py2.py"]}
    assert whl.read_bytes() == before


def test_outside_pyodide_it_refuses_and_says_why(capsys: pytest.CaptureFixture[str]):
    assert precompile.main(["notebooks", "x.whl"]) == 2
    assert "runs inside Pyodide" in capsys.readouterr().err
