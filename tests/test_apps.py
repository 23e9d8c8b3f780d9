"""App mode: `python -m cognito_helpers app` serves apps/*.ipynb with Voilà on loopback."""

from __future__ import annotations

import ast
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from cognito_helpers.cli import main
from cognito_helpers.exceptions import InvalidInputError
from cognito_helpers.lessons import widgets
from cognito_helpers.lessons.apps import APPS_DIR, available_apps, voila_command

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str] | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        conn.close()


@pytest.mark.parametrize("name", available_apps())
def test_app_notebooks_only_call_the_widget_functions(name: str):
    """An app page shows widgets, not a lesson: its code is imports from
    cognito_helpers.lessons.widgets and calls of what it imported, with no stored outputs."""
    nb = nbformat.read(APPS_DIR / f"{name}.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    imported: set[str] = set()
    calls = 0
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        assert cell.outputs == [] and cell.execution_count is None
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.ImportFrom):
                assert node.module == "cognito_helpers.lessons.widgets"
                for alias in node.names:
                    assert hasattr(widgets, alias.name), alias.name
                    imported.add(alias.asname or alias.name)
            else:
                assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                assert isinstance(node.value.func, ast.Name) and node.value.func.id in imported
                calls += 1
    assert calls >= 1


def test_the_calculator_app_exists():
    assert "calculator" in available_apps()


def test_voila_command_serves_one_app_or_all_on_loopback():
    one = voila_command("calculator", port=9999)
    assert one[1:5] == ["-m", "cognito_helpers.jupyter_start", "voila",
                        str(APPS_DIR / "calculator.ipynb")]
    assert "--Voila.ip=127.0.0.1" in one and "--port=9999" in one
    assert voila_command()[4] == str(APPS_DIR)
    with pytest.raises(InvalidInputError, match=r"choose one of: .*calculator"):
        voila_command("lesson-03")


def test_cli_rejects_an_unknown_app(capsys: pytest.CaptureFixture[str]):
    assert main(["app", "no-such-app"]) == 2
    assert "is not an app" in capsys.readouterr().err


def test_cli_app_serves_the_calculator_page_without_its_code(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "JUPYTER"))}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR"):
        env[name] = str(tmp_path / name.lower())
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_helpers", "app", "calculator", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        answer = None
        while answer is None:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the app never answered"
            answer = _get(port, "/")
            if answer is None:
                time.sleep(0.2)  # polling interval while the server starts
        status, page = answer
        assert status == 200
        assert "SECRET_HASH calculator" in page  # the markdown is rendered...
        assert "from cognito_helpers.lessons.widgets import" not in page  # ...the code is not
        assert "application/vnd.jupyter.widget-view+json" in page  # the widget's output is
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
    assert proc.returncode is not None


def test_the_landing_page_says_what_each_app_does():
    """`make app` opens on apps/index.ipynb: every app, linked, with what it does."""
    from cognito_helpers.lessons.apps import APPS, LANDING

    assert set(APPS) == set(available_apps())
    nb = nbformat.read(APPS_DIR / f"{LANDING}.ipynb", as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown"]  # a page, no code to run
    text = nb.cells[0].source
    for name, what in APPS.items():
        assert f"]({name}.ipynb)" in text, name
        title = what.split(":")[0].split("?")[0]
        assert title in text, title


def test_cli_app_without_a_name_points_at_the_landing_page(monkeypatch, capsys):
    from cognito_helpers.lessons import apps

    monkeypatch.setattr(apps.subprocess, "call", lambda argv: 0)
    assert main(["app", "--port", "8799"]) == 0
    assert "http://127.0.0.1:8799/voila/render/index.ipynb" in capsys.readouterr().out
