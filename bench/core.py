"""Timing helpers and the result record every benchmark reports."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Result:
    name: str
    unit: str  # "ms", "ms/op", "ops/s", "records/s", "ratio" ...
    value: float
    floor: float | None  # the same work done by the raw library, same unit
    target: str  # human-readable target, e.g. "<= 25 ms and <= 2x floor"
    ok: bool | None = None  # whether the target holds (None: informational)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor in (None, 0):
            return None
        return self.value / self.floor

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return d


def median_seconds(
    fn: Callable[[], object], *, repeat: int = 7, number: int = 1, warmup: int = 1
) -> float:
    """Median wall time of `number` calls of fn, over `repeat` rounds, in seconds per call."""
    for _ in range(warmup):
        fn()
    samples = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples.append((time.perf_counter() - start) / number)
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(samples)


def median_per_item(fn: Callable[[object], object], items: list, *, repeat: int = 3) -> float:
    """Median over items of the time fn(item) takes, in seconds (best of `repeat` per item)."""
    fn(items[0])  # warm-up
    per_item = []
    for item in items:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn(item)
            best = min(best, time.perf_counter() - start)
        per_item.append(best)
    return statistics.median(per_item)
