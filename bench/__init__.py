"""Benchmarks: each figure is measured beside a floor (the raw library doing the same work) in the
same run, and reported with the ratio, because shared machines are noisy.

Each module listed in MODULES has `run(quick: bool) -> list[Result]`.
"""

MODULES = [
    "bench.nik",
    "bench.store",
    "bench.sync",
    "bench.biometrics",
    "bench.devices",
    "bench.matcher",
    "bench.startup",
]
