"""Batch files for removable media and the hostile-batch suite: every defect is rejected with its
named reason and nothing of the batch is imported."""

from __future__ import annotations

import io
import subprocess
import sys
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sync_helpers import StationSigner, make_enrollment

from sync import batch, packet, receipt
from sync.errors import BatchRejected
from sync.keys import ServerKeyPair, StationPublicKey
from sync.receiver.service import KEYS_FILE, Receiver


@pytest.fixture(scope="module")
def signer() -> StationSigner:
    return StationSigner("BLT-01")


@pytest.fixture(scope="module")
def server_keys() -> ServerKeyPair:
    return ServerKeyPair.generate("x25519")


@pytest.fixture(scope="module")
def packets(signer: StationSigner, server_keys: ServerKeyPair) -> list[tuple[str, bytes]]:
    return [
        packet.seal(make_enrollment(i, blob_size=300), server_keys.public(), signer)
        for i in range(1, 6)
    ]


@pytest.fixture
def receiver(tmp_path: Path, server_keys: ServerKeyPair, signer: StationSigner) -> Receiver:
    server_keys.save(tmp_path / KEYS_FILE)
    r = Receiver.open(tmp_path)
    r.add_station(StationPublicKey(signer.station_id, signer.public_key))
    yield r
    r.close()


@pytest.fixture
def good(signer: StationSigner, packets: list[tuple[str, bytes]]) -> bytes:
    return batch.build(signer, packets)[1]


def rezip(data: bytes, members: list[tuple[str, bytes, int]] | None = None, edit=None) -> bytes:  # noqa: ANN001
    """Rebuild a batch with other members: `members` replaces them all, `edit(name, data)`
    returns the new (name, data, compress_type) list for each original member."""
    src = zipfile.ZipFile(io.BytesIO(data))
    if members is None:
        members = []
        for info in src.infolist():
            members.extend(edit(info.filename, src.read(info.filename)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content, compress in members:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = compress
            zf.writestr(info, content)
    return out.getvalue()


def keep(name: str, content: bytes) -> list[tuple[str, bytes, int]]:
    return [(name, content, zipfile.ZIP_STORED)]


def assert_rejected(receiver: Receiver, data: bytes, code: str) -> BatchRejected:
    with pytest.raises(BatchRejected) as err:
        receiver.import_batch(data)
    assert err.value.code == code, err.value
    stats = receiver.stats()
    assert stats["packets"] == 0 and stats["batches_imported"] == 0
    return err.value


def test_batch_is_built_deterministically_and_imports(
    receiver: Receiver, signer: StationSigner, packets: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    bid = str(uuid.uuid4())
    when = datetime(2026, 1, 1, tzinfo=UTC)
    a = batch.build(signer, packets, batch_id=bid, created_at=when)[1]
    assert (
        a == batch.build(signer, packets, batch_id=bid, created_at=when)[1]
    )  # Ed25519: deterministic
    _, path = batch.write(tmp_path / "usb", signer, packets)
    assert path.name.startswith("rekam-BLT-01-") and path.suffix == ".rkb"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    result = receiver.import_batch(path.read_bytes())
    assert (result.packets, result.new, result.already_imported) == (5, 5, False)
    rs = [receipt.verify(r, receiver.public) for r in receipt.read_file(result.receipt_file)]
    assert sorted(r.packet_id for r in rs) == sorted(pid for pid, _ in packets)
    assert {r.outcome.value for r in rs} == {"ACCEPTED"}
    stored = receiver.stats()
    assert stored["packets"] == 5 and stored["batches_imported"] == 1


def test_importing_the_same_batch_twice_changes_nothing(receiver: Receiver, good: bytes) -> None:
    first = receiver.import_batch(good)
    before = receiver.stats()
    second = receiver.import_batch(good)
    assert second.already_imported and second.new == 0
    assert second.receipt_file == first.receipt_file
    assert receiver.stats() == before


def test_packets_already_uploaded_are_not_stored_twice(
    receiver: Receiver, good: bytes, packets: list[tuple[str, bytes]]
) -> None:
    receiver.submit(packets[0][1])
    result = receiver.import_batch(good)
    assert result.new == 4
    assert receiver.stats()["packets"] == 5


def test_tampered_packet_byte(receiver: Receiver, good: bytes) -> None:
    def flip(name: str, content: bytes):  # noqa: ANN202
        if (
            name.startswith("packets/")
            and name.endswith(".rkp")
            and not getattr(flip, "done", False)
        ):
            flip.done = True
            content = content[:100] + bytes([content[100] ^ 1]) + content[101:]
        return keep(name, content)

    assert_rejected(receiver, rezip(good, edit=flip), "BATCH_HASH_MISMATCH")


def test_tampered_manifest(receiver: Receiver, good: bytes) -> None:
    def edit(name: str, content: bytes):  # noqa: ANN202
        if name == "manifest.json":
            content = content.replace(b'"created_at":"2', b'"created_at":"1')
        return keep(name, content)

    assert_rejected(receiver, rezip(good, edit=edit), "BATCH_SIGNATURE_INVALID")


def test_repacked_packet_with_matching_manifest_but_forged_signature(
    tmp_path: Path, server_keys: ServerKeyPair, packets: list[tuple[str, bytes]]
) -> None:
    """An attacker who re-signs the manifest with another key is caught on the manifest; one
    who keeps a valid manifest but swaps a packet is caught on the hash (above); a packet with a
    valid hash but a forged packet signature is caught on the packet."""
    server_keys.save(tmp_path / KEYS_FILE)
    r = Receiver.open(tmp_path)
    station = StationSigner("BLT-01")
    r.add_station(StationPublicKey("BLT-01", station.public_key))
    pid, raw = packets[0]
    forged = raw[:-64] + StationSigner("BLT-01").sign(raw[:-64])
    data = batch.build(station, [(pid, forged)])[1]
    assert_rejected(r, data, "BATCH_PACKET_SIGNATURE_INVALID")
    r.close()


def test_manifest_signed_by_another_key(
    receiver: Receiver, packets: list[tuple[str, bytes]]
) -> None:
    data = batch.build(StationSigner("BLT-01"), packets)[1]
    assert_rejected(receiver, data, "BATCH_SIGNATURE_INVALID")


def test_unknown_station(receiver: Receiver, packets: list[tuple[str, bytes]]) -> None:
    data = batch.build(StationSigner("BLT-99"), packets)[1]
    err = assert_rejected(receiver, data, "BATCH_STATION_UNKNOWN")
    assert "BLT-99" in err.problem.message_en


@pytest.mark.parametrize("keep_fraction", [0.3, 0.9, 0.999])
def test_truncated_file(receiver: Receiver, good: bytes, keep_fraction: float) -> None:
    assert_rejected(receiver, good[: int(len(good) * keep_fraction)], "BATCH_TRUNCATED")


def test_not_a_batch(receiver: Receiver) -> None:
    assert_rejected(receiver, b"hello, this is a text file\n" * 10, "BATCH_NOT_A_BATCH")


def test_oversized_member(receiver: Receiver, good: bytes) -> None:
    huge = b"\0" * (packet.MAX_PACKET_BYTES + 1)

    def edit(name: str, content: bytes):  # noqa: ANN202
        if name.startswith("packets/") and not getattr(edit, "done", False):
            edit.done = True
            return keep(name, huge)
        return keep(name, content)

    err = assert_rejected(receiver, rezip(good, edit=edit), "BATCH_MEMBER_TOO_LARGE")
    assert str(packet.MAX_PACKET_BYTES) in err.problem.message_en


def test_compression_bomb_member(receiver: Receiver, good: bytes) -> None:
    def edit(name: str, content: bytes):  # noqa: ANN202
        if name.startswith("packets/") and not getattr(edit, "done", False):
            edit.done = True
            return [(name, b"\0" * 20_000_000, zipfile.ZIP_DEFLATED)]
        return keep(name, content)

    data = rezip(good, edit=edit)
    assert len(data) < 200_000  # 20 MB of zeros in a few KB: a bomb
    assert_rejected(receiver, data, "BATCH_COMPRESSED_MEMBER")


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/cron.d/evil",
        "/tmp/evil.rkp",
        "packets/../../evil.rkp",
        "packets\\..\\evil.rkp",
        "packets/not-a-uuid.rkp",
        "packets/",
        "MANIFEST.JSON",
    ],
)
def test_unsafe_member_names(receiver: Receiver, good: bytes, name: str) -> None:
    def edit(n: str, content: bytes):  # noqa: ANN202
        out = keep(n, content)
        if n == "manifest.sig":
            out.append((name, b"x", zipfile.ZIP_STORED))
        return out

    err = assert_rejected(receiver, rezip(good, edit=edit), "BATCH_UNSAFE_NAME")
    assert repr(name) in err.problem.message_en


def test_missing_and_unexpected_members(
    receiver: Receiver, good: bytes, signer: StationSigner, packets: list[tuple[str, bytes]]
) -> None:
    first = f"packets/{packets[0][0]}.rkp"

    def drop(name: str, content: bytes):  # noqa: ANN202
        return [] if name == first else keep(name, content)

    assert_rejected(receiver, rezip(good, edit=drop), "BATCH_MEMBER_MISSING")
    extra_id, extra = packets[0]
    small = batch.build(signer, packets[1:])[1]

    def add(name: str, content: bytes):  # noqa: ANN202
        out = keep(name, content)
        if name == "manifest.sig":
            out.append((f"packets/{extra_id}.rkp", extra, zipfile.ZIP_STORED))
        return out

    assert_rejected(receiver, rezip(small, edit=add), "BATCH_MEMBER_UNEXPECTED")

    def dup(name: str, content: bytes):  # noqa: ANN202
        return keep(name, content) * (2 if name == "manifest.sig" else 1)

    with pytest.warns(UserWarning, match="Duplicate name"):
        data = rezip(good, edit=dup)
    assert_rejected(receiver, data, "BATCH_DUPLICATE_MEMBER")


def test_conflicting_packet_rejects_the_whole_batch(
    receiver: Receiver,
    signer: StationSigner,
    server_keys: ServerKeyPair,
    packets: list[tuple[str, bytes]],
) -> None:
    pid, _ = packets[0]
    _, other = packet.seal(
        make_enrollment(42, blob_size=300), server_keys.public(), signer, packet_id=pid
    )
    receiver.submit(other)
    data = batch.build(signer, packets)[1]
    with pytest.raises(BatchRejected) as err:
        receiver.import_batch(data)
    assert err.value.code == "BATCH_PACKET_CONFLICT"
    assert receiver.stats()["packets"] == 1  # only the earlier upload, nothing of the batch


def test_receiver_cli_import_names_the_reason(
    tmp_path: Path, receiver: Receiver, good: bytes
) -> None:
    bad = tmp_path / "bad.rkb"
    bad.write_bytes(good[: len(good) // 2])
    out = tmp_path / "receipts.rkr"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.receiver.cli",
            "import",
            str(bad),
            "--receipt-out",
            str(out),
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "BATCH_TRUNCATED" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()
    ok = tmp_path / "ok.rkb"
    ok.write_bytes(good)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.receiver.cli",
            "import",
            str(ok),
            "--receipt-out",
            str(out),
            "--data-dir",
            str(tmp_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert '"new": 5' in run.stdout
    assert len(receipt.read_file(out.read_bytes())) == 5


def test_oversized_batch_file_is_refused_before_reading(tmp_path: Path, receiver: Receiver) -> None:
    huge = tmp_path / "huge.rkb"
    with huge.open("wb") as f:  # sparse: costs no disk and must not be read into memory
        f.truncate(batch.MAX_BATCH_BYTES + 1)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.receiver.cli",
            "import",
            str(huge),
            "--receipt-out",
            str(tmp_path / "r.rkr"),
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "BATCH_TOO_LARGE" in run.stderr
