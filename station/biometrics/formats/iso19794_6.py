"""ISO/IEC 19794-6:2011 iris image records ("IIR\\0", version "020"): writer and reader.

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

`write` produces what MOSIP's registration checks expect (mosip/bio-utils
``IrisISOStandardsValidator``, read for this): one representation per record, certification flag
0, eye label right/left, image type 3 (cropped), format 0x0A (mono JPEG 2000) with the
compression bits saying lossless, 8-bit grey, quality 0-100 (or 255). The representation length
counts the representation header (with its image information) and the image data, as MOSIP's
``RepresentationHeader`` does; the reader accepts the NIST sample's differing count too.
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
EYE_CODES = {v: k for k, v in EYE_LABELS.items()}
IMAGE_TYPE_UNCROPPED, IMAGE_TYPE_VGA, IMAGE_TYPE_CROPPED, IMAGE_TYPE_CROPPED_MASKED = 1, 2, 3, 7
FORMAT_MONO_RAW, FORMAT_MONO_JPEG, FORMAT_MONO_JPEG2000, FORMAT_MONO_PNG = 0x02, 0x06, 0x0A, 0x0E
COMPRESSION_LOSSLESS, COMPRESSION_LOSSY = 1, 2
ORIENTATION_BASE = 1
UNDEFINED_U16 = 0xFFFF


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
    # (the writer's fields; the reader fills them from the record)
    properties: int = 0x45  # lossless, base horizontal and vertical orientation
    iris_centre: tuple[int, int, int, int] = (0, 0, 0, 0)  # x min, x max, y min, y max (0 = ?)
    iris_diameter: tuple[int, int] = (0, 0)  # smallest, largest (0 = unknown)
    device_technology: int = 1  # CMOS/CCD
    device_vendor: int = 0
    device_type: int = 0

    @property
    def compression(self) -> str:
        return {COMPRESSION_LOSSLESS: "lossless", COMPRESSION_LOSSY: "lossy"}.get(
            (self.properties >> 6) & 3, "undefined")

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
        eye, itype, iformat, props, w, h, depth = struct.unpack(">BBBBHHB", data[q : q + 9])
        cx0, cx1, cy0, cy1, d0, d1 = struct.unpack(">HHHHHH", data[q + 15 : q + 27])
        tech, vendor, dtype = struct.unpack(">BHH", data[pos + 13 : pos + 18])
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
                props,
                (cx0, cx1, cy0, cy1),
                (d0, d1),
                tech,
                vendor,
                dtype,
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


def encode_image(gray: np.ndarray, image_format: int = FORMAT_MONO_JPEG2000) -> bytes:
    """An 8-bit grey image as JPEG 2000 (lossless) or PNG bytes for a representation."""
    import cv2

    img = np.ascontiguousarray(gray)
    if img.ndim != 2 or img.dtype != np.uint8:
        raise ValueError(f"an iris image must be 2-D uint8, got {img.dtype} {img.shape}")
    if image_format == FORMAT_MONO_JPEG2000:
        ok, buf = cv2.imencode(".jp2", img, [cv2.IMWRITE_JPEG2000_COMPRESSION_X1000, 1000])
    elif image_format == FORMAT_MONO_PNG:
        ok, buf = cv2.imencode(".png", img)
    else:
        raise ValueError(f"the writer encodes JPEG 2000 (0x0A) or PNG (0x0E), not {image_format}")
    if not ok:
        raise ValueError("the image could not be encoded")
    return buf.tobytes()


def from_gray(gray: np.ndarray, eye: str, *, quality: int | None = None,
              quality_vendor: int = 0, quality_algorithm: int = 0,
              iris_circle: tuple[float, float, float] | None = None,
              image_format: int = FORMAT_MONO_JPEG2000, image_type: int = IMAGE_TYPE_CROPPED,
              captured_at: datetime | None = None) -> IrisImage:
    """A representation of one eye's grey image (lossless), with its quality score and, when
    known, the iris circle (x, y, r in pixels) for the centre and diameter fields."""
    if eye not in ("left", "right"):
        raise ValueError(f"eye must be left or right, got {eye!r}")
    img = np.ascontiguousarray(gray)
    h, w = img.shape[:2]
    centre: tuple[int, int, int, int] = (0, 0, 0, 0)
    diameter: tuple[int, int] = (0, 0)
    if iris_circle is not None:
        x, y, r = iris_circle
        cx, cy, d = int(round(x)), int(round(y)), int(round(2 * r))
        centre = (max(1, cx - 1), max(1, cx + 1), max(1, cy - 1), max(1, cy + 1))
        diameter = (max(1, d - 2), max(1, d + 2))
    blocks = [] if quality is None else [(int(quality), quality_vendor, quality_algorithm)]
    return IrisImage(eye, image_type, image_format, w, h, 8,
                     encode_image(img, image_format), 1, captured_at or datetime.now(UTC),
                     blocks, (COMPRESSION_LOSSLESS << 6) | (ORIENTATION_BASE << 2)
                     | ORIENTATION_BASE, centre, diameter)


def write(reps: list[IrisImage]) -> bytes:
    """The record holding `reps` (one per eye; MOSIP takes one representation per record)."""
    if not reps:
        raise ValueError("an iris record needs at least one representation")
    body = b""
    eyes = set()
    for i, rep in enumerate(reps):
        if rep.bit_depth != 8:
            raise ValueError("the writer writes 8-bit grey images only")
        for score, _vendor, _algo in rep.quality_blocks:
            if not (0 <= score <= 100 or score == 255):
                raise ValueError(f"a quality score is 0-100 or 255, got {score}")
        when = rep.captured_at or datetime.now(UTC)
        head = struct.pack(">HBBBBBH", when.year, when.month, when.day, when.hour, when.minute,
                           when.second, when.microsecond // 1000)
        head += struct.pack(">BHH", rep.device_technology, rep.device_vendor, rep.device_type)
        head += struct.pack(">B", len(rep.quality_blocks))
        head += b"".join(struct.pack(">BHH", *b) for b in rep.quality_blocks)
        head += struct.pack(">H", rep.number or i + 1)
        head += struct.pack(">BBBBHHBHHH", EYE_CODES[rep.eye], rep.image_type, rep.image_format,
                            rep.properties, rep.width, rep.height, rep.bit_depth, 0,
                            UNDEFINED_U16, UNDEFINED_U16)
        head += struct.pack(">HHHHHH", *rep.iris_centre, *rep.iris_diameter)
        image = struct.pack(">I", len(rep.data)) + rep.data
        body += struct.pack(">I", 4 + len(head) + len(image)) + head + image
        eyes.add(rep.eye)
    total = 16 + len(body)
    return MAGIC + VERSION + struct.pack(">IHBB", total, len(reps), 0, len(eyes)) + body
