"""ISO/IEC 19794-5 face image data records ("FAC\\0"): writer and reader for the 2005 ("010")
and 2011 ("030") layouts. `read` detects the version; `write(faces, version=...)` picks it.

2005 is what ICAO eMRTD and many AFIS gateways still exchange, and the NIST sample
(`face01.iso2005`) checks the reader against a real record; 2011 is what MOSIP SBI devices
return (MOSIP's bio-utils write "030").

2005:

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

2011 (differences):
    general header  17 bytes: "FAC\\0" "030\\0" record length u32, representations u16,
                    certification flag u8 (must be 0 here), temporal semantics u16
    representation  length u32, capture date-time (year u16, month, day, hour, minute, second
                    u8, millisecond u16), device technology u8, vendor u16, type u16, quality
                    blocks u8 + 5 bytes each (score u8, vendor u16, algorithm u16)
    facial info     landmark count u16, gender, eye colour, hair colour, subject height u8,
                    feature mask u24, expression u16, pose angle u8 x3, uncertainty u8 x3
    landmarks       8 bytes each: type u8, code u8, x u16, y u16, z u16
    image info      face image type u8, image data type u8 (0 JPEG, 1 JPEG 2000 lossy,
                    2 JPEG 2000 lossless, 3 PNG), width u16, height u16, spatial sampling
                    level u8, post-acquisition processing u16, cross reference u8, colour space u8
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from station.biometrics.formats.errors import FormatError, check_length, need, refuse_certification

MAGIC = b"FAC\x00"
VERSION = b"010\x00"  # 2005
VERSION_2011 = b"030\x00"
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
    z: int = 0  # 2011 only

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
    quality: int = 0  # 2005 image quality field
    # 2011 only (defaults are written when a 2005 record is re-written as 2011)
    captured_at: datetime | None = None
    quality_blocks: list[tuple[int, int, int]] = field(default_factory=list)  # score, vendor, algo
    subject_height: int = 0
    spatial_sampling_level: int = 0
    post_processing: int = 0
    cross_reference: int = 0
    device_technology: int = 0
    device_vendor: int = 0
    version: str = "2005"

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


def _block_2011(face: FaceImage) -> bytes:
    t = (face.captured_at or datetime.now(UTC)).astimezone(UTC)
    body = struct.pack(
        ">HBBBBBH", t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond // 1000
    )
    body += struct.pack(
        ">BHHB",
        face.device_technology,
        face.device_vendor,
        face.device_type,
        len(face.quality_blocks),
    )
    for score, vendor, algo in face.quality_blocks:
        body += struct.pack(">BHH", score, vendor, algo)
    body += struct.pack(
        ">HBBBB",
        len(face.feature_points),
        face.gender,
        face.eye_colour,
        face.hair_colour,
        face.subject_height,
    )
    body += face.property_mask.to_bytes(3, "big")
    body += struct.pack(">H3B3B", face.expression, *face.pose_angle, *face.pose_uncertainty)
    for fp in face.feature_points:
        body += struct.pack(">BBHHH", fp.type, fp.code, fp.x, fp.y, fp.z)
    body += struct.pack(
        ">BBHHBHBB",
        face.face_image_type,
        face.image_data_type,
        face.width,
        face.height,
        face.spatial_sampling_level,
        face.post_processing,
        face.cross_reference,
        face.colour_space,
    )
    body += face.data
    return struct.pack(">I", 4 + len(body)) + body


def write(faces: list[FaceImage], version: str = "2005") -> bytes:
    """A face record in the 2005 ("010") or 2011 ("030") layout."""
    if not faces:
        raise ValueError("a face image record needs at least one face")
    if version == "2005":
        blocks = b"".join(_block(f) for f in faces)
        return MAGIC + VERSION + struct.pack(">IH", 14 + len(blocks), len(faces)) + blocks
    if version == "2011":
        blocks = b"".join(_block_2011(f) for f in faces)
        temporal = 0 if len(faces) == 1 else 1
        head = struct.pack(">IHBH", 17 + len(blocks), len(faces), 0, temporal)
        return MAGIC + VERSION_2011 + head + blocks
    raise ValueError(f"unknown ISO/IEC 19794-5 version {version!r} (use '2005' or '2011')")


def _read_2011(data: bytes) -> list[FaceImage]:
    need(FMT, data, 17, "header umum / general header")
    total, count, cert, _temporal = struct.unpack(">IHBH", data[8:17])
    check_length(FMT, total, data)
    refuse_certification(FMT, cert)
    faces = []
    pos = 17
    for i in range(count):
        need(FMT, data, pos + 19, f"representasi {i + 1} / representation {i + 1}")
        (rep_len,) = struct.unpack(">I", data[pos : pos + 4])
        end = pos + rep_len
        need(FMT, data, end, f"representasi {i + 1} / representation {i + 1}")
        year, month, day, hour, minute, second, ms = struct.unpack(
            ">HBBBBBH", data[pos + 4 : pos + 13]
        )
        tech, vendor, dtype, nq = struct.unpack(">BHHB", data[pos + 13 : pos + 19])
        q = pos + 19
        need(FMT, data, q + 5 * nq + 17, "blok kualitas / quality blocks")
        blocks = [struct.unpack(">BHH", data[q + 5 * k : q + 5 * k + 5]) for k in range(nq)]
        q += 5 * nq
        nlm, gender, eye, hair, height = struct.unpack(">HBBBB", data[q : q + 6])
        mask = int.from_bytes(data[q + 6 : q + 9], "big")
        expression, y, p, r, uy, up, ur = struct.unpack(">H3B3B", data[q + 9 : q + 17])
        q += 17
        need(FMT, data, q + 8 * nlm + 11, "titik fitur / landmarks")
        points = []
        for k in range(nlm):
            ftype, code, x, yy, z = struct.unpack(">BBHHH", data[q + 8 * k : q + 8 * k + 8])
            points.append(FeaturePoint(f"{code >> 4}.{code & 15}", x, yy, ftype, z))
        q += 8 * nlm
        ftype_img, itype, w, h, ssl, post, xref, cs = struct.unpack(">BBHHBHBB", data[q : q + 11])
        q += 11
        if q > end:
            raise FormatError(
                FMT, "header melewati akhir representasi", "header runs past the representation end"
            )
        try:
            when = datetime(year, month, day, hour, minute, second, ms * 1000, tzinfo=UTC)
        except ValueError:
            when = None  # "unknown" capture time is legal (all 0xFF)
        faces.append(
            FaceImage(
                data=data[q:end],
                width=w,
                height=h,
                image_data_type=itype,
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
                device_type=dtype,
                captured_at=when,
                quality_blocks=[tuple(b) for b in blocks],
                subject_height=height,
                spatial_sampling_level=ssl,
                post_processing=post,
                cross_reference=xref,
                device_technology=tech,
                device_vendor=vendor,
                version="2011",
            )
        )
        pos = end
    if pos != len(data):
        raise FormatError(
            FMT, "byte berlebih setelah wajah terakhir", "extra bytes after the last face"
        )
    return faces


def read(data: bytes) -> list[FaceImage]:
    data = bytes(data)
    need(FMT, data, 14, "header umum / general header")
    if data[:4] != MAGIC:
        raise FormatError(FMT, "bukan rekaman FAC", "not a FAC record")
    if data[4:8] == VERSION_2011:
        return _read_2011(data)
    if data[4:8] != VERSION:
        raise FormatError(
            FMT,
            f"versi {data[4:7]!r} bukan 010 (2005) atau 030 (2011)",
            f"version {data[4:7]!r} is neither 010 (2005) nor 030 (2011)",
            code="FORMAT_VERSION",
        )
    total, count = struct.unpack(">IH", data[8:14])
    check_length(FMT, total, data)
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
