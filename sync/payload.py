"""Deterministic serialization of an `Enrollment` into the plaintext a packet encrypts.

Layout (all integers big-endian; see docs/packet-format.md, "Payload"):

    "RKPL"  u8 version=1  u32 json_len  json  u32 blob_count  (u32 blob_len  blob)*

`json` is canonical JSON of the enrollment with every binary capture (`data`) replaced by
{"$blob": index}; blobs follow in the order they are first met in a depth-first walk of the
sorted keys. The same enrollment always yields the same bytes.
"""

from __future__ import annotations

import struct
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import ValidationError

from station.domain import Enrollment
from sync import canonical
from sync.errors import FormatError

MAGIC = b"RKPL"
VERSION = 1
SCHEMA_VERSION = 1  # version of the enrollment JSON schema inside the payload
_U32 = struct.Struct(">I")


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any, blobs: list[bytes]) -> Any:
    if type(value) in _SCALARS:  # exact types: enums (str/int subclasses) go on below
        return value
    if isinstance(value, bytes):
        blobs.append(value)
        return {"$blob": len(blobs) - 1}
    if isinstance(value, dict):
        out = {}
        for key in sorted(value, key=lambda k: str(_key(k))):
            out[str(_key(key))] = _plain(value[key], blobs)
        return out
    if isinstance(value, list | tuple):
        return [_plain(v, blobs) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise FormatError(
                "PAYLOAD_NAIVE_TIME",
                "waktu tanpa zona waktu tidak bisa disegel",
                "a time without a time zone cannot be sealed",
            )
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _key(key: Any) -> Any:
    return key.value if isinstance(key, Enum) else key


def encode(enrollment: Enrollment) -> bytes:
    blobs: list[bytes] = []
    doc = {"schema": SCHEMA_VERSION, "enrollment": _plain(enrollment.model_dump(), blobs)}
    body = canonical.dumps(doc)
    parts = [MAGIC, bytes([VERSION]), _U32.pack(len(body)), body, _U32.pack(len(blobs))]
    for blob in blobs:
        parts.append(_U32.pack(len(blob)))
        parts.append(blob)
    return b"".join(parts)


def _bad(detail_id: str, detail_en: str) -> FormatError:
    return FormatError(
        "PAYLOAD_INVALID", f"Isi paket rusak: {detail_id}", f"Damaged payload: {detail_en}"
    )


def _restore(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$blob"}:
            index = value["$blob"]
            if not isinstance(index, int) or not 0 <= index < len(blobs):
                raise _bad("rujukan blob salah", "bad blob reference")
            return blobs[index]
        return {k: _restore(v, blobs) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, blobs) for v in value]
    return value


def decode(data: bytes) -> Enrollment:
    view = memoryview(data)
    if len(data) < 9 or bytes(view[:4]) != MAGIC:
        raise _bad("bukan payload Rekam", "not a Rekam payload")
    if view[4] != VERSION:
        raise _bad(f"versi {view[4]} tidak didukung", f"unsupported version {view[4]}")
    pos = 5
    (json_len,) = _U32.unpack_from(view, pos)
    pos += 4
    if pos + json_len + 4 > len(data):
        raise _bad("terpotong", "truncated")
    body = bytes(view[pos : pos + json_len])
    pos += json_len
    (count,) = _U32.unpack_from(view, pos)
    pos += 4
    blobs: list[bytes] = []
    for _ in range(count):
        if pos + 4 > len(data):
            raise _bad("terpotong", "truncated")
        (n,) = _U32.unpack_from(view, pos)
        pos += 4
        if pos + n > len(data):
            raise _bad("terpotong", "truncated")
        blobs.append(bytes(view[pos : pos + n]))
        pos += n
    if pos != len(data):
        raise _bad("ada bita sisa", "trailing bytes")
    try:
        doc = canonical.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise _bad("JSON tidak sah", "invalid JSON") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_VERSION:
        raise _bad("skema tidak didukung", "unsupported schema")
    try:
        return Enrollment.model_validate(_restore(doc.get("enrollment"), blobs))
    except (ValidationError, ValueError) as exc:
        raise _bad(f"data tidak sah: {exc}", f"invalid data: {exc}") from None
