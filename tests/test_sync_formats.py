"""Packet, payload, receipt and key-file formats: round trips, determinism, tamper detection."""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime

import pytest
from sync_helpers import StationSigner, make_enrollment

from station.domain import ServerOutcome
from sync import packet, payload, receipt
from sync.errors import FormatError, SignatureError
from sync.keys import KemId, ServerKeyPair, ServerPublicKey, StationPublicKey


@pytest.fixture(scope="module")
def server() -> ServerKeyPair:
    return ServerKeyPair.generate()


@pytest.fixture(scope="module")
def signer() -> StationSigner:
    return StationSigner("BLT-01", seed=bytes(range(32)))


def station_key(signer: StationSigner) -> StationPublicKey:
    return StationPublicKey(signer.station_id, signer.public_key)


def test_payload_is_deterministic_and_round_trips() -> None:
    e = make_enrollment(5)  # seed 5 has a confirmed finger exception
    data = payload.encode(e)
    assert data == payload.encode(make_enrollment(5))
    back = payload.decode(data)
    assert back == e
    assert back.finger_exceptions and back.fingers[next(iter(back.fingers))].data
    assert payload.encode(back) == data
    # Every biometric blob travels as raw bytes, not base64 inside the JSON.
    assert e.face is not None and e.face.data in data


@pytest.mark.parametrize("cut", [3, 9, 100, -1])
def test_truncated_payload_is_named(cut: int) -> None:
    data = payload.encode(make_enrollment(1))
    with pytest.raises(FormatError) as err:
        payload.decode(data[:cut])
    assert err.value.code == "PAYLOAD_INVALID"


@pytest.mark.parametrize("suite", ["mlkem768-x25519", "x25519"])
def test_packet_seals_opens_and_keeps_suite_in_header(suite: str, signer: StationSigner) -> None:
    keys = ServerKeyPair.generate(suite)
    e = make_enrollment(2)
    pid, raw = packet.seal(e, keys.public(), signer)
    p = packet.parse(raw)
    assert p.packet_id == pid
    assert p.header.kem is {"mlkem768-x25519": KemId.MLKEM768_X25519, "x25519": KemId.X25519}[suite]
    assert struct.unpack_from(">H", raw, 5)[0] == int(p.header.kem)
    assert p.header.record_id == e.record_id and p.station_id == "BLT-01"
    assert p.header.recipient_key_id == keys.public().key_id
    p.verify(station_key(signer))
    assert p.open(keys) == e
    # Nothing personal is readable in the packet bytes.
    assert e.applicant is not None
    assert e.applicant.nik.encode() not in raw and e.applicant.full_name.encode() not in raw
    assert e.face is not None and e.face.data[:64] not in raw


def test_every_flipped_byte_is_detected(server: ServerKeyPair, signer: StationSigner) -> None:
    _, raw = packet.seal(make_enrollment(3, blob_size=200), server.public(), signer)
    key = station_key(signer)
    step = max(1, len(raw) // 97)
    for i in range(0, len(raw), step):
        bad = bytearray(raw)
        bad[i] ^= 0x01
        with pytest.raises((FormatError, SignatureError)):
            packet.parse(bytes(bad)).verify(key)


def test_signature_from_another_station_is_rejected(
    server: ServerKeyPair, signer: StationSigner
) -> None:
    _, raw = packet.seal(make_enrollment(4), server.public(), signer)
    impostor = StationPublicKey("BLT-01", StationSigner("BLT-01").public_key)
    with pytest.raises(SignatureError) as err:
        packet.parse(raw).verify(impostor)
    assert err.value.code == "PACKET_SIGNATURE_INVALID"


def test_packet_for_another_server_is_named(signer: StationSigner) -> None:
    a, b = ServerKeyPair.generate("x25519"), ServerKeyPair.generate("x25519")
    _, raw = packet.seal(make_enrollment(6), a.public(), signer)
    with pytest.raises(FormatError) as err:
        packet.parse(raw).open(b)
    assert err.value.code == "PACKET_WRONG_RECIPIENT"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda r: r[:40], "PACKET_MALFORMED"),
        (lambda r: b"XXXX" + r[4:], "PACKET_MALFORMED"),
        (lambda r: r[:4] + b"\x09" + r[5:], "PACKET_MALFORMED"),
        (lambda r: r + b"\x00", "PACKET_MALFORMED"),
        (lambda r: r[:-1], "PACKET_MALFORMED"),
        (lambda r: r[:5] + b"\x12\x34" + r[7:], "PACKET_MALFORMED"),
    ],
    ids=["short", "magic", "version", "trailing", "truncated", "unknown-kem"],
)
def test_malformed_packets_are_named(
    mutate, code: str, server: ServerKeyPair, signer: StationSigner
) -> None:
    _, raw = packet.seal(make_enrollment(7, blob_size=100), server.public(), signer)
    with pytest.raises(FormatError) as err:
        packet.parse(mutate(raw))
    assert err.value.code == code


def test_station_id_that_cannot_go_in_a_packet(server: ServerKeyPair) -> None:
    bad = StationSigner("BLT 01")  # a space
    with pytest.raises(FormatError) as err:
        packet.seal(make_enrollment(1, station_id="BLT 01"), server.public(), bad)
    assert err.value.code == "PACKET_ID_FIELD_INVALID"


def test_record_from_another_station_is_not_sealed(
    server: ServerKeyPair, signer: StationSigner
) -> None:
    with pytest.raises(FormatError) as err:
        packet.seal(make_enrollment(1, station_id="OTHER-02"), server.public(), signer)
    assert err.value.code == "PACKET_STATION_MISMATCH"


def test_receipt_verifies_and_forgery_is_named(server: ServerKeyPair) -> None:
    raw = receipt.issue(
        server,
        packet_id="7d444840-9dc0-11d1-b245-5ffdce74fad2",
        station_id="BLT-01",
        record_id="rec-1",
        packet_sha256=hashlib.sha256(b"p").hexdigest(),
        packet_size=1,
        outcome=ServerOutcome.DUPLICATE,
        reason="NIK seen",
        server_time=datetime(2026, 1, 2, tzinfo=UTC),
    )
    r = receipt.verify(raw, server.public())
    assert (r.outcome, r.reason, r.packet_size) == (ServerOutcome.DUPLICATE, "NIK seen", 1)
    assert r.server_time == datetime(2026, 1, 2, tzinfo=UTC)
    forged = raw.replace(b"DUPLICATE", b"ACCEPTED\x20")
    with pytest.raises(SignatureError) as err:
        receipt.verify(forged, server.public())
    assert err.value.code == "RECEIPT_SIGNATURE_INVALID"
    with pytest.raises(SignatureError):
        receipt.verify(raw, ServerKeyPair.generate("x25519").public())


def test_receipt_file_round_trip_and_truncation(server: ServerKeyPair) -> None:
    rs = [
        receipt.issue(
            server,
            packet_id=f"00000000-0000-4000-8000-00000000000{i}",
            station_id="S",
            record_id=f"r{i}",
            packet_sha256="0" * 64,
            packet_size=i,
            outcome=ServerOutcome.ACCEPTED,
        )
        for i in range(3)
    ]
    data = receipt.write_file(rs)
    assert receipt.read_file(data) == rs
    with pytest.raises(FormatError) as err:
        receipt.read_file(data[:-10])
    assert err.value.code == "RECEIPT_FILE_TRUNCATED"
    with pytest.raises(FormatError) as err:
        receipt.read_file(b"PK\x03\x04 not a receipt file")
    assert err.value.code == "RECEIPT_FILE_INVALID"


def test_key_files_round_trip_and_alteration_is_named(
    server: ServerKeyPair, signer: StationSigner
) -> None:
    pub = server.public()
    assert ServerPublicKey.from_json(pub.to_json()) == pub
    assert ServerKeyPair.from_json(server.to_json()) == server
    st = station_key(signer)
    assert StationPublicKey.from_json(st.to_json()) == st
    altered = pub.to_json().replace(b'"kem":"MLKEM768_X25519"', b'"kem":"X25519"')
    with pytest.raises(FormatError) as err:
        ServerPublicKey.from_json(altered)
    assert err.value.code == "KEY_FILE_INVALID"
    with pytest.raises(FormatError):
        StationPublicKey.from_json(b'{"format":"rekam-station-key","version":1}')
    with pytest.raises(FormatError):
        ServerPublicKey.from_json(b"\xff\xfe garbage")
