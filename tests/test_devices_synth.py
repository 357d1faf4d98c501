"""Synthetic biometrics: fingerprints with real ridge structure, faces OpenCV finds, signatures."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.simulated import synth


def _ridge_period(img: np.ndarray) -> float:
    """Dominant ridge period (px) of the central block, from the 2-D spectrum."""
    h, w = img.shape
    block = img[h // 2 - 64 : h // 2 + 64, w // 2 - 64 : w // 2 + 64].astype(np.float32)
    block -= block.mean()
    spec = np.abs(np.fft.fftshift(np.fft.fft2(block * np.outer(np.hanning(128), np.hanning(128)))))
    c = 64
    spec[c - 3 : c + 4, c - 3 : c + 4] = 0  # drop the DC neighbourhood
    y, x = np.unravel_index(np.argmax(spec), spec.shape)
    return 128 / float(np.hypot(y - c, x - c))


def test_fingerprint_shape_type_and_ridge_frequency():
    img = synth.fingerprint(2, seed=5)
    assert img.shape == (500, 400) and img.dtype == np.uint8
    assert 7.0 <= _ridge_period(img) <= 12.5  # 500 ppi ridges are about 8-11 px apart
    # dark ridges on a light background, with a real foreground area
    assert (img < 120).mean() > 0.12
    assert img[:10, :10].mean() > 200


def test_fingerprint_is_stable_per_seed_and_distinct_per_finger():
    a = synth.fingerprint(3, seed=11)
    assert np.array_equal(a, synth.fingerprint(3, seed=11))
    b = synth.fingerprint(4, seed=11)
    c = synth.fingerprint(3, seed=12)

    def corr(x, y):
        return float(np.corrcoef(x.ravel().astype(float), y.ravel().astype(float))[0, 1])

    assert corr(a, b) < 0.5 and corr(a, c) < 0.5
    # a second impression of the same finger is similar but not identical
    again = synth.fingerprint(3, seed=11, impression=0, quality="dry")
    assert not np.array_equal(a, again)


def test_fingerprint_qualities_degrade_visibly():
    good = synth.fingerprint(7, seed=2)
    blank = synth.fingerprint(7, seed=2, quality="blank")
    partial = synth.fingerprint(7, seed=2, quality="partial")
    smudged = synth.fingerprint(7, seed=2, quality="smudged")
    dry = synth.fingerprint(7, seed=2, quality="dry")
    assert blank.std() < 15 and good.std() > 50
    assert (partial < 150).mean() < 0.6 * (good < 150).mean()
    # smudged ridges are blurred: less high-frequency energy than the good print
    lap = [float(cv2.Laplacian(x, cv2.CV_32F).var()) for x in (good, smudged)]
    assert lap[1] < 0.5 * lap[0]
    # dry ridges are broken and light: less ink than the good print
    assert (dry < 120).mean() < 0.7 * (good < 120).mean()


def test_fingerprint_rejects_bad_arguments():
    with pytest.raises(ValueError, match="position"):
        synth.fingerprint(11, seed=1)
    with pytest.raises(ValueError, match="quality"):
        synth.fingerprint(1, seed=1, quality="wet")
    with pytest.raises(ValueError, match="size"):
        synth.fingerprint(1, seed=1, size=(10, 10))


def test_face_is_found_by_the_shipped_haar_cascade_on_the_right_backdrop():
    cascade = cv2.CascadeClassifier(
        cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    )
    for seed, year in ((1, 1990), (2, 1991), (3, 2001)):
        img = synth.face(seed, birth_year=year)
        assert img.shape == (480, 640, 3) and img.dtype == np.uint8
        faces = cascade.detectMultiScale(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), 1.1, 5,
                                         minSize=(80, 80))
        assert len(faces) == 1, f"seed {seed}: {len(faces)} faces"
        x, y, w, h = faces[0]
        assert abs((x + w / 2) - 320) < 40  # centred
        eyes = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_eye.xml")
        upper = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)[y : y + h // 2 + 20, x : x + w]
        assert len(eyes.detectMultiScale(upper, 1.1, 5)) >= 2
        corner = img[5:40, 5:40].reshape(-1, 3).mean(axis=0)  # B, G, R
        if year % 2:
            assert corner[2] > 150 and corner[0] < 80  # red backdrop for odd years
        else:
            assert corner[0] > 150 and corner[2] < 80  # blue for even years


def test_signature_strokes_are_timed_and_pressured():
    strokes = synth.signature(4)
    assert strokes == synth.signature(4)
    assert strokes != synth.signature(5)
    assert 1 <= len(strokes) <= 3
    times = [pt[2] for s in strokes for pt in s]
    assert times == sorted(times) and times[0] == 0
    for s in strokes:
        assert len(s) >= 40
        for x, y, _t, p in s:
            assert 0 <= x <= 640 and 0 <= y <= 240 and 0 < p <= 1
    img = synth.render_signature(strokes)
    assert img.shape == (240, 640) and (img < 128).mean() > 0.01


def test_station_quality_accepts_good_prints_and_rejects_degraded_ones():
    """The demo data must behave with the station's own quality check: good prints pass the
    threshold (40), degraded variants of the same finger score lower, blank scores 0."""
    from station.biometrics.finger import assess
    from station.domain import FINGER_QUALITY_THRESHOLD

    for seed, position in ((1, 1), (2, 6), (3, 9)):
        scores = {q: assess(synth.fingerprint(position, seed, q)).score for q in synth.QUALITIES}
        assert scores["good"] >= FINGER_QUALITY_THRESHOLD, scores
        assert scores["dry"] < scores["good"] and scores["smudged"] < scores["good"], scores
        assert scores["partial"] < FINGER_QUALITY_THRESHOLD, scores
        assert scores["blank"] == 0, scores


def test_station_face_check_accepts_synthetic_portraits():
    """The demo portraits pass the station's own face checks, backdrop rule included, and fail
    the backdrop rule for the other parity of birth year."""
    from station.biometrics import face as face_checks

    for seed, year in ((1, 1987), (2, 1990), (3, 2001)):
        img = synth.face(seed, year)
        result = face_checks.check(img, year)
        assert result.acceptable, [f.code for f in result.failures]
        wrong = face_checks.check(img, year + 1)
        assert not wrong.acceptable


def test_iris_is_stable_and_distinct_per_eye_and_seed():
    a = synth.iris(3, "left")
    assert a.shape == (480, 640) and a.dtype == np.uint8
    assert np.array_equal(a, synth.iris(3, "left"))
    assert not np.array_equal(a, synth.iris(3, "right"))
    assert not np.array_equal(a, synth.iris(4, "left"))
    assert a.min() < 40 and a.max() > 200  # dark pupil, specular highlight
    with pytest.raises(ValueError, match="eye"):
        synth.iris(3, "middle")
