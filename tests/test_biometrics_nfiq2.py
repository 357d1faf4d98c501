"""NFIQ 2 against NIST: the forest on NIST's own features, NFIQ 2 proper on NIST's SFinGe prints,
the fast live estimate against the reference scores, and bad input."""

from __future__ import annotations

import csv

import cv2
import numpy as np
import pytest
from biometrics_helpers import SFINGE, gray

from station.biometrics import nfiq2
from station.biometrics.finger import assess
from station.biometrics.formats import iso19794_4

pytestmark = pytest.mark.needs_data


def _spearman(a: list[float], b: list[float]) -> float:
    """Spearman's rank correlation with average ranks for ties (no scipy needed)."""
    def ranks(x: list[float]) -> np.ndarray:
        x = np.asarray(x, float)
        order = np.argsort(x, kind="stable")
        r = np.empty(len(x))
        r[order] = np.arange(len(x))
        for v in np.unique(x):  # ties share their mean rank
            r[x == v] = r[x == v].mean()
        return r
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


@pytest.fixture(scope="module")
def nist_sfinge(biometric_data):
    text = (biometric_data / "expected/nfiq2-sfinge.csv").read_text()
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture(scope="module")
def reference(biometric_data, nist_sfinge):
    """The 25 grey-scale 500 ppi prints and their reference NFIQ 2 scores: NIST's own for the
    SFinGe prints, the shared `afis_rf_raw_score` for the rest. Left out: the 14 bilevel WVU
    prints (NFIQ 2 is not meant for 1-bit images) and valid1.2 r03 (a copy of valid1.1)."""
    nist = {r["file"]: int(r["UnifiedQualityScore"]) for r in nist_sfinge}
    text = (biometric_data / "expected/fingerprints.csv").read_text()
    out = {}
    for r in csv.DictReader(text.splitlines()):
        if r["ppi"] != "500" or "bilevel" in r["kind"] or "valid1.2-r03" in r["file"]:
            continue
        out[r["file"]] = nist.get(r["file"], int(r["afis_rf_raw_score"]))
    assert len(out) == 25
    return out


def test_the_forest_gives_nists_scores_from_nists_features(nist_sfinge):
    """NIST's 69 native quality measures of each SFinGe print (NFIQ2 examples/output) through
    the station's evaluation of the forest give NIST's unified score exactly."""
    rf = nfiq2.forest()
    for row in nist_sfinge:
        feats = {k: float(row[k]) for k in nfiq2.FEATURE_ORDER}
        assert rf.predict(feats) == int(row["UnifiedQualityScore"]), row["file"]


def test_nfiq2_proper_agrees_with_nist_on_the_sfinge_prints(nist_sfinge):
    errors = []
    for row in nist_sfinge:
        result = nfiq2.compute(gray(row["file"]))
        errors.append(abs(result.score - int(row["UnifiedQualityScore"])))
        # NIST's actionable feedback: mean grey and standard deviation after the white frame
        assert result.mean == pytest.approx(float(row["EmptyImageOrContrastTooLow"]), abs=1e-3)
        assert result.sigma == pytest.approx(float(row["UniformImage"]), abs=1e-3)
        assert result.nist_size
    assert np.mean(errors) <= 4.0, errors
    assert max(errors) <= 10, errors


def test_nfiq2_proper_ranks_the_25_prints_like_the_reference(reference):
    ours = [nfiq2.compute(gray(f)).score for f in reference]
    assert _spearman(ours, list(reference.values())) >= 0.9


def test_the_live_score_ranks_the_25_prints_like_the_reference(reference):
    live = [assess(gray(f), minutiae=False).score for f in reference]
    estimate = [nfiq2.estimate(np.ascontiguousarray(gray(f)))[0] for f in reference]
    assert _spearman(live, list(reference.values())) >= 0.6
    # the estimate alone (before the guards) tracks NFIQ 2 closely
    assert _spearman(estimate, list(reference.values())) >= 0.8
    assert np.mean(np.abs(np.subtract(estimate, list(reference.values())))) <= 6


def test_the_live_score_does_not_depend_on_counting_minutiae():
    for rel in SFINGE[:2]:
        full, live = assess(gray(rel)), assess(gray(rel), minutiae=False)
        assert full.score == pytest.approx(live.score)
        assert "minutiae" in full.features and "minutiae" not in live.features


def test_the_quality_block_names_nfiq_2_3():
    result = nfiq2.compute(gray(SFINGE[1]))
    block = result.quality_block
    assert (block.score, block.vendor, block.algorithm) == (result.score, 0x0101, 0x39)
    record = iso19794_4.write([iso19794_4.FingerImage(2, gray(SFINGE[1]), quality=[block],
                                                      compression="png")])
    (rep,) = iso19794_4.read(record)
    assert rep.quality == [block]


@pytest.mark.parametrize(
    ("image", "score"),
    [
        (np.full((500, 400), 255, np.uint8), 0),  # empty (NIST: mean above 250)
        (np.full((500, 400), 128, np.uint8), 0),  # uniform (NIST: sigma below 1)
        (np.full((500, 400), 40, np.uint8), 0),
    ],
)
def test_empty_and_uniform_images_score_zero(image, score):
    assert nfiq2.compute(image).score == score
    assert nfiq2.estimate(image)[0] == score


@pytest.mark.parametrize(
    ("image", "code"),
    [
        (np.zeros((60, 400), np.uint8), "NFIQ2_IMAGE_TOO_SMALL"),
        (np.zeros((500, 400), np.float32), "NFIQ2_INPUT"),
        (np.zeros((5, 5, 5, 5), np.uint8), "NFIQ2_INPUT"),
    ],
)
def test_unusable_input_is_refused_by_name(image, code):
    with pytest.raises(nfiq2.Nfiq2Error) as exc:
        nfiq2.compute(image)
    assert exc.value.problem.code == code
    assert exc.value.problem.message_id and exc.value.problem.message_en


def test_colour_and_other_resolutions_are_converted():
    g = gray(SFINGE[2])
    assert nfiq2.compute(cv2.cvtColor(g, cv2.COLOR_GRAY2BGR)).score == nfiq2.compute(g).score
    # the same print scanned at 1000 ppi, declared as such, is resampled to 500 ppi first
    big = cv2.resize(g, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    assert abs(nfiq2.compute(big, ppi=1000).score - nfiq2.compute(g).score) <= 6
    # a slap is scored, but flagged as outside the sizes NIST's tool accepts
    slap = gray("fingerprints/lbm-type4-type4-slaps-r02-f14.png")
    assert not nfiq2.compute(slap).nist_size


def test_the_capture_service_adds_nfiq2_and_writes_it_into_the_iso_record():
    from station.services import capture as capture_service

    img = gray(SFINGE[3])
    outcome = capture_service.finger_capture(img, 500, 2, "sim")
    assert outcome.capture.nfiq2 is None  # the live score is there at once; NFIQ 2 follows
    score = capture_service.finger_nfiq2(img, 500)
    cap = capture_service.with_nfiq2(outcome.capture, score)
    assert cap.nfiq2 == score.score and cap.quality == outcome.capture.quality
    (rep,) = iso19794_4.read(capture_service.finger_iso_record(img, cap))
    assert rep.position == 2 and rep.compression == "wsq"
    assert rep.quality == [iso19794_4.QualityBlock(score.score, 0x0101, 0x39)]


def test_a_borderline_live_score_gets_nfiq2_at_capture_and_nfiq2_decides():
    from devices.simulated import synth
    from station.domain import Enrollment
    from station.services import capture as capture_service

    img = synth.fingerprint(7, 17)  # live score 35, NFIQ 2 proper 44
    outcome = capture_service.finger_capture(img, 500, 7, "sim")
    assert not outcome.quality.acceptable and outcome.nfiq2 is not None
    assert outcome.acceptable and outcome.capture.nfiq2 == outcome.nfiq2.score >= 40
    e = Enrollment(station_id="s", operator="o", fingers={outcome.capture.position:
                                                          outcome.capture})
    assert not [p for p in e.completeness_problems() if p.code.startswith("FINGER_QUALITY_LOW")]
    # a clearly poor print is not given a second opinion
    poor = capture_service.finger_capture(synth.fingerprint(2, 5, "smudged"), 500, 2, "sim")
    assert poor.nfiq2 is None and not poor.acceptable


def test_the_opencv_helpers_match_scipys(biometric_data):
    """afis's measures run on OpenCV stand-ins for scipy.ndimage (station/biometrics/nfiq2.py):
    the same arrays as scipy's, and the same NFIQ 2 score on every shared 500 ppi print."""
    from scipy import ndimage

    module = nfiq2._features_module()
    rng = np.random.default_rng(7)
    img = rng.integers(0, 256, (120, 90)).astype(np.float64)
    for ksize in (41, 91):
        k = module._gaussian_kernel1d(ksize)
        expected = ndimage.convolve1d(ndimage.convolve1d(img, k, axis=1, mode="nearest"), k,
                                      axis=0, mode="nearest")
        np.testing.assert_allclose(nfiq2._gaussian_blur(img, ksize), expected, atol=1e-9)
    cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=np.int8)
    for mask in (rng.random((64, 80)) > 0.55, np.zeros((5, 5), bool), np.ones((5, 5), bool)):
        labels, n = nfiq2._label_components(mask)
        expected, m = ndimage.label(mask, structure=cross)
        assert n == m and np.array_equal(labels, expected)

    original = {name: getattr(module, name) for name in ("_gaussian_blur", "_label_components")}

    def scipy_blur(im, ksize):
        k = module._gaussian_kernel1d(ksize)
        f = im.astype(np.float64)
        return ndimage.convolve1d(ndimage.convolve1d(f, k, axis=1, mode="nearest"), k,
                                  axis=0, mode="nearest")

    def scipy_label(mask):
        labels, n = ndimage.label(mask, structure=cross)
        return labels.astype(np.int32), int(n)

    text = (biometric_data / "expected/fingerprints.csv").read_text()
    files = [r["file"] for r in csv.DictReader(text.splitlines())
             if r["ppi"] == "500" and "bilevel" not in r["kind"]]
    ours = [nfiq2.compute(gray(f)).score for f in files]
    try:
        module._gaussian_blur, module._label_components = scipy_blur, scipy_label
        theirs = [nfiq2.compute(gray(f)).score for f in files]
    finally:
        for name, fn in original.items():
            setattr(module, name, fn)
    assert len(files) >= 25 and ours == theirs
