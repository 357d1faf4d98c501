"""Iris image quality in the spirit of ISO/IEC 29794-6 (no downloaded model, OpenCV only).

`check(gray)` finds the pupil and the iris (the limbus) and measures what ISO/IEC 29794-6 asks of
an iris image, each against a threshold (docs/biometrics.md says why these values):

=========================  ======================================================  ===========
metric                     what it measures                                        acceptable
=========================  ======================================================  ===========
usable_iris_area           share of the iris ring not hidden by eyelids, lashes      >= 70 %
                           or reflections
iris_sclera_contrast       (S - I) / (S + I - 2P), medians of sclera, iris, pupil    >= 5 %
iris_pupil_contrast        (I - P) / (I + P)                                          >= 30 %
pupil_iris_ratio           pupil radius / iris radius                                 20-70 %
pupil_circularity          4 pi area / perimeter^2 of the pupil's outline             >= 80 %
iris_radius_px             iris radius in pixels                                      >= 80 px
grey_scale_bits            entropy of the grey levels of the iris ring               >= 5.5 bits
sharpness                  Daugman's 8x8 focus kernel over the eye, 0-100            >= 40
gaze_deg                   how far the eye looks off the camera axis (from the       <= 25 deg
                           pupil's foreshortening), and iris-pupil concentricity     >= 90 %
reflection_pct             saturated share of the iris disc (spectacles, lamps)      <= 5 %
margin                     room around the iris: 0.2 R left and right, 0.1 R          >= 100 %
                           above and below
=========================  ======================================================  ===========

Segmentation, on a half-size copy (about 320 x 240): the pupil is the largest round dark blob
(threshold between the darkest grey levels and the median, thin eyelashes opened away, the
specular spot filled); the limbus is the strongest dark-to-bright step along the radius in the
two lateral sectors (left and right of the pupil, where eyelids rarely reach), found on a polar
unwrapping - Daugman's integro-differential idea, restricted to where it works. Images that are
not an eye close-up (blank, noise, a face, a fingerprint) have no such pupil or no limbus and are
refused as IRIS_NOT_FOUND.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from station.domain.problems import Problem

MIN_SIZE = (200, 150)  # width, height
MAX_SIDE = 2048
WORK_WIDTH = 320  # segmentation runs at about this width

USABLE_AREA_MIN = 70.0
SCLERA_CONTRAST_MIN = 5.0
PUPIL_CONTRAST_MIN = 30.0
PUPIL_RATIO_RANGE = (20.0, 70.0)
PUPIL_CIRCULARITY_MIN = 80.0
IRIS_RADIUS_MIN_PX = 80.0
GREY_BITS_MIN = 5.5
SHARPNESS_MIN = 40.0
GAZE_MAX_DEG = 25.0
REFLECTION_MAX = 0.003  # one bright blob over 0.3 % of the frame (the pupil's spot: ~0.03 %)
REFLECTION_IRIS_MAX = 0.05  # saturated share of the iris disc (the pupil's own spot: < 0.5 %)
CONCENTRICITY_MIN = 90.0
# room around the iris, in iris radii: the iris whole in the frame with a little skin around
# it (the cropped records of MOSIP's own mock devices leave about 0.4-0.6 R at the sides)
MARGIN_LR, MARGIN_TB = 0.2, 0.1
SHARPNESS_C = 2.5  # Daugman's focus score 100 x^2 / (x^2 + c^2), c for our kernel's RMS


def _p(code: str, message_id: str, message_en: str) -> Problem:
    return Problem(code, message_id, message_en)


IMAGE_SIZE = _p(
    "IRIS_IMAGE_SIZE",
    "Ukuran gambar iris tidak didukung (perlu 200x150 sampai 2048x2048 piksel; kamera iris "
    "biasa 640x480). Periksa perangkat/berkas.",
    "Unsupported iris image size (200x150 to 2048x2048 pixels needed; iris cameras give 640x480)."
    " Check the device or file.",
)
UNIFORM = _p(
    "IRIS_UNIFORM",
    "Gambar kosong atau rata; pastikan kamera iris menyala dan mata pemohon di depan lensa.",
    "The image is blank or uniform; make sure the iris camera is on and the eye is in front of "
    "the lens.",
)
NOT_FOUND = _p(
    "IRIS_NOT_FOUND",
    "Pupil dan iris tidak ditemukan; minta pemohon membuka mata lebar dan menatap lensa, "
    "lalu ulangi.",
    "No pupil and iris found; ask the applicant to open the eye wide and look into the lens, "
    "then retry.",
)
OCCLUDED = _p(
    "IRIS_OCCLUDED",
    "Iris tertutup kelopak atau bulu mata; minta pemohon membuka mata lebar (bila perlu "
    "kelopak diangkat sedikit) lalu ulangi.",
    "The iris is covered by the eyelid or lashes; ask the applicant to open the eye wide (lift "
    "the lid slightly if needed) and retry.",
)
SCLERA_CONTRAST = _p(
    "IRIS_SCLERA_CONTRAST",
    "Batas iris dengan bagian putih mata kurang jelas; kurangi cahaya dari luar (tutup "
    "jendela/lampu) dan ulangi.",
    "The edge between iris and the white of the eye is faint; reduce outside light (windows, "
    "lamps) and retry.",
)
PUPIL_CONTRAST = _p(
    "IRIS_PUPIL_CONTRAST",
    "Batas pupil dengan iris kurang jelas; kurangi cahaya dari luar dan periksa eksposur kamera.",
    "The edge between pupil and iris is faint; reduce outside light and check the camera's "
    "exposure.",
)
DILATED = _p(
    "IRIS_PUPIL_DILATED",
    "Pupil terlalu lebar; ruangan terlalu gelap: nyalakan lampu ruangan, tunggu sebentar, "
    "lalu ulangi.",
    "The pupil is too wide; the room is too dark: switch on the room light, wait a moment and "
    "retry.",
)
CONSTRICTED = _p(
    "IRIS_PUPIL_CONSTRICTED",
    "Pupil terlalu kecil; cahaya terlalu terang ke mata: jauhkan dari lampu/sinar matahari, "
    "tunggu sebentar, lalu ulangi.",
    "The pupil is too small; too much light on the eye: move away from lamps or sunlight, wait "
    "a moment and retry.",
)
PUPIL_SHAPE = _p(
    "IRIS_PUPIL_SHAPE",
    "Tepi pupil tidak bulat (kedipan, bulu mata, atau pantulan); minta pemohon tidak berkedip "
    "lalu ulangi.",
    "The pupil's outline is not round (a blink, lashes or a reflection); ask the applicant not "
    "to blink and retry.",
)
TOO_SMALL = _p(
    "IRIS_TOO_SMALL",
    "Iris terlalu kecil di gambar; dekatkan mata ke kamera (sesuai jarak petunjuk perangkat).",
    "The iris is too small in the image; bring the eye closer to the camera (at the device's "
    "working distance).",
)
MARGIN = _p(
    "IRIS_MARGIN",
    "Iris terlalu dekat dengan tepi gambar atau terpotong; posisikan mata di tengah bingkai.",
    "The iris is too close to the image edge or cut off; centre the eye in the frame.",
)
GREY_SCALE = _p(
    "IRIS_GREY_SCALE",
    "Rentang keabuan iris sempit (pucat atau gelap); periksa eksposur kamera dan cahaya "
    "ruangan.",
    "The iris uses too few grey levels (washed out or dark); check the camera's exposure and "
    "the room light.",
)
BLUR = _p(
    "IRIS_BLUR",
    "Gambar iris kabur; minta pemohon diam, tunggu kamera fokus, lalu ulangi.",
    "The iris image is blurred; ask the applicant to keep still, let the camera focus and "
    "retry.",
)
REFLECTION = _p(
    "IRIS_REFLECTION",
    "Pantulan cahaya besar di mata (kacamata atau lampu); minta pemohon melepas kacamata dan "
    "jauhkan lampu, lalu ulangi.",
    "A large reflection over the eye (spectacles or a lamp); ask the applicant to take off "
    "their glasses, move lamps away and retry.",
)
GAZE = _p(
    "IRIS_GAZE",
    "Pemohon tidak menatap lurus ke kamera; minta menatap titik di tengah lensa.",
    "The applicant is not looking straight into the camera; ask them to look at the centre "
    "of the lens.",
)

ALL_PROBLEMS = (IMAGE_SIZE, UNIFORM, NOT_FOUND, OCCLUDED, SCLERA_CONTRAST, PUPIL_CONTRAST,
                DILATED, CONSTRICTED, PUPIL_SHAPE, TOO_SMALL, MARGIN, GREY_SCALE, BLUR, GAZE,
                REFLECTION)


class IrisInputError(ValueError):
    """Not an image the check can take at all (wrong type or shape); `.problem` says why."""

    def __init__(self, detail_id: str, detail_en: str) -> None:
        self.problem = Problem("IRIS_IMAGE_INVALID", detail_id, detail_en)
        super().__init__(f"{detail_id} / {detail_en}")


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float

    def as_list(self) -> list[float]:
        return [round(self.x, 1), round(self.y, 1), round(self.r, 1)]


@dataclass
class IrisQuality:
    score: float  # 0-100
    acceptable: bool
    failures: list[Problem] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    pupil: Circle | None = None  # in the input image's pixels
    iris: Circle | None = None
    elapsed_ms: float = 0.0

    def as_dict(self, locale: str = "id") -> dict[str, object]:
        return {
            "score": round(self.score, 1),
            "acceptable": self.acceptable,
            "failures": [p.as_dict(locale) for p in self.failures],
            "metrics": {k: round(v, 2) for k, v in self.metrics.items()},
            "pupil": None if self.pupil is None else self.pupil.as_list(),
            "iris": None if self.iris is None else self.iris.as_list(),
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


# --- segmentation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pupil:
    x: float
    y: float
    r: float
    circularity: float  # 0-1
    axis_ratio: float  # minor / major of the fitted ellipse
    threshold: float = 0.0  # the grey level that separated it


def _refine_pupil(img: np.ndarray, pupil: _Pupil, k: int) -> _Pupil:
    """The pupil's outline again at full resolution (a small pupil is only a few work pixels
    across, too few for its shape), in a box around the work-scale estimate."""
    h, w = img.shape
    cx, cy, r = pupil.x * k + (k - 1) / 2, pupil.y * k + (k - 1) / 2, pupil.r * k
    x0, x1 = max(0, int(cx - 2 * r) - 2), min(w, int(cx + 2 * r) + 3)
    y0, y1 = max(0, int(cy - 2 * r) - 2), min(h, int(cy + 2 * r) + 3)
    roi = cv2.medianBlur(np.ascontiguousarray(img[y0:y1, x0:x1]), 3)
    dark = _fill_holes((roi <= pupil.threshold).astype(np.uint8))
    n, labels, stats, _c = cv2.connectedComponentsWithStats(dark, 8)
    lx, ly = int(cx) - x0, int(cy) - y0
    if n <= 1 or not (0 <= ly < labels.shape[0] and 0 <= lx < labels.shape[1]) \
            or labels[ly, lx] == 0:
        return _Pupil(cx, cy, r, pupil.circularity, pupil.axis_ratio, pupil.threshold)
    blob = (labels == labels[ly, lx]).astype(np.uint8)
    contours, _h = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    hull = cv2.convexHull(max(contours, key=len))
    if len(hull) < 5:
        return _Pupil(cx, cy, r, pupil.circularity, pupil.axis_ratio, pupil.threshold)
    area = float(cv2.contourArea(hull))
    circ = 4 * math.pi * area / max(float(cv2.arcLength(hull, True)) ** 2, 1e-9)
    (ex, ey), (ea, eb), _ang = cv2.fitEllipse(hull)
    return _Pupil(ex + x0, ey + y0, 0.25 * (ea + eb), circ, min(ea, eb) / max(ea, eb, 1e-9),
                  pupil.threshold)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """Fill what the mask encloses (the illuminator's specular spots inside the pupil)."""
    h, w = mask.shape
    flood = np.pad(mask, 1)
    cv2.floodFill(flood, None, (0, 0), 2)
    return (mask | (flood[1:-1, 1:-1] == 0)).astype(np.uint8)


def _find_pupil(work: np.ndarray) -> _Pupil | None:
    """The pupil: among round dark blobs at several thresholds, the one darkest against its
    surround (a Weber contrast), so that a dark iris or a shadow does not pass for it."""
    # the darkest 0.1 %: a small (constricted, distant) pupil covers well under 1 % of the frame
    p1, p50 = np.percentile(work, (0.1, 50))
    if p50 - p1 < 12:
        return None
    h, w = work.shape
    k = max(3, int(round(w / 80)) | 1)
    opener = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    min_area = math.pi * (0.012 * w) ** 2
    best: _Pupil | None = None
    best_rank = 0.0
    for frac in (0.06, 0.12, 0.2, 0.3, 0.42):
        dark = (work <= p1 + frac * (p50 - p1)).astype(np.uint8)
        dark = cv2.morphologyEx(_fill_holes(dark), cv2.MORPH_OPEN, opener)
        contours, _h = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        for c in contours:
            _x, _y, cw, ch = cv2.boundingRect(c)
            if len(c) < 8 or cw * ch < min_area or min(cw, ch) < 0.45 * max(cw, ch):
                continue  # too small, or too elongated to be a pupil
            hull = cv2.convexHull(c)  # a specular spot on the edge bites into the outline
            area = float(cv2.contourArea(hull))
            if area < min_area or area > 0.2 * h * w:
                continue
            perimeter = float(cv2.arcLength(hull, True))
            circ = 4 * math.pi * area / max(perimeter**2, 1e-9)
            (ex, ey), (ea, eb), _ang = cv2.fitEllipse(hull)
            ratio = min(ea, eb) / max(ea, eb, 1e-9)
            x, y, bw, bh = cv2.boundingRect(hull)
            if circ < 0.6 or ratio < 0.45 or x <= 0 or y <= 0 or x + bw >= w or y + bh >= h:
                continue  # not round, or running off the frame: no pupil
            r = 0.25 * (ea + eb)
            # inside and around the blob, in a box about it (not the whole frame: fast)
            rr = int(r * 1.6) + 3
            bx0, by0 = max(0, int(ex) - rr), max(0, int(ey) - rr)
            bx1, by1 = min(w, int(ex) + rr + 1), min(h, int(ey) + rr + 1)
            box, box_dark = work[by0:by1, bx0:bx1], dark[by0:by1, bx0:bx1]
            inside = np.zeros_like(box_dark)
            cv2.drawContours(inside, [hull - np.array([bx0, by0])], -1, 1, -1)
            if not inside.any() or float(box_dark[inside > 0].mean()) < 0.85:
                continue
            ring = np.zeros_like(box_dark)
            centre = (int(ex) - bx0, int(ey) - by0)
            cv2.circle(ring, centre, int(r * 1.6) + 2, 1, -1)
            cv2.circle(ring, centre, int(r * 1.15) + 1, 0, -1)
            if not ring.any():
                continue
            mean_in = float(np.median(box[inside > 0]))
            mean_out = float(np.median(box[ring > 0]))
            weber = (mean_out - mean_in) / max(mean_out + mean_in, 1.0)
            rank = circ * weber * (1.0 - mean_in / 255.0)
            if weber > 0.05 and rank > best_rank:
                best_rank = rank
                best = _Pupil(float(ex), float(ey), r, circ, ratio,
                              float(p1 + frac * (p50 - p1)))
    return best


def _profiles(work: np.ndarray, pupil: _Pupil, r_max: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean grey along the radius in the right and left lateral sectors (+-35 degrees), and the
    whole polar image (rows: 1-degree angles from the +x axis, columns: radius in px)."""
    flags = cv2.INTER_LINEAR | cv2.WARP_POLAR_LINEAR
    polar = cv2.warpPolar(work, (r_max, 360), (pupil.x, pupil.y), r_max, flags).astype(np.float32)
    # which samples lie inside the frame (warpPolar gives 0 outside): NaN marks the others
    inside = cv2.warpPolar(np.full(work.shape, 255, np.uint8), (r_max, 360), (pupil.x, pupil.y),
                           r_max, flags)
    polar[inside < 128] = np.nan

    def mean(rows: np.ndarray) -> np.ndarray:  # over the samples inside the frame, 0 if none
        ok = np.isfinite(rows)
        return np.where(ok, rows, 0.0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)

    return mean(np.r_[polar[325:], polar[:36]]), mean(polar[145:216]), polar


def _limbus(profile: np.ndarray, lo: int, hi: int) -> tuple[int, float]:
    """Radius of the strongest dark-to-bright step of a radial profile in [lo, hi)."""
    sm = cv2.GaussianBlur(profile.reshape(1, -1), (0, 0), 1.5).ravel()
    grad = np.zeros_like(sm)
    grad[2:-2] = (sm[4:] - sm[:-4]) / 4.0
    if hi - lo < 3:
        return lo, 0.0
    i = lo + int(np.argmax(grad[lo:hi]))
    return i, float(grad[i])


@dataclass(frozen=True)
class _Segmentation:
    pupil: _Pupil
    iris: Circle  # work-image pixels
    edge: float  # limbus step, grey levels per pixel
    polar: np.ndarray


def _segment(work: np.ndarray) -> _Segmentation | None:
    pupil = _find_pupil(work)
    if pupil is None:
        return None
    h, w = work.shape
    r_max = int(0.5 * max(h, w))
    if r_max < pupil.r * 1.5:
        return None
    right, left, polar = _profiles(work, pupil, r_max)
    lo = int(pupil.r * 1.25) + 2
    hi = min(r_max - 3, int(pupil.r / 0.12))
    # how far each lateral sector stays inside the frame
    inside_r = int(w - 1 - pupil.x) - 2
    inside_l = int(pupil.x) - 2
    rr, er = _limbus(right, lo, min(hi, inside_r))
    rl, el = _limbus(left, lo, min(hi, inside_l))
    if min(er, el) >= 1.0 and abs(rr - rl) <= 0.35 * max(rr, rl):
        # both sides show the step at similar radii (a face's "pupil" shows neither)
        return _Segmentation(pupil, Circle(pupil.x + 0.5 * (rr - rl), pupil.y, 0.5 * (rr + rl)),
                             min(er, el), polar)
    # one side runs off the frame before an iris could end: take the other side's step (the
    # margin check then refuses the image, naming the real problem)
    for radius, edge, other_room in ((rr, er, inside_l), (rl, el, inside_r)):
        if edge >= 1.0 and other_room < radius:
            return _Segmentation(pupil, Circle(pupil.x, pupil.y, float(radius)), edge, polar)
    return None


# --- measures -------------------------------------------------------------------------------


_FOCUS = np.full((8, 8), -1.0, np.float32)
_FOCUS[2:6, 2:6] = 3.0  # Daugman's focus kernel: zero sum, a band-pass around the iris texture
_FOCUS /= 64.0


def _entropy_bits(values: np.ndarray) -> float:
    hist = np.bincount(values.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
    p = hist[hist > 0] / hist.sum()
    return float(-(p * np.log2(p)).sum())


def _ramp(x: float, lo: float, hi: float) -> float:
    return float(min(1.0, max(0.0, (x - lo) / (hi - lo))))


def check(gray: np.ndarray) -> IrisQuality:
    """Quality of one iris image (2-D uint8, or BGR which is converted to grey)."""
    start = time.perf_counter()
    img = np.asarray(gray)
    if img.ndim == 3 and img.shape[2] in (3, 4):
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY if img.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    if img.ndim != 2:
        raise IrisInputError(f"gambar iris harus 2-D, bentuknya {img.shape}",
                             f"an iris image must be 2-D, its shape is {img.shape}")
    if img.dtype != np.uint8:
        raise IrisInputError(f"gambar iris harus 8-bit, tipenya {img.dtype}",
                             f"an iris image must be 8-bit, its type is {img.dtype}")
    h, w = img.shape
    metrics: dict[str, float] = {"width": float(w), "height": float(h)}

    def done(score: float, failures: list[Problem], pupil: Circle | None = None,
             iris: Circle | None = None) -> IrisQuality:
        return IrisQuality(float(np.clip(score, 0, 100)), not failures, failures, metrics,
                           pupil, iris, (time.perf_counter() - start) * 1000.0)

    if w < MIN_SIZE[0] or h < MIN_SIZE[1] or max(w, h) > MAX_SIDE:
        return done(0.0, [IMAGE_SIZE])
    if float(img.std()) < 4.0:
        return done(0.0, [UNIFORM])

    k = max(1, int(round(w / WORK_WIDTH)))
    work = cv2.resize(img, (w // k, h // k), interpolation=cv2.INTER_AREA) if k > 1 else img
    # reflections: saturated blobs smaller than a sclera (a white sclera may saturate whole).
    # They are painted over before segmentation (a reflection across the pupil would hide its
    # outline) and measured over the iris disc (pupil included) after it.
    bright = (work >= 245).astype(np.uint8)
    n, labels, stats, _c = cv2.connectedComponentsWithStats(bright, 8)
    small = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] < 0.06 * work.size) + 1
    spots = np.isin(labels, small).astype(np.uint8) if len(small) else np.zeros_like(bright)
    largest = 0.0  # the largest compact spot lying on dark surroundings (not a white gap)
    near = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    far = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (17, 17))
    for i in small[np.argsort(-stats[small, cv2.CC_STAT_AREA])][:3]:
        area = float(stats[i, cv2.CC_STAT_AREA])
        if area <= REFLECTION_MAX * work.size or area < 0.5 * stats[i, 2] * stats[i, 3]:
            continue
        blob = (labels == i).astype(np.uint8)
        around = cv2.dilate(blob, far) & (1 - cv2.dilate(blob, near))
        if around.any() and float(np.median(work[around > 0])) < 160:
            largest = max(largest, area / work.size)
    if spots.any():  # painted with the darkest grey nearby (a min filter grown over them)
        paint = cv2.dilate(spots, np.ones((3, 3), np.uint8)) > 0
        filled = work.copy()
        for _ in range(6):
            filled = cv2.erode(filled, np.ones((9, 9), np.uint8))
            if int(filled[paint].max()) < 245:
                break
        work = np.where(paint, filled, work)
    work = cv2.medianBlur(work, 5)
    seg = _segment(work)
    if seg is None:
        return done(0.0, [REFLECTION] if largest > REFLECTION_MAX else [NOT_FOUND])
    ring_mask = np.zeros_like(spots)
    cv2.circle(ring_mask, (round(seg.iris.x), round(seg.iris.y)), round(seg.iris.r), 1, -1)
    covered = float(bright[ring_mask > 0].mean()) if ring_mask.any() else 0.0
    metrics["reflection_pct"] = 100.0 * covered
    reflection = [REFLECTION] if covered > REFLECTION_IRIS_MAX else []
    fine = _refine_pupil(img, seg.pupil, k)
    if math.hypot(fine.x - (seg.iris.x * k), fine.y - (seg.iris.y * k)) > 0.4 * seg.iris.r * k:
        return done(0.0, [NOT_FOUND])  # a "pupil" far off its "iris": not an eye after all
    if seg.iris.r * k < 0.5 * IRIS_RADIUS_MIN_PX:
        return done(0.0, [NOT_FOUND])  # far below a usable size: not an eye close-up at all
    pupil = Circle(fine.x, fine.y, fine.r)
    iris = Circle(seg.iris.x * k + (k - 1) / 2, seg.iris.y * k + (k - 1) / 2, seg.iris.r * k)
    metrics["iris_radius_px"] = iris.r
    metrics["pupil_radius_px"] = pupil.r
    metrics["pupil_iris_ratio"] = 100.0 * pupil.r / iris.r
    metrics["pupil_circularity"] = 100.0 * fine.circularity
    metrics["gaze_deg"] = math.degrees(math.acos(min(1.0, fine.axis_ratio)))
    metrics["concentricity"] = 100.0 * max(0.0, 1.0 - math.hypot(pupil.x - iris.x,
                                                                  pupil.y - iris.y) / iris.r)
    margins = (iris.x - iris.r, w - 1 - iris.x - iris.r, iris.y - iris.r, h - 1 - iris.y - iris.r)
    need = (MARGIN_LR, MARGIN_LR, MARGIN_TB, MARGIN_TB)
    metrics["margin"] = 100.0 * min(1.0, *(max(0.0, m) / (n * iris.r)
                                            for m, n in zip(margins, need, strict=True)))

    # the iris ring in polar form (work scale): rows = 1-degree angles, columns = radius
    polar = seg.polar
    r0 = int(seg.pupil.r * 1.15) + 1
    r1 = max(r0 + 2, int(seg.iris.r * 0.92))
    ring = polar[:, r0:r1]
    lateral = np.r_[ring[330:], ring[:31], ring[150:211]]
    iris_med = float(np.nanmedian(lateral))
    mad = float(np.nanmedian(np.abs(lateral - iris_med))) + 2.0
    # the pupil's lower quartile: the illuminator's spots inside it are bright outliers
    pupil_med = float(np.nanpercentile(polar[:, : max(1, int(seg.pupil.r * 0.7))], 25))
    s0 = int(seg.iris.r * 1.12) + 1
    s1 = min(polar.shape[1], int(seg.iris.r * 1.35) + 2)
    sclera_band = np.r_[polar[340:, s0:s1], polar[:21, s0:s1], polar[160:201, s0:s1]]
    sclera_band = sclera_band[np.isfinite(sclera_band)]
    sclera_med = float(np.median(sclera_band)) if sclera_band.size else iris_med
    # occluded: brighter than the iris can be (lid skin, sclera, glare) or as dark as the pupil
    # (lashes); what lies beyond the frame counts as occluded too
    # an eyelid is smooth and brighter than the iris: compare the ring smoothed (so that the
    # iris's own bright fibres do not count) against the iris; lashes are as dark as the pupil
    valid = np.isfinite(ring)
    filled = np.where(valid, ring, iris_med).astype(np.float32)
    smooth = cv2.GaussianBlur(filled, (0, 0), 2.0)
    lid_level = iris_med + max(20.0, 0.3 * (sclera_med - iris_med))
    occluded = (smooth > lid_level) | (filled < pupil_med + 0.35 * (iris_med - pupil_med))
    metrics["usable_iris_area"] = 100.0 * float((valid & ~occluded).mean())
    denom = sclera_med + iris_med - 2.0 * pupil_med
    metrics["iris_sclera_contrast"] = 100.0 * (sclera_med - iris_med) / max(denom, 1.0)
    metrics["iris_pupil_contrast"] = 100.0 * (iris_med - pupil_med) / max(iris_med + pupil_med,
                                                                          1.0)
    # grey-scale use: entropy of the usable iris pixels at full resolution
    annulus = np.zeros((h, w), np.uint8)
    cv2.circle(annulus, (round(iris.x), round(iris.y)), int(iris.r * 0.92), 1, -1)
    cv2.circle(annulus, (round(pupil.x), round(pupil.y)), int(pupil.r * 1.15) + 1, 0, -1)
    values = img[annulus > 0]
    lo_v, hi_v = pupil_med + 0.35 * (iris_med - pupil_med), iris_med + 4.5 * mad
    usable = values[(values >= lo_v) & (values <= hi_v)]
    metrics["grey_scale_bits"] = _entropy_bits(usable) if usable.size else 0.0
    # focus: Daugman's kernel over the iris's bounding box at full resolution
    x0, x1 = int(max(0, iris.x - iris.r)), int(min(w, iris.x + iris.r))
    y0, y1 = int(max(0, iris.y - iris.r)), int(min(h, iris.y + iris.r))
    box = img[y0:y1, x0:x1].astype(np.float32)
    if box.shape[0] >= 16 and box.shape[1] >= 16:
        resp = cv2.filter2D(box, cv2.CV_32F, _FOCUS)
        power = float(np.sqrt(np.mean(resp**2)))
    else:
        power = 0.0
    metrics["sharpness"] = 100.0 * power**2 / (power**2 + SHARPNESS_C**2)

    failures: list[Problem] = list(reflection)
    if metrics["margin"] < 100.0:
        failures.append(MARGIN)
    if metrics["iris_radius_px"] < IRIS_RADIUS_MIN_PX:
        failures.append(TOO_SMALL)
    if metrics["usable_iris_area"] < USABLE_AREA_MIN:
        failures.append(OCCLUDED)
    if metrics["iris_sclera_contrast"] < SCLERA_CONTRAST_MIN:
        failures.append(SCLERA_CONTRAST)
    if metrics["iris_pupil_contrast"] < PUPIL_CONTRAST_MIN:
        failures.append(PUPIL_CONTRAST)
    if metrics["pupil_iris_ratio"] > PUPIL_RATIO_RANGE[1]:
        failures.append(DILATED)
    elif metrics["pupil_iris_ratio"] < PUPIL_RATIO_RANGE[0]:
        failures.append(CONSTRICTED)
    if metrics["pupil_circularity"] < PUPIL_CIRCULARITY_MIN:
        failures.append(PUPIL_SHAPE)
    if metrics["gaze_deg"] > GAZE_MAX_DEG or metrics["concentricity"] < CONCENTRICITY_MIN:
        failures.append(GAZE)
    if metrics["grey_scale_bits"] < GREY_BITS_MIN:
        failures.append(GREY_SCALE)
    if metrics["sharpness"] < SHARPNESS_MIN:
        failures.append(BLUR)

    lo_ratio, hi_ratio = PUPIL_RATIO_RANGE
    parts = [
        _ramp(metrics["usable_iris_area"], 40.0, 90.0),
        _ramp(metrics["iris_sclera_contrast"], 0.0, 20.0),
        _ramp(metrics["iris_pupil_contrast"], 10.0, 60.0),
        _ramp(metrics["iris_radius_px"], 50.0, 120.0),
        _ramp(metrics["sharpness"], 15.0, 80.0),
        _ramp(metrics["grey_scale_bits"], 4.0, 7.0),
        _ramp(metrics["concentricity"], 70.0, 97.0),
        1.0 - _ramp(metrics["gaze_deg"], 15.0, 45.0),
        1.0 if lo_ratio <= metrics["pupil_iris_ratio"] <= hi_ratio else 0.4,
        _ramp(metrics["margin"], 0.0, 100.0) * 0.5 + 0.5,
        1.0 - _ramp(metrics["reflection_pct"], 1.0, 15.0),
    ]
    score = 100.0 * math.exp(sum(math.log(max(x, 0.02)) for x in parts) / len(parts))
    return done(score, failures, pupil, iris)
