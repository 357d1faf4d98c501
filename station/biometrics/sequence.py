"""Finger-sequence check: the same finger captured in two slots is caught before saving.

Matcher: local ridge-pattern correlation by keypoints with geometric verification. Each print is
brought to 250 ppi, lightly smoothed and contrast-equalised (CLAHE); SIFT keypoints and
descriptors (OpenCV) are matched with Lowe's ratio test, and RANSAC fits one similarity
transform (rotation, shift, scale 0.8-1.25) to the matches. The score is the number of matches
consistent with that single transform: two impressions of different fingers rarely have more
than a handful, two impressions of the same finger have dozens.

Operating threshold `SAME_FINGER_MIN_INLIERS = 12`, measured on the NIST WVU transaction (one
person, ten rolled fingers at 500 ppi, plain thumbs, four-finger slaps and 250 ppi copies):

- 45 pairs of different rolled fingers of the same person: 0-5 inliers (max 5);
- rolled finger vs every other plain thumb / 250 ppi copy of another finger: max 4-5;
- rolled thumb vs plain thumb of the same finger (different impressions): 21 and 51;
- the same impression at 500 and 250 ppi: 290-345.

docs/biometrics.md has the table; tests/test_biometrics_sequence.py re-measures it.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from station.domain import FingerPosition
from station.domain.problems import Problem

SAME_FINGER_MIN_INLIERS = 12
WORK_PPI = 250
N_FEATURES = 800
RATIO = 0.8
RANSAC_PX = 6.0  # at 250 ppi, i.e. 12 px (0.6 mm) at 500 ppi


@dataclass(frozen=True)
class Template:
    """Keypoint positions (N x 2, at WORK_PPI) and SIFT descriptors (N x 128) of one print."""

    points: np.ndarray
    descriptors: np.ndarray | None

    def __len__(self) -> int:
        return 0 if self.descriptors is None else len(self.descriptors)


@dataclass(frozen=True)
class MatchResult:
    inliers: int
    matches: int
    rotation_deg: float | None = None
    scale: float | None = None

    @property
    def same_finger(self) -> bool:
        return self.inliers >= SAME_FINGER_MIN_INLIERS


@dataclass(frozen=True)
class SequenceProblem:
    """Two slots that hold the same finger."""

    first: FingerPosition
    second: FingerPosition
    inliers: int
    problem: Problem

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def message_id(self) -> str:
        return self.problem.message_id

    @property
    def message_en(self) -> str:
        return self.problem.message_en

    def as_dict(self, locale: str = "id") -> dict[str, object]:
        return {
            "first": int(self.first),
            "second": int(self.second),
            "inliers": self.inliers,
            **self.problem.as_dict(locale),
        }


_local = threading.local()


def _tools() -> tuple[cv2.SIFT, cv2.CLAHE, cv2.BFMatcher]:
    tools = getattr(_local, "tools", None)
    if tools is None:
        tools = _local.tools = (
            cv2.SIFT_create(nfeatures=N_FEATURES),
            cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)),
            cv2.BFMatcher(cv2.NORM_L2),
        )
    return tools


def extract(gray: np.ndarray, ppi: int = 500) -> Template:
    """The matching template of one print (2-D uint8; colour is converted)."""
    img = np.asarray(gray)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.ndim != 2 or img.dtype != np.uint8:
        raise ValueError(f"a fingerprint must be a 2-D uint8 image, got {img.dtype} {img.shape}")
    if not 100 <= ppi <= 2000:
        raise ValueError(f"resolution {ppi} ppi is outside 100-2000 ppi")
    sift, clahe, _ = _tools()
    s = WORK_PPI / ppi
    work = cv2.resize(
        img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    )
    if work.std() < 2.0:  # blank: nothing to match
        return Template(np.zeros((0, 2), np.float32), None)
    work = clahe.apply(cv2.GaussianBlur(work, (0, 0), 0.7))
    kps, desc = sift.detectAndCompute(work, None)
    pts = np.float32([k.pt for k in kps]).reshape(-1, 2)
    return Template(pts, desc)


def compare(a: Template, b: Template) -> MatchResult:
    """How many keypoint matches one similarity transform explains."""
    if len(a) < 3 or len(b) < 3:
        return MatchResult(0, 0)
    _, _, bf = _tools()
    pairs = bf.knnMatch(a.descriptors, b.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    if len(good) < 4:
        return MatchResult(0, len(good))
    src = a.points[[g.queryIdx for g in good]]
    dst = b.points[[g.trainIdx for g in good]]
    m, inl = cv2.estimateAffinePartial2D(
        src,
        dst,
        method=cv2.RANSAC,
        ransacReprojThreshold=RANSAC_PX,
        maxIters=2000,
        confidence=0.99,
    )
    if m is None or inl is None:
        return MatchResult(0, len(good))
    scale = float(np.hypot(m[0, 0], m[1, 0]))
    rot = float(np.degrees(np.arctan2(m[1, 0], m[0, 0])))
    if not 0.8 <= scale <= 1.25:  # both prints are at 500 ppi: a real match keeps the scale
        return MatchResult(0, len(good), rot, scale)
    return MatchResult(int(inl.sum()), len(good), rot, scale)


def _problem(a: FingerPosition, b: FingerPosition) -> Problem:
    return Problem(
        "FINGER_SEQUENCE_DUPLICATE",
        f"Sidik jari {a.label_id} dan {b.label_id} tampaknya jari yang sama; ambil ulang "
        "keduanya dengan jari yang benar.",
        f"The {a.label_en} and {b.label_en} prints look like the same finger; capture both "
        "again with the right fingers.",
    )


def check(
    prints: dict[FingerPosition, np.ndarray],
    ppi: int = 500,
    threshold: int = SAME_FINGER_MIN_INLIERS,
    templates: dict[FingerPosition, Template] | None = None,
) -> list[SequenceProblem]:
    """Every pair of slots whose prints match. `templates` may carry templates already
    extracted (e.g. at capture time); missing ones are extracted here."""
    tpl = dict(templates or {})
    for pos, img in prints.items():
        if pos not in tpl:
            tpl[FingerPosition(pos)] = extract(img, ppi)
    found = []
    for a, b in itertools.combinations(sorted(tpl), 2):
        res = compare(tpl[a], tpl[b])
        if res.inliers >= threshold:
            pa, pb = FingerPosition(a), FingerPosition(b)
            found.append(SequenceProblem(pa, pb, res.inliers, _problem(pa, pb)))
    return found
