"""``python -m benchmarks [NAME ...] [--skip NAME] [--write-readme] [--markdown] [--quick]``.

Runs the benchmarks and prints a table: each row's figure, its baseline (measured
in the same run), their ratio and the goal, met or not.

NAMEs (default: all, in this order): cli, diagnosis, local, poolgrowth, load, proxy,
suite, maketest, install, lab, site, room (poolgrowth: 20,000 sign-ins in one pool, ~1 min). The slow ones: suite (the notebooks under
nbval, 3 rounds, ~2 min), maketest (the whole ``make test`` once, ~4-8 min),
install and lab (fresh venvs, ~3 min), site (builds the static site, opens it
in Chromium), room (a JupyterHub with 10 servers). ``--skip NAME`` leaves one out.

``--write-readme`` records this run's rows in ``benchmarks/results.json``
(replacing those of the benchmarks it ran, keeping the others with their own
date) and regenerates the README's table between its ``benchmarks:start`` and
``benchmarks:end`` markers: date, machine (kind, cores, RAM, Python), the load
average while it ran, and every row. ``make bench`` is ``--write-readme`` over
all of them. ``--markdown`` prints this run's table in that form without writing.
``--quick`` runs fewer rounds (a smoke run; refused with --write-readme).

A benchmark that fails (a missing Chromium, a server that does not start) gives
a row saying so, marked not met, and the others still run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from . import _report
from ._report import table
from ._util import Result

__all__ = ["NAMES", "main", "table"]

NAMES = ("cli", "diagnosis", "local", "poolgrowth", "load", "proxy", "suite", "maketest",
         "install", "lab", "site", "room")


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
    if name == "poolgrowth":
        from . import bench_local

        return lambda: bench_local.bench_pool_growth(
            signins=4_000 if quick else 20_000, window=500 if quick else 1_000)
    if name == "load":
        from . import bench_load

        return lambda: bench_load.bench(seconds=1.5 if quick else 5.0, rounds=1 if quick else 3)
    if name == "proxy":
        from . import bench_proxy

        return lambda: bench_proxy.bench(calls=100 if quick else 400, seconds=1.5 if quick else 4.0,
                                         rounds=1 if quick else 3)
    if name == "suite":
        from . import bench_suite

        return lambda: bench_suite.bench(rounds=1 if quick else 3)
    if name == "maketest":
        from . import bench_maketest

        return bench_maketest.bench
    if name == "room":
        from . import bench_room

        return lambda: bench_room.bench(sizes=(1, 5) if quick else (1, 5, 10))
    if name == "site":
        from . import bench_site

        return lambda: bench_site.bench(rounds=1 if quick else 3)
    if name == "install":
        from . import bench_install

        return bench_install.bench
    if name == "lab":
        from . import bench_lab

        return bench_lab.bench
    raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(NAMES)}")


def _run_one(name: str, quick: bool) -> list[Result]:
    try:
        return _runner(name, quick)()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # one broken benchmark must not lose the others' rows
        text = " ".join(str(exc).split())[:200]
        return [Result(f"{name}: did not run", None, None, "", goal="runs", ok=False,
                       notes=[f"{type(exc).__name__}: {text}"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(NAMES)}")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="leave this benchmark out (repeatable)")
    parser.add_argument("--write-readme", action="store_true",
                        help="record the rows in benchmarks/results.json and regenerate "
                        "the README's table")
    parser.add_argument("--markdown", action="store_true", help="print a README-ready table")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    args = parser.parse_args(argv)
    unknown = [n for n in [*args.names, *args.skip] if n not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(NAMES)}")
    if args.quick and args.write_readme:
        parser.error("--quick rows are a smoke run: they do not go in the README")
    names = [n for n in (args.names or NAMES) if n not in args.skip]
    run = _report.Run.begin(names, argv if argv is not None else sys.argv[1:])
    by_name: dict[str, list[Result]] = {}
    for name in names:
        print(f"running {name}...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        by_name[name] = _run_one(name, args.quick)
        print(f"  {name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    run.end()
    results = [r for name in names for r in by_name[name]]
    if args.write_readme:
        where = _report.write(run, by_name)
        print(f"wrote {where}", file=sys.stderr)
    if args.markdown:
        print(_report.markdown_run(run, results))
    else:
        print(table(results))
        print(f"\n{run.describe()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
