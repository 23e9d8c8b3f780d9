"""Build the static site (``make site``): the apps and the lessons, running in the browser.

Everything comes from the package registries, nothing from a CDN:

* the Pyodide runtime from the npm package ``pyodide`` (``site/package-lock.json``);
* the Python wheels the page loads from PyPI (``site/kernel-wheels.txt``, with hashes);
* JupyterLite, its Pyodide kernel and Voici from PyPI (``site/requirements.txt``,
  the ``.venv-site`` this script runs in);
* this project's own wheel, built from the checkout.

What it writes (both ignored by git):

* ``site/_build/``: the JupyterLite "lite dir" (Pyodide with a lock file naming only
  the wheels that are there, with PyPI's sha256) and the notebooks the site shows;
* ``site/_output/``: the site itself; serve it with ``make site-serve``.

Downloads are cached in ``site/.cache/`` and ``site/node_modules/``; a rebuild with both
present reaches no network at all. Run it with ``make site`` (which creates the venv).
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import NamedTuple

SITE = Path(__file__).resolve().parent
ROOT = SITE.parent
BUILD = SITE / "_build"
OUTPUT = SITE / "_output"
CACHE = SITE / ".cache" / "wheels"
NPM_PYODIDE = SITE / "node_modules" / "pyodide"

#: the runtime files of the npm package that the page needs (not its types, maps, consoles)
RUNTIME_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                 "python_stdlib.zip", "package.json")

#: what the page's kernel loads at start, before any cell runs: the widgets and this
#: project's package, so apps/*.ipynb and the lessons run unchanged (no install cell)
PRELOAD = ("ipywidgets", "cognito-secret-hash-lab")

#: what the lessons' kernel (JupyterLite's lab/) loads at start besides: the local Cognito
#: runs in the page's Python (``LocalCognito`` in process under Pyodide), and its first
#: ``import moto`` happens inside this package, where the kernel's loading of a cell's
#: imports cannot see it (nor its ``import rsa``: RS256 without cryptography, pure_crypto).
#: The apps (voici/) need none of it and start without it.
PRELOAD_LESSONS = (*PRELOAD, "boto3", "moto", "flask-cors", "pycognito", "rsa", "jupyterlab")

#: dependencies named by a wheel (Pyodide's lock, or the wheel's Requires-Dist) that the
#: site leaves out, and why that is safe:
#: matplotlib_inline imports matplotlib only when a cell runs %matplotlib;
#: cryptography (compiled, not on PyPI for Pyodide): the local Cognito's in-process mode
#: signs and checks tokens in pure Python instead (cognito_helpers/local, tokens.py)
NOT_SHIPPED = {
    "matplotlib-inline": ("matplotlib",),
    "moto": ("cryptography",),
    "joserfc": ("cryptography",),
    "pyjwt": ("cryptography",),
}

#: the project's distribution name (pyproject.toml) and the package it holds
PROJECT = "cognito-secret-hash-lab"
PROJECT_IMPORT = "cognito_helpers"

#: the notebooks the site shows: the apps as they are, and every lesson (notebooks/NN-*.ipynb,
#: in the order of their numbers, as lessons/NN-*.ipynb) but those named here, with why
APPS = ("apps/calculator.ipynb", "apps/diagnose.ipynb")
NOT_IN_BROWSER = {
    "10-other-languages.ipynb": "it runs the same sign-in from Go, Node.js, Java and other "
                                "languages, each a program of its own that the lesson starts "
                                "as a subprocess, which a browser tab cannot do",
}


class BuildError(Exception):
    """A step of the build failed; the message says which and what to do."""


def log(message: str) -> None:
    print(f"site: {message}", flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(argv: list[str], **kwargs) -> None:
    try:
        subprocess.run(argv, check=True, **kwargs)  # noqa: S603 - our own argv
    except FileNotFoundError as exc:
        raise BuildError(f"{argv[0]} not found ({exc})") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"'{' '.join(argv)}' failed with exit code {exc.returncode}") from None


# -- inputs ---------------------------------------------------------------------------------


def kernel_version() -> str:
    """The one Pyodide version jupyterlite-pyodide-kernel is built for."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    return PYODIDE_VERSION


def ensure_pyodide() -> Path:
    """``npm ci`` in site/ unless node_modules already holds the locked version."""
    wanted = json.loads((SITE / "package.json").read_text())["dependencies"]["pyodide"]
    installed = NPM_PYODIDE / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != wanted:
        log(f"npm ci (pyodide {wanted})")
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SITE)
    version = json.loads(installed.read_text())["version"]
    if version != kernel_version():
        raise BuildError(
            f"site/package.json pins pyodide {version}, but jupyterlite-pyodide-kernel "
            f"{_dist_version('jupyterlite-pyodide-kernel')} is built for Pyodide "
            f"{kernel_version()}: pin that version in site/package.json and run npm install "
            "in site/ (which rewrites package-lock.json)."
        )
    return NPM_PYODIDE


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+)\s+--hash=sha256:(?P<sha>[0-9a-f]{64})$")


def read_pins(path: Path = SITE / "kernel-wheels.txt") -> dict[str, tuple[str, str]]:
    """kernel-wheels.txt as {normalized name: (version, sha256)}."""
    pins = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.match(line)
        if not m:
            raise BuildError(f"{path.name}:{n}: expected 'name==version --hash=sha256:...'")
        pins[normalize(m["name"])] = (m["version"], m["sha"])
    return pins


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name_version(path: Path) -> tuple[str, str]:
    name, version = path.name.split("-")[:2]
    return normalize(name), version


def ensure_wheels(pins: dict[str, tuple[str, str]]) -> dict[str, Path]:
    """The pinned wheels in the cache, downloaded once with pip (hashes required)."""
    CACHE.mkdir(parents=True, exist_ok=True)

    def cached() -> dict[str, Path]:
        found = {}
        for whl in CACHE.glob("*.whl"):
            name, version = wheel_name_version(whl)
            if name in pins and pins[name][0] == version and sha256(whl) == pins[name][1]:
                found[name] = whl
        return found

    have = cached()
    if set(have) != set(pins):
        missing = sorted(set(pins) - set(have))
        log(f"pip download {len(missing)} wheels from PyPI: {', '.join(missing)}")
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             # CPython 3.13's tags, so that the two manylinux pins (trimmed to their
             # pure-Python code, see TRIM) are found; the other pins are py3-none-any
             "--only-binary=:all:", "--python-version", "3.13", "--implementation", "cp",
             "--abi", "cp313", "--platform", "manylinux_2_17_x86_64",
             "--require-hashes", "-r", str(SITE / "kernel-wheels.txt"), "-d", str(CACHE)])
        have = cached()
        if set(have) != set(pins):
            raise BuildError(f"pip download did not leave {sorted(set(pins) - set(have))} in {CACHE}")
    return have


def build_project_wheel(dest: Path) -> Path:
    """This checkout's package as a wheel, built from a copy (no build/ in the checkout)."""
    src = BUILD / "project-src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / PROJECT_IMPORT, src / PROJECT_IMPORT,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("cognito_secret_hash_lab-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(dest), str(src)], env={**os.environ, "SOURCE_DATE_EPOCH": "315532800"})
    wheels = list(dest.glob("cognito_secret_hash_lab-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one project wheel in {dest}, found {wheels}")
    return wheels[0]


def placeholder_wheel(dest: Path, name: str, version: str, why: str) -> Path:
    """A wheel that installs no module, only its metadata (the same bytes every build).

    The kernel asks for ``sqlite3`` (Pyodide builds it from CPython; it is not on PyPI).
    Installed as this placeholder, ``import sqlite3`` still fails, and IPython, which
    imports it inside ``try``, keeps its history in memory instead.
    """
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                            f"Summary: {why}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: cognito-secret-hash-lab site/build.py\n"
                         "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{dist}/RECORD"] = "\n".join([*record, f"{dist}/RECORD,,"]) + "\n"
    whl = dest / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, text in files.items():
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, text)
    return whl


# -- trimmed wheels -------------------------------------------------------------------------


class Trim(NamedTuple):
    """How the site cuts a pinned PyPI wheel down to what the page uses.

    ``keep``: the files kept, as globs over the wheel's paths (``*`` within one path
    segment, ``**`` across any); the ``.dist-info`` is always kept, its RECORD rewritten.
    ``stub``: files whose text is replaced (a module imported for data the page never
    reads). ``patch``: (file, old, new) exact replacements, each of which must apply.
    The trimmed wheel is named ``<version>+<label>``, tagged ``py3-none-any``.
    """

    keep: tuple[str, ...]
    label: str
    why: str
    stub: tuple[tuple[str, str], ...] = ()
    patch: tuple[tuple[str, str, str], ...] = ()


#: moto's packages the cognito-idp backend, moto's core and its WSGI app (moto_server) import (moto.core.responses
#: registers every call with IAM, whose models import S3, STS, EventBridge, CloudWatch)
MOTO_PACKAGES = ("core", "cognitoidp", "utilities", "moto_api", "moto_server", "iam", "s3", "sts", "events",
                 "cloudwatch")

TRIM = {
    "botocore": Trim(
        keep=("botocore/**.py", "botocore/data/*.json", "botocore/data/cognito-idp/**"),
        label="cognitoidp",
        why="the code and the data botocore loads at start (endpoints, partitions, retry and "
            "default configuration), and cognito-idp's models; no other service's",
        # Pyodide has no ssl module (its build leaves it out); urllib3 then defines no `ssl`
        # name, which httpsession imports at module level. The page never opens a TLS
        # connection (the local Cognito answers in process), so `ssl` may be None there.
        # cognito_helpers.no_ssl does the same at run time, but only once cognito_helpers
        # is imported: lesson 04 imports pycognito (so boto3, botocore, PyJWT) before it.
        patch=(("botocore/httpsession.py", "    is_ipaddress,\n    ssl,\n)\n",
                "    is_ipaddress,\n)\n\ntry:\n    import ssl\nexcept ImportError:  # Pyodide "
                "(trimmed by cognito-secret-hash-lab site/build.py)\n    ssl = None\n"),
               # and its HTTP session, which the in-process Cognito never sends on, makes no
               # TLS context there
               ("botocore/httpsession.py",
                "    def _get_ssl_context(self):\n        return create_urllib3_context()\n",
                "    def _get_ssl_context(self):\n        if ssl is None:  # Pyodide: no TLS\n"
                "            return None\n        return create_urllib3_context()\n")),
    ),
    "moto": Trim(
        keep=("moto/*.py", *(f"moto/{pkg}/**" for pkg in MOTO_PACKAGES)),
        label="cognitoidp",
        why="moto's core and the services its Cognito backend imports",
        # 5 MB of AWS managed policies, parsed only with MOTO_IAM_LOAD_MANAGED_POLICIES set
        stub=(("moto/iam/aws_managed_policies.py",
               '# trimmed by site/build.py: read only with MOTO_IAM_LOAD_MANAGED_POLICIES=true\n'
               'aws_managed_policies_data = "{}"\n'),),
    ),
    # PyJWT whole, its jwks_client importing without ssl (Pyodide), for the same reason
    "pyjwt": Trim(
        keep=("jwt/**",), label="nossl",
        why="all of it; jwks_client's `from ssl import SSLContext` (a type hint and an "
            "optional argument) tolerates a Python without ssl",
        patch=(("jwt/jwks_client.py", "from ssl import SSLContext\n",
                "try:\n    from ssl import SSLContext\nexcept ImportError:  # Pyodide "
                "(trimmed by cognito-secret-hash-lab site/build.py)\n    SSLContext = None\n"),),
    ),
    "boto3": Trim(keep=("boto3/**.py",), label="nodata",
                  why="the code, not the resource models (the lessons use clients only)"),
    "markupsafe": Trim(keep=("markupsafe/**.py", "markupsafe/py.typed"), label="purepy",
                       why="the pure-Python code; the compiled _speedups is for CPython"),
    "pyyaml": Trim(keep=("yaml/**.py",), label="purepy",
                   why="the pure-Python code; the compiled _yaml (LibYAML) is for CPython"),
}

#: the fixed time of every file in a wheel the site writes (the zip format starts in 1980)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _glob_regex(patterns: tuple[str, ...]) -> re.Pattern:
    def one(glob: str) -> str:
        out = re.escape(glob).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        return f"(?:{out})"
    return re.compile("(?:" + "|".join(one(g) for g in patterns) + r")\Z")


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def trim_wheel(src: Path, spec: Trim, dest: Path) -> Path:
    """``src`` cut down by ``spec`` into ``dest``: the same bytes for the same inputs."""
    name, version = src.name.split("-")[:2]
    new_version = f"{version}+{spec.label}"
    old_info, new_info = f"{name}-{version}.dist-info", f"{name}-{new_version}.dist-info"
    keep = _glob_regex(spec.keep)
    stubs = dict(spec.stub)
    patches = list(spec.patch)
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            path = info.filename
            if info.is_dir() or "__pycache__/" in path:
                continue
            if path.startswith(f"{old_info}/"):
                rel = path.split("/", 1)[1]
                if rel == "RECORD":
                    continue
                data = zf.read(info)
                if rel == "METADATA":
                    data = re.sub(rb"(?m)^Version: .*$", f"Version: {new_version}".encode(),
                                  data, count=1)
                elif rel == "WHEEL":
                    data = re.sub(rb"(?m)^(Tag|Root-Is-Purelib|Generator): .*\n", b"", data)
                    data = data.rstrip(b"\n") + (
                        b"\nGenerator: cognito-secret-hash-lab site/build.py (trimmed)"
                        b"\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
                files[f"{new_info}/{rel}"] = data
            elif path in stubs:
                files[path] = stubs.pop(path).encode()
            elif keep.match(path):
                files[path] = zf.read(info)
    for path, old, new in patches:
        text = files[path].decode() if path in files else ""
        if text.count(old) != 1:
            raise BuildError(f"{src.name}: the patch of {path} no longer applies: update TRIM "
                             "in site/build.py to the new version's code")
        files[path] = text.replace(old, new).encode()
    if stubs:
        raise BuildError(f"{src.name} has no {sorted(stubs)} to replace: update TRIM in "
                         "site/build.py to the new version's layout")
    record = [_record_line(p, files[p]) for p in sorted(files)]
    files[f"{new_info}/RECORD"] = ("\n".join([*record, f"{new_info}/RECORD,,"]) + "\n").encode()
    whl = dest / f"{name}-{new_version}-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[path])
    return whl


TRIMMED_PINS = SITE / "trimmed-wheels.txt"


def content_digest(whl: Path) -> str:
    """The sha256 of a wheel's RECORD, which lists every file's own sha256: what the wheel
    holds, whatever zlib compressed it (the wheel's own sha256, in the lock, may differ
    from one machine's zlib to another's; on one machine it is the same every build)."""
    with zipfile.ZipFile(whl) as zf:
        record = next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))
        return hashlib.sha256(zf.read(record)).hexdigest()


def trim_wheels(wheels: dict[str, Path], dest: Path, *, record: bool = False) -> dict[str, Path]:
    """Every wheel TRIM names replaced by its trimmed copy (written to ``dest``), each
    checked against site/trimmed-wheels.txt (``record``: rewrite that file instead)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    out = dict(wheels)
    for name, spec in TRIM.items():
        if name not in wheels:
            raise BuildError(f"TRIM names {name}, which kernel-wheels.txt does not pin")
        out[name] = trim_wheel(wheels[name], spec, dest)
    digests = {out[name].name: content_digest(out[name]) for name in sorted(TRIM)}
    lines = [f"{whl} --content-sha256={digest}" for whl, digest in digests.items()]
    if record:
        header = [ln for ln in TRIMMED_PINS.read_text().splitlines() if ln.startswith("#")]
        TRIMMED_PINS.write_text("\n".join([*header, *lines]) + "\n")
        log(f"recorded {len(lines)} trimmed wheels in {TRIMMED_PINS.name}")
    pinned = [ln for ln in TRIMMED_PINS.read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    if sorted(pinned) != sorted(lines):
        diff = sorted(set(lines) ^ set(pinned))
        raise BuildError(
            f"the trimmed wheels differ from {TRIMMED_PINS.name} ({'; '.join(diff)}): if TRIM "
            "or a pin changed on purpose, run '.venv-site/bin/python site/build.py "
            "--record-trimmed' and commit the file")
    return out


# -- the Pyodide distribution ---------------------------------------------------------------


def lock_entry(whl: Path, name: str, version: str, imports: list[str], depends: list[str]) -> dict:
    return {
        "name": name, "version": version, "file_name": whl.name, "install_dir": "site",
        "sha256": sha256(whl), "package_type": "package", "imports": imports,
        "depends": depends, "unvendored_tests": False,
    }


def wheel_imports_and_depends(whl: Path) -> tuple[list[str], list[str]]:
    """A wheel's top-level import names and the distributions it requires in the page
    (Requires-Dist, markers evaluated for Pyodide's CPython 3.13, no extras)."""
    from packaging.requirements import Requirement

    env = {"python_version": "3.13", "python_full_version": "3.13.2", "sys_platform": "emscripten",
           "platform_system": "Emscripten", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "os_name": "posix", "extra": ""}
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
        metadata = zf.read(f"{info}/METADATA").decode()
        top = f"{info}/top_level.txt"
        if top in names:
            imports = [ln.strip() for ln in zf.read(top).decode().splitlines() if ln.strip()]
        else:
            imports = sorted({n.split("/")[0].removesuffix(".py") for n in names
                              if not n.split("/")[0].endswith(".dist-info")
                              and (n.endswith(".py") or "/" in n)})
    depends = []
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:"):
            req = Requirement(line.split(":", 1)[1].strip())
            if req.marker is None or req.marker.evaluate(env):
                depends.append(normalize(req.name))
    return sorted(i for i in imports if not i.startswith("_")), sorted(set(depends))


def assemble_pyodide(npm: Path, wheels: dict[str, Path], project: Path, dest: Path) -> dict:
    """static/pyodide of the lite dir: the npm runtime, the wheels, a lock naming only them."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copy2(npm / name, dest / name)
    upstream = json.loads((npm / "pyodide-lock.json").read_text())
    packages = upstream["packages"]
    lock = {"info": upstream["info"], "packages": {}}
    pins = read_pins()
    for name, whl in sorted(wheels.items()):
        shutil.copy2(whl, dest / whl.name)
        if name in packages:
            entry = copy.deepcopy(packages[name])
            # a trimmed wheel has a name of its own; the version it was cut from is the lock's
            if entry["version"] != pins[name][0] or (
                    name not in TRIM and entry["file_name"] != whl.name):
                raise BuildError(
                    f"kernel-wheels.txt pins {name} {pins[name][0]}, but Pyodide's lock names "
                    f"{entry['file_name']}: pin the lock's version (its sha256 from PyPI)."
                )
            entry["file_name"] = whl.name
            entry["version"] = wheel_name_version(whl)[1]
            entry["sha256"] = sha256(dest / whl.name)  # PyPI's file, not Pyodide's rebuild
            entry["depends"] = [d for d in entry["depends"] if d not in NOT_SHIPPED.get(name, ())]
            lock["packages"][name] = entry
        elif name not in ("comm", "ipywidgets"):  # those two: below, as the kernel wants them
            imports, depends = wheel_imports_and_depends(whl)
            lock["packages"][name] = lock_entry(
                dest / whl.name, name, wheel_name_version(whl)[1], imports,
                [d for d in depends if d not in NOT_SHIPPED.get(name, ())])
    # in Pyodide's lock, ipython depends on its sqlite3 module, which is not on PyPI
    sqlite = placeholder_wheel(dest, "sqlite3", "1.0.0",
                               "placeholder: no sqlite3 in this site's browser Python")
    lock["packages"]["sqlite3"] = lock_entry(sqlite, "sqlite3", "1.0.0", [], [])
    # lesson 01 checks the JupyterLab it runs in: here that is JupyterLite's lab app, the
    # front end of this JupyterLab version, and no Python package; the placeholder says so
    lab = lab_frontend_version()
    placeholder = placeholder_wheel(
        dest, "jupyterlab", lab, f"placeholder: this page's JupyterLab is JupyterLite's lab "
        f"app, the front end of JupyterLab {lab}, with no server and no Python package")
    lock["packages"]["jupyterlab"] = lock_entry(placeholder, "jupyterlab", lab, [], [])
    # not in Pyodide's lock: comm (the kernel and ipywidgets), ipywidgets, the project
    lock["packages"]["comm"] = lock_entry(wheels["comm"], "comm", pins["comm"][0], ["comm"], [])
    # widgetsnbextension is the kernel's own empty stand-in, from its labextension's pypi/
    shim = next(kernel_pypi_dir().glob("widgetsnbextension-4.*-py3-none-any.whl"))
    shutil.copy2(shim, dest / shim.name)
    lock["packages"]["widgetsnbextension"] = lock_entry(
        dest / shim.name, "widgetsnbextension", wheel_name_version(shim)[1], [], [])
    lock["packages"]["ipywidgets"] = lock_entry(
        wheels["ipywidgets"], "ipywidgets", pins["ipywidgets"][0], ["ipywidgets"],
        ["comm", "ipython", "traitlets", "widgetsnbextension"])
    shutil.copy2(project, dest / project.name)
    lock["packages"][PROJECT] = lock_entry(dest / project.name, PROJECT,
                                           wheel_name_version(project)[1], [PROJECT_IMPORT], [])
    # every dependency named in the lock must be in it, or loading fails in the page
    for entry in lock["packages"].values():
        for dep in entry["depends"]:
            if normalize(dep) not in lock["packages"]:
                raise BuildError(f"{entry['name']} depends on {dep}, which the site does not ship")
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return lock


def precompile(npm: Path, contents: Path, dest: Path, lock: dict) -> dict:
    """The wheels of ``lock`` and the standard library's zip in ``dest`` given bytecode, in
    place, by the site's own Pyodide, for the modules that running the notebooks of
    ``contents`` imports (site/precompile.py says why and how); the lock's sha256
    rewritten to match. Returns precompile.py's reports."""
    archives = [*sorted({entry["file_name"] for entry in lock["packages"].values()}),
                "python_stdlib.zip"]
    node = shutil.which("node")
    if node is None:
        raise BuildError("node not found on PATH: the site's bytecode is made by its own "
                         "Pyodide, which Node runs (install Node.js, as for npm)")
    try:
        done = subprocess.run(  # noqa: S603 - our own argv
            [node, str(SITE / "precompile.mjs"), str(npm), str(contents), str(dest), *archives],
            check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        # Node quotes the minified line a Pyodide error is thrown from: a line kept short
        tail = "\n".join(line[:400] for line in (exc.stderr or exc.stdout or "").splitlines()[-15:])
        raise BuildError(f"site/precompile.mjs failed with exit code {exc.returncode}:\n"
                         f"{tail}") from None
    reports = [json.loads(line.removeprefix("precompile: ")) for line in done.stdout.splitlines()
               if line.startswith("precompile: {")]
    compiled = {r["archive"]: r["pyc"] for r in reports if "archive" in r}
    if sorted(compiled) != sorted(archives) or not compiled.get("python_stdlib.zip"):
        raise BuildError(f"site/precompile.mjs reported {sorted(compiled)}, not the "
                         f"{len(archives)} archives it was given")
    for entry in lock["packages"].values():
        entry["sha256"] = sha256(dest / entry["file_name"])
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    warm = next((r["warm_up"] for r in reports if "warm_up" in r), {})
    return {"pyc": compiled, "warm_up": warm}


def lab_frontend_version() -> str:
    """The JupyterLab version whose front end JupyterLite's lab app is built from."""
    import tarfile

    import jupyterlite_core

    app = next(Path(jupyterlite_core.__file__).parent.glob("jupyterlite-app-*.tgz"))
    with tarfile.open(app) as tf:
        package = json.load(tf.extractfile("package/lab/package.json"))
    return package["resolutions"]["@jupyterlab/application"].lstrip("~^")


def kernel_pypi_dir() -> Path:
    import jupyterlite_pyodide_kernel

    base = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite"
    pypi = base / "pyodide-kernel-extension" / "static" / "pypi"
    if not pypi.is_dir():
        raise BuildError(f"no {pypi}: is jupyterlite-pyodide-kernel "
                         f"({jupyterlite_pyodide_kernel.__file__}) installed in this venv?")
    return pypi


# -- the notebooks --------------------------------------------------------------------------


def _md(text: str) -> dict:
    cell_id = "site-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


IN_BROWSER = (
    "> **Running in your browser.** This page's Python is "
    "[Pyodide](https://pyodide.org) (CPython compiled to WebAssembly), with this project's "
    "package `cognito_helpers`, boto3 and the local Cognito already installed: the local "
    "Cognito runs inside this page, and *Run → Run All Cells* works as it is. Nothing you "
    "type leaves the page; what you change is kept in this browser's storage. The same "
    "lesson runs on your machine with `make lab`."
)


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _heading(cell: dict) -> str:
    src = _source(cell)
    return src.splitlines()[0].strip() if cell["cell_type"] == "markdown" and src else ""


def lesson_files() -> list[Path]:
    """Every lesson of notebooks/, in its reading order (the number its name starts with)."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def lesson_title(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    title = next((_heading(c) for c in cells if _heading(c).startswith("# ")), path.stem)
    return title.lstrip("# ").strip()


def site_lesson(path: Path) -> dict:
    """A lesson as the site shows it: the notebook as committed (its outputs too, so the
    page shows them before anything runs), with a note under its title on where it runs."""
    nb = json.loads(path.read_text())
    title = next((i for i, c in enumerate(nb["cells"]) if _heading(c).startswith("# ")), -1)
    nb["cells"].insert(title + 1, _md(IN_BROWSER))
    return nb


#: the project's documents the site ships as they are (the lessons link them for sources)
DOCS = ("docs/facts.md", "docs/glossary.md")

#: other files a lesson reads (lesson 01 checks the installed versions against these bounds)
EXTRAS = ("requirements.txt",)

#: a Markdown inline link (not an image): [text](url)
MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<url>[^()\s]+)\)")


def shipped_lessons() -> dict[str, str]:
    """The lessons the site ships: repository path -> path in the site, in reading order."""
    return {f"notebooks/{p.name}": f"lessons/{p.name}" for p in lesson_files()
            if p.name not in NOT_IN_BROWSER}


def shipped() -> dict[str, str]:
    """Every file of the repository the site holds: repository path -> path in the site."""
    files = {app: app for app in APPS}
    files.update(shipped_lessons())
    files.update({doc: doc for doc in DOCS})
    files.update({extra: extra for extra in EXTRAS})
    return files


def localize_links(markdown: str, repo_path: str, files: dict[str, str]) -> str:
    """Point ``markdown``'s relative links (written for the repository) at the site's copies.

    A link to a file the site holds is rewritten relative to where that copy sits; a link
    to one it does not hold (another lesson, the README) cannot work in the page, so it
    becomes its text and the file's path in the repository, to open with ``make lab``.
    """
    site_path = files[repo_path]

    def fix(m: re.Match) -> str:
        url = m["url"]
        if url.startswith("#") or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url):
            return m[0]  # an anchor in the same page, or an absolute URL
        target, sep, fragment = url.partition("#")
        repo_target = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), target))
        if repo_target in files:
            rel = posixpath.relpath(files[repo_target], posixpath.dirname(site_path) or ".")
            return f"[{m['text']}]({rel}{sep}{fragment})"
        return f"{m['text']} (`{repo_target}` in the repository)"

    return MD_LINK.sub(fix, markdown)


def _localize_notebook(nb: dict, repo_path: str, files: dict[str, str]) -> dict:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = localize_links(src, repo_path, files)
    return nb


def write_contents(dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    files = shipped()
    for folder in ("apps", "lessons", "docs"):
        (dest / folder).mkdir(parents=True)
    for app in APPS:
        shutil.copy2(ROOT / app, dest / app)
    for repo_path in shipped_lessons():
        nb = _localize_notebook(site_lesson(ROOT / repo_path), repo_path, files)
        (dest / files[repo_path]).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    for doc in DOCS:
        text = localize_links((ROOT / doc).read_text(encoding="utf-8"), doc, files)
        (dest / files[doc]).write_text(text, encoding="utf-8")
    for extra in EXTRAS:
        shutil.copy2(ROOT / extra, dest / files[extra])


# -- the site -------------------------------------------------------------------------------


KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


def write_lite_config(lite: Path) -> None:
    """The site's jupyter-lite.json (PRELOAD), and lab/'s, whose kernel loads PRELOAD_LESSONS.

    JupyterLite merges an app's own jupyter-lite.json over the site's, a plugin's settings
    key by key: lab/'s therefore repeats the kernel's whole settings, packages changed."""
    config = json.loads((SITE / "jupyter-lite.json").read_text())
    settings = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    settings["loadPyodideOptions"]["packages"] = list(PRELOAD)
    (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")
    lessons = copy.deepcopy(settings)
    lessons["loadPyodideOptions"]["packages"] = list(PRELOAD_LESSONS)
    lab = {"jupyter-lite-schema-version": 0,
           "jupyter-config-data": {"litePluginSettings": {KERNEL_PLUGIN: lessons}}}
    (lite / "lab").mkdir(exist_ok=True)
    (lite / "lab" / "jupyter-lite.json").write_text(json.dumps(lab, indent=2) + "\n")


#: where a lesson the site does not ship can be read: the repository's page for it when the
#: build knows the repository (GitHub Actions sets these), else its path in a clone
def repository_link(repo_path: str) -> str:
    server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repo:
        ref = os.environ.get("GITHUB_SHA") or "HEAD"
        url = f"{server}/{repo}/blob/{ref}/{repo_path}"
        return f'<a href="{html.escape(url)}"><code>{html.escape(repo_path)}</code></a>'
    return f"<code>{html.escape(repo_path)}</code> in the repository"


def landing_page(out: Path) -> None:
    """index.html with the lessons in their order: each a link into the site's lab, or,
    for a lesson the site does not ship, why and where to run it."""
    here, elsewhere = [], []
    for path in lesson_files():
        number, title = path.name[:2], html.escape(lesson_title(path))
        if path.name in NOT_IN_BROWSER:
            elsewhere.append(
                f'    <li id="lesson-{number}-elsewhere">{title}: not in the browser, '
                f"because {html.escape(NOT_IN_BROWSER[path.name])}. Read it, and run it with "
                f"<code>make lab</code>: {repository_link('notebooks/' + path.name)}.</li>")
        else:
            here.append(f'    <li><a id="lesson-{number}" href="lab/index.html?path=lessons/'
                        f'{html.escape(path.name)}">{title}</a></li>')
    page = (SITE / "index.html").read_text()
    page = page.replace("<!-- LESSONS -->", "\n".join(here))
    page = page.replace("<!-- NOT_IN_BROWSER -->", "\n".join(elsewhere))
    (out / "index.html").write_text(page)


#: stylesheets Voilà's template links from a CDN; the apps use no icon font, so the site drops them
CDN_LINK = re.compile(r'<link[^>]+href="https://cdn\.jsdelivr\.net/npm/@fortawesome/[^"]*"[^>]*>\s*')


def drop_cdn_links(out: Path) -> int:
    """Remove the CDN stylesheet links from the Voici pages; return how many went."""
    dropped = 0
    for page in (out / "voici").rglob("*.html"):
        text = page.read_text()
        new, n = CDN_LINK.subn("", text)
        if n:
            page.write_text(new)
            dropped += n
    return dropped


def link_lab_icon(out: Path) -> None:
    """Give the lab's page an icon link: its index.html has none until JupyterLab's script
    adds one, and a browser that asks first (on a reload) asks for /favicon.ico at the
    host's root, outside the site (on GitHub Pages, another site's path)."""
    page = out / "lab" / "index.html"
    text = page.read_text()
    if 'rel="icon"' not in text:
        text = text.replace("<head>", '<head>\n    <link rel="icon" type="image/x-icon" '
                            'href="./favicon.ico" class="idle favicon">', 1)
        page.write_text(text)


def site_size(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def build(*, clean: bool = False, record_trimmed: bool = False) -> dict:
    started = time.monotonic()
    if clean:
        shutil.rmtree(BUILD, ignore_errors=True)
    BUILD.mkdir(exist_ok=True)
    npm = ensure_pyodide()
    pins = read_pins()
    pypi = ensure_wheels(pins)
    wheels = trim_wheels(pypi, BUILD / "trimmed", record=record_trimmed)
    project = build_project_wheel(BUILD / "wheel")
    lite = BUILD / "lite"
    shutil.rmtree(lite, ignore_errors=True)
    lite.mkdir()
    lock = assemble_pyodide(npm, wheels, project, lite / "static" / "pyodide")
    write_lite_config(lite)
    write_contents(BUILD / "contents")
    log("byte-compiling what the notebooks import, in the site's Pyodide (site/precompile.py)")
    precompile_started = time.monotonic()
    precompiled = precompile(npm, BUILD / "contents", lite / "static" / "pyodide", lock)
    precompile_seconds = time.monotonic() - precompile_started
    partial = {nb: ran for nb, ran in precompiled["warm_up"].get("notebooks", {}).items()
               if ran.split("/")[0] != ran.split("/")[1]}
    if partial:  # what those cells would have imported is compiled in the page instead
        log(f"warm-up: not every cell ran in the build's Pyodide ({partial}): the modules "
            "they import get no bytecode")
    shutil.rmtree(OUTPUT, ignore_errors=True)
    # jupyterlite's task cache (doit) would skip merging a changed jupyter-lite.json
    (BUILD / ".jupyterlite.doit.db").unlink(missing_ok=True)
    log("voici build (JupyterLite lab + voici)")
    voici_started = time.monotonic()
    voici_log = BUILD / "voici-build.log"
    with voici_log.open("wb") as out:
        try:
            run([str(Path(sys.executable).parent / "voici"), "build",
                 "--lite-dir", str(lite), "--contents", str(BUILD / "contents"),
                 "--output-dir", str(OUTPUT), "--apps", "lab", "--apps", "voici",
                 "--no-sourcemaps", "--no-unused-shared-packages"],
                cwd=BUILD, stdout=out, stderr=subprocess.STDOUT)
        except BuildError as exc:
            tail = "\n".join(voici_log.read_text(errors="replace").splitlines()[-30:])
            raise BuildError(f"{exc}; the end of {voici_log}:\n{tail}") from None
    voici_seconds = time.monotonic() - voici_started
    dropped = drop_cdn_links(OUTPUT)
    if not dropped:
        raise BuildError("the Voici pages no longer link FontAwesome from the CDN: check "
                         "drop_cdn_links() in site/build.py still matches what they load")
    landing_page(OUTPUT)
    link_lab_icon(OUTPUT)
    (OUTPUT / ".nojekyll").write_text("")  # GitHub Pages: serve _-prefixed paths as they are
    size = site_size(OUTPUT)
    seconds = time.monotonic() - started
    runtime = sum((OUTPUT / "static" / "pyodide" / name).stat().st_size for name in RUNTIME_FILES)
    summary = {"seconds": round(seconds, 2), "voici_seconds": round(voici_seconds, 2),
               "precompile_seconds": round(precompile_seconds, 2),
               "pyc": sum(precompiled["pyc"].values()), "warm_up": precompiled["warm_up"],
               "bytes": size, "runtime_bytes": runtime, "packages": sorted(lock["packages"]),
               "trimmed": {name: {"from_bytes": pypi[name].stat().st_size,
                                  "bytes": wheels[name].stat().st_size} for name in TRIM}}
    (BUILD / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    log(f"built {OUTPUT.relative_to(ROOT)} in {seconds:.1f} s (voici build {voici_seconds:.1f} s): "
        f"{size / 1e6:.1f} MB, Pyodide {kernel_version()}, {len(lock['packages'])} wheels in its lock, "
        f"{sum(precompiled['pyc'].values())} modules byte-compiled ({precompile_seconds:.1f} s)")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="rebuild site/_build from scratch")
    parser.add_argument("--record-trimmed", action="store_true",
                        help="rewrite site/trimmed-wheels.txt from this build's trimmed wheels")
    args = parser.parse_args(argv)
    try:
        build(clean=args.clean, record_trimmed=args.record_trimmed)
    except BuildError as exc:
        print(f"site: build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
