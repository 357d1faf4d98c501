"""Synthetic biometrics for demo, training and tests: fingerprints, faces and signatures.

Everything here is generated from a seed, so the same seed gives the same person and different
seeds give different people. Nothing is copied from real biometric data.

fingerprint(position, seed, quality="good", size=(400, 500)) -> uint8 gray, 500 ppi
    Ridge patterns are grown the way SFinGe-style generators do it: an orientation field from a
    zero-pole model of cores and deltas (arch, tented arch, left/right loop, whorl), a smoothly
    varying ridge frequency (about 8-11 px per ridge at 500 ppi), and Gabor-filtered noise iterated
    until ridges lock onto the field (grown at half resolution and upsampled: about 0.2 s per
    finger). A finger's pattern depends only on (seed, position); the
    quality and the impression number change how that same finger is rendered.
face(seed, birth_year=None) -> BGR 640x480
    A drawn, shaded frontal head and shoulders on the KTP-el backdrop colour (red for odd birth
    years, blue for even). It is found by OpenCV's shipped Haar face cascade (tested).
signature(seed) -> list of strokes, each a list of (x, y, t_ms, pressure)
    Cursive-like pen strokes on a 640x240 pad, sampled at 100 Hz, pressure 0..1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

QUALITIES = ("good", "dry", "smudged", "partial", "blank")
FINGER_PPI = 500
FACE_SIZE = (640, 480)  # width, height
SIGNATURE_PAD = (640, 240)  # width, height in pad units (pixels of the rendered image)
SIGNATURE_RATE_HZ = 100

# KTP-el backdrop colours (BGR): red for odd birth years, blue for even.
BACKDROP_RED = (38, 30, 200)
BACKDROP_BLUE = (190, 100, 25)

_N_ORIENT = 16  # orientation bins used for the Gabor bank
_PERIODS = (8.0, 9.5, 11.0)  # ridge periods (px at 500 ppi) used for the bank
_GROW_SCALE = 2  # ridges are grown at half resolution (4x fewer pixels), then upsampled


def backdrop_colour(birth_year: int) -> tuple[int, int, int]:
    """The KTP-el backdrop colour (BGR) for a birth year: red if odd, blue if even."""
    return BACKDROP_RED if birth_year % 2 else BACKDROP_BLUE


def _rng(*parts: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([abs(int(p)) for p in parts]))


# --------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FingerPattern:
    kind: str  # "arch", "tented_arch", "left_loop", "right_loop", "whorl"
    cores: tuple[tuple[float, float], ...]  # (x, y) in pixels
    deltas: tuple[tuple[float, float], ...]
    period: float  # mean ridge period in pixels
    rotation: float  # radians, how the finger sits on the platen


def _pattern_kind(position: int, rng: np.random.Generator) -> str:
    """Pattern class drawn with roughly population frequencies; loops lean ulnar per hand."""
    right_hand = 1 <= position <= 5
    ulnar = "right_loop" if right_hand else "left_loop"
    radial = "left_loop" if right_hand else "right_loop"
    finger = (position - 1) % 5  # 0 thumb, 1 index, ...
    if finger == 0:
        weights = {"whorl": 0.45, ulnar: 0.45, radial: 0.02, "arch": 0.04, "tented_arch": 0.04}
    elif finger == 1:
        weights = {"whorl": 0.3, ulnar: 0.35, radial: 0.17, "arch": 0.1, "tented_arch": 0.08}
    else:
        weights = {"whorl": 0.3, ulnar: 0.6, radial: 0.03, "arch": 0.04, "tented_arch": 0.03}
    kinds = list(weights)
    p = np.array([weights[k] for k in kinds])
    return str(rng.choice(kinds, p=p / p.sum()))


def finger_pattern(position: int, seed: int, size: tuple[int, int] = (400, 500)) -> FingerPattern:
    """The (stable) ridge pattern of one finger of one synthetic person."""
    if not 1 <= int(position) <= 10:
        raise ValueError(f"finger position must be 1..10 (ISO/IEC 19794-4), got {position}")
    w, h = size
    rng = _rng(seed, position, 7)
    kind = _pattern_kind(int(position), rng)
    cx = w * (0.5 + rng.uniform(-0.06, 0.06))
    cy = h * (0.42 + rng.uniform(-0.06, 0.06))
    cores: list[tuple[float, float]] = []
    deltas: list[tuple[float, float]] = []
    if kind in ("left_loop", "right_loop"):
        side = -1 if kind == "left_loop" else 1
        cores.append((cx, cy))
        deltas.append((cx + side * w * rng.uniform(0.28, 0.38), cy + h * rng.uniform(0.28, 0.38)))
    elif kind == "whorl":
        d = h * rng.uniform(0.04, 0.09)
        tilt = rng.uniform(-0.6, 0.6)
        cores.append((cx - d * math.sin(tilt), cy - d * math.cos(tilt)))
        cores.append((cx + d * math.sin(tilt), cy + d * math.cos(tilt)))
        deltas.append((cx - w * rng.uniform(0.3, 0.4), cy + h * rng.uniform(0.3, 0.4)))
        deltas.append((cx + w * rng.uniform(0.3, 0.4), cy + h * rng.uniform(0.3, 0.4)))
    elif kind == "tented_arch":
        cores.append((cx, cy))
        deltas.append((cx + rng.uniform(-3, 3), cy + h * rng.uniform(0.12, 0.2)))
    period = float(rng.uniform(8.3, 10.5))
    rotation = float(rng.uniform(-0.15, 0.15))
    return FingerPattern(kind, tuple(cores), tuple(deltas), period, rotation)


def _orientation_field(p: FingerPattern, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """Ridge direction (radians, modulo pi) per pixel from the zero-pole (Sherlock-Monro) model."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    if p.kind == "arch":
        cx = w / 2
        amp = rng.uniform(0.6, 1.0)
        u = (xs - cx) / (w / 2)
        v = np.clip((h * 0.9 - ys) / h, 0.0, None)
        theta = np.arctan(-amp * 1.6 * u * np.exp(-(u**2)) * v * 2.0)
    else:
        z = xs + 1j * ys
        acc = np.zeros_like(xs)
        for cxp, cyp in p.cores:
            acc += np.angle(z - complex(cxp, cyp))
        for dxp, dyp in p.deltas:
            acc -= np.angle(z - complex(dxp, dyp))
        theta = 0.5 * acc
    # gentle, smooth distortion so no two fingers share exact geometry
    noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 40)
    noise = noise / (np.abs(noise).max() + 1e-9)
    theta = theta + 0.12 * noise + p.rotation
    return np.mod(theta, math.pi)


@lru_cache(maxsize=8)
def _gabor_bank(period: float) -> tuple[np.ndarray, ...]:
    ks = int(period * 2) | 1
    kernels = []
    for i in range(_N_ORIENT):
        ridge_dir = i * math.pi / _N_ORIENT
        k = cv2.getGaborKernel(
            (ks, ks), sigma=period * 0.42, theta=ridge_dir + math.pi / 2, lambd=period,
            gamma=0.6, psi=0,
        )
        k = (k - k.mean()).astype(np.float32)
        kernels.append(k / np.abs(k).sum())
    return tuple(kernels)


def _grow_ridges(theta: np.ndarray, period_map: np.ndarray, rng: np.random.Generator,
                 iterations: int = 9, periods: tuple[float, ...] = _PERIODS) -> np.ndarray:
    """Gabor-filtered noise, iterated: returns a ridge map in [-1, 1] (positive = ridge)."""
    h, w = theta.shape
    obin = np.rint(theta / (math.pi / _N_ORIENT)).astype(np.int32) % _N_ORIENT
    pidx = np.abs(period_map[..., None] - np.array(periods)[None, None, :]).argmin(axis=2)
    img = rng.normal(0, 1, (h, w)).astype(np.float32)
    # Each (period, orientation) bin covers a compact region in a zero-pole field, so filter only
    # that region's bounding box (padded by the kernel radius): several times faster than
    # filtering the whole image with every kernel.
    jobs = []
    for pi_, period in enumerate(periods):
        bank = _gabor_bank(period)
        for o in range(_N_ORIENT):
            sel = (pidx == pi_) & (obin == o)
            ys, xs = np.nonzero(sel)
            if ys.size == 0:
                continue
            r = bank[o].shape[0] // 2 + 1
            y0, y1 = max(0, ys.min() - r), min(h, ys.max() + r + 1)
            x0, x1 = max(0, xs.min() - r), min(w, xs.max() + r + 1)
            jobs.append((bank[o], (y0, y1, x0, x1), (ys, xs), (ys - y0, xs - x0)))
    out = np.zeros_like(img)
    for _ in range(iterations):
        for kernel, (y0, y1, x0, x1), (ys, xs), (ly, lx) in jobs:
            roi = cv2.filter2D(img[y0:y1, x0:x1], cv2.CV_32F, kernel,
                               borderType=cv2.BORDER_REFLECT)
            out[ys, xs] = roi[ly, lx]
        img = np.tanh(out / (out.std() + 1e-6) * 2.5)
    return img


def _fingertip_mask(w: int, h: int, rng: np.random.Generator, area: float = 1.0) -> np.ndarray:
    """Soft (0..1) contact area of a fingertip on the platen."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = w * (0.5 + rng.uniform(-0.03, 0.03))
    cy = h * (0.5 + rng.uniform(-0.02, 0.03))
    ax = w * rng.uniform(0.40, 0.45) * math.sqrt(area)
    ay = h * rng.uniform(0.43, 0.47) * math.sqrt(area)
    # flatter at the bottom (the finger leaves the platen towards the palm)
    dy = np.where(ys > cy, (ys - cy) / (ay * 1.15), (ys - cy) / ay)
    r = ((xs - cx) / ax) ** 2 + dy**2
    edge = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 12)
    edge = edge / (np.abs(edge).max() + 1e-9) * 0.12
    return np.clip((1.0 - (r + edge)) / 0.12, 0.0, 1.0)


def _blobs(shape: tuple[int, int], rng: np.random.Generator, scale: float,
           coverage: float) -> np.ndarray:
    """A smooth random 0/1-ish mask covering about `coverage` of the image."""
    n = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), scale)
    thr = np.quantile(n, 1.0 - coverage)
    return np.clip((n - thr) / (n.std() * 0.3 + 1e-6), 0.0, 1.0)


@lru_cache(maxsize=64)
def _ridge_map(position: int, seed: int, w: int, h: int) -> tuple[np.ndarray, FingerPattern]:
    pattern = finger_pattern(position, seed, (w, h))
    rng = _rng(seed, position, 11)
    theta = _orientation_field(pattern, w, h, rng)
    pv = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 60)
    pv = pv / (np.abs(pv).max() + 1e-9)
    period_map = pattern.period + 1.2 * pv
    k = _GROW_SCALE
    small = (max(32, w // k), max(32, h // k))
    # orientations are averaged as doubled angles (theta and theta + pi are the same ridge)
    c2 = cv2.resize(np.cos(2 * theta).astype(np.float32), small, interpolation=cv2.INTER_AREA)
    s2 = cv2.resize(np.sin(2 * theta).astype(np.float32), small, interpolation=cv2.INTER_AREA)
    theta_small = np.mod(0.5 * np.arctan2(s2, c2), math.pi)
    period_small = cv2.resize(period_map.astype(np.float32), small,
                              interpolation=cv2.INTER_AREA) * (small[0] / w)
    periods = tuple(x * small[0] / w for x in _PERIODS)
    grown = _grow_ridges(theta_small, period_small, rng, periods=periods)
    ridges = np.clip(cv2.resize(grown, (w, h), interpolation=cv2.INTER_CUBIC), -1.0, 1.0)
    ridges.setflags(write=False)
    return ridges, pattern


def fingerprint(position: int, seed: int, quality: str = "good",
                size: tuple[int, int] = (400, 500), *, impression: int = 0) -> np.ndarray:
    """A synthetic 500 ppi plain fingerprint: uint8 gray, shape (height, width), dark ridges.

    `position` is the ISO/IEC 19794-4 finger position (1 right thumb .. 10 left little); `size`
    is (width, height). The ridge pattern depends only on (seed, position); `quality` is one of
    good, dry, smudged, partial, blank; `impression` numbers repeated placements of the same
    finger (a small shift, rotation and fresh sensor noise each time).
    """
    if quality not in QUALITIES:
        raise ValueError(f"quality must be one of {', '.join(QUALITIES)}, got {quality!r}")
    w, h = int(size[0]), int(size[1])
    if not (64 <= w <= 2000 and 64 <= h <= 2000):
        raise ValueError(f"size must be between 64 and 2000 pixels a side, got {size}")
    rng = _rng(seed, position, 101, QUALITIES.index(quality), impression)
    if quality == "blank":
        base = np.full((h, w), 236.0, np.float32) + rng.normal(0, 1.5, (h, w))
        base += cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 30) * 40
        return np.clip(base, 0, 255).astype(np.uint8)

    ridges, _pattern = _ridge_map(int(position), int(seed), w, h)
    ridges = np.array(ridges)
    if impression:
        angle = rng.uniform(-6, 6)
        shift = rng.uniform(-0.04, 0.04, 2) * (w, h)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        m[:, 2] += shift
        ridges = cv2.warpAffine(ridges, m, (w, h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REFLECT)
    mask = _fingertip_mask(w, h, rng, area=1.0)
    # pressure: darker in the middle of the contact area
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xs - w / 2) / (w * 0.5)) ** 2 + ((ys - h / 2) / (h * 0.5)) ** 2
    pressure = 0.75 + 0.25 * np.exp(-r2)

    threshold = 0.0
    contrast = 200.0
    ink = ridges.copy()
    if quality == "dry":
        threshold = 0.45  # thin, broken ridges
        contrast = 150.0
        holes = _blobs((h, w), rng, 4, 0.42)
        ink = ink - 1.6 * holes
        mask = mask * (1.0 - 0.6 * _blobs((h, w), rng, 20, 0.25))
    elif quality == "smudged":
        threshold = -0.55  # thick ridges filling the valleys
        contrast = 120.0
        ink = cv2.GaussianBlur(ink, (0, 0), 2.6)
        wet = _blobs((h, w), rng, 18, 0.4)
        ink = ink * (1 - wet) + 1.0 * wet
    elif quality == "partial":
        # the finger touched the platen's edge: a straight cut leaves about a third of the tip
        ang = rng.uniform(0, 2 * math.pi)
        nx, ny = math.cos(ang), math.sin(ang)
        proj = (xs - w / 2) * nx + (ys - h / 2) * ny
        cut = np.quantile(proj[mask > 0.5], rng.uniform(0.6, 0.7))
        mask = mask * np.clip((proj - cut) / 3.0, 0.0, 1.0)
    ridge_strength = np.clip((ink - threshold) * 2.2, 0.0, 1.0)
    ridge_strength = cv2.GaussianBlur(ridge_strength, (0, 0), 0.8)
    darkness = contrast * ridge_strength * mask * pressure
    background = 232.0 + rng.normal(0, 1, (h, w)).astype(np.float32) * 2.0
    img = background - darkness
    # pores and sensor noise
    img += rng.normal(0, 4.0, (h, w)).astype(np.float32) * mask
    return np.clip(img, 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------------------------
# Faces
# --------------------------------------------------------------------------------------------

_SKIN_TONES = (  # BGR, a range of Indonesian skin tones
    (140, 175, 220), (120, 160, 210), (105, 145, 195), (95, 130, 180), (80, 115, 165),
    (70, 100, 150), (130, 170, 215),
)


def _shade(c: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(v * f, 0, 255)) for v in c)  # type: ignore[return-value]


def face(seed: int, birth_year: int | None = None) -> np.ndarray:
    """A synthetic frontal portrait, BGR 640x480, on the KTP-el backdrop for `birth_year`.

    With no birth year the backdrop follows a birth year drawn from the seed (1950-2008), so a
    demo person and their portrait agree when the caller derives the year the same way.
    """
    rng = _rng(seed, 4242)
    if birth_year is None:
        birth_year = int(rng.integers(1950, 2009))
    w, h = FACE_SIZE
    bg = np.array(backdrop_colour(int(birth_year)), np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = bg
    # soft studio light: slightly brighter behind the head
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 + 0.08 * np.exp(-(((xs - w / 2) / 260) ** 2 + ((ys - h * 0.4) / 220) ** 2))
    img *= light[..., None]
    canvas = np.clip(img, 0, 255).astype(np.uint8)

    skin = _SKIN_TONES[int(rng.integers(len(_SKIN_TONES)))]
    skin = _shade(skin, float(rng.uniform(0.95, 1.05)))
    cx = w // 2 + int(rng.integers(-8, 9))
    fw = int(rng.integers(84, 96))  # half width of the face
    fh = int(fw * rng.uniform(1.28, 1.38))  # half height
    cy = int(h * 0.47)
    hair = _shade((30, 32, 38), float(rng.uniform(0.6, 1.3)))
    shirt = [(245, 245, 245), (60, 60, 60), (110, 70, 40), (40, 40, 110)][int(rng.integers(4))]
    hijab = rng.random() < 0.3

    # shoulders and shirt
    cv2.ellipse(canvas, (cx, h + 60), (230, 150), 0, 180, 360, shirt, -1, cv2.LINE_AA)
    # neck
    cv2.rectangle(canvas, (cx - fw // 2, cy + fh - 30), (cx + fw // 2, h - 70),
                  _shade(skin, 0.82), -1)
    # hair / hijab behind the head
    if hijab:
        hj = [(70, 60, 50), (180, 180, 190), (90, 50, 110)][int(rng.integers(3))]
        cv2.ellipse(canvas, (cx, cy + 10), (fw + 34, fh + 44), 0, 0, 360, hj, -1, cv2.LINE_AA)
        cv2.ellipse(canvas, (cx, h + 40), (200, 140), 0, 180, 360, hj, -1, cv2.LINE_AA)
    else:
        cv2.ellipse(canvas, (cx, cy - fh // 4), (fw + 14, fh - 6), 0, 180, 360, hair, -1,
                    cv2.LINE_AA)
        # ears
        for s in (-1, 1):
            cv2.ellipse(canvas, (cx + s * (fw - 4), cy + 4), (14, 26), 0, 0, 360,
                        _shade(skin, 0.9), -1, cv2.LINE_AA)
    # the face
    cv2.ellipse(canvas, (cx, cy), (fw, fh), 0, 0, 360, skin, -1, cv2.LINE_AA)
    if not hijab:
        # hairline / fringe
        cv2.ellipse(canvas, (cx, cy - fh + 24), (fw + 2, 48), 0, 180, 360, hair, -1,
                    cv2.LINE_AA)
    else:
        cv2.ellipse(canvas, (cx, cy - fh + 10), (fw + 6, 34), 0, 180, 360, hj, -1, cv2.LINE_AA)

    # shading: cheeks darker to the sides, forehead lit
    face_f = canvas.astype(np.float32)
    shade = 1.0 - 0.18 * np.clip((np.abs(xs - cx) / fw) ** 2, 0, 1)
    inside = (((xs - cx) / fw) ** 2 + ((ys - cy) / fh) ** 2) < 1.0
    face_f[inside] *= shade[inside][:, None]
    canvas = np.clip(face_f, 0, 255).astype(np.uint8)

    eye_y = cy - int(fh * 0.12)
    eye_dx = int(fw * rng.uniform(0.42, 0.48))
    eye_w = int(fw * 0.2)
    brow_y = eye_y - int(fh * 0.16)
    # eye sockets (a darker band is what the cascades look for)
    for s in (-1, 1):
        ex = cx + s * eye_dx
        cv2.ellipse(canvas, (ex, eye_y - 2), (eye_w + 10, 15), 0, 0, 360, _shade(skin, 0.78),
                    -1, cv2.LINE_AA)
        cv2.ellipse(canvas, (ex, eye_y), (eye_w, 8), 0, 0, 360, (235, 238, 240), -1,
                    cv2.LINE_AA)
        iris = [(30, 40, 60), (20, 30, 45), (40, 60, 80)][int(rng.integers(3))]
        cv2.circle(canvas, (ex, eye_y), 7, iris, -1, cv2.LINE_AA)
        cv2.circle(canvas, (ex, eye_y), 3, (10, 10, 10), -1, cv2.LINE_AA)
        cv2.circle(canvas, (ex - 2, eye_y - 2), 1, (250, 250, 250), -1, cv2.LINE_AA)
        cv2.ellipse(canvas, (ex, eye_y), (eye_w, 9), 0, 180, 360, (35, 35, 40), 2, cv2.LINE_AA)
        # eyebrow
        cv2.ellipse(canvas, (ex, brow_y + 6), (eye_w + 8, 10), 0, 200, 340, hair, 5,
                    cv2.LINE_AA)
    # nose: a lit bridge with shaded sides and nostrils
    nose_y = cy + int(fh * 0.22)
    cv2.line(canvas, (cx - 10, eye_y + 8), (cx - 14, nose_y - 4), _shade(skin, 0.85), 3,
             cv2.LINE_AA)
    cv2.ellipse(canvas, (cx, nose_y), (20, 10), 0, 0, 180, _shade(skin, 0.75), 3, cv2.LINE_AA)
    for s in (-1, 1):
        cv2.ellipse(canvas, (cx + s * 9, nose_y + 2), (5, 3), 0, 0, 360, _shade(skin, 0.45), -1,
                    cv2.LINE_AA)
    # mouth
    mouth_y = cy + int(fh * 0.5)
    mw = int(fw * rng.uniform(0.36, 0.44))
    lip = _shade((95, 95, 170), float(rng.uniform(0.8, 1.0)))
    cv2.ellipse(canvas, (cx, mouth_y), (mw, 9), 0, 0, 360, lip, -1, cv2.LINE_AA)
    cv2.line(canvas, (cx - mw, mouth_y), (cx + mw, mouth_y), _shade(lip, 0.5), 2, cv2.LINE_AA)
    # chin shadow
    cv2.ellipse(canvas, (cx, cy + fh - 12), (int(fw * 0.45), 10), 0, 0, 180, _shade(skin, 0.85),
                3, cv2.LINE_AA)

    out = cv2.GaussianBlur(canvas, (0, 0), 1.2).astype(np.float32)
    out += rng.normal(0, 2.0, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------

Stroke = list[tuple[float, float, int, float]]


def signature(seed: int) -> list[Stroke]:
    """Pen strokes of a synthetic signature: [(x, y, t_ms, pressure), ...] per stroke.

    Coordinates are pad units on a 640x240 pad (y down), time in milliseconds from the first
    touch, sampled at 100 Hz, pressure 0..1 rising at touch-down and falling at lift-off.
    """
    rng = _rng(seed, 777)
    pad_w, pad_h = SIGNATURE_PAD
    n_strokes = int(rng.integers(1, 4))
    dt = 1000 // SIGNATURE_RATE_HZ
    strokes: list[Stroke] = []
    t = 0
    x0 = pad_w * rng.uniform(0.06, 0.14)
    widths = rng.dirichlet(np.ones(n_strokes) * 3) * pad_w * rng.uniform(0.6, 0.78)
    for i in range(n_strokes):
        n = int(max(40, widths[i] / 2.2))
        u = np.linspace(0.0, 1.0, n)
        loops = rng.uniform(3, 8) * widths[i] / (pad_w * 0.3)
        r = rng.uniform(14, 30)
        base_y = pad_h * rng.uniform(0.45, 0.6)
        slant = rng.uniform(0.15, 0.45)
        phase = rng.uniform(0, 2 * math.pi)
        ang = 2 * math.pi * loops * u + phase
        amp = r * (0.7 + 0.3 * np.sin(2 * math.pi * u * rng.uniform(1, 3)))
        xs = x0 + widths[i] * u + 0.6 * amp * np.cos(ang)
        ys = base_y - amp * np.sin(ang) - slant * 0 + 8 * np.sin(2 * math.pi * u)
        xs = xs + slant * (base_y - ys)  # italic slant
        if i == 0:  # a capital-like flourish at the start
            k = max(8, n // 6)
            ys[:k] -= np.linspace(40, 0, k)
        xs += rng.normal(0, 0.4, n)
        ys += rng.normal(0, 0.4, n)
        pressure = 0.55 + 0.3 * np.sin(2 * math.pi * u * 2 + phase) ** 2
        ramp = np.minimum(1.0, np.minimum(np.arange(n) + 1, n - np.arange(n)) / 5.0)
        pressure = np.clip(pressure * ramp, 0.02, 1.0)
        xs = np.clip(xs, 2, pad_w - 2)
        ys = np.clip(ys, 2, pad_h - 2)
        stroke = [
            (round(float(x), 2), round(float(y), 2), t + j * dt, round(float(p), 3))
            for j, (x, y, p) in enumerate(zip(xs, ys, pressure, strict=True))
        ]
        strokes.append(stroke)
        t = stroke[-1][2] + int(rng.integers(120, 380))  # pen up between strokes
        x0 = float(xs[-1]) + rng.uniform(8, 24)
    return strokes


def render_signature(strokes: list[Stroke], size: tuple[int, int] = SIGNATURE_PAD) -> np.ndarray:
    """Draw strokes black on white (uint8 gray), line width following pressure."""
    w, h = size
    img = np.full((h, w), 255, np.uint8)
    for stroke in strokes:
        for (x1, y1, _t1, p1), (x2, y2, _t2, _p2) in zip(stroke, stroke[1:], strict=False):
            cv2.line(img, (int(round(x1)), int(round(y1))), (int(round(x2)), int(round(y2))),
                     0, max(1, int(round(1 + 3 * p1))), cv2.LINE_AA)
    return img


# --------------------------------------------------------------------------------------------
# Irises
# --------------------------------------------------------------------------------------------

# Defects the iris generator can add (any combination), as an operator meets them at the counter.
IRIS_DEFECTS = (
    "occluded",  # drooping upper eyelid and eyelashes cover much of the iris
    "closed",  # the eye is (almost) shut
    "blurred",  # out of focus, or the head moved
    "off_gaze",  # looking to the side: the eye turned away from the camera
    "dilated",  # a very wide pupil (dark room, medication)
    "constricted",  # a pin-point pupil (bright light)
    "low_contrast",  # washed out: too much ambient light, wrong exposure
    "small",  # the eye too far from the camera
    "cut",  # the eye at the edge of the frame
    "glare",  # spectacles reflecting the illuminator across the iris
)
IRIS_SIZE = (640, 480)  # width, height: the VGA frame of ISO/IEC 19794-6 iris cameras


@dataclass(frozen=True)
class IrisGeometry:
    """Where the generator put things (pixels, in the returned image)."""

    pupil: tuple[float, float, float]  # centre x, y, radius
    iris: tuple[float, float, float]
    gaze_deg: float


def iris_geometry(seed: int, eye: str = "right", defects: tuple[str, ...] = (),
                  size: tuple[int, int] = IRIS_SIZE) -> IrisGeometry:
    """The pupil and iris circles `iris()` draws for these arguments."""
    rng = _rng(seed, 5150, 0 if eye == "left" else 1)
    w, h = size
    scale = min(w / 640.0, h / 480.0) * (0.55 if "small" in defects else 1.0)
    r_iris = rng.uniform(108, 124) * scale
    ratio = rng.uniform(0.32, 0.46)
    if "dilated" in defects:
        ratio = 0.78
    elif "constricted" in defects:
        ratio = 0.14
    cx = w / 2 + rng.uniform(-12, 12) * scale
    cy = h / 2 + rng.uniform(-8, 8) * scale
    if "cut" in defects:
        cx = w - r_iris * 0.45
    gaze = 38.0 if "off_gaze" in defects else 0.0
    return IrisGeometry((cx, cy, r_iris * ratio), (cx, cy, r_iris), gaze)


def iris(seed: int, eye: str = "right", size: tuple[int, int] = IRIS_SIZE,
         defects: tuple[str, ...] | list[str] = ()) -> np.ndarray:
    """A synthetic near-infrared iris image (uint8 gray, 640x480 by default).

    The eye opening between two eyelid curves shows bright sclera, the iris (radial furrows and
    crypts in polar coordinates, darker towards the collarette), a dark pupil with the
    illuminator's specular spot, and eyelashes on the upper lid; skin around it. Distinct per
    seed and eye; `defects` (see IRIS_DEFECTS) degrade it the way real captures go wrong.
    """
    if eye not in ("left", "right"):
        raise ValueError(f"eye must be left or right, got {eye!r}")
    defects = tuple(defects)
    unknown = set(defects) - set(IRIS_DEFECTS)
    if unknown:
        raise ValueError(f"unknown iris defects {sorted(unknown)}; "
                         f"known: {', '.join(IRIS_DEFECTS)}")
    w, h = int(size[0]), int(size[1])
    if not (160 <= w <= 2000 and 120 <= h <= 2000):
        raise ValueError(f"size must be 160x120 to 2000x2000 pixels, got {size}")
    g = iris_geometry(seed, eye, defects, (w, h))
    rng = _rng(seed, 5150, 0 if eye == "left" else 1, 2)
    cx, cy, r_iris = g.iris
    r_pupil = g.pupil[2]
    scale = r_iris / 116.0
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    # an eye turned away from the camera: the iris is foreshortened across (cos of the angle)
    # and the pupil shifts towards the nasal side of the iris
    squeeze = math.cos(math.radians(g.gaze_deg))
    px = cx - (r_iris - r_pupil) * 0.35 * math.sin(math.radians(g.gaze_deg))
    dxi, dyi = (xs - cx) / squeeze, ys - cy
    r = np.hypot(dxi, dyi)
    rp = np.hypot((xs - px) / squeeze, ys - cy)
    ang = np.arctan2(dyi, dxi)

    # skin, a little darker in the eye socket
    img = 150.0 + 25.0 * np.clip(np.hypot(xs - cx, (ys - cy) * 1.4) / (3.2 * r_iris), 0, 1)
    img += cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 6) * 25
    # the eye opening: between an upper and a lower eyelid curve (almond shape)
    half_w = 2.3 * r_iris
    u = np.clip((xs - cx) / half_w, -1.0, 1.0)
    open_up = 0.85 * r_iris * rng.uniform(0.92, 1.05)
    open_down = 0.88 * r_iris * rng.uniform(0.95, 1.08)
    if "occluded" in defects:
        open_up = 0.28 * r_iris
    if "closed" in defects:
        open_up, open_down = 0.06 * r_iris, 0.05 * r_iris
    upper = cy - open_up * (1.0 - u**2) * 1.25 + 0.25 * open_up
    lower = cy + open_down * (1.0 - u**2) * 1.15 - 0.15 * open_down
    opening = (ys > upper) & (ys < lower) & (np.abs(xs - cx) < half_w)
    sclera = 205.0 - 20.0 * (np.abs(xs - cx) / half_w) ** 2
    img = np.where(opening, sclera, img)
    # the iris: a random field in (angle, radius), smooth along the radius (furrows, crypts)
    # (64 radial x 720 angular cells: fibres a few pixels wide at the iris's outer edge)
    polar = cv2.GaussianBlur(rng.normal(0, 1, (64, 720)).astype(np.float32), (0, 0),
                             sigmaX=0.8, sigmaY=2.0)
    polar /= polar.std() + 1e-6
    crypts = _blobs((64, 720), rng, 2.5, 0.12) * -2.0
    polar = polar + crypts
    ai = ((ang + math.pi) / (2 * math.pi) * 719).astype(np.float32)
    ri = np.clip((r - r_pupil) / (r_iris - r_pupil) * 63, 0, 63).astype(np.float32)
    texture = cv2.remap(polar.astype(np.float32), ai, ri, cv2.INTER_LINEAR)
    collarette = np.exp(-(((r - r_pupil) / (r_iris - r_pupil) - 0.3) / 0.12) ** 2)
    iris_grey = 115.0 + 20.0 * texture - 14.0 * collarette - 10.0 * (r / r_iris) ** 4
    in_iris = (r < r_iris) & opening
    img = np.where(in_iris, iris_grey, img)
    img = np.where((rp < r_pupil) & opening, 16.0, img)
    # the limbus is a soft edge, the pupil edge a sharper one
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), 1.1 * max(scale, 0.5))
    # eyelashes: dark curved strokes hanging from the upper lid
    canvas = np.zeros((h, w), np.uint8)
    n_lash = 55 if "occluded" in defects else 32
    for _ in range(n_lash):
        x0 = cx + rng.uniform(-1.6, 1.6) * r_iris
        uu = np.clip((x0 - cx) / half_w, -1, 1)
        y0 = cy - open_up * (1.0 - uu**2) * 1.25 + 0.25 * open_up
        length = rng.uniform(0.18, 0.42) * r_iris * (1.6 if "occluded" in defects else 1.0)
        bend = rng.uniform(-0.35, 0.35)
        pts = []
        for t in np.linspace(0, 1, 8):
            pts.append((int(x0 + bend * length * t * t), int(y0 + length * t * (1 - 0.35 * t))))
        cv2.polylines(canvas, [np.array(pts, np.int32)], False, 255, max(1, int(2 * scale)),
                      cv2.LINE_AA)
    lash = cv2.GaussianBlur(canvas.astype(np.float32) / 255.0, (0, 0), 0.6)
    img = img * (1 - 0.8 * lash) + 25.0 * 0.8 * lash
    # the illuminator's specular spot in the pupil (and across spectacles with "glare")
    spot_r = max(2, int(5 * scale))
    cv2.circle(img, (int(px - r_pupil * 0.35), int(cy - r_pupil * 0.35)), spot_r, 252, -1,
               cv2.LINE_AA)
    if "glare" in defects:
        glare = np.exp(-(((xs - cx - 0.2 * r_iris) / (0.55 * r_iris)) ** 2
                         + ((ys - cy + 0.1 * r_iris) / (0.4 * r_iris)) ** 2))
        patch = np.clip((glare - 0.45) * 4.0, 0.0, 1.0)  # a sharp-edged, saturated patch
        img = img * (1 - patch) + 255.0 * patch
    if "low_contrast" in defects:
        img = 165.0 + (img - 165.0) * 0.22
    if "blurred" in defects:
        img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), 4.5 * max(scale, 0.5))
    img = img + rng.normal(0, 1.8, (h, w))
    return np.clip(img, 0, 255).astype(np.uint8)
