"""Indonesian administrative regions (Kemendagri codes) for address pickers and NIK checks.

Codes are written with dots as in the regulation: "35" (province), "35.05" (regency/city),
"35.05.08" (kecamatan), "35.05.08.2001" (desa/kelurahan). A NIK carries the first three levels
as six bare digits ("350508"). Data ships with the package (see data/regions/SOURCE.md), so every
lookup works offline. Provinces and regencies load on first use; districts and villages load the
first time they are asked for (about a second for all 83,000 villages).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

DEFAULT_REGION_CODE = "35.05"  # Kabupaten Blitar, Jawa Timur


class Level(StrEnum):
    PROVINCE = "provinsi"
    REGENCY = "kabupaten/kota"
    DISTRICT = "kecamatan"
    VILLAGE = "desa/kelurahan"


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    parent_code: str | None
    postal_code: str | None = None  # villages only, where the reference data has one

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")


_LEVEL_BY_PARTS = {1: Level.PROVINCE, 2: Level.REGENCY, 3: Level.DISTRICT, 4: Level.VILLAGE}
_FILES = {
    Level.PROVINCE: "provinces",
    Level.REGENCY: "regencies",
    Level.DISTRICT: "districts",
    Level.VILLAGE: "villages",
}


class UnknownRegion(ValueError):
    def __init__(self, code: str):
        super().__init__(f"Kode wilayah tidak dikenal / unknown region code: {code!r}")
        self.code = code


def normalize_code(code: str) -> str:
    """Accept "3505", "35.05", "350508" or "35.05.08.2001" and return the dotted form."""
    code = code.strip()
    if "." in code:
        return code
    if not code.isdigit():
        raise UnknownRegion(code)
    if len(code) <= 6:
        return ".".join(code[i : i + 2] for i in range(0, len(code), 2))
    return ".".join([code[0:2], code[2:4], code[4:6], code[6:]])


@cache
def _table(level: Level) -> dict[str, Region]:
    name = f"{_FILES[level]}.csv.gz"
    raw = resources.files("station.data.regions").joinpath(name).read_bytes()
    reader = csv.reader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    next(reader)  # header
    table: dict[str, Region] = {}
    for row in reader:
        postal = None
        if level is Level.PROVINCE:
            code, cname = row
            parent = None
        elif level is Level.VILLAGE:
            code, parent, cname, postal = row
        else:
            code, parent, cname = row
        table[code] = Region(
            code=code, name=cname, level=level, parent_code=parent, postal_code=postal or None
        )
    return table


@cache
def _children(level: Level) -> dict[str, list[Region]]:
    grouped: dict[str, list[Region]] = defaultdict(list)
    for region in _table(level).values():
        grouped[region.parent_code or ""].append(region)
    for regions in grouped.values():
        regions.sort(key=lambda r: r.code)
    return dict(grouped)


def level_of(code: str) -> Level:
    parts = normalize_code(code).split(".")
    try:
        return _LEVEL_BY_PARTS[len(parts)]
    except KeyError:
        raise UnknownRegion(code) from None


def get(code: str) -> Region:
    code = normalize_code(code)
    try:
        return _table(level_of(code))[code]
    except KeyError:
        raise UnknownRegion(code) from None


def exists(code: str) -> bool:
    try:
        get(code)
    except UnknownRegion:
        return False
    return True


def provinces() -> list[Region]:
    return sorted(_table(Level.PROVINCE).values(), key=lambda r: r.code)


def province_codes() -> frozenset[str]:
    return frozenset(_table(Level.PROVINCE))


def children(code: str) -> list[Region]:
    """The regions one level below `code` (regencies of a province, kecamatan of a regency...)."""
    parent = get(code)
    below = {
        Level.PROVINCE: Level.REGENCY,
        Level.REGENCY: Level.DISTRICT,
        Level.DISTRICT: Level.VILLAGE,
    }.get(parent.level)
    if below is None:
        return []
    return list(_children(below).get(parent.code, []))


def lineage(code: str) -> list[Region]:
    """The region and its ancestors, province first."""
    chain = [get(code)]
    while chain[-1].parent_code:
        chain.append(get(chain[-1].parent_code))
    return list(reversed(chain))


def search(text: str, level: Level, within: str | None = None, limit: int = 50) -> list[Region]:
    """Case-insensitive name search, optionally inside one parent region (for pickers)."""
    needle = text.strip().casefold()
    prefix = normalize_code(within) + "." if within else ""
    hits = [
        r
        for r in _table(level).values()
        if r.code.startswith(prefix) and needle in r.name.casefold()
    ]
    hits.sort(key=lambda r: (not r.name.casefold().startswith(needle), r.name))
    return hits[:limit]
