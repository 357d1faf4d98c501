"""Receipts: the server's signed statement about one packet, and receipt files for media.

Receipt layout (big-endian; docs/packet-format.md, "Receipts"):

    "RKRC"  u8 version=1  u32 body_len  body  signature(64)

`body` is canonical JSON: {"format": "rekam-receipt", "version": 1, "packet_id", "station_id",
"record_id", "packet_sha256", "packet_size", "outcome" (ACCEPTED | DUPLICATE | REJECTED),
"reason" (text, "" when accepted), "server_time" (ISO 8601 UTC), "server_key_id" (hex)}; the
Ed25519 signature of the server covers every byte before it.

A receipt file (carried back on removable media) is

    "RKRF"  u8 version=1  u32 count  (u32 len  receipt)*

Each receipt in it is verified on its own; the file itself needs no extra signature.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

from station.domain import ServerOutcome
from sync import canonical
from sync.errors import FormatError
from sync.keys import ServerKeyPair, ServerPublicKey

MAGIC = b"RKRC"
FILE_MAGIC = b"RKRF"
VERSION = 1
MAX_RECEIPT_BYTES = 64 * 1024
MAX_FILE_RECEIPTS = 1_000_000


@dataclass(frozen=True)
class Receipt:
    packet_id: str
    station_id: str
    record_id: str
    packet_sha256: str
    packet_size: int
    outcome: ServerOutcome
    reason: str
    server_time: datetime
    server_key_id: str
    raw: bytes = field(default=b"", repr=False)

    def body(self) -> dict:
        return {
            "format": "rekam-receipt",
            "version": VERSION,
            "packet_id": self.packet_id,
            "station_id": self.station_id,
            "record_id": self.record_id,
            "packet_sha256": self.packet_sha256,
            "packet_size": self.packet_size,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "server_time": self.server_time.astimezone(UTC).isoformat(),
            "server_key_id": self.server_key_id,
        }


def issue(
    keys: ServerKeyPair,
    *,
    packet_id: str,
    station_id: str,
    record_id: str,
    packet_sha256: str,
    packet_size: int,
    outcome: ServerOutcome,
    reason: str = "",
    server_time: datetime | None = None,
) -> bytes:
    receipt = Receipt(
        packet_id,
        station_id,
        record_id,
        packet_sha256,
        packet_size,
        ServerOutcome(outcome),
        reason,
        server_time or datetime.now(UTC),
        keys.public().key_id.hex(),
    )
    body = canonical.dumps(receipt.body())
    signed = MAGIC + bytes([VERSION]) + struct.pack(">I", len(body)) + body
    return signed + keys.sign(signed)


def _bad(detail_id: str, detail_en: str) -> FormatError:
    return FormatError(
        "RECEIPT_MALFORMED", f"Tanda terima rusak: {detail_id}.", f"Malformed receipt: {detail_en}."
    )


def verify(raw: bytes, server_key: ServerPublicKey) -> Receipt:
    """Parse a receipt and verify the server's signature; raises FormatError / SignatureError."""
    raw = bytes(raw)
    if len(raw) > MAX_RECEIPT_BYTES or len(raw) < 9 + 64:
        raise _bad("ukuran tidak wajar", "implausible size")
    if raw[:4] != MAGIC or raw[4] != VERSION:
        raise _bad("bukan tanda terima Rekam versi 1", "not a Rekam receipt, version 1")
    (n,) = struct.unpack_from(">I", raw, 5)
    if 9 + n + 64 != len(raw):
        raise _bad("panjang tidak cocok", "lengths do not add up")
    server_key.verify(raw[9 + n :], raw[: 9 + n])
    try:
        doc = canonical.loads(raw[9 : 9 + n])
        if doc.get("format") != "rekam-receipt" or doc.get("version") != VERSION:
            raise ValueError("format")
        receipt = Receipt(
            packet_id=str(doc["packet_id"]),
            station_id=str(doc["station_id"]),
            record_id=str(doc["record_id"]),
            packet_sha256=str(doc["packet_sha256"]),
            packet_size=int(doc["packet_size"]),
            outcome=ServerOutcome(doc["outcome"]),
            reason=str(doc["reason"]),
            server_time=datetime.fromisoformat(doc["server_time"]),
            server_key_id=str(doc["server_key_id"]),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError):
        raise _bad("isi tidak sah", "invalid content") from None
    if receipt.server_key_id != server_key.key_id.hex():
        raise _bad("dari kunci server lain", "issued under another server key")
    return receipt


def write_file(receipts: list[bytes]) -> bytes:
    parts = [FILE_MAGIC, bytes([VERSION]), struct.pack(">I", len(receipts))]
    for r in receipts:
        parts.append(struct.pack(">I", len(r)))
        parts.append(r)
    return b"".join(parts)


def read_file(data: bytes) -> list[bytes]:
    """Split a receipt file into receipts (unverified). Raises FormatError naming the defect."""
    if len(data) < 9 or data[:4] != FILE_MAGIC:
        raise FormatError(
            "RECEIPT_FILE_INVALID",
            "Berkas ini bukan berkas tanda terima Rekam.",
            "This file is not a Rekam receipt file.",
        )
    if data[4] != VERSION:
        raise FormatError(
            "RECEIPT_FILE_INVALID",
            f"Versi berkas tanda terima {data[4]} tidak didukung.",
            f"Unsupported receipt file version {data[4]}.",
        )
    (count,) = struct.unpack_from(">I", data, 5)
    if count > MAX_FILE_RECEIPTS:
        raise FormatError(
            "RECEIPT_FILE_INVALID", "Terlalu banyak tanda terima.", "Too many receipts."
        )
    pos, out = 9, []
    for _ in range(count):
        if pos + 4 > len(data):
            break
        (n,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if n > MAX_RECEIPT_BYTES or pos + n > len(data):
            break
        out.append(data[pos : pos + n])
        pos += n
    if len(out) != count or pos != len(data):
        raise FormatError(
            "RECEIPT_FILE_TRUNCATED",
            "Berkas tanda terima terpotong atau rusak; salin ulang dari server.",
            "The receipt file is truncated or damaged; copy it again from the server.",
        )
    return out
