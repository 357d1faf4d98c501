"""`rekam demo seed --count N`: synthetic applicants saved through the real record path.

People come from a seeded random generator (valid NIKs for kecamatan of the station's regency,
names, addresses) and from `devices.simulated.synth` (face, signature, ten fingerprints). Growing
a synthetic ridge pattern takes about half a second, so the fingers of a run come from a pool of
at most POOL finger sets, each person getting fresh impressions (shift, rotation, noise) of one
set: the images differ, but the ridge patterns repeat every POOL people. That is fine for demos
and benchmarks and wrong for any duplicate-detection experiment.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime

from station.cli.common import EXIT_INPUT, EXIT_OK, CliError, read_password, settings_from
from station.cli.init import cli_errors
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
from station.services.errors import DuplicateNik

POOL = 3
FIRST = ("AGUS", "SITI", "BUDI", "SRI", "EKO", "DWI", "ANIK", "JOKO", "WAHYU", "LESTARI",
         "SUGENG", "RINI", "HARI", "TUTIK", "SLAMET", "YULI", "BAMBANG", "ENDANG", "HERU", "NUR")
LAST = ("SANTOSO", "RAHAYU", "PRASETYO", "WATI", "SETIAWAN", "HANDAYANI", "SUSANTO", "LESTARI",
        "HIDAYAT", "PURNOMO", "UTAMI", "WIBOWO", "KURNIAWAN", "SAFITRI", "NUGROHO")
JOBS = ("PETANI/PEKEBUN", "WIRASWASTA", "PEDAGANG", "KARYAWAN SWASTA", "MENGURUS RUMAH TANGGA",
        "BURUH HARIAN LEPAS", "GURU", "NELAYAN/PERIKANAN", "PELAJAR/MAHASISWA")


def synthetic_applicant(rng: random.Random, regency: str, serial: int) -> Applicant:
    district = rng.choice(regions.children(regency))
    village = rng.choice(regions.children(district.code))
    sex = rng.choice([Sex.MALE, Sex.FEMALE])
    born = date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
    married = born.year < 2000 or rng.random() < 0.3
    return Applicant(
        nik=make_nik(district.code, born, sex, serial),
        kk_number=make_nik(district.code, date(rng.randint(2000, 2020), 1, 1), Sex.MALE,
                           rng.randint(1, 9999)),
        full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        place_of_birth="BLITAR",
        date_of_birth=born,
        sex=sex,
        blood_type=rng.choice(["A", "B", "AB", "O", "-"]),
        address=Address(street=f"JL. {rng.choice(LAST)} {rng.randint(1, 120)}",
                        rt=str(rng.randint(1, 12)), rw=str(rng.randint(1, 8)),
                        village_code=village.code),
        religion=rng.choice(list(Religion)[:3]),
        marital_status=MaritalStatus.MARRIED if married else MaritalStatus.SINGLE,
        occupation=rng.choice(JOBS),
    )


MAX_PLACEMENTS = 6  # placements of one finger before the seed gives up


class Biometrics:
    """Synthetic captures, encoded as the station stores them (JPEG face, WSQ fingers)."""

    def __init__(self, base_seed: int, pool: int):
        self.base_seed, self.pool = base_seed, max(1, pool)

    def _finger(self, synth, pos: FingerPosition, seed: int,  # noqa: ANN001
                impression: int) -> FingerCapture:
        """One print scored on the station's own capture path, placed again as an operator
        would (up to MAX_PLACEMENTS) while it scores below the threshold."""
        from station.services.capture import finger_capture

        outcome = None
        for attempt in range(MAX_PLACEMENTS):
            # Fresh placements of the same finger lie far from the ones other people get.
            gray = synth.fingerprint(int(pos), seed, impression=impression + attempt * 100_000)
            outcome = finger_capture(gray, 500, pos, "simulated", attempts=attempt + 1)
            if outcome.acceptable:
                return outcome.capture
        assert outcome is not None
        raise CliError(
            f"Sidik jari sintetis {pos.name} tetap di bawah ambang setelah {MAX_PLACEMENTS} "
            f"kali; coba --seed lain. / The synthetic {pos.name} print stays below the "
            f"threshold after {MAX_PLACEMENTS} placements; try another --seed.", EXIT_INPUT)

    def person(self, index: int, birth_year: int) -> dict[str, object]:
        import cv2

        from devices.simulated import synth
        from station.biometrics import signature as sig

        person_seed = self.base_seed * 100_003 + index
        finger_seed = self.base_seed * 1_000 + index % self.pool
        impression = index // self.pool
        ok, jpg = cv2.imencode(".jpg", synth.face(person_seed, birth_year),
                               [cv2.IMWRITE_JPEG_QUALITY, 85])
        assert ok
        strokes = sig.Strokes.from_lists(synth.signature(person_seed), *synth.SIGNATURE_PAD)
        fingers = {pos: self._finger(synth, pos, finger_seed, impression)
                   for pos in FingerPosition}
        return {
            "face": Capture(data=jpg.tobytes(), format="jpeg", device_id="simulated",
                            width=640, height=480),
            "signature": Capture(data=sig.to_json(strokes), format="iso19794-7+json",
                                 device_id="simulated"),
            "signature_image": Capture(data=sig.render_png(strokes), format="png",
                                       device_id="simulated"),
            "fingers": fingers,
        }


def seed_records(station, count: int, seed: int, *, pool: int = POOL,  # noqa: ANN001
                 progress=None) -> list[str]:  # noqa: ANN001
    """Save `count` synthetic records as the signed-in operator; returns their ids."""
    rng = random.Random(seed)  # noqa: S311 (synthetic demo people, not secrets)
    bio = Biometrics(seed, min(pool, count))
    regency = station.region_code[:5]
    saved: list[str] = []
    serial = rng.randint(1, 5000)
    for i in range(count):
        captures = None
        for _attempt in range(50):
            serial = serial % 9999 + 1
            applicant = synthetic_applicant(rng, regency, serial)
            if captures is None:
                captures = bio.person(i, applicant.date_of_birth.year)
            draft = station.records.create_draft().model_copy(
                update={"applicant": applicant, **captures, "created_at": datetime.now(UTC)})
            try:
                saved.append(station.records.save_captured(Enrollment.model_validate(draft)))
                break
            except DuplicateNik:
                continue  # the same NIK was seeded before: pick the next serial
        if progress is not None:
            progress(i + 1, count)
    return saved


@cli_errors
def run_seed(args: argparse.Namespace) -> int:
    import os

    from station.app import DEMO_OPERATORS, DEMO_STATION_ID, open_station, provision_demo
    from station.logsetup import configure_logging

    if args.count < 1:
        raise CliError("--count harus >= 1 / must be >= 1", EXIT_INPUT)
    settings = settings_from(args)
    configure_logging(settings.log_dir, settings.log_level)
    station = open_station(settings)
    try:
        if not station.is_provisioned():
            station.close()
            provision_demo(settings)
            station = open_station(settings)
        if station.station_id == DEMO_STATION_ID:
            cred = next(c for c in DEMO_OPERATORS if c.role == "operator")
            station.auth.sign_in(cred.username, cred.password)
        else:
            name = getattr(args, "operator", None) or os.environ.get("REKAM_OPERATOR")
            if not name:
                raise CliError("Stasiun bukan demo: isi --operator dan REKAM_PASSWORD / not a "
                               "demo station: give --operator and REKAM_PASSWORD", EXIT_INPUT)
            station.auth.sign_in(name, read_password())
        start = time.perf_counter()
        ids = seed_records(station, args.count, args.seed)
        elapsed = time.perf_counter() - start
    finally:
        station.close()
    print(f"{len(ids)} rekaman sintetis disimpan / synthetic records saved ({elapsed:.1f} s).")
    return EXIT_OK
