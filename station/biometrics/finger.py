"""The live fingerprint score (0-100, NFIQ 2 scale) and the capture checks for 500 ppi images.

The score is NIST's NFIQ 2.3 random forest over a fast, vectorised re-computation of NFIQ 2's
measures (`nfiq2.estimate`, about 10 ms), held down by three guards where the print shows a
capture defect NFIQ 2 barely weighs (blur or faint ridges: the clarity below; a sliver of a
finger: the foreground area; washed-out ridges: the ridge contrast). NFIQ 2 proper
(`nfiq2.compute`, ~250 ms) is computed after the capture. docs/biometrics.md gives the
agreement with NIST's scores and why the guards are there.

The station's own features below feed the clarity guard and the actionable flags:

Pipeline (everything vectorised with numpy/OpenCV; 32 x 32 pixel blocks as in NFIQ 2):

- global checks (NFIQ 2 actionable feedback): mean grey > 250 -> empty / contrast too low;
  grey-level standard deviation < 2 -> uniform image. Either ends the assessment with score 0.
- foreground (ImgProcROI): blocks whose grey-level standard deviation is above 8 and that are
  not white, cleaned with a morphological close/open on the block grid.
- per foreground block, from the gradient covariance: orientation certainty (OCL,
  1 - lambda_min / lambda_max) and orientation flow (OF, mean angular jump to the 4 neighbours).
- per block, batched 2-D FFT (Hann window): the share of AC energy in the dominant ridge frequency
  peak (frequency domain analysis, FDA) and the ridge period.
- per block, local clarity (LCS): grey values projected across the ridge direction give a
  ridge/valley profile; the share of pixels on the wrong side of the profile's threshold is the
  ridge/valley overlap. Ridge-valley uniformity (RVU) is the ridge-to-valley width ratio.
- minutiae: the print is enhanced at 250 ppi with an orientation-steered Gabor bank at the
  measured ridge frequency, binarised, thinned (Zhang-Suen via lookup tables) and scanned for
  crossing numbers 1 (endings) and 3 (bifurcations) inside the eroded foreground, after removing
  minutiae closer to each other than half a ridge period pair (spurs and breaks).
- ridge contrast: the median block standard deviation in the foreground.

Clarity = the weighted geometric mean of the per-feature scores; flags name what to do.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from station.biometrics import nfiq2
from station.domain import FINGER_QUALITY_THRESHOLD
from station.domain.problems import Problem

BLOCK = 32
STD_FOREGROUND = 8.0  # grey levels; block standard deviation that marks ridges
NIST_MIN_FOREGROUND_PX = 50_000  # NFIQ 2 SufficientFingerprintForeground threshold
MIN_MINUTIAE = 10
MAX_FEATURE_BLOCKS = 120
LOW_CONTRAST_STD = 15.0  # median foreground block standard deviation (grey levels)
# guards on the NFIQ 2 estimate (docs/biometrics.md): below these the score is scaled down
GUARD_CLARITY = 0.85  # weighted geometric mean of the per-feature scores
GUARD_AREA_PX = 80_000.0  # foreground pixels at 500 ppi (NIST's minimum is 50 000)
GUARD_CONTRAST = 30.0  # median foreground block standard deviation, grey levels
# weights of the per-feature scores in the geometric mean (they sum to 1). OCL, orientation flow,
# clarity and contrast carry most: they are the features that follow NIST's scores on the
# sample prints; FDA/band mostly catch noise, blur and partial prints.
WEIGHTS = {
    "contrast": 0.20,
    "ocl": 0.22,
    "orientation_flow": 0.17,
    "fda": 0.06,
    "band": 0.07,
    "lcs": 0.22,
    "rvu": 0.06,
}


@dataclass
class FingerQuality:
    score: float  # 0-100
    acceptable: bool
    flags: list[Problem] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    threshold: float = FINGER_QUALITY_THRESHOLD

    def as_dict(self, locale: str = "id") -> dict[str, object]:
        return {
            "score": round(self.score, 1),
            "acceptable": self.acceptable,
            "flags": [p.as_dict(locale) for p in self.flags],
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


# --- actionable feedback --------------------------------------------------------------------

EMPTY = Problem(
    "FINGER_EMPTY",
    "Tidak ada sidik jari pada gambar (kosong atau kontras terlalu rendah); letakkan jari di "
    "pemindai.",
    "No fingerprint in the image (empty or contrast too low); place the finger on the scanner.",
)
UNIFORM = Problem(
    "FINGER_UNIFORM",
    "Gambar seragam tanpa pola guratan; periksa pemindai lalu ulangi.",
    "The image is uniform with no ridge pattern; check the scanner and retry.",
)
LOW_CONTRAST = Problem(
    "FINGER_LOW_CONTRAST",
    "Kontras guratan rendah; tekan jari sedikit lebih kuat atau bersihkan kaca pemindai.",
    "Low ridge contrast; press a little harder or clean the scanner glass.",
)
SMALL_FOREGROUND = Problem(
    "FINGER_SMALL_AREA",
    "Bidang sidik jari terlalu kecil; letakkan jari rata di tengah pemindai.",
    "Too little fingerprint area; place the finger flat in the middle of the scanner.",
)
FEW_MINUTIAE = Problem(
    "FINGER_FEW_MINUTIAE",
    "Terlalu sedikit minusi yang terbaca; bersihkan jari dan pemindai lalu ulangi.",
    "Too few minutiae found; clean the finger and the scanner, then retry.",
)
UNCLEAR = Problem(
    "FINGER_UNCLEAR_RIDGES",
    "Guratan tidak jelas (kabur, basah atau kotor); keringkan/bersihkan jari lalu ulangi.",
    "Ridges are unclear (blurred, wet or smudged); dry or clean the finger and retry.",
)
LOW_QUALITY = Problem(
    "FINGER_LOW_QUALITY",
    "Kualitas sidik jari di bawah ambang; bersihkan jari, letakkan rata lalu ulangi.",
    "The fingerprint quality is below the threshold; clean the finger, place it flat and retry.",
)
SMALL_IMAGE = Problem(
    "FINGER_IMAGE_TOO_SMALL",
    "Gambar terlalu kecil untuk sidik jari 500 ppi.",
    "The image is too small for a 500 ppi fingerprint.",
)


# --- lookup tables for thinning and crossing numbers ----------------------------------------
# Neighbour bit order: P2 (N)=1, P3 (NE)=2, P4 (E)=4, P5 (SE)=8, P6 (S)=16, P7 (SW)=32,
# P8 (W)=64, P9 (NW)=128.


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes = np.arange(256)
    bits = (codes[:, None] >> np.arange(8)) & 1
    b = bits.sum(1)
    nxt = np.roll(bits, -1, axis=1)
    a = ((bits == 0) & (nxt == 1)).sum(1)
    p2, _p3, p4, _p5, p6, _p7, p8, _p9 = bits.T
    base = (b >= 2) & (b <= 6) & (a == 1)
    l1 = (base & (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)).astype(np.uint8)
    l2 = (base & (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)).astype(np.uint8)
    cn = (np.abs(bits - nxt).sum(1) // 2).astype(np.uint8)
    return l1, l2, cn


_THIN1, _THIN2, _CROSSING = _tables()


def _neighbour_code(padded: np.ndarray) -> np.ndarray:
    h, w = padded.shape[0] - 2, padded.shape[1] - 2

    def s(dy: int, dx: int) -> np.ndarray:
        return padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]

    return (
        s(-1, 0)
        | (s(-1, 1) << 1)
        | (s(0, 1) << 2)
        | (s(1, 1) << 3)
        | (s(1, 0) << 4)
        | (s(1, -1) << 5)
        | (s(0, -1) << 6)
        | (s(-1, -1) << 7)
    )


def thin(binary: np.ndarray, max_iter: int = 5) -> np.ndarray:
    """Zhang-Suen thinning of a 0/1 uint8 image (returns a new 0/1 array)."""
    padded = np.pad(binary.astype(np.uint8), 1)
    inner = padded[1:-1, 1:-1]
    for _ in range(max_iter):
        d1 = _THIN1[_neighbour_code(padded)] & inner
        inner &= 1 - d1
        d2 = _THIN2[_neighbour_code(padded)] & inner
        inner &= 1 - d2
        if not d1.any() and not d2.any():
            break
    return inner.copy()


def minutiae_points(skeleton: np.ndarray, mask: np.ndarray, min_dist: float) -> np.ndarray:
    """(N, 3) array of x, y, kind (1 ending, 3 bifurcation) on a 0/1 skeleton inside `mask`."""
    cn = _CROSSING[_neighbour_code(np.pad(skeleton, 1))] * skeleton
    cand = ((cn == 1) | (cn == 3)) & (mask > 0)
    ys, xs = np.nonzero(cand)
    if len(xs) == 0:
        return np.zeros((0, 3), np.int32)
    pts = np.stack([xs, ys, cn[ys, xs]], axis=1).astype(np.int32)
    # drop clusters: minutiae with another one within min_dist (a square window) are spurs,
    # breaks or noise; counting neighbours with a box filter keeps this O(pixels)
    r = max(1, int(round(min_dist)))
    counts = cv2.boxFilter(
        cand.astype(np.float32),
        -1,
        (2 * r + 1, 2 * r + 1),
        normalize=False,
        borderType=cv2.BORDER_CONSTANT,
    )
    return pts[counts[ys, xs] < 1.5]


# --- block features --------------------------------------------------------------------------


def _blocks(img: np.ndarray, b: int) -> np.ndarray:
    h, w = img.shape
    ny, nx = h // b, w // b
    return img[: ny * b, : nx * b].reshape(ny, b, nx, b).swapaxes(1, 2)


def _block_sum(img: np.ndarray, b: int) -> np.ndarray:
    return _blocks(img, b).sum(axis=(2, 3))


_HANN = np.outer(np.hanning(BLOCK), np.hanning(BLOCK)).astype(np.float32)
_FY = np.fft.fftfreq(BLOCK)[:, None] * BLOCK
_FX = np.fft.rfftfreq(BLOCK)[None, :] * BLOCK
_RADIUS = np.sqrt(_FY**2 + _FX**2)
# ridge periods 4.5-16 px at 500 ppi (cycles per 32-px block 2.0-7.1)
_BAND = (_RADIUS >= BLOCK / 16.0) & (_RADIUS <= BLOCK / 4.5)
_AC = _RADIUS >= 1.0


def _fft_features(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block: peak share of AC energy, ridge-band share of AC energy, ridge period (px)."""
    x = blocks - blocks.mean(axis=(1, 2), keepdims=True)
    spec = np.abs(np.fft.rfft2(x * _HANN)) ** 2
    spec[:, :, 0] *= 0.5  # the rfft half-plane counts the x=0 column once
    ac = (spec * _AC).sum(axis=(1, 2)) + 1e-6
    band = np.where(_BAND, spec, 0.0)
    flat = band.reshape(len(band), -1)
    peak_idx = flat.argmax(1)
    py, px = np.unravel_index(peak_idx, _BAND.shape)
    fy, fx = _FY[py, 0], _FX[0, px]
    # energy in the 3x3 neighbourhood of the peak (its mirror lies in the other half-plane)
    near = ((_FY[None] - fy[:, None, None]) ** 2 + (_FX[None] - fx[:, None, None]) ** 2) <= 2.0
    peak = (spec * near).sum(axis=(1, 2))
    period = BLOCK / np.maximum(np.sqrt(fy**2 + fx**2), 1e-3)
    return peak / ac, (spec * _BAND).sum(axis=(1, 2)) / ac, period


def _clarity(blocks: np.ndarray, normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local clarity (1 - ridge/valley overlap) and ridge/valley width ratio per block.

    Pixels are binned by their coordinate across the ridges (normal direction); the mean grey of
    each bin is the ridge/valley profile. Bins below the block mean are ridge, above are valley;
    the overlap is the share of pixels whose own grey value falls on the other side.
    """
    n = len(blocks)
    c = (BLOCK - 1) / 2.0
    yy, xx = np.mgrid[0:BLOCK, 0:BLOCK].astype(np.float32) - c
    t = xx[None] * np.cos(normal)[:, None, None] + yy[None] * np.sin(normal)[:, None, None]
    nb = int(math.ceil(BLOCK * math.sqrt(2))) + 2
    tb = np.clip(np.round(t + nb / 2).astype(np.int64), 0, nb - 1)
    idx = (np.arange(n)[:, None, None] * nb + tb).ravel()
    vals = blocks.ravel()
    counts = np.bincount(idx, minlength=n * nb).reshape(n, nb)
    sums = np.bincount(idx, weights=vals, minlength=n * nb).reshape(n, nb)
    profile = sums / np.maximum(counts, 1)
    thr = blocks.mean(axis=(1, 2))
    ridge_bin = (profile < thr[:, None]) & (counts > 0)
    pix_ridge_bin = ridge_bin.ravel()[idx].reshape(blocks.shape)
    dark = blocks < thr[:, None, None]
    wrong = (pix_ridge_bin != dark).mean(axis=(1, 2))
    n_ridge = (ridge_bin * counts).sum(1)
    n_valley = ((~ridge_bin) * counts).sum(1)
    ratio = n_ridge / np.maximum(n_valley, 1)
    return 1.0 - wrong, ratio


def _gabor_bank(period: float, n: int = 8) -> list[np.ndarray]:
    sigma = 0.5 * period
    ksize = int(2 * round(1.5 * sigma) + 1)
    bank = []
    for k in range(n):
        theta = math.pi * k / n  # direction of the ridge normal
        kern = cv2.getGaborKernel((ksize, ksize), sigma, theta, period, 1.0, 0, ktype=cv2.CV_32F)
        kern -= kern.mean()
        bank.append(kern)
    return bank


def _clip01(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def _ramp(x: float, lo: float, hi: float) -> float:
    return _clip01((x - lo) / (hi - lo))


def assess(
    gray: np.ndarray, ppi: int = 500, threshold: float = FINGER_QUALITY_THRESHOLD, *,
    minutiae: bool = True,
) -> FingerQuality:
    """Quality of one fingerprint image (2-D uint8; colour is converted to grey).

    The score does not depend on `minutiae`: counting minutiae (Gabor enhancement and thinning,
    a third of the time) only adds the FINGER_FEW_MINUTIAE flag, so the live preview leaves it
    out (`minutiae=False`) and the capture keeps it."""
    start = time.perf_counter()
    img = np.asarray(gray)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.ndim != 2:
        raise ValueError(f"a fingerprint image must be 2-D, got shape {img.shape}")
    if img.dtype != np.uint8:
        raise ValueError(f"a fingerprint image must be uint8, got {img.dtype}")
    if not 100 <= ppi <= 2000:
        raise ValueError(f"resolution {ppi} ppi is outside 100-2000 ppi")
    if ppi != 500:
        s = 500.0 / ppi
        img = cv2.resize(
            img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
        )

    def done(score: float, flags: list[Problem], feats: dict[str, float]) -> FingerQuality:
        score = float(np.clip(score, 0, 100))
        return FingerQuality(
            score,
            score >= threshold,
            flags,
            feats,
            (time.perf_counter() - start) * 1000.0,
            threshold,
        )

    h, w = img.shape
    if h < 2 * BLOCK or w < 2 * BLOCK:
        return done(0.0, [SMALL_IMAGE], {"width": float(w), "height": float(h)})

    f = img.astype(np.float32)
    mu = float(f.mean())
    sd = float(f.std())
    feats: dict[str, float] = {"mean": mu, "std": sd}
    if sd < 2.0:  # NFIQ 2: mean > 250 is "empty", otherwise a uniform image
        return done(0.0, [EMPTY if mu > 250.0 else UNIFORM], feats)

    # --- foreground on the block grid -----------------------------------------------------
    blk = _blocks(f, BLOCK)
    bmean = blk.mean(axis=(2, 3))
    bstd = blk.std(axis=(2, 3))
    fg = ((bstd > STD_FOREGROUND) & (bmean < 245.0)).astype(np.uint8)
    k3 = np.ones((3, 3), np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, k3)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    fgb = fg.astype(bool)
    n_fg = int(fgb.sum())
    area_px = n_fg * BLOCK * BLOCK
    feats["foreground_px"] = float(area_px)
    feats["foreground_ratio"] = n_fg / fg.size
    if n_fg < 4:
        # NFIQ 2 "EmptyImageOrContrastTooLow": nothing that looks like ridges
        return done(0.0, [EMPTY], feats)

    contrast = float(np.median(bstd[fgb]))
    feats["ridge_contrast"] = contrast

    # --- orientation: gradient covariance per block ----------------------------------------
    sm = cv2.GaussianBlur(f, (0, 0), 1.0)
    gx = cv2.Sobel(sm, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(sm, cv2.CV_32F, 0, 1, ksize=3)
    a = _block_sum(gx * gx, BLOCK)
    b = _block_sum(gy * gy, BLOCK)
    c = _block_sum(gx * gy, BLOCK)
    root = np.sqrt((a - b) ** 2 + 4 * c * c)
    lmax = (a + b + root) / 2
    lmin = (a + b - root) / 2
    ocl = 1.0 - lmin / np.maximum(lmax, 1e-6)
    normal = 0.5 * np.arctan2(2 * c, a - b)  # direction of the gradient = ridge normal
    feats["ocl"] = float(ocl[fgb].mean())

    # orientation flow: angular jump to 4-neighbours inside the foreground
    dy_, dx_ = np.cos(2 * normal), np.sin(2 * normal)
    jumps = []
    for sy, sx in ((0, 1), (1, 0)):
        m = fgb[: fg.shape[0] - sy, : fg.shape[1] - sx] & fgb[sy:, sx:]
        dot = (
            dy_[: fg.shape[0] - sy, : fg.shape[1] - sx] * dy_[sy:, sx:]
            + dx_[: fg.shape[0] - sy, : fg.shape[1] - sx] * dx_[sy:, sx:]
        )
        ang = 0.5 * np.degrees(np.arccos(np.clip(dot, -1, 1)))
        jumps.append(ang[m])
    jump = np.concatenate(jumps) if jumps else np.zeros(0)
    feats["orientation_flow_deg"] = float(jump.mean()) if len(jump) else 90.0

    # --- frequency domain and local clarity per foreground block --------------------------
    fblocks = blk[fgb]
    fnormal = normal[fgb]
    if len(fblocks) > MAX_FEATURE_BLOCKS:  # an even sample keeps large slaps fast
        pick = np.linspace(0, len(fblocks) - 1, MAX_FEATURE_BLOCKS).astype(np.int64)
        fblocks, fnormal = fblocks[pick], fnormal[pick]
    peak_share, band_share, period = _fft_features(fblocks)
    feats["fda"] = float(np.mean(peak_share))
    feats["band_energy"] = float(np.mean(band_share))
    med_period = float(np.median(period))
    feats["ridge_period_px"] = med_period
    lcs, rv_ratio = _clarity(fblocks, fnormal)
    feats["lcs"] = float(np.mean(lcs))
    feats["rvu"] = float(np.mean(np.abs(np.log(np.clip(rv_ratio, 0.05, 20)))))

    # --- minutiae at 250 ppi on a Gabor-enhanced, thinned print ---------------------------
    n_min: int | None = None
    if minutiae:
        half = cv2.resize(f, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        hp = float(np.clip(med_period / 2.0, 2.5, 8.0))
        bank = _gabor_bank(hp)
        responses = np.stack([cv2.filter2D(half, cv2.CV_32F, k) for k in bank])
        # orientation per pixel: block normal angle -> bank index, nearest block
        k_idx = (np.round(np.mod(normal, np.pi) / (np.pi / len(bank))).astype(np.int64)) % len(bank)
        kmap = cv2.resize(
            k_idx.astype(np.uint8),
            (half.shape[1] // 16 * 16, half.shape[0] // 16 * 16),
            interpolation=cv2.INTER_NEAREST,
        )
        kmap = np.pad(
            kmap, ((0, half.shape[0] - kmap.shape[0]), (0, half.shape[1] - kmap.shape[1])),
            mode="edge",
        )
        enhanced = np.take_along_axis(responses, kmap[None].astype(np.int64), axis=0)[0]
        ridges = (enhanced < 0).astype(np.uint8)  # Gabor response is negative on dark ridges
        hmask = cv2.resize(
            fg, (half.shape[1] // 16 * 16, half.shape[0] // 16 * 16),
            interpolation=cv2.INTER_NEAREST,
        )
        hmask = np.pad(
            hmask, ((0, half.shape[0] - hmask.shape[0]), (0, half.shape[1] - hmask.shape[1]))
        )
        ridges &= hmask
        skel = thin(ridges)
        inner = cv2.erode(hmask, np.ones((9, 9), np.uint8))
        pts = minutiae_points(skel, inner, min_dist=hp * 0.9)
        n_min = len(pts)
        feats["minutiae"] = float(n_min)

    # --- combine ------------------------------------------------------------------------------
    s_contrast = _ramp(contrast, 8.0, 40.0)
    s_ocl = _ramp(feats["ocl"], 0.3, 0.95)
    s_of = 1.0 - _ramp(feats["orientation_flow_deg"], 8.0, 35.0)
    s_fda = _ramp(feats["fda"], 0.15, 0.8)
    s_band = _ramp(feats["band_energy"], 0.35, 0.95)
    s_lcs = _ramp(feats["lcs"], 0.55, 0.92)
    s_rvu = 1.0 - _ramp(feats["rvu"], 0.25, 1.4)
    s_period = 1.0 if 6.0 <= med_period <= 16.0 else 0.5  # else: wrong resolution?
    scores = {
        "contrast": s_contrast,
        "ocl": s_ocl,
        "orientation_flow": s_of,
        "fda": s_fda,
        "band": s_band,
        "lcs": s_lcs,
        "rvu": s_rvu,
    }
    parts = {name: (v, WEIGHTS[name]) for name, v in scores.items()}
    log_q = sum(wt * math.log(max(s, 0.02)) for s, wt in parts.values())
    for name, (s, _wt) in parts.items():
        feats[f"s_{name}"] = s
    clarity = math.exp(log_q)  # weighted geometric mean of the per-feature scores
    feats["q"] = clarity
    # the score: NFIQ 2's forest over the fast measures, held down where the print shows a
    # capture defect NFIQ 2 barely weighs (blur or faint ridges: clarity; a sliver of a finger:
    # area; washed-out ridges: contrast); each guard is 1 for a normal print
    estimate, _nfiq2_features = nfiq2.estimate(img)
    guard = (min(1.0, clarity / GUARD_CLARITY) * min(1.0, area_px / GUARD_AREA_PX)
             * min(1.0, contrast / GUARD_CONTRAST) * s_period)
    feats["nfiq2_estimate"] = float(estimate)
    feats["guard"] = guard
    score = estimate * guard

    flags: list[Problem] = []
    if contrast < LOW_CONTRAST_STD:
        flags.append(LOW_CONTRAST)
    if area_px < NIST_MIN_FOREGROUND_PX:
        flags.append(SMALL_FOREGROUND)
    if n_min is not None and n_min < MIN_MINUTIAE:
        flags.append(FEW_MINUTIAE)
    if s_lcs < 0.35 or s_fda < 0.25:
        flags.append(UNCLEAR)
    if not flags and score < threshold:
        flags.append(LOW_QUALITY)
    return done(score, flags, feats)
