"""Encrypted store benchmarks (issue 3), each beside a floor measured in the same run.

store.save          one realistic record (~40 KB JPEG face, ten WSQ fingerprints, signature
                    strokes + PNG) through RecordService.save_captured: validation, NIK blind
                    index and duplicate check, per-record data key, AES-256-GCM of every field,
                    audit chain append, one durable commit.
                    Floor: the same plaintext bytes through AES-GCM and a raw sqlite3 insert +
                    commit with the same pragmas (WAL, synchronous=FULL).
store.list_page     a filtered page (status + kecamatan, 50 rows) with N records in the store.
store.nik_lookup    NIK duplicate lookup (HMAC blind index) with N records in the store.
                    Floors: the same SQL on the same file through raw sqlite3.
store.bytes_per_record  database file bytes / plaintext payload bytes, realistic records.
store.sign_in       sign-in with the production Argon2id parameters; floor: the bare KDF.

The N-record store (100,000; 5,000 with --quick) is filled through save_captured_many — the
same validation, sealing and audit code as save_captured, 1,000 records per transaction — with
captures cut to 64 bytes, because list and lookup touch only the clear `records` columns.
"""

from __future__ import annotations

import io
import os
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from bench.core import Result
from station.app import Station, open_station
from station.config import load_settings
from station.domain import (
    Address,
    Applicant,
    Capture,
    Enrollment,
    FingerCapture,
    FingerPosition,
    MaritalStatus,
    RecordStatus,
    Religion,
    Sex,
    make_nik,
    regions,
)
from station.services.records import encode_fields
from storage import vault
from storage.db import PRAGMAS

PASSWORD = "bench-password"


def _face_jpeg(target: int = 40_000) -> bytes:
    from devices.simulated import synth

    img = synth.face(7, 1990)
    noise = np.random.default_rng(7).normal(0, 6, img.shape)  # camera sensor noise
    img = np.clip(img + noise, 0, 255).astype(np.uint8)
    best = b""
    for q in range(95, 20, -5):
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
        assert ok
        best = buf.tobytes()
        if len(best) <= target:
            break
    return best


def _finger_wsq(position: int) -> bytes:
    import wsq  # noqa: F401  (registers the codec)
    from PIL import Image

    rng = np.random.default_rng(position)
    yy, xx = np.mgrid[0:500, 0:400]
    ridges = 127 + 100 * np.sin((xx + yy * 0.3 + position * 5) / 4.5)
    img = np.clip(ridges + rng.normal(0, 10, ridges.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(img).save(out, "WSQ")
    return out.getvalue()


class Records:
    """Realistic captures, shared by every generated record (the store treats them as bytes)."""

    def __init__(self, cut: int | None = None):
        face = _face_jpeg()
        strokes = str([[(i * 3, 100 + i % 17, i * 10, 0.5) for i in range(300)]]).encode()
        ok, sig = cv2.imencode(".png", np.full((240, 640), 255, np.uint8))
        fingers = {p: _finger_wsq(int(p)) for p in FingerPosition}
        if cut is not None:
            face, strokes, sig = face[:cut], strokes[:cut], sig[:cut]
            fingers = {p: b[:cut] for p, b in fingers.items()}
        self.captures = {
            "face": Capture(data=face, format="jpeg", device_id="bench", quality=90.0),
            "signature": Capture(data=strokes, format="iso19794-7+json", device_id="bench"),
            "signature_image": Capture(data=bytes(sig), format="png", device_id="bench"),
            "fingers": {p: FingerCapture(position=p, data=b, format="wsq", device_id="bench",
                                         quality=70.0, resolution_ppi=500)
                        for p, b in fingers.items()},
        }
        self.rng = random.Random(42)  # noqa: S311
        self.villages = [v.code for d in regions.children("35.05")
                         for v in regions.children(d.code)]
        self.serial = 0

    def applicant(self) -> Applicant:
        rng = self.rng
        self.serial += 1
        village = rng.choice(self.villages)
        district = village.rsplit(".", 1)[0]
        born = date(1940 + self.serial // 9999 % 60, rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        return Applicant(
            nik=make_nik(district, born, sex, self.serial % 9999 + 1),
            kk_number=make_nik(district, date(2010, 1, 1), Sex.MALE, 1),
            full_name="PENDUDUK BENCH", place_of_birth="BLITAR", date_of_birth=born, sex=sex,
            address=Address(street="JL. MAWAR 1", rt="1", rw="2", village_code=village),
            religion=Religion.ISLAM, marital_status=MaritalStatus.MARRIED,
            occupation="PETANI/PEKEBUN",
        )

    def enrollment(self, station: Station) -> Enrollment:
        return station.records.create_draft().model_copy(
            update={"applicant": self.applicant(), **self.captures})


def _station(root: Path) -> Station:
    station = open_station(load_settings(data_dir=root, region_code="35.05"))
    # Sign-in cost is not what is measured here: the fast KDF keeps set-up short.
    station.provision("BENCH-01", "35.05", "admin", PASSWORD, kdf=vault.FAST_KDF_FOR_TESTS)
    station.auth.sign_in("admin", PASSWORD)
    return station


def _floor_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute("CREATE TABLE IF NOT EXISTS f (rid TEXT, field TEXT, ct BLOB, "
                 "PRIMARY KEY (rid, field))")
    return conn


def bench_save(root: Path, quick: bool) -> tuple[Result, Result]:
    gen = Records()
    station = _station(root / "save")
    n = 15 if quick else 60
    try:
        todo = [gen.enrollment(station) for _ in range(n + 3)]
        for e in todo[:3]:
            station.records.save_captured(e)  # warm-up
        floor_conn = _floor_connection(root / "floor.sqlite")
        key = vault.new_key()
        payload = [encode_fields(e) for e in todo[3:]]
        ours, floor = [], []
        # Interleaved, so a burst of load elsewhere on the machine hits both alike.
        for i, (e, fields) in enumerate(zip(todo[3:], payload, strict=True)):
            start = time.perf_counter()
            station.records.save_captured(e)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            rows = [(str(i), name, vault.seal(key, plain, name.encode()))
                    for name, plain in fields.items()]
            floor_conn.execute("BEGIN IMMEDIATE")
            floor_conn.executemany("INSERT INTO f VALUES (?, ?, ?)", rows)
            floor_conn.execute("COMMIT")
            floor.append(time.perf_counter() - start)
        floor_conn.close()
        size = sum(len(v) for v in payload[0].values())
    finally:
        station.close()
    ms, floor_ms = statistics.median(ours) * 1e3, statistics.median(floor) * 1e3
    save = Result("store.save", "ms", ms, floor_ms, "<= 25 ms and <= 2x floor",
                  ok=ms <= 25 and ms <= 2 * floor_ms,
                  note=f"{n} records of {size / 1024:.0f} KiB plaintext, median")
    bytes_result = bench_bytes(root, gen, 30 if quick else 200)
    return save, bytes_result


def bench_bytes(root: Path, gen: Records, n: int) -> Result:
    station = _station(root / "bytes")
    try:
        payload = 0
        for _ in range(n // 10):
            batch = [gen.enrollment(station) for _ in range(10)]
            payload += sum(sum(len(v) for v in encode_fields(e).values()) for e in batch)
            station.records.save_captured_many(batch)
        with station.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        station.close()
    db_bytes = sum(p.stat().st_size for p in (root / "bytes").glob("station.sqlite*"))
    ratio = db_bytes / payload
    return Result("store.bytes_per_record", "ratio", ratio, None, "<= 1.15x payload bytes",
                  ok=ratio <= 1.15,
                  note=f"{db_bytes / n / 1024:.1f} KiB stored per {payload / n / 1024:.1f} KiB "
                  f"record, {n} records, incl. provisioning, audit and indexes")


def bench_sign_in(root: Path, quick: bool) -> Result:
    """Sign-in with the production KDF (Argon2id, DEFAULT_KDF) against the bare derivation."""
    station = open_station(load_settings(data_dir=root / "signin", region_code="35.05"))
    try:
        station.provision("BENCH-02", "35.05", "admin", PASSWORD)
        repeat = 3 if quick else 7
        ours = _timed(lambda: station.auth.sign_in("admin", PASSWORD), repeat)
        salt = vault.new_salt()
        floor = _timed(lambda: vault.DEFAULT_KDF.derive(PASSWORD.encode(), salt), repeat)
    finally:
        station.close()
    k = vault.DEFAULT_KDF
    return Result("store.sign_in", "ms", ours * 1e3, floor * 1e3, "<= 500 ms",
                  ok=ours <= 0.5, note=f"Argon2id m={k.memory_kib // 1024} MiB t={k.iterations} "
                  f"p={k.lanes}")


def _timed(fn, repeat: int) -> float:  # noqa: ANN001
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_large(root: Path, quick: bool) -> list[Result]:
    n = 5_000 if quick else 100_000
    gen = Records(cut=64)
    station = _station(root / "large")
    try:
        start = time.perf_counter()
        niks = []
        for _ in range(n // 1000):
            batch = [gen.enrollment(station) for _ in range(1000)]
            niks.extend(e.applicant.nik for e in batch)  # type: ignore[union-attr]
            station.records.save_captured_many(batch)
        fill = time.perf_counter() - start
        districts = [d.code for d in regions.children("35.05")]
        probe = random.Random(1)  # noqa: S311
        repeat = 30 if quick else 100

        page = _timed(lambda: station.records.list(
            status=RecordStatus.CAPTURED, district_code=probe.choice(districts), limit=50),
            repeat)
        lookup = _timed(lambda: station.records.find_by_nik(probe.choice(niks)), repeat)
        dup = station.records.find_by_nik(niks[0])
        assert len(dup) == 1, "the NIK lookup must find the record"

        raw = sqlite3.connect(root / "large" / "station.sqlite")
        for pragma in PRAGMAS:
            raw.execute(pragma)
        page_sql = ("SELECT record_id, status, created_at, updated_at, operator, supervisor, "
                    "district_code, domicile, finger_count, exception_count, rejection_reason, "
                    "packet_id, server_outcome, server_reason FROM records WHERE status=? AND "
                    "district_code=? ORDER BY created_at DESC, record_id LIMIT 50")
        page_floor = _timed(lambda: raw.execute(
            page_sql, ("CAPTURED", probe.choice(districts))).fetchall(), repeat)
        keys = station._ctx.keys  # the same HMAC the service computes
        assert keys is not None
        lookup_floor = _timed(lambda: raw.execute(
            "SELECT record_id, status, created_at FROM records WHERE nik_index=?",
            (keys.nik_index(probe.choice(niks)),)).fetchall(), repeat)
        raw.close()
    finally:
        station.close()
    page_ms, lookup_ms = page * 1e3, lookup * 1e3
    return [
        Result("store.list_page", "ms", page_ms, page_floor * 1e3, "<= 50 ms",
               ok=page_ms <= 50, note=f"{n:,} records, status + kecamatan, 50 rows; filled in "
               f"{fill:.0f} s ({n / fill:,.0f} records/s)"),
        Result("store.nik_lookup", "ms", lookup_ms, lookup_floor * 1e3, "<= 2 ms",
               ok=lookup_ms <= 2, note=f"{n:,} records, HMAC blind index"),
    ]


def run(quick: bool) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="rekam-bench-store-",
                                     dir=os.environ.get("REKAM_BENCH_DIR")) as tmp:
        root = Path(tmp)
        save, size = bench_save(root, quick)
        return [bench_sign_in(root, quick), save, size, *bench_large(root, quick)]
