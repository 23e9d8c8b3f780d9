"""The inspecting proxy's overhead (issue 12): the same sign-in through it and around it.

``python -m cognito_helpers proxy --demo`` in its own process, as the README's
"My login fails: what now?" step 3 runs it: the proxy with its embedded local
Cognito. Through the proxy, each call is read, its SECRET_HASH judged (the
proxy knows the demo client's secret), the verdict printed (to a pipe here,
read and dropped) and the call forwarded; direct, the same call goes to the
same process's local Cognito, so the two differ by the proxy alone. Both share
that process's GIL, as they do for a user.

Per call: one connection each, calls alternating, p50 and p99. Under load:
16 threads for a few seconds each way, alternating rounds. No goal in
issue 12 ("the proxy's overhead"): reported.
"""

from __future__ import annotations

from pathlib import Path

from ._servers import Load, hammer, percentile, sequential, start_proxy, tmpdir
from ._util import Result, median

THREADS = 16


def bench(calls: int = 400, seconds: float = 4.0, rounds: int = 3,
          threads: int = THREADS) -> list[Result]:
    with tmpdir() as tmp:
        proc, via, direct = start_proxy(Path(tmp))
        try:
            seq = sequential([direct, via], calls)
            hammer(direct, threads, min(1.0, seconds))
            hammer(via, threads, min(1.0, seconds))
            runs: dict[str, list[Load]] = {"via": [], "direct": []}
            for _ in range(rounds):
                runs["via"].append(hammer(via, threads, seconds))
                runs["direct"].append(hammer(direct, threads, seconds))
        finally:
            proc.stop()
    s50 = {k: percentile(v.latencies, 50) * 1000 for k, v in seq.items()}
    s99 = {k: percentile(v.latencies, 99) * 1000 for k, v in seq.items()}
    rate = {k: median([r.rate for r in v]) for k, v in runs.items()}
    l99 = {k: percentile([x for r in v for x in r.latencies], 99) * 1000 for k, v in runs.items()}
    errors = [f"{k}: {v.errors} calls without tokens (first: {v.first_error})"
              for k, v in {**seq, **{f"{k} under load": _sum(v) for k, v in runs.items()}}.items()
              if v.errors]
    v, d = via.label, direct.label
    base = "the same process's local Cognito, direct"
    return [
        Result("proxy: sign-in p50, one call at a time", s50[v], s50[d], "ms", baseline_name=base,
               goal="(report)", notes=[f"{calls} alternating calls each, one connection each",
                                        *errors]),
        Result("proxy: sign-in p99, one call at a time", s99[v], s99[d], "ms", baseline_name=base,
               goal="(report)"),
        Result(f"proxy: sign-ins/s, {threads} threads", rate["via"], rate["direct"], "req/s",
               baseline_name=base, goal="(report)",
               notes=[f"{threads} threads x {seconds:g} s, {rounds} alternating rounds, median"]),
        Result(f"proxy: sign-in p99, {threads} threads", l99["via"], l99["direct"], "ms",
               baseline_name=base, goal="(report)"),
    ]


def _sum(loads: list[Load]) -> Load:
    total = Load()
    for load in loads:
        total.add(load)
    return total
