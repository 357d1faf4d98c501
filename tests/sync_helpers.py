"""Builders shared by the sync tests: enrollments, station keys, a receiver on 127.0.0.1."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from station.domain import (
    Address,
    Applicant,
    Capture,
    Enrollment,
    ExceptionReason,
    FingerCapture,
    FingerException,
    FingerPosition,
    MaritalStatus,
    RecordStatus,
    Religion,
    Sex,
    make_nik,
)

BASE_TIME = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


def _blob(seed: int, label: str, size: int) -> bytes:
    """Deterministic pseudo-image bytes (content is opaque to the sync layer)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{label}:{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def make_enrollment(
    seed: int = 1,
    *,
    station_id: str = "BLT-01",
    blob_size: int = 2_000,
    status: RecordStatus = RecordStatus.APPROVED,
) -> Enrollment:
    rng = random.Random(seed)
    born = date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
    sex = rng.choice([Sex.MALE, Sex.FEMALE])
    applicant = Applicant(
        nik=make_nik("35.05.01", born, sex, 1 + seed % 9999),
        kk_number="3505011201090004",
        full_name=rng.choice(["SITI AMINAH", "BUDI SANTOSO", "DEWI LESTARI", "AGUS SALIM"]),
        place_of_birth="BLITAR",
        date_of_birth=born,
        sex=sex,
        address=Address(street="JL. MERDEKA NO. 5", rt="3", rw="2", village_code="35.05.01.2001"),
        religion=Religion.ISLAM,
        marital_status=MaritalStatus.MARRIED,
        occupation="PETANI/PEKEBUN",
    )
    t = BASE_TIME + timedelta(minutes=seed)
    fingers = {}
    for pos in FingerPosition:
        if pos is FingerPosition.LEFT_LITTLE and seed % 5 == 0:
            continue
        fingers[pos] = FingerCapture(
            position=pos,
            data=_blob(seed, f"finger{int(pos)}", blob_size),
            format="wsq",
            device_id="sim-finger",
            captured_at=t,
            quality=60 + int(pos),
            attempts=1 + int(pos) % 3,
            width=400,
            height=500,
            resolution_ppi=500,
        )
    exceptions = {}
    if seed % 5 == 0:
        exceptions[FingerPosition.LEFT_LITTLE] = FingerException(
            position=FingerPosition.LEFT_LITTLE,
            reason=ExceptionReason.BANDAGED,
            note="luka",
            confirmed_by="supervisor",
        )
    return Enrollment(
        record_id=f"rec-{seed:06d}",
        station_id=station_id,
        operator="operator",
        created_at=t,
        status=status,
        applicant=applicant,
        face=Capture(
            data=_blob(seed, "face", blob_size * 3),
            format="jpeg",
            device_id="sim-camera",
            captured_at=t,
            quality=88.5,
            width=480,
            height=640,
        ),
        portrait=Capture(
            data=_blob(seed, "portrait", blob_size),
            format="jpeg",
            device_id="sim-camera",
            captured_at=t,
            width=300,
            height=400,
        ),
        signature=Capture(
            data=_blob(seed, "strokes", blob_size // 2),
            format="iso19794-7+json",
            device_id="sim-pad",
            captured_at=t,
        ),
        signature_image=Capture(
            data=_blob(seed, "sigpng", blob_size // 2),
            format="png",
            device_id="sim-pad",
            captured_at=t,
        ),
        fingers=fingers,
        finger_exceptions=exceptions,
        supervisor="supervisor",
    )


class StationSigner:
    """A station identity for tests of the format layer (the store keeps the real one)."""

    def __init__(self, station_id: str = "BLT-01", seed: bytes | None = None):
        self.station_id = station_id
        self._key = (
            ed25519.Ed25519PrivateKey.from_private_bytes(seed)
            if seed
            else ed25519.Ed25519PrivateKey.generate()
        )

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    @property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes_raw()


# --- a real station (store) and a real receiver ------------------------------------------------

STATION_ID = "SYNC-BLITAR-01"
ADMIN = ("admin", "admin-password-1")
SUPERVISOR = ("supervisor", "supervisor-password-1")
OPERATOR = ("operator", "operator-password-1")


def make_station(data_dir):  # noqa: ANN001, ANN201
    """A provisioned station (fast KDF) with an admin, a supervisor and an operator."""
    from station.app import open_station
    from station.config import load_settings
    from station.domain import Role
    from storage.vault import FAST_KDF_FOR_TESTS

    settings = load_settings(data_dir=data_dir)
    station = open_station(settings)
    if not station.is_provisioned():
        station.provision(STATION_ID, "35.05", ADMIN[0], ADMIN[1], kdf=FAST_KDF_FOR_TESTS)
        station.auth.sign_in(*ADMIN)
        station.operators.add(SUPERVISOR[0], "Supervisor", Role.SUPERVISOR, SUPERVISOR[1])
        station.operators.add(OPERATOR[0], "Operator", Role.OPERATOR, OPERATOR[1])
        station.auth.sign_out()
    return station


def add_approved(station, first: int, count: int, blob_size: int = 2_000) -> list[str]:  # noqa: ANN001
    """Save `count` records as the operator and approve them as the supervisor."""
    station.auth.sign_in(*OPERATOR)
    enrollments = [
        make_enrollment(
            seed, station_id=station.station_id, blob_size=blob_size, status=RecordStatus.DRAFT
        ).model_copy(update={"operator": OPERATOR[0]})
        for seed in range(first, first + count)
    ]
    ids = station.records.save_captured_many(enrollments)
    station.auth.sign_out()
    station.auth.sign_in(*SUPERVISOR)
    station.records.approve(ids)
    station.auth.sign_out()
    return ids


def make_receiver(data_dir, suite: str = "mlkem768-x25519"):  # noqa: ANN001, ANN201
    from sync.keys import ServerKeyPair
    from sync.receiver.service import KEYS_FILE, Receiver

    data_dir.mkdir(parents=True, exist_ok=True)
    keys = ServerKeyPair.generate(suite)
    keys.save(data_dir / KEYS_FILE)
    return Receiver.open(data_dir)


def connect(station, receiver, url: str, tls_cert_pem: bytes | None = None) -> None:  # noqa: ANN001
    """Register the station at the receiver and provision the station with the receiver."""
    from station.services.sync import SyncService

    service = SyncService(station)
    receiver.add_station(service.station_public_key())
    station.auth.sign_in(*ADMIN)
    service.provision(url, receiver.public.to_json(), tls_cert_pem)
    station.auth.sign_out()


def self_signed_cert(tmp, host: str = "127.0.0.1"):  # noqa: ANN001, ANN201
    """A self-signed TLS certificate for `host` (IP SAN) -> (cert path, key path, PEM bytes)."""
    import ipaddress
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rekam test receiver")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    tmp.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(pem)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path, pem


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def statuses(station) -> dict[str, int]:  # noqa: ANN001
    from station.services.sync import SyncService

    return {k: v for k, v in SyncService(station).status()["records"].items() if v}


# --- the test vectors of docs/packet-format.md ---------------------------------------------------

VECTOR_SERVER_X25519 = bytes.fromhex(
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
)
VECTOR_SERVER_SIGNING = bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
)
VECTOR_STATION_SIGNING = bytes.fromhex(
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
)
VECTOR_PACKET_ID = "6f1c2a9e-3b4d-4c5e-8f70-112233445566"
VECTOR_CREATED = datetime(2026, 11, 2, 9, 15, 30, 123456, tzinfo=UTC)


def vector_enrollment() -> Enrollment:
    """A deliberately small record: demographics, a face of 8 bytes, one finger, one exception."""
    t = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return Enrollment(
        record_id="rec-vector-1",
        station_id="BLT-01",
        operator="operator",
        created_at=t,
        status=RecordStatus.APPROVED,
        applicant=Applicant(
            nik="3505014107850001",
            kk_number="3505011201090004",
            full_name="SITI AMINAH",
            place_of_birth="BLITAR",
            date_of_birth=date(1985, 7, 1),
            sex=Sex.FEMALE,
            address=Address(
                street="JL. MERDEKA NO. 5", rt="3", rw="2", village_code="35.05.01.2001"
            ),
            religion=Religion.ISLAM,
            marital_status=MaritalStatus.MARRIED,
            occupation="PETANI/PEKEBUN",
        ),
        face=Capture(
            data=b"\xff\xd8FACE\xff\xd9",
            format="jpeg",
            device_id="cam-1",
            captured_at=t,
            quality=91.5,
        ),
        fingers={
            FingerPosition.RIGHT_THUMB: FingerCapture(
                position=FingerPosition.RIGHT_THUMB,
                data=b"\xff\xa0WSQ\xff\xa1",
                format="wsq",
                device_id="fp-1",
                captured_at=t,
                quality=73.0,
                attempts=2,
                resolution_ppi=500,
            )
        },
        finger_exceptions={
            FingerPosition.LEFT_LITTLE: FingerException(
                position=FingerPosition.LEFT_LITTLE,
                reason=ExceptionReason.MISSING,
                confirmed_by="supervisor",
            )
        },
        supervisor="supervisor",
    )


def vector_keys():  # noqa: ANN201
    from sync.keys import KemId, ServerKeyPair

    server = ServerKeyPair(KemId.X25519, VECTOR_SERVER_X25519, VECTOR_SERVER_SIGNING)
    station = StationSigner("BLT-01", seed=VECTOR_STATION_SIGNING)
    return server, station


def render_vectors(packet_bytes: bytes | None = None) -> dict[str, str]:
    """The named test-vector blocks of docs/packet-format.md. Everything is deterministic except
    the packet itself (HPKE draws a fresh ephemeral key), which is passed in when re-checking."""
    import textwrap

    from station.domain import ServerOutcome
    from sync import batch, packet, payload, receipt
    from sync.keys import StationPublicKey

    def hexblock(data: bytes) -> str:
        return "\n".join(textwrap.wrap(data.hex(), 64))

    e = vector_enrollment()
    server, station = vector_keys()
    pl = payload.encode(e)
    header = packet.PacketHeader(
        kem=server.kem,
        schema_version=1,
        created_at=VECTOR_CREATED,
        recipient_key_id=server.public().key_id,
        packet_id=VECTOR_PACKET_ID,
        station_id="BLT-01",
        record_id=e.record_id,
    ).to_bytes()
    if packet_bytes is None:
        packet_bytes = packet.seal(
            e, server.public(), station, packet_id=VECTOR_PACKET_ID, created_at=VECTOR_CREATED
        )[1]
    rec = receipt.issue(
        server,
        packet_id=VECTOR_PACKET_ID,
        station_id="BLT-01",
        record_id=e.record_id,
        packet_sha256=hashlib.sha256(packet_bytes).hexdigest(),
        packet_size=len(packet_bytes),
        outcome=ServerOutcome.ACCEPTED,
        server_time=datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
    )
    manifest_batch = batch.build(
        station,
        [(VECTOR_PACKET_ID, packet_bytes)],
        batch_id="0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d",
        created_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC),
    )[1]
    import io
    import zipfile

    manifest = zipfile.ZipFile(io.BytesIO(manifest_batch)).read("manifest.json")
    return {
        "server-private-key.json": server.to_json().decode(),
        "server-key.json": server.public().to_json().decode(),
        "station-key.json": StationPublicKey("BLT-01", station.public_key).to_json().decode(),
        "payload.hex": hexblock(pl),
        "payload.sha256": hashlib.sha256(pl).hexdigest(),
        "header.hex": hexblock(header),
        "packet.hex": hexblock(packet_bytes),
        "receipt.hex": hexblock(rec),
        "manifest.json": manifest.decode(),
        "manifest.sig.hex": station.sign(manifest).hex(),
    }


class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (initdb + postgres), for the receiver's
    PostgreSQL path. Skips the calling test when PostgreSQL or psycopg is not installed."""

    def __init__(self) -> None:
        import os
        import shutil
        import subprocess
        import tempfile
        import time as _time

        import pytest

        pytest.importorskip("psycopg", reason="psycopg (PostgreSQL driver) is not installed")
        initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
        if not initdb or not postgres:
            pytest.skip("PostgreSQL server binaries (initdb, postgres) are not installed")
        prefix: list[str] = []
        self._dir = Path(tempfile.mkdtemp(prefix="rekam-pg-"))
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root without a 'postgres' user to run PostgreSQL")
            os.chown(self._dir, user.pw_uid, user.pw_gid)
            prefix = ["runuser", "-u", "postgres", "--"]
        data = self._dir / "data"
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.port = free_port()
        self._proc = subprocess.Popen(
            [
                *prefix,
                postgres,
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self._dir),
                "-F",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        import psycopg

        deadline = _time.monotonic() + 60
        while True:
            try:
                psycopg.connect(
                    f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
                ).close()
                break
            except psycopg.OperationalError:
                if _time.monotonic() > deadline or self._proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("PostgreSQL did not start") from None
                _time.sleep(0.2)

    def stop(self) -> None:
        import shutil

        self._proc.terminate()
        self._proc.wait(30)
        shutil.rmtree(self._dir, ignore_errors=True)
