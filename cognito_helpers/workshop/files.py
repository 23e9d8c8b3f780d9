"""The files ``up`` writes in its ``--out`` directory, owner-only (dir 700, files 600).

* ``workshop.json``, the state file: what exists (no secrets), saved after each
  provisioning step and read back by ``down``;
* ``participants.csv`` and ``participants.html``, the participant sheet
  (printable, one card each).

The participants' env files are :mod:`.envfile`'s. README, "Run a workshop".
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from pathlib import Path
from typing import Any

from ..exceptions import InvalidInputError
from .records import Workshop

__all__ = ["STATE_FILE", "STATE_VERSION"]

STATE_FILE = "workshop.json"
STATE_VERSION = 1


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 600, atomically (tmp file + rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(text)
    os.replace(tmp, path)


def _state_path(out_dir: Path) -> Path:
    return out_dir / STATE_FILE


def _save_state(out_dir: Path, state: dict[str, Any]) -> None:
    _write_private(_state_path(out_dir), json.dumps(state, indent=2) + "\n")


def _load_state(out_dir: Path) -> dict[str, Any] | None:
    path = _state_path(out_dir)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            "--out", f"{path} is not a workshop state file ({exc.__class__.__name__}); "
            "pass --workshop-id to find the pool by its tag instead."
        ) from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise InvalidInputError("--out", f"{path} is not a version-{STATE_VERSION} workshop state file")
    return state



def _sheet_csv(ws: Workshop) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["username", "password", "user_pool_id", "client_id", "client_secret", "region", "env_file"]
    )
    for p in ws.participants:
        writer.writerow(
            [p.username, p.password, ws.user_pool_id, ws.client_id, ws.client_secret, ws.region,
             p.env_file]
        )
    return buf.getvalue()


def _sheet_html(ws: Workshop) -> str:
    e = html.escape
    cards = []
    for p in ws.participants:
        rows = [
            ("Username", p.username),
            ("Password", p.password),
            ("Region", ws.region),
            ("User pool id", ws.user_pool_id),
            ("App client id", ws.client_id),
            ("Client secret", ws.client_secret),
        ]
        if ws.endpoint_url:
            rows.append(("Endpoint", ws.endpoint_url))
        body = "".join(f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>" for k, v in rows)
        cards.append(
            f'<section class="card"><h2>{e(p.username)}</h2><table>{body}</table>'
            f"<p>Or load <code>{e(p.env_file)}</code> into your environment.</p></section>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Workshop {e(ws.workshop_id)}: participant sheet</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
.card {{ border: 1px dashed #888; padding: .5em 1em; margin: 0 0 1em; break-inside: avoid; }}
th {{ text-align: left; padding-right: 1em; font-weight: normal; color: #444; }}
code {{ font-size: 1.05em; word-break: break-all; }}
@media print {{ .card {{ page-break-inside: avoid; }} }}
</style></head><body>
<h1>Cognito Secret Hash Lab: workshop {e(ws.workshop_id)}</h1>
<p>Cut along the dashed lines: one card per participant. Secret: do not share or post.</p>
{"".join(cards)}
</body></html>
"""
