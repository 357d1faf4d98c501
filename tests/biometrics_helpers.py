"""Helpers for the biometrics tests: NIST sample loading and reproducible degradations."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]


def bio_root() -> Path:
    """Same rule as conftest.data_root: REKAM_TEST_DATA, default ../shared/data."""
    root = Path(os.environ.get("REKAM_TEST_DATA", REPO.parent / "shared" / "data")).resolve()
    return root / "biometrics"


@functools.lru_cache(maxsize=64)
def _load(path: str, flags: int) -> np.ndarray:
    img = cv2.imread(path, flags)
    if img is None:
        raise FileNotFoundError(path)
    img.setflags(write=False)
    return img


def gray(rel: str) -> np.ndarray:
    """A sample image as 2-D uint8 (read-only, cached)."""
    return _load(str(bio_root() / rel), cv2.IMREAD_GRAYSCALE)


def color(rel: str) -> np.ndarray:
    return _load(str(bio_root() / rel), cv2.IMREAD_COLOR)


SFINGE = [f"fingerprints/sfinge-test0{i}.png" for i in range(1, 6)]
# Real live-scan/inked single-finger prints at 500 ppi of moderate size.
REAL_SINGLES = [
    "fingerprints/sivv-card0001_01.png",
    "fingerprints/sivv-card0002_01.png",
    "fingerprints/sivv-card0003_05.png",
    "fingerprints/sivv-card0005_07.png",
    "fingerprints/nbis-type4-valid1.9-r02-f01.png",
    "fingerprints/nbis-type13-valid1.5-r02-f19.png",
]


def blur(img: np.ndarray, sigma: float = 3.0) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma)


def low_contrast(img: np.ndarray, factor: float = 0.2) -> np.ndarray:
    f = img.astype(np.float32)
    return np.clip((f - 128) * factor + 200, 0, 255).astype(np.uint8)


def noisy(img: np.ndarray, sigma: float = 60.0, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(img.astype(np.float32) + rng.normal(0, sigma, img.shape), 0, 255).astype(
        np.uint8
    )


def partial(img: np.ndarray, keep: float = 0.35) -> np.ndarray:
    """Finger partly on the platen: all but the top `keep` of the rows become background."""
    out = img.copy()
    out[int(img.shape[0] * keep) :, :] = 255
    return out


def crop(img: np.ndarray, keep: float = 0.4) -> np.ndarray:
    """A centred crop keeping `keep` of each dimension."""
    h, w = img.shape[:2]
    ch, cw = int(h * keep), int(w * keep)
    y, x = (h - ch) // 2, (w - cw) // 2
    return np.ascontiguousarray(img[y : y + ch, x : x + cw])
