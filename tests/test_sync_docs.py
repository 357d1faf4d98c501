"""docs/packet-format.md: its test vectors are what the code produces and accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sync_helpers import VECTOR_PACKET_ID, render_vectors, vector_enrollment, vector_keys

from sync import packet, payload, receipt
from sync.keys import ServerKeyPair, ServerPublicKey, StationPublicKey

DOC = Path(__file__).resolve().parents[1] / "docs" / "packet-format.md"


@pytest.fixture(scope="module")
def blocks() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = dict(re.findall(r"```vector:(\S+)\n(.*?)\n```", text, flags=re.S))
    assert len(found) == 10, sorted(found)
    return found


def unhex(block: str) -> bytes:
    return bytes.fromhex("".join(block.split()))


def test_the_documented_packet_verifies_and_decrypts(blocks: dict[str, str]) -> None:
    server, station = vector_keys()
    raw = unhex(blocks["packet.hex"])
    p = packet.parse(raw)
    assert p.packet_id == VECTOR_PACKET_ID
    assert p.header_bytes == unhex(blocks["header.hex"])
    p.verify(StationPublicKey("BLT-01", station.public_key))
    assert p.open(server) == vector_enrollment()


def test_every_deterministic_vector_matches_the_code(blocks: dict[str, str]) -> None:
    expected = render_vectors(unhex(blocks["packet.hex"]))
    assert expected.keys() == blocks.keys()
    for name, value in expected.items():
        assert blocks[name] == value, f"docs/packet-format.md vector {name} is stale"


def test_documented_files_parse_and_agree(blocks: dict[str, str]) -> None:
    server = ServerKeyPair.from_json(blocks["server-private-key.json"].encode())
    public = ServerPublicKey.from_json(blocks["server-key.json"].encode())
    assert server.public() == public
    station = StationPublicKey.from_json(blocks["station-key.json"].encode())
    assert station.verify(unhex(blocks["manifest.sig.hex"]), blocks["manifest.json"].encode())
    pl = unhex(blocks["payload.hex"])
    assert payload.decode(pl) == vector_enrollment()
    import hashlib

    assert hashlib.sha256(pl).hexdigest() == blocks["payload.sha256"]
    rec = receipt.verify(unhex(blocks["receipt.hex"]), public)
    assert rec.packet_sha256 == hashlib.sha256(unhex(blocks["packet.hex"])).hexdigest()


def test_the_header_table_matches_the_bytes(blocks: dict[str, str]) -> None:
    header = unhex(blocks["header.hex"])
    assert header[0:4] == b"RKPK" and header[4] == 1
    assert header[5:7] == b"\x00\x20" and header[7:9] == b"\x00\x01" and header[9:11] == b"\x00\x02"
    assert int.from_bytes(header[13:21], "big", signed=True) == 1793610930123456
    assert header[53] == 6 and header[54:60] == b"BLT-01"
    assert header[60] == len("rec-vector-1") and header[61:] == b"rec-vector-1"
