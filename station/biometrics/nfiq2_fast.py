"""A fast approximation of NFIQ 2's native quality features, for the live preview.

NIST NFIQ 2 (ISO/IEC 29794-4 reference implementation) computes 69 features on 32 x 32 px blocks
of a 500 ppi print and feeds them to a random forest trained by NIST. `station.biometrics.nfiq2`
runs the full computation (the `afis` port, about 250 ms a print, block by block in Python); this
module computes the same measures *vectorised over all blocks at once* with numpy and OpenCV, in
a few milliseconds, and feeds them to the same forest. The numbers are close to NFIQ 2's but not
equal (nearest-pixel rotations, gradients taken over the whole image instead of per block, run
lengths counted without NFIQ 2's off-by-one quirks); docs/biometrics.md gives the agreement.

The measures, after NFIQ 2 (NIST's public-domain source, ``NFIQ2/NFIQ2Algorithm/src``):

- Mu, MMB: mean grey and mean of the 32 x 32 block means, after the near-white frame (rows and
  columns whose mean is above 250) is cut off;
- ImgProcROI: erosion, two Gaussian blurs (41 and 91 px) each followed by Otsu's threshold, holes
  filled, the largest dark blob kept: its mean grey, and the orientation coherence of the blocks
  it touches (sum and mean);
- OCL (orientation certainty), on every full block: 1 - lambda_min / lambda_max of the gradient
  covariance;
- on foreground blocks (standard deviation of the normalised image above 0.1, grid offset 2 px):
  the ridge orientation, then on the block rotated to it
  FDA (frequency domain: the dominant peak's share of the ridge signature's spectrum),
  LCS (local clarity: the ridge / valley overlap around a fitted threshold, 0 when ridge or
  valley widths are implausible for 500 ppi) and RVU (ratios of neighbouring ridge and valley
  widths); OF (orientation flow: the mean angle to the 8 neighbour blocks above 4 degrees);
- each measure as NFIQ 2 presents it to the forest: ten histogram counts on NIST's bin edges,
  the mean and the standard deviation;
- the four FingerJet FX minutiae features are left at the values NFIQ 2 has for "not computed"
  (0 minutiae), as the `afis` reference scores do.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

BS = 32
OFFSET = 2  # NFIQ 2's block grid offset: ceil((ceil(hypot(32, 16)) - 32) / 2)
WIDE = BS + 2 * OFFSET  # the block with its margin, rotated for FDA / LCS / RVU
WHITE_FRAME = 250.0
_ROI_SCALE = 4  # ImgProcROI is computed at a quarter of the resolution
# NFIQ 2.3 histogram bin edges (the forest was trained on counts in these bins)
BIN_EDGES = {
    "FDA": (0.268, 0.304, 0.33, 0.355, 0.38, 0.407, 0.44, 0.50, 1.0),
    "LCS": (0.0, 0.70, 0.74, 0.77, 0.79, 0.81, 0.83, 0.85, 0.87),
    "OCL": (0.337, 0.479, 0.579, 0.655, 0.716, 0.766, 0.81, 0.852, 0.898),
    "OF": (1.715e-2, 3.5e-2, 5.57e-2, 8.1e-2, 1.15e-1, 1.718e-1, 2.569e-1, 4.758e-1, 7.48e-1),
    "RVUP": (0.5, 0.667, 0.8, 1.0, 1.25, 1.5, 2.0, 24.0, 30.0),
}
# ridge / valley widths allowed by LCS at 500 ppi, in pixels (NFIQ 2: 3-10 and 2-10 at 125 ppi
# scaled by 500/125 and normalised by 5 x 500/125)
_SCALE = 500.0 / 125.0 * 5.0
_RIDGE_W = (3.0 / _SCALE, 10.0 / _SCALE)
_VALLEY_W = (2.0 / _SCALE, 10.0 / _SCALE)


def histogram(prefix: str, values: np.ndarray) -> dict[str, float]:
    """NFIQ 2's histogram features: counts in ten bins, mean and standard deviation."""
    v = np.asarray(values, np.float64).ravel()
    v = v[np.isfinite(v)]
    edges = np.asarray(BIN_EDGES[prefix])
    counts = np.bincount(np.minimum(np.searchsorted(edges, v, side="right"), 9), minlength=10)
    out = {f"{prefix}_Bin10_{i}": float(counts[i]) for i in range(10)}
    out[f"{prefix}_Bin10_Mean"] = float(v.mean()) if v.size else 0.0
    out[f"{prefix}_Bin10_StdDev"] = float(v.std()) if v.size else 0.0
    return out


def crop_white_frame(img: np.ndarray) -> np.ndarray:
    """Cut the rows and columns of near-white margin (mean > 250) off each side."""
    rows = np.nonzero(img.mean(axis=1) <= WHITE_FRAME)[0]
    if rows.size == 0:
        return img
    img = img[rows[0] : rows[-1] + 1]
    cols = np.nonzero(img.mean(axis=0) <= WHITE_FRAME)[0]
    if cols.size == 0:
        return img
    return img[:, cols[0] : cols[-1] + 1]


def _gradients(f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred differences, as NFIQ 2 takes them (it takes them per block; the whole image at
    once differs only on the blocks' edge pixels)."""
    gx = cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=1, scale=0.5, borderType=cv2.BORDER_REPLICATE)
    gy = cv2.Sobel(f, cv2.CV_32F, 0, 1, ksize=1, scale=0.5, borderType=cv2.BORDER_REPLICATE)
    return gx, gy


def _cell_sums(stack: np.ndarray, y0: int = 0, x0: int = 0, ny: int | None = None,
               nx: int | None = None) -> np.ndarray:
    """Per-channel sums of a (channels, height, width) stack over the 32 px cells of the grid
    starting at (y0, x0): shape (channels, ny, nx). The stack is zero beyond the image."""
    ny = (stack.shape[1] - y0) // BS if ny is None else ny
    nx = (stack.shape[2] - x0) // BS if nx is None else nx
    part = stack[:, y0 : y0 + ny * BS, x0 : x0 + nx * BS]
    rows = part.reshape(len(stack), ny * BS, nx, BS).sum(axis=3)  # contiguous: fast
    return rows.reshape(len(stack), ny, BS, nx).sum(axis=2).astype(np.float64)


def _roi(img: np.ndarray) -> tuple[np.ndarray, float]:
    """ImgProcROI: the print's blob (0/1 mask) and its mean grey."""
    h, w = img.shape
    eroded = cv2.erode(img, np.ones((5, 5), np.uint8), borderType=cv2.BORDER_REPLICATE)
    # NFIQ 2 blurs with 41 and 91 px Gaussian kernels (sigma 6.5 and 14): both so wide that the
    # same blur at a quarter of the resolution gives the same blob, ten times faster
    small = cv2.resize(eroded, (max(8, w // _ROI_SCALE), max(8, h // _ROI_SCALE)),
                       interpolation=cv2.INTER_AREA)
    blur1 = cv2.GaussianBlur(small, (0, 0), 6.5 / _ROI_SCALE, borderType=cv2.BORDER_REPLICATE)
    _t, thr1 = cv2.threshold(blur1, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    blur2 = cv2.GaussianBlur(thr1, (0, 0), 14.0 / _ROI_SCALE, borderType=cv2.BORDER_REPLICATE)
    _t, thr2 = cv2.threshold(blur2, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    sh, sw = thr2.shape
    # white holes that do not touch the border are filled (become part of the dark print)
    n, labels, stats, _c = cv2.connectedComponentsWithStats((thr2 == 255).astype(np.uint8), 4)
    x, y, bw, bh = (stats[:, i] for i in range(4))
    inner = (x > 0) & (y > 0) & (x + bw < sw) & (y + bh < sh)
    inner[0] = False
    dark = (thr2 == 0) | inner[labels]
    n, labels, stats, _c = cv2.connectedComponentsWithStats(dark.astype(np.uint8), 4)
    if n <= 1:
        return np.zeros((h, w), np.uint8), 255.0
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_WIDTH] * stats[1:, cv2.CC_STAT_HEIGHT]))
    roi = cv2.resize((labels == best).astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    return roi, float(cv2.mean(img, mask=roi)[0])


def _rotated_strips(img: np.ndarray, ys: np.ndarray, xs: np.ndarray, angle: np.ndarray,
                    rows: tuple[int, int], cols: tuple[int, int], *, padded: bool
                    ) -> np.ndarray:
    """For each block (top-left ys, xs of its wide box), the crop rows x cols of the wide box
    rotated by `angle` (nearest pixel), all blocks in one cv2.remap.

    As NFIQ 2's getRotatedBlock: unpadded, the rotation is about the box's centre; padded (FDA,
    RVU), the box is first framed by 2 zero pixels, so the centre and the crop sit 2 px off the
    box's centre and samples outside the box are 0."""
    centre = WIDE / 2.0 + (2.0 if padded else 0.0)
    ry = np.arange(rows[0], rows[1], dtype=np.float32) - centre
    rx = np.arange(cols[0], cols[1], dtype=np.float32) - centre
    gy, gx = np.meshgrid(ry, rx, indexing="ij")
    c = np.cos(angle).astype(np.float32)[:, None, None]
    s = np.sin(angle).astype(np.float32)[:, None, None]
    # inverse rotation of the output grid into the box (OpenCV's angle convention)
    bx = c * gx[None] - s * gy[None] + WIDE / 2.0
    by = s * gx[None] + c * gy[None] + WIDE / 2.0
    n, hh, ww = bx.shape
    out = cv2.remap(img, (bx + xs[:, None, None]).reshape(n * hh, ww),
                    (by + ys[:, None, None]).reshape(n * hh, ww), cv2.INTER_NEAREST,
                    borderMode=cv2.BORDER_REPLICATE).reshape(n, hh, ww).astype(np.float32)
    if padded:
        bxi, byi = np.floor(bx + 0.5), np.floor(by + 0.5)
        out[(bxi < 0) | (bxi >= WIDE) | (byi < 0) | (byi >= WIDE)] = 0.0
    return out


def _ridge_valley(strips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means of each strip and the least-squares line through them: (ridge mask, line)."""
    v = strips.mean(axis=1)  # (n, cols)
    n_cols = v.shape[1]
    x = np.arange(1, n_cols + 1, dtype=np.float64)
    xm = x.mean()
    slope = ((v - v.mean(axis=1, keepdims=True)) * (x - xm)).sum(axis=1) / ((x - xm) ** 2).sum()
    line = v.mean(axis=1, keepdims=True) + slope[:, None] * (x - xm)
    return v < line, line


def _runs(ridge: np.ndarray, *, leading: bool = False
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Widths of the runs of each row of a ridge mask that end at a change, in order, padded
    with 0; the kind of each run (True ridge) and how many there are per row. The run before
    the first change is counted only with `leading` (NFIQ 2's LCS counts it, one pixel short)."""
    n, m = ridge.shape
    widths = np.zeros((n, m), np.float64)
    kinds = np.zeros((n, m), bool)
    count = np.zeros(n, np.int64)
    last = np.full(n, -1, np.int64)
    rows = np.arange(n)
    for i in range(1, m):
        ch = ridge[:, i] != ridge[:, i - 1]
        ends = ch & ((last >= 0) | leading)
        idx = rows[ends]
        widths[idx, count[ends]] = np.where(last[ends] >= 0, i - last[ends], i - 1)
        kinds[idx, count[ends]] = ridge[ends, i - 1]
        count += ends
        last = np.where(ch, i, last)
    return widths, kinds, count


def _lcs(strips: np.ndarray) -> np.ndarray:
    ridge, line = _ridge_valley(strips)
    widths, kinds, count = _runs(ridge, leading=True)
    used = np.arange(widths.shape[1])[None, :] < count[:, None]
    w_r = np.where(used & kinds, widths, 0.0)
    w_v = np.where(used & ~kinds, widths, 0.0)
    n_r, n_v = (used & kinds).sum(1), (used & ~kinds).sum(1)
    mu_r = w_r.sum(1) / np.maximum(n_r, 1) / _SCALE
    mu_v = w_v.sum(1) / np.maximum(n_v, 1) / _SCALE
    plausible = ((n_r > 0) & (n_v > 0) & (mu_r >= _RIDGE_W[0]) & (mu_r <= _RIDGE_W[1])
                 & (mu_v >= _VALLEY_W[0]) & (mu_v <= _VALLEY_W[1]))
    below = strips < line[:, None, :]
    ridge_cols = ridge[:, None, :]
    ridge_bad = ((~below) & ridge_cols).sum(axis=(1, 2)) / np.maximum(
        ridge_cols.sum(axis=(1, 2)) * strips.shape[1], 1)
    valley_bad = (below & ~ridge_cols).sum(axis=(1, 2)) / np.maximum(
        (~ridge_cols).sum(axis=(1, 2)) * strips.shape[1], 1)
    return np.where(plausible, 1.0 - (ridge_bad + valley_bad) / 2.0, 0.0)


def _rvu(strips: np.ndarray) -> np.ndarray:
    """Ratios of neighbouring ridge and valley widths, all blocks. As NFIQ 2 counts them: the
    last column is left out, and so is the first complete run."""
    ridge, _line = _ridge_valley(strips[:, :, :-1])
    widths, kinds, count = _runs(ridge)
    a, b = widths[:, 1:-1], widths[:, 2:]
    pair = (np.arange(a.shape[1])[None, :] + 2) < count[:, None]
    ratio = np.where(kinds[:, 1:-1], a / np.maximum(b, 1e-9), b / np.maximum(a, 1e-9))
    return ratio[pair]


def _fda(strips: np.ndarray) -> np.ndarray:
    sig = strips.mean(axis=2)  # (n, rows): the signature across the ridges
    amp = np.abs(np.fft.fft(sig, axis=1))[:, 1:]
    k = amp.shape[1]
    peak = amp.argmax(axis=1)
    rows = np.arange(len(amp))
    left = amp[rows, np.maximum(peak - 1, 0)]
    right = amp[rows, np.minimum(peak + 1, k - 1)]
    denom = amp[:, : max(1, k // 2)].sum(axis=1) + 1e-12
    value = (amp[rows, peak] + 0.3 * (left + right)) / denom
    return np.where((peak == 0) | (peak + 1 >= k), 1.0, value)


def features(gray: np.ndarray) -> dict[str, float]:
    """The NFIQ 2 feature vector (by NIST's names) of a 2-D uint8 500 ppi image, approximated."""
    img = crop_white_frame(np.ascontiguousarray(gray))
    if img.shape[0] < 3 * BS or img.shape[1] < 3 * BS:
        img = np.ascontiguousarray(gray)
    img = np.ascontiguousarray(img)
    f = img.astype(np.float32)
    h, w = f.shape
    out: dict[str, float] = {
        "FingerJetFX_MinCount_COMMinRect200x200": 0.0,
        "FingerJetFX_MinutiaeCount": 0.0,
        "FJFXPos_Mu_MinutiaeQuality_2": -1.0,
        "FJFXPos_OCL_MinutiaeQuality_80": -1.0,
    }
    gx, gy = _gradients(f)
    roi, roi_mean = _roi(img)
    # every per-pixel quantity summed over cells, in one padded stack and one pass:
    # grey, grey squared, the gradient moments, the coherence magnitude and the blob
    ny1, nx1 = -(-h // BS), -(-w // BS)
    stack = np.zeros((7, ny1 * BS, nx1 * BS), np.float32)
    stack[0, :h, :w] = f
    stack[1, :h, :w] = f * f
    stack[2, :h, :w] = gx * gx
    stack[3, :h, :w] = gy * gy
    stack[4, :h, :w] = gx * gy
    stack[5, :h, :w] = cv2.magnitude(stack[2, :h, :w] - stack[3, :h, :w], 2.0 * stack[4, :h, :w])
    stack[6, :h, :w] = roi
    cell = _cell_sums(stack)
    hs = np.diff(np.minimum(BS * np.arange(ny1 + 1), h))
    ws = np.diff(np.minimum(BS * np.arange(nx1 + 1), w))
    area = np.outer(hs, ws).astype(np.float64)
    cell_mean = cell[0] / area
    out["Mu"] = float(f.mean())
    out["MMB"] = float(cell_mean.mean())

    # ImgProcROI: mean grey of the blob, orientation coherence of the cells it touches
    out["ImgProcROIArea_Mean"] = roi_mean
    sxx, syy, sxy, mag = cell[2], cell[3], cell[4], cell[5]
    coh = np.where(mag > 0, np.hypot(sxx - syy, 2.0 * sxy) / np.maximum(mag, 1e-12), 0.0)
    touched = cell[6] > 0
    out["OrientationMap_ROIFilter_CoherenceSum"] = float(coh[touched].sum())
    out["OrientationMap_ROIFilter_CoherenceRel"] = float(coh[touched].sum()) / max(
        int(touched.sum()), 1)

    # OCL on every full block from the origin
    ny0, nx0 = h // BS, w // BS
    a, b, c = (cell[k, :ny0, :nx0] / (BS * BS) for k in (2, 3, 4))
    disc = np.sqrt((a - b) ** 2 + 4.0 * c * c)
    lmax, lmin = 0.5 * (a + b + disc), 0.5 * (a + b - disc)
    ocl = np.where(lmax > 0, 1.0 - lmin / np.maximum(lmax, 1e-12), np.nan)
    out.update(histogram("OCL", ocl[np.isfinite(ocl)]))

    # foreground: cells (grid at 0) whose grey-level standard deviation, in units of the whole
    # image's, is above 0.1; a measured block (grid at OFFSET) is foreground when all the cells
    # under it are
    var = np.maximum(cell[1] / area - cell_mean**2, 0.0)
    seg_cells = np.sqrt(var) > 0.1 * (float(f.std()) + 1e-12)
    ny, nx = (h - 2 * OFFSET) // BS, (w - 2 * OFFSET) // BS
    if ny < 1 or nx < 1:
        for name in ("FDA", "LCS", "OF", "RVUP"):
            out.update(histogram(name, np.zeros(0)))
        return out
    # a block at OFFSET + k*BS overlaps cells k and k+1
    cells = np.zeros((ny + 1, nx + 1), bool)
    cy, cx = min(ny + 1, seg_cells.shape[0]), min(nx + 1, seg_cells.shape[1])
    cells[:cy, :cx] = seg_cells[:cy, :cx]
    fg = cells[:-1, :-1] & cells[1:, :-1] & cells[:-1, 1:] & cells[1:, 1:]
    a, b, c = _cell_sums(stack[2:5], OFFSET, OFFSET, ny, nx)
    orient = 0.5 * np.arctan2(c, a - b)  # NFIQ 2's ridgeorient (c, not 2c)
    by, bx = np.nonzero(fg)
    ys = (by * BS).astype(np.float32)  # top-left of each wide box (= block - OFFSET)
    xs = (bx * BS).astype(np.float32)
    ang = orient[by, bx]
    if len(by):
        fda = _fda(_rotated_strips(img, ys, xs, ang + math.pi / 2, (2, 34), (10, 26),
                                   padded=True))
        lcs = _lcs(_rotated_strips(img, ys, xs, ang, (10, 26), (2, 34), padded=False))
        rvu = _rvu(_rotated_strips(img, ys, xs, ang, (10, 26), (2, 34), padded=True))
    else:
        fda = lcs = rvu = np.zeros(0)
    out.update(histogram("FDA", fda))
    out.update(histogram("LCS", lcs))
    out.update(histogram("RVUP", rvu))

    # orientation flow: blocks whose 8 neighbours are all foreground
    of = np.zeros(0)
    if ny >= 3 and nx >= 3:
        inner = fg[1:-1, 1:-1].copy()
        diffs = np.zeros((ny - 2, nx - 2))
        centre = orient[1:-1, 1:-1]
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if dy == dx == 0:
                    continue
                nb_o = orient[1 + dy : ny - 1 + dy, 1 + dx : nx - 1 + dx]
                inner &= fg[1 + dy : ny - 1 + dy, 1 + dx : nx - 1 + dx]
                d = np.abs(nb_o - centre)
                diffs += np.minimum(d, 2 * math.pi - d)
        loq = diffs[inner] / 8.0
        lo = math.radians(4.0)
        of = (loq[loq > lo] - lo) / math.radians(86.0)
    out.update(histogram("OF", of))
    return out
