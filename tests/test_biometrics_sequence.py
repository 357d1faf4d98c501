"""The finger-sequence check on one real person's ten prints (NIST WVU transaction)."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest
from biometrics_helpers import gray

from station.biometrics.sequence import (
    SAME_FINGER_MIN_INLIERS,
    check,
    compare,
    extract,
)
from station.domain import FingerPosition

pytestmark = pytest.mark.needs_data

P = "fingerprints/"


def rolled(i: int) -> np.ndarray:
    return gray(f"{P}nbis-type6-type_6_wvu-r{i + 1:02d}-f{i:02d}.png")


def low_res(i: int) -> np.ndarray:
    img = gray(f"{P}other-resolution/nbis-type3-type_3_wvu-r{i + 1:02d}-f{i:02d}.png")
    return cv2.resize(img, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)  # 250 -> 500 ppi


PLAIN_RIGHT_THUMB = P + "nbis-type6-type_6_wvu-r15-f11.png"
PLAIN_LEFT_THUMB = P + "nbis-type6-type_6_wvu-r14-f12.png"


def recapture(img: np.ndarray, angle: float = 12.0, seed: int = 0) -> np.ndarray:
    """A second impression of the same finger: rotated, shifted, cropped, lighter, with a smooth
    elastic distortion of a few pixels and sensor noise."""
    h, w = img.shape
    rng = np.random.default_rng(seed)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += (25, -18)
    out = cv2.warpAffine(img, m, (w, h), borderValue=255)
    dx = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 40)
    dy = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 40)
    dx *= 9.0 / (np.abs(dx).max() + 1e-6)
    dy *= 9.0 / (np.abs(dy).max() + 1e-6)
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out = cv2.remap(out, gx + dx, gy + dy, cv2.INTER_LINEAR, borderValue=255)
    out = cv2.GaussianBlur(out, (0, 0), 1.0)
    out = out[int(h * 0.08) : int(h * 0.9), int(w * 0.1) : int(w * 0.92)]
    out = out.astype(np.float32) * 0.8 + 40 + rng.normal(0, 6, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def ten(biometric_data):
    return {FingerPosition(i): extract(rolled(i)) for i in range(1, 11)}


@pytest.mark.slow
def test_operating_threshold_on_real_data(ten):
    """Impostors (different fingers of the same person) far below the threshold, genuine pairs
    (different impressions of one finger) above it."""
    impostor = [compare(ten[a], ten[b]).inliers for a, b in itertools.combinations(ten, 2)]
    assert len(impostor) == 45
    plain_r, plain_l = extract(gray(PLAIN_RIGHT_THUMB)), extract(gray(PLAIN_LEFT_THUMB))
    impostor += [compare(ten[p], plain_r).inliers for p in ten if p != FingerPosition.RIGHT_THUMB]
    impostor += [compare(ten[p], plain_l).inliers for p in ten if p != FingerPosition.LEFT_THUMB]
    genuine = [
        compare(ten[FingerPosition.RIGHT_THUMB], plain_r).inliers,
        compare(ten[FingerPosition.LEFT_THUMB], plain_l).inliers,
    ]
    assert max(impostor) <= SAME_FINGER_MIN_INLIERS // 2, sorted(impostor)[-5:]
    assert min(genuine) >= SAME_FINGER_MIN_INLIERS + 5, genuine


def test_a_correct_record_has_no_sequence_problem(ten):
    assert check({}, templates=ten) == []


def test_plain_thumb_in_the_index_slot_is_caught(ten):
    tpl = dict(ten)
    tpl[FingerPosition.RIGHT_INDEX] = extract(gray(PLAIN_RIGHT_THUMB))
    found = check({}, templates=tpl)
    assert [(p.first, p.second) for p in found] == [
        (FingerPosition.RIGHT_THUMB, FingerPosition.RIGHT_INDEX)
    ]
    p = found[0]
    assert p.code == "FINGER_SEQUENCE_DUPLICATE" and p.inliers >= SAME_FINGER_MIN_INLIERS
    assert "ibu jari kanan" in p.message_id and "telunjuk kanan" in p.message_id
    assert "right thumb" in p.message_en and "right index" in p.message_en
    assert p.as_dict("en")["first"] == 1


@pytest.mark.parametrize("finger", [2, 7, 9])
def test_the_same_finger_rescanned_is_caught(ten, finger):
    """Images, not templates: the left hand's slot holds a re-capture of a right-hand finger."""
    prints = {
        FingerPosition(finger): rolled(finger),
        FingerPosition.LEFT_LITTLE: recapture(rolled(finger), seed=finger),
        FingerPosition.LEFT_THUMB: rolled(6),
    }
    found = check(prints)
    assert [(int(p.first), int(p.second)) for p in found] == [(finger, 10)]


def test_same_impression_from_a_250ppi_scan(ten):
    res = compare(ten[FingerPosition.RIGHT_MIDDLE], extract(low_res(3)))
    assert res.same_finger and res.inliers > 100
    assert abs(res.rotation_deg) < 3 and res.scale == pytest.approx(1.0, abs=0.05)
    # and the template extractor resamples by itself when told the resolution
    direct = extract(gray(f"{P}other-resolution/nbis-type3-type_3_wvu-r04-f03.png"), ppi=250)
    assert compare(ten[FingerPosition.RIGHT_MIDDLE], direct).same_finger


def test_blank_and_bad_prints(ten):
    blank = np.full((500, 400), 255, np.uint8)
    assert len(extract(blank)) == 0
    tpl = {FingerPosition.RIGHT_THUMB: ten[FingerPosition.RIGHT_THUMB]}
    assert (
        check({FingerPosition.LEFT_THUMB: blank, FingerPosition.LEFT_INDEX: blank}, templates=tpl)
        == []
    )
    with pytest.raises(ValueError):
        extract(blank.astype(np.float32))
    with pytest.raises(ValueError):
        extract(blank, ppi=5)
