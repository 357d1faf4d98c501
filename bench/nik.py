"""NIK validation throughput against a floor: a bare regex plus a date parse of the same NIKs."""

from __future__ import annotations

import random
import re
import time
from datetime import date

from bench.core import Result
from station.domain import Sex, make_nik, regions, validate_nik


def _sample(n: int) -> list[tuple[str, date, Sex]]:
    rng = random.Random(7)
    districts = [r.code for r in regions.children("35.05")]
    out = []
    for _ in range(n):
        born = date(rng.randint(1940, 2008), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        out.append((make_nik(rng.choice(districts), born, sex, rng.randint(1, 9999)), born, sex))
    return out


_BARE = re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{4})")


def _floor(nik: str) -> bool:
    m = _BARE.fullmatch(nik)
    if not m:
        return False
    day = int(m[4])
    day = day - 40 if day > 40 else day
    try:
        date(1900 + int(m[6]), int(m[5]), day)
    except ValueError:
        return False
    return True


def _rate(fn, items, seconds: float) -> float:
    """Items per second over at least `seconds` of repeated passes (best pass)."""
    best = 0.0
    deadline = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        for item in items:
            fn(item)
        elapsed = time.perf_counter() - start
        best = max(best, len(items) / elapsed)
        if time.perf_counter() > deadline:
            return best


def run(quick: bool) -> list[Result]:
    items = _sample(2_000 if quick else 20_000)
    validate_nik(items[0][0])  # load region data outside the timing
    seconds = 0.3 if quick else 2.0
    ours = _rate(lambda t: validate_nik(t[0], birth_date=t[1], sex=t[2]), items, seconds)
    floor = _rate(lambda t: _floor(t[0]), items, seconds)
    # Higher is better here, so report the slowdown factor floor/ours as the ratio's meaning:
    result = Result(
        name="nik.validate",
        unit="NIK/s",
        value=ours,
        floor=floor,
        target=">= 50,000 NIK/s (full rules incl. region names)",
        ok=ours >= 50_000,
        note=f"{floor / ours:.1f}x slower than regex + date parse",
    )
    return [result]
