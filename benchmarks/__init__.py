"""On-demand benchmarks (``make bench`` = ``python -m benchmarks``); not part of the tests.

Each benchmark measures the project and a baseline in the same run, interleaved,
and reports the ratio, because this machine's absolute speed varies from run to
run. Results, with date and machine, go in the README under "Benchmarks".
"""
