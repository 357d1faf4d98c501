"""Signatures: the stroke model, checks, the rendered PNG and ISO/IEC 19794-7-style channels.

A signature is a list of strokes (pen down ... pen up), each a list of points with x, y (pad
units, origin top left, y down), t_ms (milliseconds since the first point), and optionally
pressure (0-1) and tilt (degrees from vertical along x and y, as QTabletEvent reports them).

Stored form, "iso19794-7+json" (`to_json` / `from_json`, `to_iso_channels` /
`from_iso_channels`): one time series of samples with named channels after ISO/IEC 19794-7
(X, Y, T, F = pen force/pressure, S = tip switch, TX/TY = tilt). Strokes are separated by
pen-up samples (S = 0), as in the standard's time series; a reader splits on them. Example:

    {"format": "iso19794-7+json", "version": 1, "width": 800, "height": 300,
     "units_per_mm": 4.0,
     "channels": ["X", "Y", "T", "S", "F"],
     "channel_info": {"X": "pad units", "Y": "pad units, down", "T": "ms",
                      "S": "1 pen down, 0 pen up", "F": "0-1"},
     "samples": [[10.0, 20.0, 0.0, 1, 0.4], ...]}
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from station.domain.problems import Problem

FORMAT = "iso19794-7+json"
MIN_POINTS = 20
MIN_STROKES = 1
MIN_DURATION_MS = 300.0
MAX_DURATION_MS = 60_000.0
MIN_WIDTH_SHARE = 0.15  # of the pad width
MIN_HEIGHT_SHARE = 0.05
MIN_PATH_TO_EXTENT = 1.6  # ink length / bounding-box diagonal; a straight line is 1.0
TAP_MAX_POINTS = 2  # strokes this short are taps, not strokes


class SignatureFormatError(ValueError):
    def __init__(self, detail_id: str, detail_en: str):
        self.problem = Problem(
            "SIGNATURE_FORMAT_INVALID",
            f"Data tanda tangan tidak valid: {detail_id}",
            f"Invalid signature data: {detail_en}",
        )
        super().__init__(f"{self.problem.message_id} / {self.problem.message_en}")


def _finite(*values: float | None) -> bool:
    return all(v is None or (isinstance(v, (int, float)) and math.isfinite(v)) for v in values)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    t_ms: float
    pressure: float | None = None  # 0-1
    tilt_x: float | None = None  # degrees
    tilt_y: float | None = None

    def __post_init__(self) -> None:
        if not _finite(self.x, self.y, self.t_ms, self.pressure, self.tilt_x, self.tilt_y):
            raise SignatureFormatError("nilai titik bukan angka", "a point value is not a number")
        if self.pressure is not None and not 0.0 <= self.pressure <= 1.0:
            raise SignatureFormatError(
                f"tekanan {self.pressure} di luar 0-1", f"pressure {self.pressure} outside 0-1"
            )


@dataclass(frozen=True)
class Strokes:
    strokes: tuple[tuple[Point, ...], ...]
    width: float  # the pad's drawing area, in the same units as x and y
    height: float
    units_per_mm: float | None = None

    def __post_init__(self) -> None:
        if not (self.width > 0 and self.height > 0) or not _finite(self.width, self.height):
            raise SignatureFormatError("ukuran pad tidak valid", "invalid pad size")
        last = -math.inf
        for stroke in self.strokes:
            for p in stroke:
                if p.t_ms < last:
                    raise SignatureFormatError("waktu titik mundur", "point times go backwards")
                last = p.t_ms

    @classmethod
    def from_lists(
        cls,
        strokes: Iterable[Iterable[Sequence[float | None]]],
        width: float,
        height: float,
        units_per_mm: float | None = None,
    ) -> Strokes:
        """From [[(x, y, t_ms[, pressure[, tilt_x, tilt_y]]), ...], ...]."""
        return cls(tuple(tuple(Point(*p) for p in s) for s in strokes), width, height, units_per_mm)

    @property
    def points(self) -> list[Point]:
        return [p for s in self.strokes for p in s]

    @property
    def has_pressure(self) -> bool:
        pts = self.points
        return bool(pts) and all(p.pressure is not None for p in pts)

    @property
    def has_tilt(self) -> bool:
        pts = self.points
        return bool(pts) and all(p.tilt_x is not None and p.tilt_y is not None for p in pts)


@dataclass
class SignatureCheck:
    acceptable: bool
    failures: list[Problem] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def as_dict(self, locale: str = "id") -> dict[str, object]:
        return {
            "acceptable": self.acceptable,
            "failures": [p.as_dict(locale) for p in self.failures],
            "metrics": self.metrics,
        }


EMPTY = Problem(
    "SIGNATURE_EMPTY",
    "Tanda tangan kosong; minta pemohon menandatangani pad.",
    "The signature is empty; ask the applicant to sign on the pad.",
)
FEW_STROKES = Problem(
    "SIGNATURE_TOO_FEW_STROKES",
    "Tanda tangan terlalu sedikit goresannya; ulangi tanda tangan lengkap.",
    "Too few strokes; sign again with the full signature.",
)
SMALL = Problem(
    "SIGNATURE_TOO_SMALL",
    "Tanda tangan terlalu kecil; gunakan bidang pad lebih luas.",
    "The signature is too small; use more of the pad.",
)
SHORT = Problem(
    "SIGNATURE_TOO_FAST",
    "Tanda tangan terlalu singkat; ulangi dengan wajar.",
    "The signature was too quick; sign again at a normal pace.",
)
LONG = Problem(
    "SIGNATURE_TOO_SLOW",
    "Tanda tangan terlalu lama (lebih dari 60 detik); ulangi.",
    "The signature took too long (over 60 seconds); sign again.",
)
SIMPLE = Problem(
    "SIGNATURE_TOO_SIMPLE",
    "Tanda tangan hanya berupa garis/titik sederhana; ulangi tanda tangan asli.",
    "The signature is only a simple line or dot; sign with the real signature.",
)
OUTSIDE = Problem(
    "SIGNATURE_OUTSIDE_PAD",
    "Sebagian tanda tangan keluar dari bidang pad; ulangi di dalam kotak.",
    "Part of the signature is outside the pad area; sign inside the box.",
)


def check(strokes: Strokes) -> SignatureCheck:
    start = time.perf_counter()
    failures: list[Problem] = []
    pts = strokes.points
    metrics: dict[str, float] = {"points": float(len(pts)), "strokes": float(len(strokes.strokes))}

    def done() -> SignatureCheck:
        return SignatureCheck(
            not failures, failures, metrics, (time.perf_counter() - start) * 1000.0
        )

    if len(pts) == 0:
        failures.append(EMPTY)
        return done()
    real = [s for s in strokes.strokes if len(s) > TAP_MAX_POINTS]
    xy = np.array([(p.x, p.y) for p in pts], np.float64)
    x0, y0 = xy.min(0)
    x1, y1 = xy.max(0)
    duration = pts[-1].t_ms - pts[0].t_ms
    ink = sum(
        float(np.hypot(*np.diff(np.array([(p.x, p.y) for p in s]), axis=0).T).sum())
        for s in strokes.strokes
        if len(s) > 1
    )
    diag = float(math.hypot(x1 - x0, y1 - y0))
    metrics.update(
        real_strokes=float(len(real)),
        duration_ms=float(duration),
        width_share=float((x1 - x0) / strokes.width),
        height_share=float((y1 - y0) / strokes.height),
        ink_length=ink,
        path_to_extent=ink / diag if diag > 0 else 0.0,
    )
    if strokes.units_per_mm:
        metrics["width_mm"] = float((x1 - x0) / strokes.units_per_mm)
    if len(pts) < MIN_POINTS or not real:
        failures.append(EMPTY if not real else SIMPLE)
        return done()
    if len(real) < MIN_STROKES:
        failures.append(FEW_STROKES)
    if x0 < 0 or y0 < 0 or x1 > strokes.width or y1 > strokes.height:
        failures.append(OUTSIDE)
    if metrics["width_share"] < MIN_WIDTH_SHARE or metrics["height_share"] < MIN_HEIGHT_SHARE:
        failures.append(SMALL)
    if metrics["path_to_extent"] < MIN_PATH_TO_EXTENT:
        failures.append(SIMPLE)
    if duration < MIN_DURATION_MS:
        failures.append(SHORT)
    elif duration > MAX_DURATION_MS:
        failures.append(LONG)
    return done()


def render(strokes: Strokes, max_width: int = 800, margin: int = 10) -> np.ndarray:
    """The signature drawn black on white (uint8 gray), the pad area scaled to max_width."""
    scale = min(1.0, (max_width - 2 * margin) / strokes.width) if strokes.width > 0 else 1.0
    w = int(math.ceil(strokes.width * scale)) + 2 * margin
    h = int(math.ceil(strokes.height * scale)) + 2 * margin
    canvas = np.full((h, w), 255, np.uint8)
    # a 0.25 mm pen when the pad's resolution is known, otherwise 2 px
    base = max(1.0, 0.25 * scale * strokes.units_per_mm) if strokes.units_per_mm else 2.0
    for stroke in strokes.strokes:
        if not stroke:
            continue
        pts = np.array([(p.x * scale + margin, p.y * scale + margin) for p in stroke])
        if len(pts) == 1:
            c = tuple(int(round(v)) for v in pts[0])
            cv2.circle(canvas, c, max(1, int(base)), 0, -1, cv2.LINE_AA)
            continue
        for i in range(1, len(pts)):
            pr = stroke[i].pressure
            thick = max(1, int(round(base * (0.5 + pr if pr is not None else 1.0))))
            p0 = (int(round(pts[i - 1][0] * 16)), int(round(pts[i - 1][1] * 16)))
            p1 = (int(round(pts[i][0] * 16)), int(round(pts[i][1] * 16)))
            cv2.line(canvas, p0, p1, 0, thick, cv2.LINE_AA, shift=4)
    return canvas


def render_png(strokes: Strokes, max_width: int = 800) -> bytes:
    ok, buf = cv2.imencode(".png", render(strokes, max_width))
    if not ok:  # pragma: no cover - OpenCV always encodes a valid gray image
        raise RuntimeError("PNG encoding failed")
    return buf.tobytes()


# --- ISO/IEC 19794-7-style channels ------------------------------------------------------------

_INFO = {
    "X": "pad units",
    "Y": "pad units, down",
    "T": "ms",
    "S": "1 pen down, 0 pen up",
    "F": "0-1",
    "TX": "degrees",
    "TY": "degrees",
}


def to_iso_channels(strokes: Strokes) -> dict[str, object]:
    channels = ["X", "Y", "T", "S"]
    if strokes.has_pressure:
        channels.append("F")
    if strokes.has_tilt:
        channels += ["TX", "TY"]
    samples: list[list[float]] = []

    def row(p: Point, s: int) -> list[float]:
        r: list[float] = [round(p.x, 3), round(p.y, 3), round(p.t_ms, 3), s]
        if "F" in channels:
            r.append(round(p.pressure if s else 0.0, 4))  # type: ignore[arg-type]
        if "TX" in channels:
            r += [round(p.tilt_x, 2), round(p.tilt_y, 2)]  # type: ignore[arg-type]
        return r

    for i, stroke in enumerate(strokes.strokes):
        samples += [row(p, 1) for p in stroke]
        if stroke and i < len(strokes.strokes) - 1:
            samples.append(row(stroke[-1], 0))  # pen lifted
    return {
        "format": FORMAT,
        "version": 1,
        "width": strokes.width,
        "height": strokes.height,
        "units_per_mm": strokes.units_per_mm,
        "channels": channels,
        "channel_info": {c: _INFO[c] for c in channels},
        "samples": samples,
    }


def from_iso_channels(doc: dict[str, object]) -> Strokes:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SignatureFormatError(f"bukan {FORMAT}", f"not {FORMAT}")
    if doc.get("version") != 1:
        raise SignatureFormatError(
            f"versi {doc.get('version')!r} tidak dikenal", f"unknown version {doc.get('version')!r}"
        )
    channels = doc.get("channels")
    samples = doc.get("samples")
    if not isinstance(channels, list) or not {"X", "Y", "T", "S"} <= set(channels):
        raise SignatureFormatError("kanal X, Y, T, S wajib ada", "channels X, Y, T, S are required")
    unknown = set(channels) - set(_INFO)
    if unknown:
        raise SignatureFormatError(
            f"kanal tidak dikenal {sorted(unknown)}", f"unknown channels {sorted(unknown)}"
        )
    if not isinstance(samples, list):
        raise SignatureFormatError("sampel tidak ada", "samples are missing")
    idx = {c: i for i, c in enumerate(channels)}
    strokes: list[tuple[Point, ...]] = []
    current: list[Point] = []
    for n, s in enumerate(samples):
        if (
            not isinstance(s, list)
            or len(s) != len(channels)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in s)
        ):
            raise SignatureFormatError(f"sampel {n} rusak", f"sample {n} is malformed")
        if s[idx["S"]] == 0:
            if current:
                strokes.append(tuple(current))
                current = []
            continue
        current.append(
            Point(
                float(s[idx["X"]]),
                float(s[idx["Y"]]),
                float(s[idx["T"]]),
                float(s[idx["F"]]) if "F" in idx else None,
                float(s[idx["TX"]]) if "TX" in idx else None,
                float(s[idx["TY"]]) if "TY" in idx else None,
            )
        )
    if current:
        strokes.append(tuple(current))
    try:
        width, height = float(doc["width"]), float(doc["height"])  # type: ignore[arg-type]
        upm = doc.get("units_per_mm")
        upm_f = float(upm) if upm is not None else None  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise SignatureFormatError("ukuran pad tidak ada", "the pad size is missing") from exc
    return Strokes(tuple(strokes), width, height, upm_f)


def to_json(strokes: Strokes) -> bytes:
    return json.dumps(to_iso_channels(strokes), separators=(",", ":")).encode()


def from_json(data: bytes) -> Strokes:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureFormatError("bukan JSON yang valid", "not valid JSON") from exc
    return from_iso_channels(doc)
