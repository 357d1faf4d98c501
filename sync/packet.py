"""Sealed packets: header, HPKE ciphertext of the payload, Ed25519 signature of the station.

Byte layout (big-endian; full description and test vectors in docs/packet-format.md):

    header:
      0   4  magic "RKPK"
      4   1  format version (1)
      5   2  KEM id        (0x647A ML-KEM-768+X25519, 0x0020 X25519)
      7   2  KDF id        (0x0001 HKDF-SHA256)
      9   2  AEAD id       (0x0002 AES-256-GCM)
      11  2  payload schema version (1)
      13  8  created time, microseconds since 1970-01-01T00:00:00Z (signed)
      21  16 recipient key id (SHA-256(kem id || server public key)[:16])
      37  16 packet id (UUID, 16 raw bytes)
      53  1  station id length S (1..64), then S bytes ASCII
      ..  1  record id length R (1..64), then R bytes ASCII
    body:
      ..  4  ciphertext length C
      ..  C  HPKE single-shot ciphertext: enc || AEAD(payload), info = "rekam-packet-v1" || header
    trailer:
      ..  64 Ed25519 signature by the station over every byte before it

The packet id is the idempotency key of delivery.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from cryptography.exceptions import InvalidTag

from station.domain import Enrollment
from station.domain.identifiers import ID_BYTES_RE
from sync import payload as payload_codec
from sync.errors import FormatError, SignatureError
from sync.keys import AeadId, KdfId, KemId, ServerKeyPair, ServerPublicKey, suite_for

MAGIC = b"RKPK"
FORMAT_VERSION = 1
INFO_PREFIX = b"rekam-packet-v1"
SIGNATURE_LEN = 64
MAX_PACKET_BYTES = 32 * 1024 * 1024
_FIXED = struct.Struct(">4sBHHHHq16s16s")  # 53 bytes
_ID_RE = ID_BYTES_RE  # station and record ids: station.domain.identifiers
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class Signer(Protocol):
    station_id: str

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class PacketHeader:
    kem: KemId
    schema_version: int
    created_at: datetime
    recipient_key_id: bytes
    packet_id: str
    station_id: str
    record_id: str

    def to_bytes(self) -> bytes:
        created_us = (self.created_at - _EPOCH) // _US
        out = _FIXED.pack(
            MAGIC,
            FORMAT_VERSION,
            int(self.kem),
            int(KdfId.HKDF_SHA256),
            int(AeadId.AES_256_GCM),
            self.schema_version,
            created_us,
            self.recipient_key_id,
            uuid.UUID(self.packet_id).bytes,
        )
        return out + _short(self.station_id, "station id") + _short(self.record_id, "record id")


def _short(text: str, what: str) -> bytes:
    raw = text.encode("ascii", "replace")
    if not _ID_RE.fullmatch(raw):
        raise FormatError(
            "PACKET_ID_FIELD_INVALID",
            f"{what} {text!r} tidak sah untuk paket (1-64 huruf/angka/._-)",
            f"{what} {text!r} cannot go in a packet (1-64 letters, digits, . _ -)",
        )
    return bytes([len(raw)]) + raw


def _malformed(detail_id: str, detail_en: str) -> FormatError:
    return FormatError(
        "PACKET_MALFORMED", f"Paket rusak: {detail_id}.", f"Malformed packet: {detail_en}."
    )


@dataclass(frozen=True)
class Packet:
    """A parsed (not yet verified) packet and the exact bytes it came from."""

    header: PacketHeader
    header_bytes: bytes
    ciphertext: bytes
    signature: bytes
    raw: bytes

    @property
    def packet_id(self) -> str:
        return self.header.packet_id

    @property
    def station_id(self) -> str:
        return self.header.station_id

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def signed_part(self) -> bytes:
        return self.raw[:-SIGNATURE_LEN]

    def verify(self, station_public_key) -> None:  # noqa: ANN001 - keys.StationPublicKey
        if not station_public_key.verify(self.signature, self.signed_part):
            raise SignatureError(
                "PACKET_SIGNATURE_INVALID",
                f"Tanda tangan paket {self.packet_id} tidak sah: paket diubah atau bukan dari "
                f"stasiun {self.station_id}.",
                f"The signature of packet {self.packet_id} does not verify: the packet was "
                f"altered or is not from station {self.station_id}.",
            )

    def open(self, server_keys: ServerKeyPair) -> Enrollment:
        """Decrypt and decode the payload (the receiver only). Verify the signature first."""
        if self.header.recipient_key_id != server_keys.public().key_id:
            raise FormatError(
                "PACKET_WRONG_RECIPIENT",
                "Paket dienkripsi untuk kunci server lain (stasiun diprovisi dengan kunci lama?).",
                "The packet is encrypted to another server key (station provisioned with an "
                "old key?).",
            )
        if self.header.kem is not server_keys.kem:
            raise FormatError(
                "PACKET_WRONG_RECIPIENT",
                "Suite KEM paket tidak cocok dengan kunci server.",
                "The packet's KEM suite does not match the server key.",
            )
        try:
            plain = suite_for(self.header.kem).decrypt(
                self.ciphertext,
                server_keys.hpke_private_key(),
                info=INFO_PREFIX + self.header_bytes,
            )
        except (InvalidTag, ValueError):
            raise FormatError(
                "PACKET_DECRYPT_FAILED",
                "Isi paket tidak dapat didekripsi (rusak atau kunci salah).",
                "The packet payload cannot be decrypted (damaged, or the wrong key).",
            ) from None
        return payload_codec.decode(plain)


def parse(raw: bytes) -> Packet:
    """Parse packet bytes, checking structure only (no signature, no decryption)."""
    raw = bytes(raw)
    if len(raw) > MAX_PACKET_BYTES:
        raise FormatError(
            "PACKET_TOO_LARGE",
            f"Paket {len(raw)} bita melebihi batas {MAX_PACKET_BYTES}.",
            f"Packet of {len(raw)} bytes exceeds the {MAX_PACKET_BYTES}-byte limit.",
        )
    if len(raw) < _FIXED.size + 4 + 4 + SIGNATURE_LEN:
        raise _malformed("terlalu pendek", "too short")
    magic, version, kem_id, kdf_id, aead_id, schema, created_us, key_id, pid = _FIXED.unpack_from(
        raw
    )
    if magic != MAGIC:
        raise _malformed("bukan paket Rekam (magic salah)", "not a Rekam packet (bad magic)")
    if version != FORMAT_VERSION:
        raise _malformed(
            f"versi format {version} tidak didukung", f"unsupported format version {version}"
        )
    try:
        kem = KemId(kem_id)
    except ValueError:
        raise _malformed(f"KEM {kem_id:#06x} tidak dikenal", f"unknown KEM {kem_id:#06x}") from None
    if kdf_id != KdfId.HKDF_SHA256 or aead_id != AeadId.AES_256_GCM:
        raise _malformed("KDF/AEAD tidak didukung", "unsupported KDF/AEAD")
    pos = _FIXED.size
    fields = []
    for what in ("station id", "record id"):
        n = raw[pos]
        value = raw[pos + 1 : pos + 1 + n]
        if n == 0 or len(value) != n or not _ID_RE.fullmatch(value):
            raise _malformed(f"{what} tidak sah", f"invalid {what}")
        fields.append(value.decode("ascii"))
        pos += 1 + n
    header_bytes = raw[:pos]
    if pos + 4 > len(raw):
        raise _malformed("terpotong", "truncated")
    (ct_len,) = struct.unpack_from(">I", raw, pos)
    pos += 4
    if pos + ct_len + SIGNATURE_LEN != len(raw):
        raise _malformed(
            "panjang tidak cocok (terpotong atau ada bita sisa)",
            "lengths do not add up (truncated or trailing bytes)",
        )
    try:
        created = _EPOCH + created_us * _US
    except OverflowError:
        raise _malformed("waktu pembuatan tidak sah", "invalid creation time") from None
    header = PacketHeader(
        kem=kem,
        schema_version=schema,
        created_at=created,
        recipient_key_id=key_id,
        packet_id=str(uuid.UUID(bytes=pid)),
        station_id=fields[0],
        record_id=fields[1],
    )
    return Packet(header, header_bytes, raw[pos : pos + ct_len], raw[pos + ct_len :], raw)


def seal(
    enrollment: Enrollment,
    server_key: ServerPublicKey,
    signer: Signer,
    *,
    packet_id: str | None = None,
    created_at: datetime | None = None,
) -> tuple[str, bytes]:
    """Encrypt an enrollment to the server and sign it. Returns (packet_id, packet bytes)."""
    header = PacketHeader(
        kem=server_key.kem,
        schema_version=payload_codec.SCHEMA_VERSION,
        created_at=created_at or datetime.now(UTC),
        recipient_key_id=server_key.key_id,
        packet_id=packet_id or str(uuid.uuid4()),
        station_id=signer.station_id,
        record_id=enrollment.record_id,
    )
    if enrollment.station_id != signer.station_id:
        raise FormatError(
            "PACKET_STATION_MISMATCH",
            f"Rekaman milik stasiun {enrollment.station_id}, bukan {signer.station_id}.",
            f"The record belongs to station {enrollment.station_id}, not {signer.station_id}.",
        )
    header_bytes = header.to_bytes()
    ciphertext = suite_for(server_key.kem).encrypt(
        payload_codec.encode(enrollment),
        server_key.hpke_public_key(),
        info=INFO_PREFIX + header_bytes,
    )
    signed = header_bytes + struct.pack(">I", len(ciphertext)) + ciphertext
    signature = signer.sign(signed)
    if len(signature) != SIGNATURE_LEN:
        raise ValueError("the station signer must produce 64-byte Ed25519 signatures")
    raw = signed + signature
    if len(raw) > MAX_PACKET_BYTES:
        raise FormatError(
            "PACKET_TOO_LARGE",
            f"Rekaman terlalu besar untuk disegel ({len(raw)} bita).",
            f"The record is too large to seal ({len(raw)} bytes).",
        )
    return header.packet_id, raw
