"""The HTTP protocol between a station and the receiver (docs/packet-format.md, "HTTP API").

    GET  /v1/health                 -> {"status": "ok", "server_key_id": hex}
    PUT  /v1/packets/{packet_id}    body: one packet -> 200 receipt bytes | problem JSON
    POST /v1/packets:batch          body: upload batch (below) -> JSON results, one per packet
    POST /v1/receipts:query         {"packet_ids": [...]} -> {"receipts": {id: base64}}

Upload batch body: "RKBU"  u8 version=1  u32 count  (u32 len  packet)*

Every packet in an upload batch is handled on its own (idempotent per packet id), so one bad
packet never blocks the others. Errors are JSON {"code", "message", "message_en"}.
"""

from __future__ import annotations

import struct

from sync.errors import FormatError
from sync.packet import MAX_PACKET_BYTES

UPLOAD_MAGIC = b"RKBU"
UPLOAD_VERSION = 1
MAX_UPLOAD_PACKETS = 1000
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
RECEIPT_MEDIA_TYPE = "application/vnd.rekam.receipt"
PACKET_MEDIA_TYPE = "application/vnd.rekam.packet"
UPLOAD_MEDIA_TYPE = "application/vnd.rekam.upload-batch"


def encode_upload(packets: list[bytes]) -> bytes:
    parts = [UPLOAD_MAGIC, bytes([UPLOAD_VERSION]), struct.pack(">I", len(packets))]
    for p in packets:
        parts.append(struct.pack(">I", len(p)))
        parts.append(p)
    return b"".join(parts)


def decode_upload(data: bytes) -> list[bytes]:
    def bad(en: str, id_: str) -> FormatError:
        return FormatError(
            "UPLOAD_MALFORMED", f"Kiriman batch rusak: {id_}", f"Malformed upload batch: {en}"
        )

    if len(data) < 9 or data[:4] != UPLOAD_MAGIC or data[4] != UPLOAD_VERSION:
        raise bad("not a Rekam upload batch, version 1", "bukan batch kiriman Rekam versi 1")
    (count,) = struct.unpack_from(">I", data, 5)
    if count > MAX_UPLOAD_PACKETS:
        raise bad(
            f"{count} packets, at most {MAX_UPLOAD_PACKETS}",
            f"{count} paket, maksimal {MAX_UPLOAD_PACKETS}",
        )
    pos, out = 9, []
    for _ in range(count):
        if pos + 4 > len(data):
            raise bad("truncated", "terpotong")
        (n,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if n > MAX_PACKET_BYTES or pos + n > len(data):
            raise bad("truncated or oversized packet", "paket terpotong atau terlalu besar")
        out.append(data[pos : pos + n])
        pos += n
    if pos != len(data):
        raise bad("trailing bytes", "ada bita sisa")
    return out
