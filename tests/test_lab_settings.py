"""`make lab` turns off JupyterLab's news consent pop-up and update check (issue 14).

The pop-up covered the lessons' widgets on a first start, and the news feed
and update check would reach jupyter.org. ``lab-settings/overrides.json`` is
copied by the Makefile's ``lab`` target into the venv's JupyterLab settings
(``share/jupyter/lab/settings/overrides.d``), where JupyterLab reads overrides.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "@jupyterlab/apputils-extension:notification"


def test_make_lab_installs_the_overrides(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / ".installed").touch()  # the stamp: nothing to install
    # instead of the lab itself: a "python" that checks how make lab starts JupyterLab
    (venv / "bin" / "python").write_text(
        '#!/bin/sh\n[ "$1 $2 $3" = "-m cognito_helpers.jupyter_start lab" ] || exit 9\n')
    (venv / "bin" / "python").chmod(0o755)
    done = subprocess.run(["make", "-s", "lab", f"VENV={venv}", "STAMP=" + str(venv / ".installed")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "turning off JupyterLab's news" in done.stdout
    installed = venv / "share/jupyter/lab/settings/overrides.d/cognito-secret-hash-lab.json"
    assert installed.read_text() == (ROOT / "lab-settings/overrides.json").read_text()


def test_jupyterlab_reads_news_and_updates_off(tmp_path: Path) -> None:
    from jupyterlab_server.settings_utils import _get_overrides, get_settings

    app_settings = tmp_path / "settings"
    (app_settings / "overrides.d").mkdir(parents=True)
    shutil.copy(ROOT / "lab-settings/overrides.json", app_settings / "overrides.d/x.json")
    overrides, error = _get_overrides(str(app_settings))
    assert error == ""
    schemas = Path(sys.prefix) / "share/jupyter/lab/schemas"
    if not (schemas / "@jupyterlab/apputils-extension/notification.json").exists():
        pytest.skip("JupyterLab's schemas are not installed in this environment")
    result, _ = get_settings(str(app_settings), str(schemas), str(tmp_path / "user"),
                             schema_name=PLUGIN, overrides=overrides)
    props = result["schema"]["properties"]  # JupyterLab applies overrides as the defaults
    assert props["fetchNews"]["default"] == "false"  # "Never": no consent pop-up, no feed
    assert props["checkForUpdates"]["default"] is False
    assert "false" in {o["const"] for o in props["fetchNews"]["oneOf"]}
    assert re.search(r"lab-settings/overrides.json", (ROOT / "Makefile").read_text())
