"""ANSI/NIST-ITL transaction reader (traditional binary encoding), enough for the NIST samples.

Covered:
- tagged-field records (Type-1, 2, 9, 10, 13, 14, 15, 16, 17 ...): fields "T.NNN:value" separated
  by GS (0x1D), subfields RS (0x1E), items US (0x1F), record ended by FS (0x1C); the image field
  (T.999) is binary and runs to the end of the record. Field numbers with 2 or 3 digits.
- binary records: Type-3/4/5/6 (18-byte header LEN IDC IMP FGP[6] ISR HLL VLL GCA), Type-7
  (LEN IDC + user-defined data) and Type-8 (12-byte header LEN IDC SIG SRT ISR HLL VLL).
- images: Type-4/3/5/6 uncompressed 8-bit or WSQ (GCA 1 in old transactions, 2 in newer) or
  JPEG; Type-10/13/14 image field by its compression algorithm (JPEGB, JPEGL, JP2, WSQ20, NONE,
  PNG); Type-8 raw scanned signatures and SRT=2 vector signatures (5-byte pen points).

The order of records comes from the Type-1 CNT field (1.003), as the standard requires.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

import numpy as np

from station.biometrics.formats.errors import FormatError, need

FMT = "ANSI/NIST-ITL"
FS, GS, RS, US = 0x1C, 0x1D, 0x1E, 0x1F
BINARY_TYPES = {3, 4, 5, 6, 7, 8}


_DIGITS = re.compile(r"[0-9]{1,9}")


def _ascii_int(text: str | None) -> int | None:
    """An unsigned decimal of ASCII digits only (str.isdigit also accepts e.g. superscripts)."""
    return int(text) if text is not None and _DIGITS.fullmatch(text) else None


@dataclass
class Record:
    type: int
    fields: dict[int, bytes] = field(default_factory=dict)  # tagged records: field no -> raw
    header: dict[str, object] = field(default_factory=dict)  # binary records: parsed header
    data: bytes = b""  # image or other payload (T.999 or the binary body)

    def text(self, number: int, default: str | None = None) -> str | None:
        raw = self.fields.get(number)
        return default if raw is None else raw.decode("latin-1")

    def subfields(self, number: int) -> list[list[str]]:
        raw = self.text(number)
        if raw is None:
            return []
        return [sub.split(chr(US)) for sub in raw.split(chr(RS))]

    @property
    def idc(self) -> int | None:
        if "IDC" in self.header:
            return int(self.header["IDC"])  # type: ignore[arg-type]
        v = self.text(2)
        return _ascii_int(v)


def _parse_tagged(rtype: int, raw: bytes) -> Record:
    rec = Record(rtype)
    pos = 0
    n = len(raw)
    while pos < n:
        colon = raw.find(b":", pos, pos + 12)
        if colon < 0:
            raise FormatError(
                FMT, f"tag rusak di rekaman tipe {rtype}", f"malformed tag in a Type-{rtype} record"
            )
        tag = raw[pos:colon].decode("latin-1")
        t, _, num = tag.partition(".")
        if _ascii_int(t) != rtype or _ascii_int(num) is None:
            raise FormatError(
                FMT,
                f"tag {tag!r} tidak valid di rekaman tipe {rtype}",
                f"invalid tag {tag!r} in a Type-{rtype} record",
            )
        number = int(num)
        if number == 999:  # binary image data: the rest of the record less the final FS
            rec.data = raw[colon + 1 : n - 1]
            rec.fields[999] = rec.data
            break
        end = colon + 1
        while end < n and raw[end] not in (GS, FS):
            end += 1
        rec.fields[number] = raw[colon + 1 : end]
        pos = end + 1
    return rec


def _parse_binary(rtype: int, raw: bytes) -> Record:
    rec = Record(rtype)
    if rtype in (3, 4, 5, 6):
        need(FMT, raw, 18, f"header rekaman tipe {rtype} / Type-{rtype} header")
        length, idc, imp = struct.unpack(">IBB", raw[:6])
        fgp = [b for b in raw[6:12] if b != 255]
        isr, hll, vll, gca = struct.unpack(">BHHB", raw[12:18])
        rec.header = {
            "LEN": length,
            "IDC": idc,
            "IMP": imp,
            "FGP": fgp,
            "ISR": isr,
            "HLL": hll,
            "VLL": vll,
            "GCA": gca,
        }
        rec.data = raw[18:]
    elif rtype == 8:
        need(FMT, raw, 12, "header rekaman tipe 8 / Type-8 header")
        length, idc, sig, srt, isr, hll, vll = struct.unpack(">IBBBBHH", raw[:12])
        rec.header = {
            "LEN": length,
            "IDC": idc,
            "SIG": sig,
            "SRT": srt,
            "ISR": isr,
            "HLL": hll,
            "VLL": vll,
        }
        rec.data = raw[12:]
    else:  # Type-7: user-defined after LEN and IDC
        need(FMT, raw, 5, "header rekaman tipe 7 / Type-7 header")
        length, idc = struct.unpack(">IB", raw[:5])
        rec.header = {"LEN": length, "IDC": idc}
        rec.data = raw[5:]
    return rec


def _tagged_length(data: bytes, pos: int, rtype: int) -> int:
    head = data[pos : pos + 32]
    prefix = f"{rtype}.".encode()
    if not head.startswith(prefix):
        raise FormatError(
            FMT,
            f"rekaman tipe {rtype} diharapkan di posisi {pos}",
            f"expected a Type-{rtype} record at offset {pos}",
        )
    colon = head.find(b":")
    end = colon + 1
    while end < len(head) and head[end : end + 1].isdigit():
        end += 1
    field_no = head[len(prefix) : colon]
    if colon < 0 or end == colon + 1 or not field_no.isdigit() or int(field_no) != 1:
        raise FormatError(
            FMT,
            f"medan panjang rekaman tipe {rtype} rusak",
            f"bad length field in the Type-{rtype} record",
        )
    return int(head[colon + 1 : end])


def read(data: bytes) -> list[Record]:
    """All records of a transaction, Type-1 first. Raises FormatError on malformed input."""
    data = bytes(data)
    if not data.startswith(b"1."):
        raise FormatError(
            FMT, "tidak diawali rekaman tipe 1", "does not start with a Type-1 record"
        )
    length = _tagged_length(data, 0, 1)
    need(FMT, data, length, "rekaman tipe 1 / Type-1 record")
    first = _parse_tagged(1, data[:length])
    cnt = first.subfields(3)
    if not cnt or len(cnt[0]) < 2:
        raise FormatError(FMT, "medan CNT (1.003) tidak ada", "the CNT field (1.003) is missing")
    try:
        expected = int(cnt[0][1])
        types = [int(item[0]) for item in cnt[1:]]
    except ValueError as exc:
        raise FormatError(
            FMT, "medan CNT (1.003) rusak", "the CNT field (1.003) is malformed"
        ) from exc
    if expected != len(types):
        raise FormatError(
            FMT,
            f"CNT menyebut {expected} rekaman, daftarnya {len(types)}",
            f"CNT says {expected} records but lists {len(types)}",
        )
    records = [first]
    pos = length
    for rtype in types:
        if rtype in BINARY_TYPES:
            need(FMT, data, pos + 4, f"panjang rekaman tipe {rtype} / Type-{rtype} length")
            (rlen,) = struct.unpack(">I", data[pos : pos + 4])
        else:
            rlen = _tagged_length(data, pos, rtype)
        if rlen <= 0:
            raise FormatError(FMT, f"panjang rekaman tipe {rtype} nol", f"Type-{rtype} length is 0")
        need(FMT, data, pos + rlen, f"rekaman tipe {rtype} / Type-{rtype} record")
        raw = data[pos : pos + rlen]
        records.append(
            _parse_binary(rtype, raw) if rtype in BINARY_TYPES else _parse_tagged(rtype, raw)
        )
        pos += rlen
    if pos != len(data):
        raise FormatError(
            FMT,
            f"{len(data) - pos} byte berlebih setelah rekaman terakhir",
            f"{len(data) - pos} extra bytes after the last record",
        )
    return records


def _decode_compressed(data: bytes, what: str) -> np.ndarray:
    from station.biometrics.images import ImageDecodeError, decode_image

    try:
        return decode_image(data)
    except ImageDecodeError as exc:
        raise FormatError(
            FMT,
            f"gambar {what} tidak dapat dibaca ({exc.problem.message_id})",
            f"the {what} image cannot be decoded ({exc.problem.message_en})",
        ) from exc


def record_image(rec: Record) -> np.ndarray:
    """Decode the image a record carries (uint8, gray or BGR)."""
    if rec.type in (3, 4, 5, 6):
        h = rec.header
        w, hh, gca = int(h["HLL"]), int(h["VLL"]), int(h["GCA"])  # type: ignore[arg-type]
        if gca == 0:
            if len(rec.data) == w * hh:
                return np.frombuffer(rec.data, np.uint8).reshape(hh, w).copy()
            if len(rec.data) * 8 >= w * hh and rec.type in (3, 5):  # bilevel types
                bits = np.unpackbits(np.frombuffer(rec.data, np.uint8))[: w * hh]
                return ((1 - bits.reshape(hh, w)) * 255).astype(np.uint8)
            raise FormatError(
                FMT,
                f"ukuran data {len(rec.data)} tidak cocok {w}x{hh}",
                f"payload of {len(rec.data)} bytes does not fit {w}x{hh}",
            )
        return _decode_compressed(rec.data, f"Type-{rec.type}")
    if rec.type == 8:
        if rec.header.get("SRT") == 2:
            raise FormatError(
                FMT,
                "tanda tangan vektor: gunakan signature_vector()",
                "vector signature: use signature_vector()",
            )
        w, hh = int(rec.header["HLL"]), int(rec.header["VLL"])  # type: ignore[arg-type]
        if rec.header.get("SRT") == 0:
            if len(rec.data) == w * hh:
                return np.frombuffer(rec.data, np.uint8).reshape(hh, w).copy()
            if len(rec.data) * 8 >= w * hh:
                bits = np.unpackbits(np.frombuffer(rec.data, np.uint8))[: w * hh]
                return ((1 - bits.reshape(hh, w)) * 255).astype(np.uint8)
            raise FormatError(FMT, "ukuran data tanda tangan salah", "bad signature payload size")
        return _decode_compressed(rec.data, "Type-8")
    if 999 in rec.fields:
        algo = (rec.text(11) or "").strip().upper()
        if algo in ("NONE", "0") and rec.type in (13, 14, 15):
            w, hh = _ascii_int(rec.text(6)) or 0, _ascii_int(rec.text(7)) or 0
            if len(rec.data) == w * hh:
                return np.frombuffer(rec.data, np.uint8).reshape(hh, w).copy()
        return _decode_compressed(rec.data, f"Type-{rec.type}")
    raise FormatError(
        FMT,
        f"rekaman tipe {rec.type} tidak membawa gambar",
        f"a Type-{rec.type} record carries no image",
    )


def signature_vector(rec: Record) -> list[tuple[int, int, int]]:
    """Type-8 SRT=2 pen points: (x, y, pressure) in 0.0254 mm units; 255 = end of vector."""
    if rec.type != 8 or rec.header.get("SRT") != 2:
        raise FormatError(FMT, "bukan tanda tangan vektor", "not a vector signature record")
    if len(rec.data) % 5:
        raise FormatError(
            FMT, "data vektor bukan kelipatan 5 byte", "vector data is not a multiple of 5 bytes"
        )
    return [struct.unpack(">HHB", rec.data[i : i + 5]) for i in range(0, len(rec.data), 5)]
