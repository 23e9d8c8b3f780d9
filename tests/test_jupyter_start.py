"""cognito_helpers.jupyter_start: Jupyter's servers without rfc3987-syntax's import, nothing else.

That the servers really run through it is proven where they are used: JupyterLab and
Voilà in tests/browser/, the room's hub and single-user servers in tests/test_room.py,
``app`` in tests/test_apps.py.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cognito_helpers import jupyter_start


def _run(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "cognito_helpers.jupyter_start", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("args", [[], ["notebook"], ["--help"]])
def test_a_missing_or_unknown_application_is_refused_with_the_choices(args: list[str]) -> None:
    done = _run(*args)
    assert done.returncode == 2
    assert "lab,voila,hub,singleuser" in done.stderr and "first argument" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_application_runs_with_its_own_arguments() -> None:
    done = _run("voila", "--version")
    import voila

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == voila.__version__


_IRI_FORMAT = re.compile(r"""["']?format["']?\s*:\s*["']?iri(-reference)?\b""")
_CHECKERS = """
import json, sys
from cognito_helpers import jupyter_start
if sys.argv[1] == "skip":
    jupyter_start.skip_unused_format_checker()
import jsonschema
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
print(json.dumps({"checkers": sorted(checker.checkers),
                  "imported": sys.modules.get("rfc3987_syntax") is not None}))
"""


def test_only_the_iri_checkers_are_skipped() -> None:
    try:  # not find_spec: make test's first plugin marks the module absent in this process
        importlib.metadata.distribution("rfc3987-syntax")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("rfc3987-syntax is not installed: there is nothing to skip")
    runs = {}
    for mode in ("skip", "keep"):
        done = subprocess.run([sys.executable, "-c", _CHECKERS, mode], capture_output=True,
                              text=True, timeout=120, check=True)
        runs[mode] = json.loads(done.stdout)
    assert runs["keep"]["imported"] and not runs["skip"]["imported"]
    lost = set(runs["keep"]["checkers"]) - set(runs["skip"]["checkers"])
    assert lost == {"iri", "iri-reference"}
    assert {"uri", "date-time", "email"} <= set(runs["skip"]["checkers"])


def test_no_jupyter_schema_installed_here_uses_the_skipped_formats() -> None:
    """The premise: the event schemas of every server jupyter_start runs never ask for
    ``iri`` or ``iri-reference``, so skipping their checker changes no validation."""
    roots = []
    for name in ("jupyter_events", "jupyter_server", "jupyterlab", "jupyterlab_server",
                 "jupyterhub", "voila", "jupyter_server_terminals", "jupyter_lsp"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            roots.append(Path(spec.origin).parent)
    assert roots, "no Jupyter package found"
    schemas = [p for root in roots for pattern in ("*.json", "*.yaml", "*.yml")
               for p in root.rglob(pattern)]
    assert schemas, "no schema files found: the scan looks in the wrong place"
    using = [str(p) for p in schemas if _IRI_FORMAT.search(p.read_text(errors="replace"))]
    assert not using, f"these schemas ask for an iri format: {using}"


def test_an_application_not_installed_says_what_to_install(monkeypatch, capsys) -> None:
    monkeypatch.setitem(jupyter_start.APPS, "hub", "no_such_module_for_this_test.app")
    assert jupyter_start.main(["hub", "-f", "config.py"]) == 2
    err = capsys.readouterr().err
    assert "hub is not installed" in err and "room/requirements.txt" in err
