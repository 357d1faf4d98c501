"""ISO/IEC 19794-5:2005 face image data records ("FAC\\0", version "010"): writer and reader.

We chose the 2005 layout because it is what ICAO eMRTD and most AFIS gateways still exchange and
because the NIST sample (`face01.iso2005`) lets the reader be checked against a real record.

    general header  14 bytes: "FAC\\0" "010\\0" record length u32, number of faces u16
    facial record   block length u32, feature point count u16, gender u8, eye colour u8,
                    hair colour u8, property mask u24, expression u16, pose angle yaw/pitch/roll
                    u8 x3, pose uncertainty u8 x3
    feature points  8 bytes each: type u8, point code u8 (major << 4 | minor), x u16, y u16,
                    reserved u16
    image info      face image type u8 (0 basic, 1 full frontal, 2 token frontal), image data
                    type u8 (0 JPEG, 1 JPEG 2000), width u16, height u16, colour space u8,
                    source type u8, device type u16, quality u16
    image data      the JPEG / JPEG 2000 bytes
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from station.biometrics.formats.errors import FormatError, need

MAGIC = b"FAC\x00"
VERSION = b"010\x00"
FMT = "ISO/IEC 19794-5"

FACE_TYPE_BASIC, FACE_TYPE_FULL_FRONTAL, FACE_TYPE_TOKEN_FRONTAL = 0, 1, 2
DATA_JPEG, DATA_JPEG2000 = 0, 1
COLOUR_RGB24 = 1
SOURCE_STATIC_DIGITAL = 2
GENDER_UNSPECIFIED, GENDER_MALE, GENDER_FEMALE = 0, 1, 2


@dataclass(frozen=True)
class FeaturePoint:
    point: str  # MPEG-4 feature point "major.minor", e.g. "12.1" left eye centre... "3.6"
    x: int
    y: int
    type: int = 1  # 1 = MPEG-4 feature point

    @property
    def code(self) -> int:
        major, minor = (int(v) for v in self.point.split("."))
        if not (0 <= major < 16 and 0 <= minor < 16):
            raise ValueError(f"feature point {self.point} does not fit the 4+4 bit code")
        return (major << 4) | minor


@dataclass
class FaceImage:
    data: bytes  # JPEG or JPEG 2000 bytes, stored unchanged
    width: int
    height: int
    image_data_type: int = DATA_JPEG
    face_image_type: int = FACE_TYPE_FULL_FRONTAL
    feature_points: list[FeaturePoint] = field(default_factory=list)
    gender: int = GENDER_UNSPECIFIED
    eye_colour: int = 0
    hair_colour: int = 0
    property_mask: int = 0
    expression: int = 0
    pose_angle: tuple[int, int, int] = (0, 0, 0)  # raw encoded yaw, pitch, roll
    pose_uncertainty: tuple[int, int, int] = (0, 0, 0)
    colour_space: int = COLOUR_RGB24
    source_type: int = SOURCE_STATIC_DIGITAL
    device_type: int = 0
    quality: int = 0

    def decode(self) -> np.ndarray:
        from station.biometrics.images import decode_image

        return decode_image(self.data)


def from_bgr(bgr: np.ndarray, *, jpeg_quality: int = 92, **fields) -> FaceImage:
    """A FaceImage holding `bgr` as JPEG (the common exchange form)."""
    from station.biometrics.images import encode_jpeg

    h, w = bgr.shape[:2]
    return FaceImage(data=encode_jpeg(bgr, jpeg_quality), width=w, height=h, **fields)


def _block(face: FaceImage) -> bytes:
    body = struct.pack(
        ">HBBB", len(face.feature_points), face.gender, face.eye_colour, face.hair_colour
    )
    body += face.property_mask.to_bytes(3, "big")
    body += struct.pack(">H3B3B", face.expression, *face.pose_angle, *face.pose_uncertainty)
    for fp in face.feature_points:
        body += struct.pack(">BBHHH", fp.type, fp.code, fp.x, fp.y, 0)
    body += struct.pack(
        ">BBHHBBHH",
        face.face_image_type,
        face.image_data_type,
        face.width,
        face.height,
        face.colour_space,
        face.source_type,
        face.device_type,
        face.quality,
    )
    body += face.data
    return struct.pack(">I", 4 + len(body)) + body


def write(faces: list[FaceImage]) -> bytes:
    if not faces:
        raise ValueError("a face image record needs at least one face")
    blocks = b"".join(_block(f) for f in faces)
    return MAGIC + VERSION + struct.pack(">IH", 14 + len(blocks), len(faces)) + blocks


def read(data: bytes) -> list[FaceImage]:
    data = bytes(data)
    need(FMT, data, 14, "header umum / general header")
    if data[:4] != MAGIC:
        raise FormatError(FMT, "bukan rekaman FAC", "not a FAC record")
    if data[4:8] != VERSION:
        raise FormatError(
            FMT,
            f"versi {data[4:7]!r} bukan 010 (2005)",
            f"version {data[4:7]!r} is not 010 (2005)",
            code="FORMAT_VERSION",
        )
    total, count = struct.unpack(">IH", data[8:14])
    if total != len(data):
        raise FormatError(
            FMT,
            f"panjang rekaman {total} tetapi ada {len(data)} byte",
            f"record length says {total} but {len(data)} bytes are present",
            code="FORMAT_TRUNCATED" if total > len(data) else "FORMAT_INVALID",
        )
    faces = []
    pos = 14
    for i in range(count):
        need(FMT, data, pos + 20, f"header wajah {i + 1} / facial header {i + 1}")
        (block_len, nfp, gender, eye, hair) = struct.unpack(">IHBBB", data[pos : pos + 9])
        end = pos + block_len
        need(FMT, data, end, f"blok wajah {i + 1} / facial block {i + 1}")
        mask = int.from_bytes(data[pos + 9 : pos + 12], "big")
        expression, y, p, r, uy, up, ur = struct.unpack(">H3B3B", data[pos + 12 : pos + 20])
        q = pos + 20
        need(FMT, data, q + 8 * nfp + 12, "titik fitur / feature points")
        points = []
        for k in range(nfp):
            ftype, code, x, yy, _res = struct.unpack(">BBHHH", data[q + 8 * k : q + 8 * k + 8])
            points.append(FeaturePoint(f"{code >> 4}.{code & 15}", x, yy, ftype))
        q += 8 * nfp
        (ftype_img, dtype, w, h, cs, src, dev, quality) = struct.unpack(
            ">BBHHBBHH", data[q : q + 12]
        )
        q += 12
        if q > end:
            raise FormatError(FMT, "header melewati akhir blok", "header runs past the block end")
        faces.append(
            FaceImage(
                data=data[q:end],
                width=w,
                height=h,
                image_data_type=dtype,
                face_image_type=ftype_img,
                feature_points=points,
                gender=gender,
                eye_colour=eye,
                hair_colour=hair,
                property_mask=mask,
                expression=expression,
                pose_angle=(y, p, r),
                pose_uncertainty=(uy, up, ur),
                colour_space=cs,
                source_type=src,
                device_type=dev,
                quality=quality,
            )
        )
        pos = end
    if pos != len(data):
        raise FormatError(
            FMT, "byte berlebih setelah wajah terakhir", "extra bytes after the last face"
        )
    return faces
