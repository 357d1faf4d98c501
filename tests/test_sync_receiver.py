"""The receiver's HTTP API on 127.0.0.1 and its command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sync_helpers import StationSigner, make_enrollment

from sync import packet, receipt, wire
from sync.client import Endpoint, ReceiverClient
from sync.errors import SyncError
from sync.keys import ServerKeyPair, ServerPublicKey, StationPublicKey
from sync.receiver.server import ServerThread
from sync.receiver.service import KEYS_FILE, Receiver


@pytest.fixture
def setup(tmp_path: Path):  # noqa: ANN201
    keys = ServerKeyPair.generate()
    keys.save(tmp_path / KEYS_FILE)
    receiver = Receiver.open(tmp_path)
    signer = StationSigner("BLT-01")
    receiver.add_station(StationPublicKey("BLT-01", signer.public_key))
    with ServerThread(receiver) as server:
        yield keys, receiver, signer, server
    receiver.close()


def test_put_is_idempotent_and_conflict_is_refused(setup) -> None:  # noqa: ANN001
    keys, receiver, signer, server = setup
    e = make_enrollment(1)
    pid, raw = packet.seal(e, keys.public(), signer)
    with httpx.Client(base_url=server.url) as http:
        first = http.put(f"/v1/packets/{pid}", content=raw)
        again = http.put(f"/v1/packets/{pid}", content=raw)
        assert first.status_code == again.status_code == 200
        assert first.content == again.content  # the same receipt, byte for byte
        rec = receipt.verify(first.content, keys.public())
        assert rec.outcome.value == "ACCEPTED" and rec.record_id == e.record_id
        _, other = packet.seal(make_enrollment(2), keys.public(), signer, packet_id=pid)
        conflict = http.put(f"/v1/packets/{pid}", content=other)
        assert conflict.status_code == 409
        assert conflict.json()["code"] == "PACKET_CONFLICT"
    stats = receiver.stats()
    assert stats["packets"] == 1 and stats["duplicates_seen"] == 1
    row = stats["per_station"]["BLT-01"]
    assert row == {"packets": 1, "duplicates_seen": 1, "outcomes": {"ACCEPTED": 1}}


def test_server_outcomes_duplicate_nik_and_undecryptable(setup) -> None:  # noqa: ANN001
    keys, receiver, signer, server = setup
    e = make_enrollment(3)
    twin = make_enrollment(3).model_copy(update={"record_id": "rec-twin"})
    stranger = ServerKeyPair.generate("x25519").public()
    with ReceiverClient(Endpoint(server.url, keys.public())) as client:
        r1 = client.put(*packet.seal(e, keys.public(), signer))
        r2 = client.put(*packet.seal(twin, keys.public(), signer))
        r3 = client.put(*packet.seal(make_enrollment(4), stranger, signer))
    assert r1.outcome.value == "ACCEPTED"
    assert r2.outcome.value == "DUPLICATE" and r1.packet_id in r2.reason
    assert r3.outcome.value == "REJECTED" and "PACKET_WRONG_RECIPIENT" in r3.reason
    assert receiver.stats()["per_station"]["BLT-01"]["outcomes"] == {
        "ACCEPTED": 1,
        "DUPLICATE": 1,
        "REJECTED": 1,
    }


def test_unknown_station_bad_signature_and_garbage_are_named(setup) -> None:  # noqa: ANN001
    keys, receiver, signer, server = setup
    pid, raw = packet.seal(
        make_enrollment(5, station_id="BLT-77"), keys.public(), StationSigner("BLT-77")
    )
    with ReceiverClient(Endpoint(server.url, keys.public())) as client:
        with pytest.raises(SyncError) as err:
            client.put(pid, raw)
        assert err.value.code == "HTTP_403_STATION_UNKNOWN"
        assert "BLT-77" in err.value.problem.message_en
        pid, raw = packet.seal(make_enrollment(6), keys.public(), signer)
        forged = raw[:-64] + StationSigner("BLT-01").sign(raw[:-64])
        with pytest.raises(SyncError) as err:
            client.put(pid, forged)
        assert err.value.code == "HTTP_422_PACKET_SIGNATURE_INVALID"
        with pytest.raises(SyncError) as err:
            client.put(pid, b"not a packet at all, just some bytes" * 3)
        assert err.value.code == "HTTP_400_PACKET_MALFORMED"
        results = client.upload([(pid, raw), (pid + "x", forged)])
        assert results[0].receipt is not None and results[1].error is not None
        assert results[1].error.code == "HTTP_422_PACKET_SIGNATURE_INVALID"
    with httpx.Client(base_url=server.url) as http:
        too_big = http.put(f"/v1/packets/{pid}", content=b"\0" * (packet.MAX_PACKET_BYTES + 1))
        assert too_big.status_code == 413 and too_big.json()["code"] == "REQUEST_TOO_LARGE"
        bad_batch = http.post(
            "/v1/packets:batch", content=wire.UPLOAD_MAGIC + b"\x01\x00\x00\x00\x05"
        )
        assert bad_batch.status_code == 400 and bad_batch.json()["code"] == "UPLOAD_MALFORMED"
        bad_query = http.post("/v1/receipts:query", json={"ids": 1})
        assert bad_query.status_code == 400 and bad_query.json()["code"] == "QUERY_MALFORMED"
    assert receiver.stats()["packets"] == 1


def test_receipt_query_recovers_lost_receipts(setup) -> None:  # noqa: ANN001
    keys, receiver, signer, server = setup
    sealed = [packet.seal(make_enrollment(i), keys.public(), signer) for i in range(10, 14)]
    for _, raw in sealed[:3]:
        receiver.submit(raw)  # delivered, but the station never saw the answers
    with ReceiverClient(Endpoint(server.url, keys.public())) as client:
        found = client.query(sealed)
        assert sorted(found) == sorted(pid for pid, _ in sealed[:3])
        assert client.health()["server_key_id"] == keys.public().key_id.hex()
        other = Endpoint(server.url, ServerKeyPair.generate("x25519").public())
        with ReceiverClient(other) as wrong, pytest.raises(SyncError) as err:
            wrong.health()
        assert err.value.code == "SERVER_KEY_MISMATCH"


def test_receiver_cli_end_to_end(tmp_path: Path) -> None:
    def rr(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        run = subprocess.run(
            [sys.executable, "-m", "sync.receiver.cli", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (run.returncode == 0) == ok, run.stderr
        return run

    d = str(tmp_path / "recv")
    rr("init", "--data-dir", d, "--suite", "x25519")
    again = rr("init", "--data-dir", d, ok=False)
    assert "already exist" in again.stderr
    assert (Path(d) / KEYS_FILE).stat().st_mode & 0o077 == 0
    rr("server-key", "--data-dir", d, "--export", str(tmp_path / "server.key"))
    pub = ServerPublicKey.from_json((tmp_path / "server.key").read_bytes())
    assert pub.kem.name == "X25519"
    signer = StationSigner("BLT-05")
    (tmp_path / "station.key").write_bytes(StationPublicKey("BLT-05", signer.public_key).to_json())
    assert (
        "registered"
        in rr("stations", "add", "--data-dir", d, "--key", str(tmp_path / "station.key")).stdout
    )
    assert (
        "already registered"
        in rr("stations", "add", "--data-dir", d, "--key", str(tmp_path / "station.key")).stdout
    )
    other = StationPublicKey("BLT-05", StationSigner("BLT-05").public_key)
    (tmp_path / "other.key").write_bytes(other.to_json())
    changed = rr("stations", "add", "--data-dir", d, "--key", str(tmp_path / "other.key"), ok=False)
    assert "STATION_KEY_CHANGED" in changed.stderr
    listing = json.loads(rr("stations", "list", "--data-dir", d, "--json").stdout)
    assert [s["station_id"] for s in listing["stations"]] == ["BLT-05"]
    receiver = Receiver.open(Path(d))
    receiver.submit(packet.seal(make_enrollment(1, station_id="BLT-05"), pub, signer)[1])
    receiver.close()
    stats = json.loads(rr("stats", "--data-dir", d, "--json").stdout)
    assert stats["packets"] == 1 and stats["per_station"]["BLT-05"]["outcomes"] == {"ACCEPTED": 1}
    assert "packets stored: 1" in rr("stats", "--data-dir", d).stdout
    missing = rr("server-key", "--data-dir", str(tmp_path / "nothing"), "--export", "x", ok=False)
    assert "RECEIVER_NOT_INITIALISED" in missing.stderr


def test_receiver_is_a_separate_program() -> None:
    """The receiver imports neither the station's store nor its services (nor Qt)."""
    code = (
        "import sys, sync.receiver.cli, sync.receiver.server, sync.receiver.app\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('storage', 'ui', 'PySide6')"
        " or m.startswith('station.services') or m.startswith('station.app'))\n"
        "print(bad)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.mark.slow
def test_receiver_on_postgresql(tmp_path: Path) -> None:
    """The same receiver on PostgreSQL by URL: idempotency, conflicts, batch import, stats."""
    from sync_helpers import PostgresServer

    from sync import batch

    pg = PostgresServer()
    try:
        keys = ServerKeyPair.generate("x25519")
        keys.save(tmp_path / KEYS_FILE)
        receiver = Receiver.open(tmp_path, pg.url)
        assert receiver.engine.dialect.name == "postgresql"
        signer = StationSigner("BLT-01")
        receiver.add_station(StationPublicKey("BLT-01", signer.public_key))
        sealed = [packet.seal(make_enrollment(i), keys.public(), signer) for i in range(1, 6)]
        with (
            ServerThread(receiver) as server,
            ReceiverClient(Endpoint(server.url, keys.public())) as c,
        ):
            results = c.upload(sealed[:3])
            assert [r.receipt.outcome.value for r in results] == ["ACCEPTED"] * 3
            again = c.upload(sealed[:3])
            assert [r.receipt.raw for r in again] == [r.receipt.raw for r in results]
            _, other = packet.seal(
                make_enrollment(9), keys.public(), signer, packet_id=sealed[0][0]
            )
            with pytest.raises(SyncError) as err:
                c.put(sealed[0][0], other)
            assert err.value.code == "HTTP_409_PACKET_CONFLICT"
        imported = receiver.import_batch(batch.build(signer, sealed)[1])
        assert imported.new == 2
        stats = receiver.stats()
        assert (
            stats["packets"] == 5
            and stats["duplicates_seen"] == 6
            and stats["batches_imported"] == 1
        )
        receiver.close()
    finally:
        pg.stop()


def test_one_upload_is_checked_packet_by_packet_in_order(setup) -> None:  # noqa: ANN001
    """Within one upload batch: a repeated packet gets the same receipt (counted as a
    re-delivery), another packet under the same id is a conflict, a second packet of an NIK is a
    DUPLICATE of the first, a damaged one is refused alone; the good ones are stored once."""
    keys, receiver, signer, server = setup
    pid_a, a = packet.seal(make_enrollment(21), keys.public(), signer)
    _, twin = packet.seal(
        make_enrollment(21).model_copy(update={"record_id": "rec-twin-21"}), keys.public(), signer
    )
    _, clash = packet.seal(make_enrollment(22), keys.public(), signer, packet_id=pid_a)
    pid_b, b = packet.seal(make_enrollment(23), keys.public(), signer)
    damaged = bytearray(b)
    damaged[-1] ^= 1
    with ReceiverClient(Endpoint(server.url, keys.public())) as client:
        results = client.upload(
            [(pid_a, a), ("x", bytes(damaged)), (pid_a, a), (pid_a, clash),
             (packet.parse(twin).packet_id, twin), (pid_b, b)]
        )
    first, bad, again, conflict, second_nik, other = results
    assert first.receipt is not None and again.receipt is not None
    assert first.receipt.raw == again.receipt.raw
    assert bad.error is not None and bad.error.code == "HTTP_422_PACKET_SIGNATURE_INVALID"
    assert conflict.error is not None and conflict.error.code == "HTTP_409_PACKET_CONFLICT"
    assert second_nik.receipt is not None
    assert second_nik.receipt.outcome.value == "DUPLICATE" and pid_a in second_nik.receipt.reason
    assert other.receipt is not None and other.receipt.outcome.value == "ACCEPTED"
    stats = receiver.stats()
    assert stats["packets"] == 3 and stats["duplicates_seen"] == 1
    assert stats["per_station"]["BLT-01"]["outcomes"] == {"ACCEPTED": 2, "DUPLICATE": 1}
    # The same upload again: every answer is the stored one, nothing new is stored.
    with ReceiverClient(Endpoint(server.url, keys.public())) as client:
        replay = client.upload([(pid_a, a), (pid_b, b)])
    assert [r.receipt.raw for r in replay] == [first.receipt.raw, other.receipt.raw]
    assert receiver.stats()["packets"] == 3
