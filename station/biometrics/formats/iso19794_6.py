"""ISO/IEC 19794-6:2011 iris image records ("IIR\\0", version "020"): reader.

The station does not capture iris yet; the reader lets IT staff inspect iris records that arrive
from MOSIP-style devices (and decodes the NIST sample `iris01.iso2011`).

    general header  16 bytes: "IIR\\0" "020\\0" record length u32, representations u16,
                    certification flag u8 (0), eyes present u8
    representation  length u32, capture date-time (9 bytes), device technology u8, vendor u16,
                    type u16, quality blocks u8 + 5 bytes each, representation number u16,
                    eye label u8 (0 unknown, 1 right, 2 left), image type u8, image format u8,
                    image properties u8 (orientation bits, compression), width u16, height u16,
                    bit depth u8, range u16, roll angle u16, roll uncertainty u16, iris centre
                    min/max x, min/max y u16 x4, iris diameter min/max u16 x2,
                    image length u32, image data
The image bytes are decoded by what they are (JPEG, JPEG 2000, PNG) through `decode_image`;
raw formats (format 2 mono, 4 RGB) by the header's size and bit depth.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from station.biometrics.formats.errors import FormatError, check_length, need, refuse_certification

MAGIC = b"IIR\x00"
VERSION = b"020\x00"
FMT = "ISO/IEC 19794-6"
EYE_LABELS = {0: "unknown", 1: "right", 2: "left"}


@dataclass
class IrisImage:
    eye: str
    image_type: int
    image_format: int
    width: int
    height: int
    bit_depth: int
    data: bytes
    number: int = 1
    captured_at: datetime | None = None
    quality_blocks: list[tuple[int, int, int]] = field(default_factory=list)

    def decode(self) -> np.ndarray:
        if self.image_format in (2, 4):  # raw mono / RGB
            channels = 1 if self.image_format == 2 else 3
            size = self.width * self.height * channels
            if self.bit_depth not in (8, 24) or len(self.data) != size:
                raise FormatError(
                    FMT,
                    "data gambar mentah tidak cocok dengan header",
                    "raw image data does not match the header",
                )
            shape = (self.height, self.width) if channels == 1 else (self.height, self.width, 3)
            return np.frombuffer(self.data, np.uint8).reshape(shape).copy()
        from station.biometrics.images import ImageDecodeError, decode_image

        try:
            return decode_image(self.data)
        except ImageDecodeError as exc:
            raise FormatError(
                FMT,
                f"gambar tidak dapat dibaca ({exc.problem.message_id})",
                f"image cannot be decoded ({exc.problem.message_en})",
            ) from exc


def read(data: bytes) -> list[IrisImage]:
    data = bytes(data)
    need(FMT, data, 16, "header umum / general header")
    if data[:4] != MAGIC:
        raise FormatError(FMT, "bukan rekaman IIR", "not an IIR record")
    if data[4:8] != VERSION:
        raise FormatError(
            FMT,
            f"versi {data[4:7]!r} bukan 020 (2011)",
            f"version {data[4:7]!r} is not 020 (2011)",
            code="FORMAT_VERSION",
        )
    total, count, cert, _eyes = struct.unpack(">IHBB", data[8:16])
    check_length(FMT, total, data)
    refuse_certification(FMT, cert)
    out = []
    pos = 16
    for i in range(count):
        need(FMT, data, pos + 19, f"representasi {i + 1} / representation {i + 1}")
        (rep_len,) = struct.unpack(">I", data[pos : pos + 4])
        year, month, day, hour, minute, second, ms = struct.unpack(
            ">HBBBBBH", data[pos + 4 : pos + 13]
        )
        nq = data[pos + 18]
        q = pos + 19
        need(FMT, data, q + 5 * nq + 2 + 27 + 4, "header gambar / image header")
        blocks = [struct.unpack(">BHH", data[q + 5 * k : q + 5 * k + 5]) for k in range(nq)]
        q += 5 * nq
        (number,) = struct.unpack(">H", data[q : q + 2])
        q += 2
        eye, itype, iformat, _props, w, h, depth = struct.unpack(">BBBBHHB", data[q : q + 9])
        q += 27
        (img_len,) = struct.unpack(">I", data[q : q + 4])
        q += 4
        # The image length decides where the representation ends: writers disagree on what the
        # representation length counts (the NIST sample's is 5 bytes short of its content).
        end = q + img_len
        need(FMT, data, end, f"data gambar {i + 1} / image data {i + 1}")
        if abs(rep_len - (end - pos)) > 64:
            raise FormatError(
                FMT,
                "panjang representasi tidak cocok dengan isinya",
                "the representation length does not match its content",
            )
        try:
            when = datetime(
                year,
                month,
                day,
                hour,
                minute,
                second,
                (ms if ms != 0xFFFF else 0) * 1000,
                tzinfo=UTC,
            )
        except ValueError:
            when = None  # "unknown" capture time is legal
        out.append(
            IrisImage(
                EYE_LABELS.get(eye, str(eye)),
                itype,
                iformat,
                w,
                h,
                depth,
                data[q:end],
                number,
                when,
                [tuple(b) for b in blocks],
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
