"""CLI start: `python -m cognito_helpers hash ...` against `python -c "import hmac, hashlib, base64"`.

Both in fresh interpreters of this venv, interleaved. Goal: at most 1.5x. The
hash path imports only the standard library, and not typing or json either
(tests/test_cli_imports.py checks sys.modules), so what is left is runpy,
argparse and the package's own small modules. Measured as CPU time (user +
system, from wait4), which other load on a shared machine disturbs far less
than wall time; the wall-time ratio is reported too.
"""

from __future__ import annotations

from ._util import PYTHON, Result, clean_env, interleaved, median, run, run_cpu

VECTOR = ("username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
FLOOR_NAME = 'python -c "import hmac, hashlib, base64"'


def bench(rounds: int = 30) -> list[Result]:
    user, cid, secret = VECTOR
    env = clean_env(COGNITO_CLIENT_SECRET=secret)
    cmds = {
        "hash": [PYTHON, "-m", "cognito_helpers", "hash", "-u", user, "-c", cid],
        "floor": [PYTHON, "-c", "import hmac, hashlib, base64"],
        "explain": [PYTHON, "-m", "cognito_helpers", "explain",
                    f"NotAuthorizedException: Unable to verify secret hash for client {cid}"],
    }
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(2):  # warm the page cache and .pyc files
        for cmd in cmds.values():
            run_cpu(cmd, env)
    for _ in range(rounds):
        for name, cmd in cmds.items():
            cpu[name].append(run_cpu(cmd, env))
    wall = interleaved({k: (lambda c=c: run(c, env)) for k, c in cmds.items()}, max(5, rounds // 3))
    ms = {k: median(v) * 1000 for k, v in cpu.items()}
    wall_ms = {k: median(v) * 1000 for k, v in wall.items()}
    return [
        Result("CLI start: hash (CPU time)", ms["hash"], ms["floor"], "ms",
               baseline_name=FLOOR_NAME, goal="<= 1.5x", ok=ms["hash"] / ms["floor"] <= 1.5,
               notes=[f"median of {rounds} interleaved runs each, user+sys CPU"]),
        Result("CLI start: hash (wall time)", wall_ms["hash"], wall_ms["floor"], "ms",
               baseline_name=FLOOR_NAME, goal="(report)",
               notes=[f"median of {max(5, rounds // 3)} interleaved runs each"]),
        Result("CLI start: explain (CPU time)", ms["explain"], ms["floor"], "ms",
               baseline_name=FLOOR_NAME, goal="(report)"),
    ]
