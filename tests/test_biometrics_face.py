"""Face checks on the NIST face photo, the other sample photos, and frames made from them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from biometrics_helpers import color, gray

from station.biometrics.face import PORTRAIT_SIZE, FaceCheck, check, expected_backdrop

pytestmark = pytest.mark.needs_data

NIST_FACE = "faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg"


def frame(img: np.ndarray, shift: int = 0, scale: float = 1.0) -> np.ndarray:
    """A 640x480 camera-like frame: the portrait scaled to the frame height (times `scale`),
    the backdrop extended sideways, the subject moved `shift` px to the right."""
    h = int(480 * scale)
    w = int(img.shape[1] * h / img.shape[0])
    r = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    if h < 480:
        r = cv2.copyMakeBorder(
            r, (480 - h) // 2, 480 - h - (480 - h) // 2, 0, 0, cv2.BORDER_REPLICATE
        )
    left = (640 - w) // 2 + shift
    return cv2.copyMakeBorder(r, 0, 0, left, 640 - w - left, cv2.BORDER_REPLICATE)


def backdrop_mask(bgr: np.ndarray) -> np.ndarray:
    """Background pixels: flood fill from the upper corners, the head protected by an ellipse."""
    h, w = bgr.shape[:2]
    fx, fy, fw, fh = check(bgr).face_box
    mask = np.zeros((h + 2, w + 2), np.uint8)
    cv2.ellipse(
        mask,
        (fx + fw // 2 + 1, fy + fh // 2 - fh // 10 + 1),
        (int(fw * 0.62), int(fh * 0.85)),
        0,
        0,
        360,
        1,
        -1,
    )
    for seed in [(0, 0), (w - 1, 0), (0, h // 3), (w - 1, h // 3)]:
        cv2.floodFill(
            bgr.copy(),
            mask,
            seed,
            0,
            (12, 12, 12),
            (12, 12, 12),
            cv2.FLOODFILL_MASK_ONLY | (255 << 8) | 8,
        )
    return mask[1:-1, 1:-1] == 255


def with_backdrop(bgr: np.ndarray, bgr_colour: tuple[int, int, int]) -> np.ndarray:
    """The photo re-shot in front of a coloured cloth: colour, soft light falloff, sensor noise,
    then JPEG like a webcam."""
    m = backdrop_mask(bgr)
    h, w = bgr.shape[:2]
    shade = np.linspace(1.0, 0.85, w, dtype=np.float32)[None, :, None]
    cloth = np.array(bgr_colour, np.float32)[None, None, :] * shade
    cloth = cloth + np.random.default_rng(5).normal(0, 3, (h, w, 3))
    out = bgr.copy()
    out[m] = np.clip(np.broadcast_to(cloth, (h, w, 3))[m], 0, 255).astype(np.uint8)
    return cv2.imdecode(
        cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 90])[1], cv2.IMREAD_COLOR
    )


RED = (40, 35, 200)
BLUE = (190, 90, 30)


@pytest.fixture(scope="module")
def nist(biometric_data):
    return color(NIST_FACE)


def _codes(result: FaceCheck) -> list[str]:
    return [p.code for p in result.failures]


def test_nist_photo_passes_and_is_cropped(nist):
    res = check(nist)
    assert res.acceptable, res.failures
    assert res.metrics["faces"] == 1 and res.metrics["eyes_found"] is True
    assert abs(res.metrics["roll_deg"]) < 5
    x, y, w, h = res.face_box
    assert 0.2 < w / nist.shape[1] < 0.7 and x < nist.shape[1] / 2 < x + w
    assert res.portrait is not None and res.portrait.shape == (
        PORTRAIT_SIZE[1],
        PORTRAIT_SIZE[0],
        3,
    )
    assert PORTRAIT_SIZE[0] * 4 == PORTRAIT_SIZE[1] * 3  # 3:4
    # the crop shows the face: a second check of the portrait finds it, centred
    again = check(res.portrait)
    assert again.metrics["faces"] == 1 and abs(again.metrics["centre_offset"]) < 0.05
    d = res.as_dict("en")
    assert d["acceptable"] is True and d["failures"] == []


def test_camera_frame_passes(nist):
    res = check(frame(nist))
    assert res.acceptable, _codes(res)
    assert res.metrics["background_colour"] == "none"  # pale grey-mauve: no coloured backdrop


@pytest.mark.parametrize(
    ("colour", "year", "ok"),
    [
        (RED, 1991, True),
        (RED, 1990, False),
        (BLUE, 1990, True),
        (BLUE, 1991, False),
        (RED, None, True),
        (BLUE, None, True),
    ],
)
def test_backdrop_colour_rule(nist, colour, year, ok):
    img = frame(with_backdrop(nist, colour))
    res = check(img, birth_year=year)
    name = "red" if colour == RED else "blue"
    assert res.metrics["background_colour"] == name
    assert res.acceptable is ok, _codes(res)
    if not ok:
        assert _codes(res) == ["FACE_BACKGROUND_COLOUR"]
        msg = res.failures[0]
        assert str(year) in msg.message_id and expected_backdrop(year) in msg.message_en
        assert ("merah" if expected_backdrop(year) == "red" else "biru") in msg.message_id


def test_busy_background_is_reported(nist):
    m = backdrop_mask(nist)
    tex = cv2.resize(gray("fingerprints/sfinge-test01.png"), (nist.shape[1], nist.shape[0]))
    busy = nist.copy()
    busy[m] = cv2.cvtColor(tex, cv2.COLOR_GRAY2BGR)[m]
    res = check(busy, birth_year=1990)
    assert "FACE_BACKGROUND_NOT_PLAIN" in _codes(res)


@pytest.mark.parametrize("shift", [-120, 120])
def test_off_centre(nist, shift):
    res = check(frame(nist, shift=shift))
    assert "FACE_NOT_CENTRED" in _codes(res)
    text = res.failures[_codes(res).index("FACE_NOT_CENTRED")].message_en
    assert ("left" if shift > 0 else "right") in text


@pytest.mark.parametrize(("dy", "word"), [(-150, "high"), (150, "low")])
def test_face_too_high_or_low_in_the_frame(nist, dy, word):
    f = frame(nist)
    m = np.float32([[1, 0, 0], [0, 1, dy]])
    moved = cv2.warpAffine(f, m, (640, 480), borderMode=cv2.BORDER_REPLICATE)
    res = check(moved)
    assert "FACE_NOT_CENTRED" in _codes(res), res.metrics
    assert word in res.failures[_codes(res).index("FACE_NOT_CENTRED")].message_en
    assert res.portrait is None


def test_tight_frame_still_gives_a_portrait(nist):
    """Head a little large for 50 %: the crop tightens (up to 58 %) instead of failing."""
    tight = cv2.resize(nist[220:870, :], (768 * 480 // 650, 480))
    tight = cv2.copyMakeBorder(
        tight,
        0,
        0,
        (640 - tight.shape[1]) // 2,
        640 - tight.shape[1] - (640 - tight.shape[1]) // 2,
        cv2.BORDER_REPLICATE,
    )
    res = check(tight)
    assert res.acceptable, (_codes(res), res.metrics)
    share = res.face_box[3] / res.metrics["portrait_box"][3]
    assert 0.5 < share <= 0.58 and res.portrait.shape == (480, 360, 3)


def test_roll(nist):
    f = frame(nist)
    tilted = cv2.warpAffine(
        f, cv2.getRotationMatrix2D((320, 240), 14, 1.0), (640, 480), borderMode=cv2.BORDER_REPLICATE
    )
    assert "FACE_TILTED" in _codes(check(tilted))
    slight = cv2.warpAffine(
        f, cv2.getRotationMatrix2D((320, 240), 2, 1.0), (640, 480), borderMode=cv2.BORDER_REPLICATE
    )
    assert check(slight).acceptable


@pytest.mark.parametrize("angle", [-8, -4, 4, 8])
def test_roll_follows_the_rotation(nist, angle):
    f = frame(nist)
    base = check(f).metrics["roll_deg"]
    turned = cv2.warpAffine(
        f,
        cv2.getRotationMatrix2D((320, 240), angle, 1.0),
        (640, 480),
        borderMode=cv2.BORDER_REPLICATE,
    )
    roll = check(turned).metrics["roll_deg"]
    assert roll - base == pytest.approx(-angle, abs=2.0)


def test_blur_and_exposure(nist):
    f = frame(nist)
    assert "FACE_BLURRED" in _codes(check(cv2.GaussianBlur(f, (0, 0), 3)))
    dark = check((f * 0.22).astype(np.uint8))
    assert "FACE_TOO_DARK" in _codes(dark) and "FACE_BLURRED" not in _codes(dark)
    assert "FACE_TOO_BRIGHT" in _codes(check(cv2.convertScaleAbs(f, alpha=1.8, beta=90)))


def test_size(nist):
    far = check(frame(nist, scale=0.55))
    assert "FACE_TOO_FAR" in _codes(far)
    close = cv2.resize(nist[260:830, 84:684], (640, 480))  # the face fills the frame
    assert "FACE_TOO_CLOSE" in _codes(check(close))


def test_two_people(nist):
    f = frame(nist)
    both = cv2.resize(np.hstack([f, f]), (640, 240))
    both = cv2.copyMakeBorder(both, 120, 120, 0, 0, cv2.BORDER_REPLICATE)
    assert _codes(check(both)) == ["FACE_MULTIPLE"]


def test_no_human_face(biometric_data):
    dog = color("faces/lbm-face01-iso2005.jpg")  # a small white dog
    assert _codes(check(dog)) == ["FACE_NOT_FOUND"]
    assert _codes(check(np.full((480, 640, 3), 200, np.uint8))) == ["FACE_NOT_FOUND"]
    assert check(dog).portrait is None


def test_astronaut_is_too_small_in_its_frame(biometric_data):
    res = check(color("faces/skimage-astronaut.png"))
    assert not res.acceptable and res.metrics["faces"] == 1
    assert "FACE_TOO_FAR" in _codes(res)


def test_failures_are_bilingual(nist):
    res = check(cv2.GaussianBlur(frame(nist, shift=120), (0, 0), 3))
    assert len(res.failures) >= 2
    for p in res.failures:
        assert p.code.startswith("FACE_") and p.message_id and p.message_en
        assert p.message_id != p.message_en


def test_bad_input(nist):
    with pytest.raises(ValueError):
        check(nist.astype(np.float32))
    with pytest.raises(ValueError):
        check(nist, birth_year=12)
    assert check(cv2.cvtColor(nist, cv2.COLOR_BGR2GRAY)).metrics["faces"] == 1
    assert _codes(check(np.zeros((20, 20, 3), np.uint8))) == ["FACE_TOO_FAR"]
