"""ISO/IEC 19794-4:2011 finger image data records ("FIR\\0", version "020"): writer and reader.

Layout (big-endian), as in the standard's tables:

    general header   16 bytes: "FIR\\0" "020\\0" record length u32, representations u16,
                     certification flag u8, distinct positions u8
    representation   length u32 (header + image + extended data), capture date-time
                     (year u16, month, day, hour, minute, second u8, millisecond u16),
                     device technology u8, vendor u16, type u16, quality block count u8 +
                     5 bytes each (score u8, algorithm vendor u16, algorithm id u16),
                     [certification block count u8 + 3 bytes each, only when the flag is 1],
                     finger position u8, representation number u8, scale units u8 (1 = ppi,
                     2 = ppcm), capture sampling h/v u16, image sampling h/v u16, bit depth u8,
                     compression u8, impression type u8, width u16, height u16,
                     image data length u32, image data

Compression codes: 0 raw, 1 raw bit-packed, 2 WSQ, 3 JPEG, 4 JPEG 2000 lossy, 5 JPEG 2000
lossless, 6 PNG. The writer produces raw, WSQ or PNG; the reader decodes raw, WSQ, JPEG,
JPEG 2000 and PNG. Extended data after the image (2011 annotations, segmentation) is kept as bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from station.biometrics.formats.errors import FormatError, check_length, need

MAGIC = b"FIR\x00"
VERSION = b"020\x00"
FMT = "ISO/IEC 19794-4"

COMPRESSION = {
    "raw": 0,
    "raw_packed": 1,
    "wsq": 2,
    "jpeg": 3,
    "jpeg2000": 4,
    "jpeg2000_lossless": 5,
    "png": 6,
}
COMPRESSION_NAME = {v: k for k, v in COMPRESSION.items()}
IMPRESSION_LIVE_PLAIN = 0
IMPRESSION_LIVE_ROLLED = 1


@dataclass(frozen=True)
class QualityBlock:
    score: int  # 0-100, 255 = failed
    vendor: int = 0
    algorithm: int = 0


@dataclass
class FingerImage:
    """One finger representation: the pixels plus the header fields that describe them."""

    position: int
    image: np.ndarray  # 2-D uint8
    ppi: int = 500
    impression: int = IMPRESSION_LIVE_PLAIN
    compression: str = "wsq"
    quality: list[QualityBlock] = field(default_factory=list)
    captured_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    number: int = 1  # representation number (1 first capture of this finger)
    device_technology: int = 0
    device_vendor: int = 0
    device_type: int = 0
    extended: bytes = b""
    encoded: bytes = b""  # the image bytes as stored (filled by the reader and the writer)


def _encode_image(rep: FingerImage) -> bytes:
    img = np.asarray(rep.image)
    if img.ndim != 2 or img.dtype != np.uint8:
        raise ValueError(f"finger image must be 2-D uint8, got {img.dtype} {img.shape}")
    if rep.compression == "raw":
        return np.ascontiguousarray(img).tobytes()
    if rep.compression == "wsq":
        from station.biometrics.formats import wsq

        return wsq.encode(img, ppi=rep.ppi)
    if rep.compression == "png":
        from station.biometrics.images import encode_png

        return encode_png(img)
    raise ValueError(f"the writer supports raw, wsq and png, not {rep.compression!r}")


def _representation(rep: FingerImage, cert_flag: int) -> bytes:
    if not 0 <= rep.position <= 255:
        raise ValueError(f"finger position {rep.position} out of range")
    data = _encode_image(rep)
    rep.encoded = data
    h, w = rep.image.shape
    t = rep.captured_at.astimezone(UTC)
    head = struct.pack(
        ">HBBBBBH", t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond // 1000
    )
    head += struct.pack(">BHH", rep.device_technology, rep.device_vendor, rep.device_type)
    head += struct.pack(">B", len(rep.quality))
    for q in rep.quality:
        head += struct.pack(">BHH", q.score, q.vendor, q.algorithm)
    if cert_flag:
        head += b"\x00"  # no certification blocks
    head += struct.pack(
        ">BBBHHHHBBBHHI",
        rep.position,
        rep.number,
        1,
        rep.ppi,
        rep.ppi,
        rep.ppi,
        rep.ppi,
        8,
        COMPRESSION[rep.compression],
        rep.impression,
        w,
        h,
        len(data),
    )
    body = head + data + rep.extended
    return struct.pack(">I", 4 + len(body)) + body


def write(representations: list[FingerImage]) -> bytes:
    """A finger image record holding the given representations (certification flag 0)."""
    if not representations:
        raise ValueError("a finger image record needs at least one representation")
    reps = b"".join(_representation(r, 0) for r in representations)
    positions = len({r.position for r in representations})
    total = 16 + len(reps)
    return MAGIC + VERSION + struct.pack(">IHBB", total, len(representations), 0, positions) + reps


def _decode_image(compression: int, data: bytes, w: int, h: int, depth: int) -> np.ndarray:
    name = COMPRESSION_NAME.get(compression)
    if name == "raw":
        if depth != 8:
            raise FormatError(
                FMT, f"kedalaman bit {depth} tidak didukung", f"bit depth {depth} is not supported"
            )
        need(FMT, data, w * h, "data gambar mentah / raw image data")
        return np.frombuffer(data[: w * h], np.uint8).reshape(h, w).copy()
    if name in ("wsq", "jpeg", "jpeg2000", "jpeg2000_lossless", "png"):
        from station.biometrics.images import ImageDecodeError, decode_image

        try:
            img = decode_image(data, gray=True)
        except ImageDecodeError as exc:
            raise FormatError(
                FMT,
                f"gambar tidak dapat dibaca ({exc.problem.message_id})",
                f"image cannot be decoded ({exc.problem.message_en})",
            ) from exc
        if img.shape != (h, w):
            raise FormatError(
                FMT,
                f"ukuran gambar {img.shape[1]}x{img.shape[0]} tidak sesuai header {w}x{h}",
                f"image is {img.shape[1]}x{img.shape[0]}, header says {w}x{h}",
            )
        return img
    raise FormatError(
        FMT, f"kompresi {compression} tidak didukung", f"compression {compression} is not supported"
    )


def read(data: bytes) -> list[FingerImage]:
    """Parse a record; raises FormatError on anything inconsistent."""
    data = bytes(data)
    need(FMT, data, 16, "header umum / general header")
    if data[:4] != MAGIC:
        raise FormatError(FMT, "bukan rekaman FIR", "not a FIR record")
    if data[4:8] != VERSION:
        raise FormatError(
            FMT,
            f"versi {data[4:7]!r} bukan 020 (2011)",
            f"version {data[4:7]!r} is not 020 (2011)",
            code="FORMAT_VERSION",
        )
    total, count, cert_flag, _positions = struct.unpack(">IHBB", data[8:16])
    check_length(FMT, total, data)
    if count == 0:
        raise FormatError(FMT, "tidak ada representasi", "no representations")
    out = []
    pos = 16
    for i in range(count):
        need(FMT, data, pos + 4, f"representasi {i + 1} / representation {i + 1}")
        (rep_len,) = struct.unpack(">I", data[pos : pos + 4])
        end = pos + rep_len
        need(FMT, data, end, f"representasi {i + 1} / representation {i + 1}")
        p = pos + 4
        need(FMT, data, p + 14, "header representasi / representation header")
        year, month, day, hour, minute, second, ms = struct.unpack(">HBBBBBH", data[p : p + 9])
        tech, vendor, dtype, nq = struct.unpack(">BHHB", data[p + 9 : p + 15])
        p += 15
        need(FMT, data, p + 5 * nq, "blok kualitas / quality blocks")
        quality = [
            QualityBlock(*struct.unpack(">BHH", data[p + 5 * k : p + 5 * k + 5])) for k in range(nq)
        ]
        p += 5 * nq
        if cert_flag:
            need(FMT, data, p + 1, "blok sertifikasi / certification blocks")
            p += 1 + 3 * data[p]
        need(FMT, data, p + 22, "header gambar / image header")
        (
            position,
            number,
            units,
            _ch,
            _cv,
            ih,
            _iv,
            depth,
            compression,
            impression,
            w,
            h,
            img_len,
        ) = struct.unpack(">BBBHHHHBBBHHI", data[p : p + 22])
        p += 22
        if p + img_len > end:
            raise FormatError(
                FMT,
                "data gambar melewati akhir representasi",
                "image data runs past the end of the representation",
                code="FORMAT_TRUNCATED",
            )
        encoded = data[p : p + img_len]
        image = _decode_image(compression, encoded, w, h, depth)
        ppi = round(ih * 2.54) if units == 2 else ih
        try:
            captured = datetime(year, month, day, hour, minute, second, ms * 1000, tzinfo=UTC)
        except ValueError as exc:
            raise FormatError(
                FMT, f"tanggal perekaman tidak valid ({exc})", f"invalid capture date ({exc})"
            ) from exc
        out.append(
            FingerImage(
                position=position,
                image=image,
                ppi=ppi,
                impression=impression,
                compression=COMPRESSION_NAME[compression],
                quality=quality,
                captured_at=captured,
                number=number,
                device_technology=tech,
                device_vendor=vendor,
                device_type=dtype,
                extended=data[p + img_len : end],
                encoded=encoded,
            )
        )
        pos = end
    if pos != len(data):
        raise FormatError(
            FMT,
            "byte berlebih setelah representasi terakhir",
            "extra bytes after the last representation",
        )
    return out
