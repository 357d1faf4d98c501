"""Seal + upload throughput of demo records over loopback, against a floor: the same packet bytes
PUT one by one in a plain httpx loop to the same receiver program (a fresh database).

Records carry realistic biometrics (synthetic JPEG face, ten WSQ fingers, signature strokes and
PNG) from a small pool reused with distinct applicants. Setup (saving and approving) is untimed.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from bench.core import Result

N_FULL, N_QUICK = 2_000, 200
TARGET_RATE = 150.0
TARGET_RATIO = 0.5


def _enrollments(station, n: int) -> list:  # noqa: ANN001
    from station.cli.seed import Biometrics
    from station.domain import Address, Applicant, MaritalStatus, Religion, Sex, make_nik, regions

    bio = Biometrics(7, 2)
    pool = [bio.person(i, 1980) for i in range(2)]
    districts = regions.children("35.05")
    rng = random.Random(5)  # noqa: S311
    out = []
    for i in range(n):
        district = districts[i % len(districts)]
        village = regions.children(district.code)[0]
        sex = Sex.MALE if i % 2 else Sex.FEMALE
        born = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        applicant = Applicant(
            nik=make_nik(district.code, born, sex, 1 + i // len(districts)),
            kk_number=make_nik(district.code, date(2010, 1, 1), Sex.MALE, 1 + i % 9999),
            full_name=f"PENDUDUK {rng.choice(['AGUS', 'SITI', 'BUDI', 'SRI'])}",
            place_of_birth="BLITAR", date_of_birth=born, sex=sex,
            address=Address(street="JL. MERDEKA 1", rt="1", rw="2", village_code=village.code),
            religion=Religion.ISLAM, marital_status=MaritalStatus.MARRIED,
            occupation="PETANI/PEKEBUN",
        )
        draft = station.records.create_draft()
        out.append(draft.model_copy(update={"applicant": applicant, **pool[i % 2],
                                            "created_at": datetime.now(UTC)}))
    return out


def _prepare(root: Path, n: int):  # noqa: ANN202
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from sync_helpers import ADMIN, OPERATOR, SUPERVISOR, make_receiver, make_station

    from station.services.sync import SyncService

    station = make_station(root / "station")
    station.auth.sign_in(*OPERATOR)
    drafts = _enrollments(station, n)
    ids: list[str] = []
    for i in range(0, n, 250):
        ids += station.records.save_captured_many(drafts[i : i + 250])
    station.auth.sign_out()
    station.auth.sign_in(*SUPERVISOR)
    for i in range(0, n, 500):
        station.records.approve(ids[i : i + 500])
    station.auth.sign_out()
    receiver = make_receiver(root / "receiver")
    service = SyncService(station)
    receiver.add_station(service.station_public_key())
    return station, receiver, service, (ADMIN, SUPERVISOR)


class _ServerProcess:
    """`rekam-receiver serve` in its own process, as in production (not sharing our GIL)."""

    def __init__(self, data_dir: Path):
        import subprocess
        import sys

        from sync_helpers import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "sync.receiver.cli", "serve", "--data-dir", str(data_dir),
             "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/v1/health", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("rekam-receiver serve did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(20)

    def __enter__(self) -> _ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run(quick: bool) -> list[Result]:
    from sync.receiver.service import KEYS_FILE, Receiver

    n = N_QUICK if quick else N_FULL
    with tempfile.TemporaryDirectory(prefix="rekam-bench-sync-") as tmp:
        root = Path(tmp)
        station, receiver, service, (admin, supervisor) = _prepare(root, n)
        receiver.close()  # the server process opens it
        with _ServerProcess(root / "receiver") as server:
            station.auth.sign_in(*admin)
            service.provision(server.url, receiver.public.to_json())
            station.auth.sign_out()
            station.auth.sign_in(*supervisor)
            # As in the application: delivery runs in the background while sealing goes on
            # (the seal loop wakes it every batch); a last pass drains what remains.
            runner = service.start_background(idle_interval=3600)
            start = time.perf_counter()
            sealed = service.seal()
            sealed_at = time.perf_counter()
            service.stop_background()
            state = service.run_once()
            elapsed = time.perf_counter() - start
            station.auth.sign_out()
            acknowledged = service.status()["records"]["ACKNOWLEDGED"]
            ok_delivery = (not sealed.failed and state.last_error is None
                           and runner.state.last_error is None and acknowledged == n)
        packets = [(i.packet_id, i.bytes)
                   for i in station.records.outbox_pending(n, statuses=("ACKNOWLEDGED",))]
        station.close()
        receiver = Receiver.open(root / "receiver")
        ok_delivery = ok_delivery and receiver.stats()["packets"] == n
        receiver.close()
        # The floor: the same bytes, one PUT each, to the same server program on a fresh DB.
        floor_dir = root / "floor"
        floor_dir.mkdir()
        (floor_dir / KEYS_FILE).write_bytes((root / "receiver" / KEYS_FILE).read_bytes())
        floor_receiver = Receiver.open(floor_dir)
        floor_receiver.add_station(service.station_public_key())
        floor_receiver.close()
        with _ServerProcess(floor_dir) as server, httpx.Client(base_url=server.url) as http:
            floor_start = time.perf_counter()
            for pid, raw in packets:
                http.put(f"/v1/packets/{pid}", content=raw).raise_for_status()
            floor_elapsed = time.perf_counter() - floor_start
    rate = n / elapsed
    floor = len(packets) / floor_elapsed
    mean_kib = sum(len(p) for _, p in packets) / max(1, len(packets)) / 1024
    return [
        Result(
            name="sync.seal_upload",
            unit="records/s",
            value=rate,
            floor=floor,
            target=f">= {TARGET_RATE:.0f} records/s and >= {TARGET_RATIO}x floor (plain PUT loop)",
            ok=ok_delivery and rate >= TARGET_RATE and rate / floor >= TARGET_RATIO,
            note=f"{n} records, {mean_kib:.0f} KiB/packet; sealing done after "
                 f"{sealed_at - start:.1f} s (uploading meanwhile), all acknowledged after "
                 f"{elapsed:.1f} s"
                 + ("" if ok_delivery else "; DELIVERY INCOMPLETE"),
        )
    ]
