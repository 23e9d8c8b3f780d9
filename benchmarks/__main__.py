"""``python -m benchmarks [NAME ...] [--markdown] [--quick]``: run the benchmarks, print a table.

NAMEs: cli, diagnosis, local, suite, install, site (default: all, in that order;
install builds two fresh venvs and takes a few minutes; site builds the static site
and opens it in Chromium). ``--markdown`` prints
the table as the README's "Benchmarks" section shows it, with date and machine.
``--quick`` runs fewer rounds (a smoke run, not for the README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable

from ._util import Result, fmt, machine

NAMES = ("cli", "diagnosis", "local", "load", "proxy", "suite", "install", "site", "room")


def _runner(name: str, quick: bool) -> Callable[[], list[Result]]:
    if name == "cli":
        from . import bench_cli

        return lambda: bench_cli.bench(rounds=8 if quick else 30)
    if name == "diagnosis":
        from . import bench_diagnosis

        return lambda: bench_diagnosis.bench(number=30 if quick else 200)
    if name == "local":
        from . import bench_local

        return lambda: bench_local.bench(rounds=30 if quick else 150, start_rounds=3 if quick else 7)
    if name == "load":
        from . import bench_load

        return lambda: bench_load.bench(seconds=1.5 if quick else 5.0, rounds=1 if quick else 3)
    if name == "proxy":
        from . import bench_proxy

        return lambda: bench_proxy.bench(calls=100 if quick else 400, seconds=1.5 if quick else 4.0,
                                         rounds=1 if quick else 3)
    if name == "suite":
        from . import bench_suite

        return lambda: bench_suite.bench(rounds=1 if quick else 3, full=not quick)
    if name == "room":
        from . import bench_room

        return lambda: bench_room.bench(sizes=(1, 5) if quick else (1, 5, 10))
    if name == "site":
        from . import bench_site

        return lambda: bench_site.bench(rounds=1 if quick else 3)
    if name == "install":
        from . import bench_install

        return bench_install.bench
    raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(NAMES)}")


def _row(r: Result) -> list[str]:
    ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
    verdict = {True: "met", False: "NOT met", None: ""}[r.ok]
    return [r.name, fmt(r.value, r.unit), fmt(r.baseline, r.unit), r.baseline_name, ratio,
            f"{r.goal} {verdict}".strip()]


HEADER = ["benchmark", "ours", "baseline", "baseline is", "ratio", "goal"]


def table(results: list[Result]) -> str:
    rows = [HEADER, *(_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"- {r.name}: {n}" for r in results for n in r.notes]
    return "\n".join(lines + (["", *notes] if notes else []))


def markdown(results: list[Result], seconds: float) -> str:
    out = [
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()} "
        f"(`make bench`, {seconds:.0f} s).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in _row(r)) + " |" for r in results]
    notes = [f"- {r.name}: {n}" for r in results for n in r.notes]
    return "\n".join(out + (["", *notes] if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(NAMES)}")
    parser.add_argument("--markdown", action="store_true", help="print a README-ready table")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    args = parser.parse_args(argv)
    names = args.names or list(NAMES)
    started = time.perf_counter()
    results: list[Result] = []
    for name in names:
        print(f"running {name}...", file=sys.stderr, flush=True)
        results += _runner(name, args.quick)()
    seconds = time.perf_counter() - started
    print(markdown(results, seconds) if args.markdown else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
