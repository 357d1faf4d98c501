"""1:1 fingerprint verification by minutiae: is the finger placed now the one enrolled?

`extract(gray, ppi=500) -> Template` finds minutiae the classical way, all with numpy/OpenCV:
the print is normalised locally, its ridge orientation taken from the smoothed gradient
covariance, enhanced at 250 ppi by a bank of Gabor filters steered by that orientation and tuned
to the print's own ridge period, binarised and thinned (Zhang-Suen, `finger.thin`); ridge
endings and bifurcations are the skeleton's crossing numbers 1 and 3, kept inside the eroded
print area and away from each other (clusters are breaks, spurs and noise). Each minutia keeps
its position (500 ppi pixels) and its ridge orientation (modulo 180 degrees: undirected, which
makes the matcher blind to half-turns but robust to where a ridge ending's tracing goes wrong).

`compare(a, b) -> MatchResult` aligns the two sets without any fixed reference:

1. every minutia gets a local structure: its 8 nearest neighbours as (distance, direction to
   the neighbour and the neighbour's orientation, both relative to the minutia's orientation) -
   unchanged by rotation and translation;
2. local structures of the two prints are compared all against all (vectorised); the best
   pairs seed candidate alignments (the rotation and translation that bring one minutia onto
   the other);
3. each seed is tried on the whole sets: minutiae pair up one to one when they land within
   MATCH_DIST px and MATCH_ANGLE degrees; the seed pairing the most wins;
4. score = 100 x paired^2 / (minutiae of A inside B's print area x minutiae of B inside A's),
   so a partial placement is judged on the area both prints share.

The station's threshold `THRESHOLD` comes from `python -m bench matcher` (docs/biometrics.md): on
genuine pairs (the shared prints and synthetic fingers, rotated, shifted, placed partly, pressed
hard or lightly, and elastically distorted) against all impostor pairs between different
fingers, it is the lowest score above every impostor pair plus a margin.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from station.biometrics.finger import _CROSSING, _neighbour_code, thin
from station.biometrics.images import finger_at_500ppi
from station.domain.problems import Problem

THRESHOLD = 20.0  # see the module docstring and docs/biometrics.md
K_NEIGHBOURS = 8
MATCH_DIST = 14.0  # px at 500 ppi (0.7 mm)
MATCH_ANGLE = math.radians(22.0)
FINE_DIST = 11.0  # px, after the alignment is refined on all pairs
MIN_MINUTIAE = 8
PAIRS_FULL = 12  # paired minutiae for full credit (12 is the old court-evidence count)
MINUTIA_AREA = 2500.0  # px at 500 ppi (a 50 x 50 px square: about 25 ridges crossed)
N_SEEDS = 40
_N_ORIENT = 12
COHERENCE_MIN = 0.4  # orientation coherence where a minutia may be trusted
CLUSTER_PERIODS = 0.9  # minutiae closer than this many ridge periods are dropped


class TemplateError(ValueError):
    """An image that yields no usable template; `.problem` says why (coded, bilingual)."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        self.problem = Problem(code, message_id, message_en)
        super().__init__(f"{message_id} / {message_en}")


@dataclass(frozen=True)
class Template:
    minutiae: np.ndarray  # (N, 4) float32: x, y (500 ppi px), orientation (rad, mod pi), kind
    mask: np.ndarray = field(repr=False)  # uint8 print area at 1/8 resolution (500 ppi / 8)
    shape: tuple[int, int] = (0, 0)  # height, width at 500 ppi
    period: float = 0.0  # ridge period, px at 500 ppi
    elapsed_ms: float = 0.0

    @property
    def count(self) -> int:
        return len(self.minutiae)


@dataclass(frozen=True)
class MatchResult:
    score: float  # 0-100
    match: bool
    paired: int
    threshold: float = THRESHOLD
    minutiae: tuple[int, int] = (0, 0)
    rotation_deg: float = 0.0
    elapsed_ms: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {"score": round(self.score, 1), "match": self.match, "paired": self.paired,
                "threshold": self.threshold, "minutiae": list(self.minutiae),
                "rotation_deg": round(self.rotation_deg, 1),
                "elapsed_ms": round(self.elapsed_ms, 2)}


# --- extraction -----------------------------------------------------------------------------


def _ridge_period(norm: np.ndarray, mask: np.ndarray) -> float:
    """The dominant ridge period (px of `norm`, a 250 ppi image: about 4-6) from the spectrum of
    the print's central area."""
    default = 4.8
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return default
    cy, cx = int(np.median(ys)), int(np.median(xs))
    half = 40
    patch = norm[max(0, cy - half): cy + half, max(0, cx - half): cx + half]
    if min(patch.shape) < 24:
        return default
    win = np.outer(np.hanning(patch.shape[0]), np.hanning(patch.shape[1]))
    spec = np.abs(np.fft.fftshift(np.fft.fft2(patch * win))) ** 2
    h, w = spec.shape
    fy = (np.arange(h) - h // 2) / h
    fx = (np.arange(w) - w // 2) / w
    r = np.hypot(fy[:, None], fx[None, :])
    band = (r >= 1 / 9.0) & (r <= 1 / 2.6)  # ridge periods 5-18 px at 500 ppi
    if not band.any():
        return default
    hist, edges = np.histogram(r[band], bins=20, weights=spec[band])
    f = 0.5 * (edges[hist.argmax()] + edges[hist.argmax() + 1])
    return float(np.clip(1.0 / max(f, 1e-3), 2.6, 9.0))


def _gabor_bank(period: float) -> list[np.ndarray]:
    sigma = 0.45 * period
    ks = int(2 * round(2.0 * sigma) + 1)
    bank = []
    for k in range(_N_ORIENT):
        normal = math.pi * k / _N_ORIENT  # direction across the ridges
        g = cv2.getGaborKernel((ks, ks), sigma, normal, period, 0.5, 0, ktype=cv2.CV_32F)
        bank.append(g - g.mean())
    return bank


def extract(gray: np.ndarray, ppi: int = 500) -> Template:
    """The minutiae template of one print (2-D uint8; colour is converted)."""
    start = time.perf_counter()
    img = finger_at_500ppi(gray, ppi)
    if isinstance(img, Problem):
        raise TemplateError("MATCH_IMAGE_INVALID", img.message_id, img.message_en)
    h, w = img.shape
    if h < 96 or w < 96:
        raise TemplateError("MATCH_IMAGE_TOO_SMALL", "Gambar sidik jari terlalu kecil.",
                            "The fingerprint image is too small.")
    # work at 250 ppi: ridges 4-5 px apart, enough for minutiae and four times fewer pixels
    half = cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA).astype(np.float32)
    mean = cv2.GaussianBlur(half, (0, 0), 8)
    dev = np.sqrt(cv2.GaussianBlur((half - mean) ** 2, (0, 0), 8)) + 1e-3
    norm = -(half - mean) / dev  # ridges (dark) positive
    mask = ((dev > 6.0) & (mean < 235)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    if mask.sum() < 2000:
        raise TemplateError("MATCH_NO_PRINT", "Tidak ada sidik jari yang terbaca di gambar.",
                            "No fingerprint can be read in the image.")
    period = _ridge_period(norm, mask)
    # orientation: the smoothed doubled-angle gradient field
    gx = cv2.Sobel(norm, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(norm, cv2.CV_32F, 0, 1, ksize=3)
    sig = max(3.0, period * 0.9)
    gxx = cv2.GaussianBlur(gx * gx - gy * gy, (0, 0), sig)
    gxy = cv2.GaussianBlur(2 * gx * gy, (0, 0), sig)
    normal = 0.5 * np.arctan2(gxy, gxx)  # across the ridges
    coherence = np.hypot(gxx, gxy) / (cv2.GaussianBlur(gx * gx + gy * gy, (0, 0), sig) + 1e-6)
    # Gabor enhancement steered by the orientation, one kernel per orientation bin
    bank = _gabor_bank(period)
    idx = np.rint(np.mod(normal, math.pi) / (math.pi / _N_ORIENT)).astype(np.int32) % _N_ORIENT
    enhanced = np.zeros_like(norm)
    for k, kern in enumerate(bank):
        sel = idx == k
        if sel.any():
            enhanced[sel] = cv2.filter2D(norm, cv2.CV_32F, kern)[sel]
    enhanced = cv2.GaussianBlur(enhanced, (0, 0), 0.8)
    ridges = ((enhanced > 0) & (mask > 0)).astype(np.uint8)
    skel = thin(ridges, max_iter=8)
    # minutiae: crossing numbers inside the eroded print area, in well-oriented places
    # (the frame's edge counts as outside: ridges cut by it end there without a minutia)
    inner = cv2.erode(mask, np.ones((int(period * 3) | 1,) * 2, np.uint8),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)
    cn = _CROSSING[_neighbour_code(np.pad(skel, 1))] * skel
    cand = ((cn == 1) | (cn == 3)) & (inner > 0) & (coherence > COHERENCE_MIN)
    ys, xs = np.nonzero(cand)
    kinds = cn[ys, xs]
    # clusters (a break makes two endings face to face, a spur an ending beside a bifurcation):
    # minutiae closer than one ridge period to another are dropped, all of them
    pts = np.stack([xs, ys], axis=1).astype(np.float32)
    if len(pts) > 1:
        d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(d, np.inf)
        keep = d.min(axis=1) >= CLUSTER_PERIODS * period
        pts, kinds, ys, xs = pts[keep], kinds[keep], ys[keep], xs[keep]
    # at most one minutia per MINUTIA_AREA px of print (500 ppi): the most reliable ones, where
    # the ridge flow is clearest (noisy prints otherwise bring scores of chance pairs)
    limit = max(MIN_MINUTIAE * 4, int(4 * float(mask.sum()) / MINUTIA_AREA))
    if len(pts) > limit:
        best = np.argsort(-coherence[ys, xs])[:limit]
        pts, kinds, ys, xs = pts[best], kinds[best], ys[best], xs[best]
    theta = np.mod(normal[ys, xs] + math.pi / 2, math.pi)  # ridge direction
    minutiae = np.column_stack([pts * 2.0 + 0.5, theta, kinds]).astype(np.float32)
    small = cv2.resize(mask, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_NEAREST)
    return Template(minutiae, small, (h, w), period * 2.0,
                    (time.perf_counter() - start) * 1000.0)


# --- matching -------------------------------------------------------------------------------


def _wrap_pi(a: np.ndarray) -> np.ndarray:
    """Angle difference modulo pi, folded to [0, pi/2] (undirected orientations)."""
    a = np.mod(a, math.pi)
    return np.minimum(a, math.pi - a)


def _local_structures(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distance, relative direction, relative orientation) of each minutia's K neighbours."""
    xy = m[:, :2].astype(np.float64)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    k = min(K_NEIGHBOURS, len(m) - 1)
    nn = np.argsort(d, axis=1)[:, :k]
    rows = np.arange(len(m))[:, None]
    vec = xy[nn] - xy[:, None, :]
    direction = np.mod(np.arctan2(vec[..., 1], vec[..., 0]) - m[:, None, 2], math.pi)
    orient = np.mod(m[nn, 2] - m[:, None, 2], math.pi)
    return d[rows, nn], direction, orient


def _inside(points: np.ndarray, tmpl: Template) -> np.ndarray:
    x = np.clip((points[:, 0] / 8).astype(int), 0, tmpl.mask.shape[1] - 1)
    y = np.clip((points[:, 1] / 8).astype(int), 0, tmpl.mask.shape[0] - 1)
    ok = (points[:, 0] >= 0) & (points[:, 1] >= 0) & (points[:, 0] < tmpl.shape[1]) \
        & (points[:, 1] < tmpl.shape[0])
    return ok & (tmpl.mask[y, x] > 0)


def _pair_up(pa: np.ndarray, ta: np.ndarray, b: np.ndarray, dist: float = MATCH_DIST
             ) -> list[tuple[int, int]]:
    """One-to-one pairs (i, j) of transformed A minutiae (positions pa, orientations ta) with B
    minutiae, nearest first, within `dist` px and MATCH_ANGLE."""
    d = np.hypot(pa[:, None, 0] - b[None, :, 0], pa[:, None, 1] - b[None, :, 1])
    ok = (d < dist) & (_wrap_pi(ta[:, None] - b[None, :, 2]) < MATCH_ANGLE)
    if not ok.any():
        return []
    ii, jj = np.nonzero(ok)
    order = np.argsort(d[ii, jj])
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for t in order:
        i, j = int(ii[t]), int(jj[t])
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def _rigid(src: np.ndarray, dst: np.ndarray) -> tuple[float, np.ndarray]:
    """Least-squares rotation angle and translation taking src points onto dst (2-D Kabsch)."""
    cs, cd = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - cs, dst - cd
    angle = math.atan2(float((a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum()),
                       float((a * b).sum()))
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, -s], [s, c]])
    return angle, cd - rot @ cs


def compare(a: Template, b: Template, threshold: float = THRESHOLD) -> MatchResult:
    """How well the two templates' minutiae agree (0-100) and whether that is a match."""
    start = time.perf_counter()
    ma, mb = a.minutiae, b.minutiae

    def result(score: float, paired: int, rot: float = 0.0) -> MatchResult:
        return MatchResult(score, score >= threshold, paired, threshold, (len(ma), len(mb)),
                           math.degrees(rot), (time.perf_counter() - start) * 1000.0)

    if len(ma) < MIN_MINUTIAE or len(mb) < MIN_MINUTIAE:
        return result(0.0, 0)
    da, ra, oa = _local_structures(ma)
    db, rb, ob = _local_structures(mb)
    # all against all: for minutiae i (A) and j (B), how many of i's neighbours find a
    # neighbour of j at the same distance, direction and orientation
    close = ((np.abs(da[:, None, :, None] - db[None, :, None, :]) < 0.6 * MATCH_DIST)
             & (_wrap_pi(ra[:, None, :, None] - rb[None, :, None, :]) < MATCH_ANGLE)
             & (_wrap_pi(oa[:, None, :, None] - ob[None, :, None, :]) < MATCH_ANGLE))
    sim = close.any(axis=3).mean(axis=2)
    flat = np.argsort(sim, axis=None)[::-1][:N_SEEDS]
    best: list[tuple[int, int]] = []
    for f in flat:
        i, j = np.unravel_index(f, sim.shape)
        if sim[i, j] < 0.25:
            break
        rot = float(mb[j, 2] - ma[i, 2])
        rot = (rot + math.pi / 2) % math.pi - math.pi / 2  # the small turn, not a half-turn
        c, s = math.cos(rot), math.sin(rot)
        rel = ma[:, :2] - ma[i, :2]
        pa = np.column_stack([c * rel[:, 0] - s * rel[:, 1], s * rel[:, 0] + c * rel[:, 1]])
        pa += mb[j, :2]
        pairs = _pair_up(pa, ma[:, 2] + rot, mb)
        if len(pairs) > len(best):
            best = pairs
    if len(best) < 4:
        return result(0.0, len(best))
    # refine the alignment on all the pairs found, then pair again, more strictly: minutiae
    # that pair only by chance do not survive a tighter tolerance on a better fit
    ia = np.array([i for i, _ in best])
    jb = np.array([j for _, j in best])
    rot, shift = _rigid(ma[ia, :2].astype(np.float64), mb[jb, :2].astype(np.float64))
    c, s = math.cos(rot), math.sin(rot)
    r = np.array([[c, -s], [s, c]])
    best_pa = ma[:, :2].astype(np.float64) @ r.T + shift
    final = _pair_up(best_pa, ma[:, 2] + rot, mb, FINE_DIST)
    # chance pairs have unlike neighbourhoods: each pair counts by its local agreement
    weight = float(sum(min(1.0, 0.5 + sim[i, j]) for i, j in final))
    best_n, best_rot = len(final), rot
    if best_n < 4:
        return result(0.0, best_n, best_rot)
    # the minutiae each print could have shown of the other: those in the shared area
    in_b = int(_inside(best_pa, b).sum())
    pb = (mb[:, :2].astype(np.float64) - shift) @ r  # B brought back onto A (inverse)
    in_a = int(_inside(pb, a).sum())
    denom = max(in_a, MIN_MINUTIAE) * max(in_b, MIN_MINUTIAE)
    # few pairs in a small shared area happen by chance: below PAIRS_FULL pairs, less credit
    score = min(100.0, 100.0 * weight * weight / denom * min(1.0, best_n / PAIRS_FULL))
    return result(score, best_n, best_rot)


def verify(probe: np.ndarray, enrolled: Template | np.ndarray, *, ppi: int = 500,
           threshold: float = THRESHOLD) -> MatchResult:
    """Extract the probe and compare it with the enrolled template (or image)."""
    start = time.perf_counter()
    ref = enrolled if isinstance(enrolled, Template) else extract(enrolled, ppi)
    res = compare(extract(probe, ppi), ref, threshold)
    return MatchResult(res.score, res.match, res.paired, res.threshold, res.minutiae,
                       res.rotation_deg, (time.perf_counter() - start) * 1000.0)
