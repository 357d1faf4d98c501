"""Iris quality checks on synthetic eyes with each defect, on bad input of every kind, and the
ISO/IEC 19794-6 records written and read back."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from biometrics_helpers import bio_root, color, gray

from devices.simulated import synth
from station.biometrics import iris
from station.biometrics.formats import FormatError, iso19794_6

SEEDS = [(1, "left"), (1, "right"), (2, "left"), (3, "right"), (5, "left"), (8, "right")]
# each defect and the failure the operator must be told about
DEFECT_FAILURE = {
    "occluded": "IRIS_OCCLUDED",
    "blurred": "IRIS_BLUR",
    "off_gaze": "IRIS_GAZE",
    "dilated": "IRIS_PUPIL_DILATED",
    "constricted": "IRIS_PUPIL_CONSTRICTED",
    "low_contrast": "IRIS_PUPIL_CONTRAST",
    "small": "IRIS_TOO_SMALL",
}


@pytest.mark.parametrize(("seed", "eye"), SEEDS)
def test_a_good_eye_passes_and_is_segmented_where_it_was_drawn(seed, eye):
    q = iris.check(synth.iris(seed, eye))
    g = synth.iris_geometry(seed, eye)
    assert q.acceptable, [f.code for f in q.failures]
    assert q.score >= 85
    assert q.pupil is not None and q.iris is not None
    assert abs(q.pupil.x - g.pupil[0]) < 4 and abs(q.pupil.y - g.pupil[1]) < 4
    assert abs(q.pupil.r - g.pupil[2]) < 0.12 * g.pupil[2]
    assert abs(q.iris.r - g.iris[2]) < 0.06 * g.iris[2]
    m = q.metrics
    assert m["usable_iris_area"] >= 90 and m["iris_radius_px"] >= 100
    assert 20 <= m["pupil_iris_ratio"] <= 50 and m["gaze_deg"] < 15


@pytest.mark.parametrize("defect", list(DEFECT_FAILURE))
@pytest.mark.parametrize(("seed", "eye"), SEEDS)
def test_each_defect_is_refused_by_its_own_name(seed, eye, defect):
    good = iris.check(synth.iris(seed, eye))
    q = iris.check(synth.iris(seed, eye, defects=(defect,)))
    codes = [f.code for f in q.failures]
    assert not q.acceptable and DEFECT_FAILURE[defect] in codes, codes
    assert q.score < good.score
    for f in q.failures:  # Bahasa Indonesia first, English second, each saying what to do
        assert f.message_id and f.message_en and f.message_id != f.message_en


@pytest.mark.parametrize(("seed", "eye"), SEEDS)
def test_closed_cut_and_glare_are_refused(seed, eye):
    closed = iris.check(synth.iris(seed, eye, defects=("closed",)))
    assert [f.code for f in closed.failures] == ["IRIS_NOT_FOUND"]
    cut = iris.check(synth.iris(seed, eye, defects=("cut",)))
    assert not cut.acceptable
    assert {"IRIS_MARGIN", "IRIS_NOT_FOUND"} & {f.code for f in cut.failures}
    glare = iris.check(synth.iris(seed, eye, defects=("glare",)))
    assert not glare.acceptable


def test_glare_is_named_as_a_reflection_when_the_eye_is_still_found():
    named = [iris.check(synth.iris(s, e, defects=("glare",))) for s, e in SEEDS]
    assert sum("IRIS_REFLECTION" in {f.code for f in q.failures} for q in named) >= 4


def _noise() -> np.ndarray:
    return np.random.default_rng(4).integers(0, 256, (480, 640)).astype(np.uint8)


@pytest.mark.parametrize(
    ("name", "image", "code"),
    [
        ("blank", np.full((480, 640), 255, np.uint8), "IRIS_UNIFORM"),
        ("black", np.zeros((480, 640), np.uint8), "IRIS_UNIFORM"),
        ("uniform grey", np.full((480, 640), 120, np.uint8), "IRIS_UNIFORM"),
        ("too small", np.zeros((100, 120), np.uint8), "IRIS_IMAGE_SIZE"),
        ("too large", np.zeros((3000, 200), np.uint8), "IRIS_IMAGE_SIZE"),
        ("noise", _noise(), "IRIS_NOT_FOUND"),
        ("smooth noise", cv2.GaussianBlur(_noise(), (0, 0), 2), "IRIS_NOT_FOUND"),
        ("a synthetic face", synth.face(3), "IRIS_NOT_FOUND"),
        ("a fingerprint", synth.fingerprint(2, 5), "IRIS_NOT_FOUND"),
    ],
)
def test_bad_input_is_a_named_refusal(name, image, code):
    q = iris.check(image)
    assert [f.code for f in q.failures] == [code], name
    assert q.score == 0 and not q.acceptable


@pytest.mark.needs_data
@pytest.mark.parametrize("rel", ["faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg",
                                 "faces/skimage-astronaut.png", "faces/lbm-face01-iso2005.jpg",
                                 "fingerprints/sfinge-test01.png"])
def test_a_face_or_a_print_given_as_an_iris_is_refused(biometric_data, rel):
    q = iris.check(color(rel) if rel.startswith("faces") else gray(rel))
    assert [f.code for f in q.failures] == ["IRIS_NOT_FOUND"]


def test_wrong_types_are_refused_with_a_coded_error():
    for bad in (np.zeros((480, 640), np.float32), np.zeros((4, 480, 640, 2), np.uint8)):
        with pytest.raises(iris.IrisInputError) as exc:
            iris.check(bad)
        assert exc.value.problem.code == "IRIS_IMAGE_INVALID"


def test_colour_input_is_converted():
    img = synth.iris(2, "left")
    assert iris.check(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)).score == pytest.approx(
        iris.check(img).score, abs=0.5)


def test_the_result_serialises_for_the_cli():
    d = iris.check(synth.iris(1, "right")).as_dict("en")
    assert set(d) >= {"score", "acceptable", "failures", "metrics", "pupil", "iris", "elapsed_ms"}


# --- ISO/IEC 19794-6 -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [iso19794_6.FORMAT_MONO_JPEG2000, iso19794_6.FORMAT_MONO_PNG])
def test_records_are_written_and_read_back_losslessly(fmt):
    left, right = synth.iris(6, "left"), synth.iris(6, "right")
    reps = [iso19794_6.from_gray(left, "left", quality=88, iris_circle=(320.4, 240.6, 115.2),
                                 image_format=fmt),
            iso19794_6.from_gray(right, "right", quality=255, image_format=fmt)]
    data = iso19794_6.write(reps)
    assert data[:8] == b"IIR\x00020\x00"
    assert int.from_bytes(data[8:12], "big") == len(data)
    assert data[14] == 0 and data[15] == 2  # certification flag 0, two eyes
    a, b = iso19794_6.read(data)
    assert (a.eye, b.eye) == ("left", "right")
    assert a.image_type == iso19794_6.IMAGE_TYPE_CROPPED and a.image_format == fmt
    assert a.compression == "lossless" and a.bit_depth == 8 and (a.width, a.height) == (640, 480)
    assert a.quality_blocks == [(88, 0, 0)] and b.quality_blocks == [(255, 0, 0)]
    assert a.iris_centre == (319, 321, 240, 242) and a.iris_diameter == (228, 232)
    assert np.array_equal(a.decode(), left) and np.array_equal(b.decode(), right)


def test_the_writer_refuses_what_a_record_cannot_hold():
    img = synth.iris(1, "left")
    with pytest.raises(ValueError):
        iso19794_6.from_gray(img, "middle")
    with pytest.raises(ValueError):
        iso19794_6.write([iso19794_6.from_gray(img, "left", quality=101)])
    with pytest.raises(ValueError):
        iso19794_6.write([])
    with pytest.raises(ValueError):
        iso19794_6.from_gray(img.astype(np.float32), "left")


@pytest.mark.parametrize("cut", [1, 15, 16, 40, 70, 1000, -3])
def test_a_truncated_record_is_a_named_refusal(cut):
    data = iso19794_6.write([iso19794_6.from_gray(synth.iris(1, "left"), "left", quality=80,
                                                  image_format=iso19794_6.FORMAT_MONO_PNG)])
    with pytest.raises(FormatError) as exc:
        iso19794_6.read(data[:cut])
    assert exc.value.problem.code in ("FORMAT_TRUNCATED", "FORMAT_INVALID")


@pytest.mark.needs_data
def test_the_nist_sample_record_parses_and_is_judged(biometric_data):
    data = (bio_root() / "formats/iris01.iso2011").read_bytes()
    (rep,) = iso19794_6.read(data)
    assert rep.eye == "left" and (rep.width, rep.height) == (76, 47)
    assert rep.compression == "lossy"
    # a 76 x 47 crop is far below what an iris check can use: refused by name
    img = rep.decode()
    assert [f.code for f in iris.check(img).failures] == ["IRIS_IMAGE_SIZE"]
