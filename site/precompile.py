"""Byte-compile the site's Python with the Python that will run it (``make site``).

The page compiles every module it imports, each time it loads: the npm package
``pyodide`` carries its standard library as source (python_stdlib.zip), PyPI's
wheels carry no bytecode, and Pyodide writes none (``sys.dont_write_bytecode``
is set: its file system is memory, gone with the tab). On a 2-core box that
compiling was about 5 s of lesson 02's 17 s cold start (benchmarks/bench_site.py).

site/precompile.mjs starts the site's own Pyodide in Node and runs this file in
it, so the bytecode is made by the very interpreter (CPython 3.13 in
WebAssembly, its magic number and compiler) that loads it. Bytecode for every
module would add 13 MB to the site, most of it never imported (Pygments'
hundreds of lexers, say), so this first finds what is: it unpacks the wheels
as the page does, runs every shipped notebook's code cells in an IPython shell
(the kernel's own machinery; a cell that fails is only not counted), and takes
the modules then loaded, Pyodide's own start-up included. Each of those gets a
``__pycache__/<name>.cpython-313.pyc`` in its wheel, or a ``<name>.pyc`` beside
it in the standard library's zip (where zipimport looks): an unchecked
hash-based pyc (PEP 552), which Python takes without comparing the source's
mtime (an unpacked wheel's files do not keep it). A wheel keeps its sources, for
tracebacks and IPython's ``??`` (botocore's, moto's and this project's code is
what a learner reads), and its RECORD lists the new files; in the standard
library's zip the pyc replaces its source, as Pyodide's own builds ship it, which
keeps the site within its 60 MB (a traceback through the standard library shows
its lines' numbers, not their text). A module the warm-up missed still works,
compiled in the page as before.

    python precompile.py NOTEBOOK_DIR ARCHIVE...   (inside Pyodide; its file system's paths)

Each archive is rewritten in place; a line ``precompile: {json}`` per archive
says what was done, and one for the warm-up.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.util
import io
import json
import marshal
import os
import sys
import time
import zipfile
from pathlib import Path, PurePosixPath

#: where Pyodide puts what its lock installs ("install_dir": "site") and its stdlib zip
SITE_PACKAGES = "/lib/python3.13/site-packages"
STDLIB_ZIP = "/lib/python313.zip"
#: the zip entries' time, as site/build.py writes its own wheels (reproducible bytes)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: PEP 552's flags word: hash-based (bit 0), source not checked (bit 1 clear)
UNCHECKED_HASH = (1).to_bytes(4, "little")


def pyc(source: bytes, filename: str) -> bytes:
    """The unchecked hash-based pyc of ``source``, its code named ``filename``."""
    code = compile(source, filename, "exec", dont_inherit=True)
    return (importlib.util.MAGIC_NUMBER + UNCHECKED_HASH
            + importlib.util.source_hash(source) + marshal.dumps(code))


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def unpack(wheels: list[str]) -> None:
    """The wheels into site-packages, as Pyodide's loadPackage puts them in the page."""
    for whl in wheels:
        with zipfile.ZipFile(whl) as zf:
            zf.extractall(SITE_PACKAGES)
    importlib.invalidate_caches()


def warm_up(notebooks: Path, compiled: set[str]) -> dict:
    """Every notebook's code cells under ``notebooks``, run in one IPython shell with the
    output discarded; what ran (cells that succeeded of each notebook) and how long.
    ``compiled`` gets the source file of every module compiled meanwhile: those that
    failed to import too (urllib3's pyopenssl, dateutil's win), which the page compiles
    as it tries them, and which ``sys.modules`` then no longer holds."""
    import builtins

    real_compile = builtins.compile

    def recording(source, filename, *args, **kwargs):  # the import system calls this one
        if isinstance(filename, str) and filename.endswith(".py"):
            compiled.add(filename)
        return real_compile(source, filename, *args, **kwargs)

    builtins.compile = recording
    try:
        return _run_notebooks(notebooks)
    finally:
        builtins.compile = real_compile


def _run_notebooks(notebooks: Path) -> dict:
    from IPython.core.interactiveshell import InteractiveShell

    started = time.perf_counter()
    shell = InteractiveShell.instance()
    ran = {}
    for nb in sorted(notebooks.rglob("*.ipynb")):
        cells = [c for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
                 if c["cell_type"] == "code"]
        os.chdir(nb.parent)
        ok = 0
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for cell in cells:
                ok += bool(shell.run_cell("".join(cell["source"]), silent=True).success)
        ran[nb.relative_to(notebooks).as_posix()] = f"{ok}/{len(cells)}"
    return {"notebooks": ran, "seconds": round(time.perf_counter() - started, 1)}


def imported() -> set[str]:
    """The source files of every module now loaded: site-packages' and the stdlib zip's."""
    files = set()
    for module in list(sys.modules.values()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if isinstance(origin, str) and origin.endswith(".py"):
            files.add(origin)
    return files


def compile_archive(path: str, wanted: set[str]) -> dict:
    """``path`` (a wheel, or the stdlib zip) rewritten with a pyc for each of its modules
    whose source (as the page names it: site-packages' or the zip's path) is in ``wanted``."""
    wheel = path.endswith(".whl")
    with zipfile.ZipFile(path) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    names = {info.filename for info, _ in entries}
    added: dict[str, bytes] = {}
    skipped = []
    for info, data in entries:
        name = info.filename
        if not name.endswith(".py") or ".dist-info/" in name:
            continue
        if wheel:
            target = importlib.util.cache_from_source(name)
            shown = f"{SITE_PACKAGES}/{name}"
        else:
            target = name[:-3] + ".pyc"
            shown = f"{STDLIB_ZIP}/{name}"
        if target in names or shown not in wanted:  # has bytecode, or the page never imports it
            continue
        try:
            added[target] = pyc(data, shown)
        except (SyntaxError, ValueError):  # not Python 3.13 (a template, a py2 file): left as is
            skipped.append(name)
    if not added:
        return {"archive": PurePosixPath(path).name, "pyc": 0, "skipped": skipped}
    replaced = set() if wheel else {name[:-4] + ".py" for name in added}
    out: list[tuple[str, bytes]] = []
    for info, data in entries:
        if info.is_dir() or info.filename in replaced:
            continue
        if wheel and info.filename.endswith(".dist-info/RECORD"):
            lines = [ln for ln in data.decode().splitlines() if ln.strip()]
            last = [ln for ln in lines if ln.startswith(info.filename + ",")]
            rest = [ln for ln in lines if ln not in last]
            rest += [_record_line(p, added[p]) for p in sorted(added)]
            data = ("\n".join([*rest, *(last or [f"{info.filename},,"])]) + "\n").encode()
        out.append((info.filename, data))
    out += sorted(added.items())
    if wheel:  # RECORD last, as wheels have it
        out.sort(key=lambda item: item[0].endswith(".dist-info/RECORD"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in out:
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, data)
    return {"archive": PurePosixPath(path).name, "pyc": len(added), "skipped": skipped}


def main(argv: list[str]) -> int:
    if sys.platform != "emscripten":
        print("site/precompile.py runs inside Pyodide (site/precompile.mjs starts it): the "
              "bytecode must be of the page's own Python", file=sys.stderr)
        return 2
    if len(argv) < 2:
        print("usage: precompile.py NOTEBOOK_DIR ARCHIVE...", file=sys.stderr)
        return 2
    notebooks, archives = Path(argv[0]), argv[1:]
    unpack([a for a in archives if a.endswith(".whl")])
    compiled: set[str] = set()
    print("precompile: " + json.dumps({"warm_up": warm_up(notebooks, compiled)}))
    wanted = imported() | compiled
    for path in archives:
        print("precompile: " + json.dumps(compile_archive(path, wanted)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
