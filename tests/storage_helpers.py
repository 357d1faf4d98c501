"""Builders for the storage tests: provisioned stations on real SQLite files, real records.

Records carry real encoded images: a JPEG face, a PNG signature rendering, WSQ fingerprints (the
`wsq` Pillow plugin), each with a known marker so tests can search the data directory for it.
"""

from __future__ import annotations

import functools
import io
import json
import random
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from station.app import Station, open_station
from station.config import Settings, load_settings
from station.domain import (
    Address,
    Applicant,
    Capture,
    Enrollment,
    FingerCapture,
    FingerPosition,
    MaritalStatus,
    Religion,
    Sex,
    make_nik,
    regions,
)
from storage.vault import FAST_KDF_FOR_TESTS

STATION_ID = "TEST-BLITAR-01"
REGION = "35.05"
ADMIN = ("admin", "admin-password")
SUPERVISOR = ("supervisor", "supervisor-password")
OPERATOR = ("operator", "operator-password")

import wsq  # noqa: E402,F401  (registers the WSQ codec with Pillow)


@functools.cache
def villages(regency: str = REGION) -> list[str]:
    out = []
    for district in regions.children(regency):
        out.extend(v.code for v in regions.children(district.code)[:3])
    return out


def make_applicant(seed: int, *, regency: str = REGION, name: str | None = None) -> Applicant:
    rng = random.Random(seed)
    village = rng.choice(villages(regency))
    district = village.rsplit(".", 1)[0]
    born = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
    sex = rng.choice([Sex.MALE, Sex.FEMALE])
    return Applicant(
        nik=make_nik(district, born, sex, 1 + seed % 9999),
        kk_number=make_nik(district, date(2010, 1, 1), Sex.MALE, 1 + (seed * 7) % 9999),
        full_name=name or f"PENDUDUK {_letters(seed)}",
        place_of_birth="BLITAR",
        date_of_birth=born,
        sex=sex,
        address=Address(street=f"JL. MAWAR {seed % 90 + 1}", rt="3", rw="5", village_code=village),
        religion=Religion.ISLAM,
        marital_status=MaritalStatus.MARRIED,
        occupation="PETANI/PEKEBUN",
    )


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@functools.cache
def face_jpeg(target_kb: int = 40) -> bytes:
    rng = np.random.default_rng(5)
    img = cv2.GaussianBlur(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8), (5, 5), 0)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    data = buf.tobytes()
    return data[: target_kb * 1024] if len(data) > target_kb * 1024 else data


@functools.cache
def signature_png() -> bytes:
    img = np.full((240, 640), 255, np.uint8)
    cv2.line(img, (40, 120), (600, 150), 0, 3)
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


@functools.cache
def finger_wsq(position: int) -> bytes:
    rng = np.random.default_rng(position)
    yy, xx = np.mgrid[0:500, 0:400]
    ridges = 127 + 100 * np.sin((xx + yy * 0.3 + position * 5) / 4.5)
    img = np.clip(ridges + rng.normal(0, 10, ridges.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(img).save(out, "WSQ")
    return out.getvalue()


def signature_strokes() -> bytes:
    strokes = [[[40 + i * 5, 120 + (i % 7), i * 10, 0.5] for i in range(100)]]
    return json.dumps({"strokes": strokes}).encode()


def complete(draft: Enrollment, seed: int, *, applicant: Applicant | None = None) -> Enrollment:
    fingers = {
        pos: FingerCapture(position=pos, data=finger_wsq(int(pos)), format="wsq",
                           device_id="test", quality=80.0, resolution_ppi=500)
        for pos in FingerPosition
    }
    return draft.model_copy(update={
        "applicant": applicant or make_applicant(seed),
        "face": Capture(data=face_jpeg(), format="jpeg", device_id="test", quality=90.0),
        "signature": Capture(data=signature_strokes(), format="iso19794-7+json", device_id="test"),
        "signature_image": Capture(data=signature_png(), format="png", device_id="test"),
        "fingers": fingers,
    })


def shrink(e: Enrollment, size: int = 256) -> Enrollment:
    """The same record with every capture cut to `size` bytes (small fixtures; the store treats
    capture bytes as opaque)."""
    def cut(c):  # noqa: ANN001, ANN202
        return None if c is None else c.model_copy(update={"data": c.data[:size]})

    return e.model_copy(update={
        "face": cut(e.face), "signature": cut(e.signature),
        "signature_image": cut(e.signature_image),
        "fingers": {p: cut(c) for p, c in e.fingers.items()},
    })


def settings_for(data_dir: Path) -> Settings:
    return load_settings(data_dir=data_dir, region_code=REGION)


def provisioned(data_dir: Path) -> tuple[Station, str]:
    """An open station with admin, supervisor and operator; nobody signed in. Returns the
    station and its recovery code."""
    station = open_station(settings_for(data_dir))
    code = station.provision(STATION_ID, REGION, *ADMIN, kdf=FAST_KDF_FOR_TESTS)
    station.auth.sign_in(*ADMIN)
    station.operators.add(SUPERVISOR[0], "Supervisor", "supervisor", SUPERVISOR[1])
    station.operators.add(OPERATOR[0], "Operator", "operator", OPERATOR[1])
    station.auth.sign_out()
    return station, code


# --- schema fixtures ----------------------------------------------------------------------------

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "storage"
FIXTURE_PASSWORD = ADMIN
FIXTURE_SEEDS = (501, 502)


def make_schema_fixture(revision: str, dump_path: Path, work_dir: Path) -> None:
    """Write a SQL dump of a station database in schema `revision`: provisioned (fast KDF,
    admin/supervisor/operator), two saved records (one approved), a verified audit chain.

    Made with the current code at head and migrated *down* to `revision`; regenerate with
    `python -m tests.storage_helpers REVISION` when a new revision is added (commit the dump of
    the previous head as the new fixture, never edit an old one).
    """
    import sqlite3

    from storage import migrate

    station, _ = provisioned(work_dir)
    station.auth.sign_in(*SUPERVISOR)
    ids = [station.records.save_captured(shrink(complete(station.records.create_draft(), s)))
           for s in FIXTURE_SEEDS]
    station.records.approve(ids[:1])
    engine = station.engine
    station.auth.sign_out()
    if revision != migrate.head_revision():
        from alembic import command

        cfg = migrate.alembic_config()
        with engine.connect() as conn:
            conn.execution_options(immediate=True)
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, revision)
    station.close()
    with sqlite3.connect(work_dir / "station.sqlite") as raw:
        dump_path.write_text("\n".join(raw.iterdump()) + "\n")


if __name__ == "__main__":  # python -m tests.storage_helpers 0001
    import sys
    import tempfile

    rev = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        make_schema_fixture(rev, FIXTURE_DIR / f"schema_{rev}.sql", Path(tmp) / "data")
    print(f"wrote {FIXTURE_DIR / f'schema_{rev}.sql'}")


# --- fault-injection workers (run in a child process) ------------------------------------------

def save_loop(data_dir: str, start_seed: int) -> None:
    """Save records forever, printing `SAVED <id>` only after save_captured returned; approve
    and seal along the way so every kind of write transaction can be interrupted."""
    import sys

    from station.services.errors import DuplicateNik

    station = open_station(settings_for(Path(data_dir)))
    station.auth.sign_in(*SUPERVISOR)
    for pos in FingerPosition:  # warm the caches before announcing READY
        finger_wsq(int(pos))
    face_jpeg()
    print("READY", flush=True)
    seed = start_seed
    while True:
        seed += 1
        try:
            record_id = station.records.save_captured(complete(station.records.create_draft(),
                                                               seed))
        except DuplicateNik:
            continue
        sys.stdout.write(f"SAVED {record_id}\n")
        sys.stdout.flush()
        if seed % 3 == 0:
            station.records.approve([record_id])
            print(f"APPROVED {record_id}", flush=True)
            station.outbox.seal(record_id, lambda e: (f"pkt-{e.record_id}", b"packet" * 500))
            print(f"SEALED {record_id}", flush=True)


def save_n(data_dir: str, start_seed: int, count: int) -> None:
    """Save `count` records as the operator and print their ids (concurrency tests)."""
    station = open_station(settings_for(Path(data_dir)))
    station.auth.sign_in(*OPERATOR)
    for seed in range(start_seed, start_seed + count):
        print(station.records.save_captured(shrink(complete(station.records.create_draft(),
                                                            seed))), flush=True)
    station.close()
