"""Face photo checks on a captured frame, and the card-ratio portrait crop.

Only what the OpenCV wheel ships is used (Haar cascades in `cv2.data.haarcascades`); nothing is
downloaded at run time.

Checks, each failure a coded bilingual Problem:

- exactly one face (Haar frontal face; detections narrower than half the largest are ignored as
  background clutter) and both eyes (Haar eye cascade in the upper half of the face, with the
  eyeglasses cascade as a fallback);
- geometry after ISO/IEC 19794-5 full frontal: the eye midpoint within +-8 % of the frame width
  of the centre, roll (the eye line) within 5 degrees, and a face large enough for the portrait
  (inter-eye distance >= 50 px) and small enough for the whole portrait crop to fit the frame;
- sharpness: variance of the Laplacian of the face resized to 160 px, on the luma channel;
- exposure: mean luma of the inner face between 60 and 210, under 5 % clipped pixels;
- background: the band beside and above the head must be plain (low gradient energy); when it
  is a saturated colour (a backdrop), the KTP-el rule applies: red for odd birth years, blue for
  even ones.

The portrait (ratio 3:4, width:height, returned at 360 x 480 px) is centred on the eye midpoint
with the eye line at 42 % of the height from the top (ISO full frontal puts the eyes between
30 % and 50 % from the top) and the face box (brows to chin) at 50 % of the portrait height,
which leaves the head at about 70 % as ICAO 9303 recommends; in a tight frame the face box may
take up to 58 % and the crop slides as long as the eyes stay within 30-50 % / 45-55 %.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from station.domain.problems import Problem

PORTRAIT_SIZE = (360, 480)  # width, height: 3:4
PORTRAIT_EYE_LINE = 0.42  # from the top
PORTRAIT_FACE_SHARE = 0.50  # face box height / portrait height
MAX_PORTRAIT_FACE_SHARE = 0.58  # accepted when the frame is too tight for 0.50
MAX_ROLL_DEG = 5.0
MAX_CENTRE_OFFSET = 0.08  # of the frame width
MIN_EYE_DISTANCE_PX = 50
MIN_SHARPNESS = 25.0  # Laplacian variance of the face normalised to 160 px and grey std 40
MIN_BRIGHTNESS, MAX_BRIGHTNESS = 60.0, 210.0
MAX_CLIPPED = 0.05
MAX_BACKGROUND_TEXTURE = 12.0  # mean gradient magnitude (grey levels / px) of the backdrop band
BACKDROP_MIN_SATURATION = 70.0  # HSV saturation (0-255) from which the background is a backdrop
DETECT_WIDTH = 192  # detection runs on a copy this wide
MIN_FACE_SHARE = 0.18  # smallest face searched for, as a share of the frame height
EYE_ROI_WIDTH = 100  # the upper face is resized to this width for the eye search


@dataclass
class FaceCheck:
    acceptable: bool
    failures: list[Problem] = field(default_factory=list)
    metrics: dict[str, object] = field(default_factory=dict)
    portrait: np.ndarray | None = None
    face_box: tuple[int, int, int, int] | None = None  # x, y, w, h in frame pixels
    elapsed_ms: float = 0.0

    def as_dict(self, locale: str = "id") -> dict[str, object]:
        return {
            "acceptable": self.acceptable,
            "failures": [p.as_dict(locale) for p in self.failures],
            "metrics": self.metrics,
            "face_box": list(self.face_box) if self.face_box else None,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def _p(code: str, id_: str, en: str) -> Problem:
    return Problem(code, id_, en)


NO_FACE = _p(
    "FACE_NOT_FOUND",
    "Wajah tidak terdeteksi; hadapkan wajah lurus ke kamera.",
    "No face detected; face the camera directly.",
)
MULTIPLE = _p(
    "FACE_MULTIPLE",
    "Terdeteksi lebih dari satu wajah; hanya pemohon yang boleh berada di depan kamera.",
    "More than one face detected; only the applicant may be in front of the camera.",
)
NO_EYES = _p(
    "FACE_EYES_NOT_FOUND",
    "Mata tidak terdeteksi; buka mata, lepas kacamata gelap, singkirkan rambut dari mata.",
    "Eyes not found; open the eyes, remove dark glasses, keep hair away from the eyes.",
)
ROLL = _p("FACE_TILTED", "Kepala miring; tegakkan kepala.", "The head is tilted; hold it upright.")
TOO_SMALL = _p(
    "FACE_TOO_FAR",
    "Wajah terlalu kecil; dekatkan pemohon ke kamera.",
    "The face is too small; move the applicant closer to the camera.",
)
TOO_CLOSE = _p(
    "FACE_TOO_CLOSE",
    "Wajah terlalu dekat atau terpotong; jauhkan pemohon dari kamera.",
    "The face is too close or cut off; move the applicant back from the camera.",
)
BLURRED = _p(
    "FACE_BLURRED",
    "Foto kabur; pemohon diam sejenak dan periksa fokus kamera.",
    "The photo is blurred; ask the applicant to hold still and check the focus.",
)
DARK = _p(
    "FACE_TOO_DARK", "Wajah terlalu gelap; tambah pencahayaan.", "The face is too dark; add light."
)
BRIGHT = _p(
    "FACE_TOO_BRIGHT",
    "Wajah terlalu terang; kurangi cahaya atau pantulan.",
    "The face is overexposed; reduce the light or glare.",
)
BUSY = _p(
    "FACE_BACKGROUND_NOT_PLAIN",
    "Latar belakang tidak polos; gunakan latar merah/biru polos.",
    "The background is not plain; use a plain red or blue backdrop.",
)


def _not_centred(direction_id: str, direction_en: str) -> Problem:
    return _p(
        "FACE_NOT_CENTRED",
        f"Wajah tidak di tengah; geser pemohon ke {direction_id}.",
        f"The face is not centred; move the applicant to the {direction_en}.",
    )


def _not_centred_v(pos_id: str, pos_en: str, cam_id: str, cam_en: str) -> Problem:
    return _p(
        "FACE_NOT_CENTRED",
        f"Wajah terlalu ke {pos_id} dalam bingkai; {cam_id} kamera atau atur posisi duduk.",
        f"The face sits too {pos_en} in the frame; tilt the camera {cam_en} or adjust the seat.",
    )


def _wrong_colour(expected: str, found: str, year: int) -> Problem:
    names = {"red": "merah", "blue": "biru"}
    parity_id = "ganjil" if year % 2 else "genap"
    parity_en = "odd" if year % 2 else "even"
    return _p(
        "FACE_BACKGROUND_COLOUR",
        f"Latar belakang {names.get(found, found)} tetapi tahun lahir {year} ({parity_id}) "
        f"memerlukan latar {names[expected]}.",
        f"The background is {found} but birth year {year} ({parity_en}) needs a {expected} "
        "backdrop.",
    )


# --- cascades (loaded once per thread: CascadeClassifier is not thread-safe) ----------------

_local = threading.local()


def _cascade(name: str) -> cv2.CascadeClassifier:
    cache = getattr(_local, "cascades", None)
    if cache is None:
        cache = _local.cascades = {}
    if name not in cache:
        path = os.path.join(cv2.data.haarcascades, name)
        clf = cv2.CascadeClassifier(path)
        if clf.empty():
            raise RuntimeError(f"OpenCV cascade {path} could not be loaded")
        cache[name] = clf
    return cache[name]


def expected_backdrop(birth_year: int) -> str:
    """The KTP-el rule: red for odd birth years, blue for even ones."""
    return "red" if birth_year % 2 else "blue"


def _backdrop_colour(hsv_pixels: np.ndarray) -> tuple[str, float, float]:
    """('red' | 'blue' | 'other' | 'none', mean saturation, dominant hue share)."""
    if len(hsv_pixels) == 0:
        return "none", 0.0, 0.0
    h = hsv_pixels[:, 0].astype(np.int32)
    s = hsv_pixels[:, 1].astype(np.float32)
    v = hsv_pixels[:, 2].astype(np.float32)
    sat = float(s.mean())
    coloured = (s >= BACKDROP_MIN_SATURATION) & (v >= 40)
    if sat < BACKDROP_MIN_SATURATION or coloured.mean() < 0.5:
        return "none", sat, 0.0
    red = coloured & ((h <= 10) | (h >= 170))
    blue = coloured & (h >= 95) & (h <= 130)
    r, b = float(red.mean()), float(blue.mean())
    if r >= 0.5:
        return "red", sat, r
    if b >= 0.5:
        return "blue", sat, b
    return "other", sat, max(r, b)


def _pick_eyes(eyes: np.ndarray, fw: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The pair of eye boxes most like two eyes: side by side, similar size and height."""
    best = None
    best_cost = float("inf")
    centres = [(x + w / 2.0, y + h / 2.0, w) for x, y, w, h in eyes]
    for i in range(len(centres)):
        for j in range(i + 1, len(centres)):
            (x1, y1, w1), (x2, y2, w2) = centres[i], centres[j]
            dx = abs(x2 - x1)
            if dx < 0.25 * fw or dx > 0.7 * fw:
                continue
            dy = abs(y2 - y1)
            if dy > 0.3 * dx:  # more than ~17 degrees: not a pair
                continue
            cost = dy / dx + abs(w1 - w2) / max(w1, w2) + abs((x1 + x2) / 2 - fw / 2) / fw
            if cost < best_cost:
                best_cost = cost
                left, right = sorted(((x1, y1, w1), (x2, y2, w2)))
                best = (np.array(left), np.array(right))
    return best


def _pupil(gray: np.ndarray, cx: float, cy: float, w: float) -> np.ndarray:
    """Refine an eye-box centre to the darkest blob near it (iris/pupil), below the brow.

    Haar eye boxes are coarse (their centres wander by a tenth of the box), which would make the
    roll estimate jumpy; the dark iris is a steadier landmark."""
    hx, hy = max(2, int(0.32 * w)), max(2, int(0.22 * w))
    x0, y0 = max(0, int(cx) - hx), max(0, int(cy) - hy + int(0.05 * w))
    patch = gray[y0 : y0 + 2 * hy, x0 : x0 + 2 * hx]
    if patch.size < 16:
        return np.array([cx, cy])
    patch = cv2.GaussianBlur(patch, (0, 0), max(1.0, w / 14.0))
    lo = float(np.percentile(patch, 8))
    ys, xs = np.nonzero(patch <= lo)
    return np.array([x0 + xs.mean(), y0 + ys.mean()])


def _portrait_box(
    eye_mid: np.ndarray, fh: int, W: int, H: int
) -> tuple[tuple[int, int, int, int] | None, Problem | None]:
    """The 3:4 crop: face box at 50 % of its height (up to 58 % when the frame is tight, i.e.
    the head at 70-80 %), eye line at 42 % from the top (30-50 % allowed), eyes centred
    (45-55 % allowed). Returns (box, None) or (None, the reason it cannot be cut)."""
    aspect = PORTRAIT_SIZE[0] / PORTRAIT_SIZE[1]
    ph = min(fh / PORTRAIT_FACE_SHARE, H, W / aspect)
    if ph < fh / MAX_PORTRAIT_FACE_SHARE:
        return None, TOO_CLOSE
    pw = ph * aspect
    py0 = min(max(eye_mid[1] - PORTRAIT_EYE_LINE * ph, 0.0), H - ph)
    px0 = min(max(eye_mid[0] - pw / 2.0, 0.0), W - pw)
    eye_line = (eye_mid[1] - py0) / ph
    eye_x = (eye_mid[0] - px0) / pw
    if eye_line < 0.30:
        return None, _not_centred_v("atas", "high", "naikkan", "up")
    if eye_line > 0.50:
        return None, _not_centred_v("bawah", "low", "turunkan", "down")
    if not 0.45 <= eye_x <= 0.55:
        side = (
            ("kiri layar", "left of the frame")
            if eye_x < 0.45
            else ("kanan layar", "right of the frame")
        )
        return None, _not_centred(*side)
    return (int(round(px0)), int(round(py0)), int(round(pw)), int(round(ph))), None


def check(bgr: np.ndarray, birth_year: int | None = None) -> FaceCheck:
    """Check one camera frame (H x W x 3 uint8 BGR; grey is accepted)."""
    start = time.perf_counter()
    img = np.asarray(bgr)
    if img.dtype != np.uint8:
        raise ValueError(f"a face frame must be uint8, got {img.dtype}")
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"a face frame must be H x W x 3 (BGR), got shape {img.shape}")
    if birth_year is not None and not 1850 <= birth_year <= 2200:
        raise ValueError(f"birth year {birth_year} is not plausible")
    H, W = img.shape[:2]
    metrics: dict[str, object] = {"frame": [W, H]}
    failures: list[Problem] = []

    def done(portrait=None, box=None) -> FaceCheck:
        return FaceCheck(
            not failures, failures, metrics, portrait, box, (time.perf_counter() - start) * 1000.0
        )

    if H < 64 or W < 64:
        failures.append(TOO_SMALL)
        return done()

    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, DETECT_WIDTH / W)
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1.0
        else gray
    )
    small = cv2.equalizeHist(small)
    sh = small.shape[0]
    # a face smaller than a fifth of the frame height cannot give the eye distance we need
    min_side = max(24, int(MIN_FACE_SHARE * min(sh, small.shape[1])))
    faces = _cascade("haarcascade_frontalface_default.xml").detectMultiScale(
        small, scaleFactor=1.2, minNeighbors=5, minSize=(min_side, min_side)
    )
    faces = [tuple(int(round(v / scale)) for v in f) for f in faces]
    if faces:
        widest = max(f[2] for f in faces)
        faces = [f for f in faces if f[2] >= 0.5 * widest]
    metrics["faces"] = len(faces)
    if not faces:
        # a second, wider search only to tell "too far" from "no face at all"
        tiny = max(20, int(0.07 * sh))
        far = _cascade("haarcascade_frontalface_default.xml").detectMultiScale(
            small, scaleFactor=1.15, minNeighbors=5, minSize=(tiny, tiny)
        )
        if len(far):
            x, y, w, h = (int(round(v / scale)) for v in max(far, key=lambda f: f[2]))
            metrics["faces"] = len(far)
            metrics["face_box"] = [x, y, w, h]
            failures.append(TOO_SMALL)
            return done(None, (x, y, w, h))
        failures.append(NO_FACE)
        return done()
    if len(faces) > 1:
        failures.append(MULTIPLE)
        return done()
    fx, fy, fw, fh = faces[0]
    box = (fx, fy, fw, fh)
    metrics["face_box"] = list(box)

    # --- eyes in the upper half of the face, at a fixed working size ---------------------
    top = gray[fy : fy + fh // 2 + fh // 10, fx : fx + fw]
    k = EYE_ROI_WIDTH / fw
    roi = cv2.resize(
        top, None, fx=k, fy=k, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    )
    roi = cv2.equalizeHist(roi)
    pair = None
    for name in ("haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml"):
        eyes = _cascade(name).detectMultiScale(
            roi,
            scaleFactor=1.15,
            minNeighbors=3,
            minSize=(EYE_ROI_WIDTH // 9, EYE_ROI_WIDTH // 9),
            maxSize=(EYE_ROI_WIDTH * 2 // 5, EYE_ROI_WIDTH * 2 // 5),
        )
        pair = (
            _pick_eyes(np.asarray(eyes).reshape(-1, 4), EYE_ROI_WIDTH) if len(eyes) >= 2 else None
        )
        if pair is not None:
            break
    if pair is None:
        failures.append(NO_EYES)
        # keep going on the face box alone: the operator also needs the other feedback
        left = np.array([fx + 0.3 * fw, fy + 0.38 * fh])
        right = np.array([fx + 0.7 * fw, fy + 0.38 * fh])
    else:
        left, right = (_pupil(gray, e[0] / k + fx, e[1] / k + fy, e[2] / k) for e in pair)
    eye_mid = (left + right) / 2.0
    eye_dist = float(np.hypot(*(right - left)))
    roll = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
    metrics.update(
        eyes_found=pair is not None, eye_distance_px=round(eye_dist, 1), roll_deg=round(roll, 2)
    )
    if pair is not None and abs(roll) > MAX_ROLL_DEG:
        failures.append(ROLL)

    # --- geometry ---------------------------------------------------------------------------
    offset = (eye_mid[0] - W / 2.0) / W
    metrics["centre_offset"] = round(float(offset), 3)
    if offset > MAX_CENTRE_OFFSET:
        failures.append(_not_centred("kiri layar", "left of the frame"))
    elif offset < -MAX_CENTRE_OFFSET:
        failures.append(_not_centred("kanan layar", "right of the frame"))
    if eye_dist < MIN_EYE_DISTANCE_PX:
        failures.append(TOO_SMALL)
    crop, problem = _portrait_box(eye_mid, fh, W, H)
    metrics["portrait_box"] = list(crop) if crop else None
    metrics["face_height_ratio"] = round(fh / H, 3)
    fits = crop is not None
    already = {f.code for f in failures}
    if problem is not None and TOO_SMALL.code not in already and problem.code not in already:
        failures.append(problem)

    # --- sharpness and exposure on the inner face ----------------------------------------
    inner = gray[fy + fh // 8 : fy + fh - fh // 8, fx + fw // 8 : fx + fw - fw // 8]
    norm = cv2.resize(inner, (160, 160), interpolation=cv2.INTER_AREA).astype(np.float32)
    norm *= 40.0 / max(float(norm.std()), 4.0)  # contrast-independent (a dark face is not blurred)
    sharp = float(cv2.Laplacian(norm, cv2.CV_32F).var())
    bright = float(inner.mean())
    clipped = float(((inner >= 250) | (inner <= 5)).mean())
    metrics.update(
        sharpness=round(sharp, 1), brightness=round(bright, 1), clipped=round(clipped, 4)
    )
    if bright < MIN_BRIGHTNESS:
        failures.append(DARK)
    elif bright > MAX_BRIGHTNESS or clipped > MAX_CLIPPED and inner.mean() > 128:
        failures.append(BRIGHT)
    if sharp < MIN_SHARPNESS:
        failures.append(BLURRED)

    # --- background: above the head and beside it, down to the chin -----------------------
    bg_mask = np.zeros((H, W), np.uint8)
    bx0, bx1 = max(0, int(fx - 1.0 * fw)), min(W, int(fx + 2.0 * fw))
    bg_mask[: min(H, int(fy + 0.8 * fh)), bx0:bx1] = 1
    hx0, hx1 = max(0, int(fx - 0.3 * fw)), min(W, int(fx + 1.3 * fw))
    bg_mask[max(0, int(fy - 0.6 * fh)) :, hx0:hx1] = 0  # the head, hair and shoulders
    step = 2  # every other pixel is plenty for statistics
    m = bg_mask[::step, ::step].astype(bool)
    metrics["background_px"] = int(m.sum()) * step * step
    if m.sum() * step * step >= 2000:
        sub = img[::step, ::step]
        sg = gray[::step, ::step]
        gxy = cv2.Sobel(sg, cv2.CV_16S, 1, 0, ksize=3), cv2.Sobel(sg, cv2.CV_16S, 0, 1, ksize=3)
        grad = (np.abs(gxy[0]).astype(np.float32) + np.abs(gxy[1])) / 8.0
        texture = float(grad[m].mean())
        hsv = cv2.cvtColor(sub, cv2.COLOR_BGR2HSV)[m]
        colour, sat, share = _backdrop_colour(hsv)
        metrics.update(
            background_texture=round(texture, 2),
            background_colour=colour,
            background_saturation=round(sat, 1),
        )
        if texture > MAX_BACKGROUND_TEXTURE:
            failures.append(BUSY)
        elif birth_year is not None and colour != "none":
            want = expected_backdrop(birth_year)
            metrics["background_expected"] = want
            if colour != want:
                failures.append(_wrong_colour(want, colour, birth_year))
    else:
        metrics.update(background_texture=None, background_colour="unknown")

    portrait = None
    if fits:
        x, y, w, h = crop
        portrait = cv2.resize(
            img[y : y + h, x : x + w],
            PORTRAIT_SIZE,
            interpolation=cv2.INTER_AREA if w > PORTRAIT_SIZE[0] else cv2.INTER_LINEAR,
        )
    return done(portrait, box)
