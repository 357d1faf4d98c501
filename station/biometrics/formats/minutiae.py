"""Finger minutiae records, read only: ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 ("FMR\\0",
version " 20\\0"), plus the general header of the INCITS 378-2009 "030" layout.

The station does not store minutiae templates (the central AFIS extracts its own), but e-KTP
data exchange includes them, so an operator or IT staff can inspect such files.

    ISO 2005 header  24 bytes: magic, version, length u32, capture equipment u16, width u16,
                     height u16, x/y resolution u16 (pixels per cm), views u8, reserved u8
    ANSI 2004 header magic, version, length u16 (or 0 + u32), CBEFF product id u32, capture
                     equipment u16, width, height, x/y resolution u16, views u8, reserved u8
    finger view      position u8, view number << 4 | impression u8, quality u8, count u8,
                     then 6 bytes a minutia: type << 14 | x (u16), y (u16, 14 bits), angle u8
                     (ISO: 360/256 degree units, ANSI: 2 degrees), quality u8;
                     then extended data length u16 + data
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from station.biometrics.formats.errors import FormatError, check_length, need

FMT = "FMR"


@dataclass(frozen=True)
class Minutia:
    kind: int  # 0 other, 1 ridge ending, 2 bifurcation
    x: int
    y: int
    angle_deg: float
    quality: int


@dataclass
class FingerView:
    position: int
    view_number: int
    impression: int
    quality: int
    minutiae: list[Minutia] = field(default_factory=list)


@dataclass
class MinutiaeRecord:
    standard: str  # "ISO/IEC 19794-2:2005", "ANSI INCITS 378-2004", "ANSI INCITS 378-2009"
    version: str
    length: int
    width: int = 0
    height: int = 0
    x_res_ppcm: int = 0
    y_res_ppcm: int = 0
    cbeff_product_id: str | None = None
    views: list[FingerView] = field(default_factory=list)
    view_count: int = 0


def _views(data: bytes, pos: int, count: int, angle_unit: float) -> list[FingerView]:
    views = []
    for i in range(count):
        need(FMT, data, pos + 4, f"tampilan jari {i + 1} / finger view {i + 1}")
        position, vi, quality, n = struct.unpack(">BBBB", data[pos : pos + 4])
        pos += 4
        need(FMT, data, pos + 6 * n + 2, f"minusi tampilan {i + 1} / view {i + 1} minutiae")
        mins = []
        for k in range(n):
            tx, y, angle, q = struct.unpack(">HHBB", data[pos + 6 * k : pos + 6 * k + 6])
            mins.append(Minutia(tx >> 14, tx & 0x3FFF, y & 0x3FFF, angle * angle_unit, q))
        pos += 6 * n
        (ext,) = struct.unpack(">H", data[pos : pos + 2])
        pos += 2 + ext
        views.append(FingerView(position, vi >> 4, vi & 15, quality, mins))
    return views


def read(data: bytes) -> MinutiaeRecord:
    data = bytes(data)
    need(FMT, data, 8, "header")
    if data[:4] != b"FMR\x00":
        raise FormatError(FMT, "bukan rekaman minusi FMR", "not an FMR minutiae record")
    version = data[4:7].decode("latin-1")
    if version == "030":
        need(FMT, data, 12, "header")
        (length,) = struct.unpack(">I", data[8:12])
        if length != len(data):
            raise FormatError(
                FMT,
                "panjang rekaman tidak cocok",
                "record length mismatch",
                code="FORMAT_TRUNCATED",
            )
        pid = data[12:16].hex() if len(data) >= 16 else None
        views = data[18] if len(data) > 18 else 0
        return MinutiaeRecord(
            "ANSI INCITS 378-2009", version, length, cbeff_product_id=pid, view_count=views
        )
    if version != " 20":
        raise FormatError(
            FMT,
            f"versi {version!r} tidak didukung",
            f"version {version!r} unsupported",
            code="FORMAT_VERSION",
        )
    need(FMT, data, 24, "header")
    (iso_len,) = struct.unpack(">I", data[8:12])
    if iso_len == len(data):  # ISO 19794-2:2005: 4-byte length, no CBEFF product id
        _equip, w, h, xr, yr, nviews, _r = struct.unpack(">HHHHHBB", data[12:24])
        rec = MinutiaeRecord("ISO/IEC 19794-2:2005", version, iso_len, w, h, xr, yr)
        pos = 24
    else:  # ANSI 378-2004: 2-byte length (0 means a 4-byte length follows), CBEFF product id
        (short,) = struct.unpack(">H", data[8:10])
        pos = 10
        length = short
        if short == 0:
            (length,) = struct.unpack(">I", data[10:14])
            pos = 14
        check_length(FMT, length, data)
        need(FMT, data, pos + 16, "header")
        pid = data[pos : pos + 4].hex()
        _equip, w, h, xr, yr, nviews, _r = struct.unpack(">HHHHHBB", data[pos + 4 : pos + 16])
        rec = MinutiaeRecord("ANSI INCITS 378-2004", version, length, w, h, xr, yr, pid)
        pos += 16
    # ISO codes the angle in 360/256-degree units, ANSI in 2-degree units
    unit = 360.0 / 256.0 if rec.standard.startswith("ISO") else 2.0
    rec.views = _views(data, pos, nviews, unit)
    rec.view_count = nviews
    return rec
