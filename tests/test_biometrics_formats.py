"""WSQ, ISO/IEC 19794-4/-5, ANSI/NIST-ITL and FMR readers/writers on the NIST samples."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime

import cv2
import numpy as np
import pytest
from biometrics_helpers import color, gray

from station.biometrics.formats import (
    FormatError,
    ansi_nist,
    iso19794_4,
    iso19794_5,
    iso19794_6,
    minutiae,
    wsq,
)

pytestmark = pytest.mark.needs_data


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


@pytest.fixture(scope="module")
def expected(biometric_data):
    return json.loads((biometric_data / "expected" / "formats.json").read_text())


def _bytes(biometric_data, rel):
    return (biometric_data / rel).read_bytes()


# --- WSQ ------------------------------------------------------------------------------------


def test_wsq_decodes_nist_sample_with_its_header(biometric_data, expected):
    data = _bytes(biometric_data, "formats/img.wsq")
    img = wsq.decode(data)
    exp = expected["formats/img.wsq"]
    assert img.shape == (exp["height"], exp["width"])
    assert wsq.nistcom(data)["WSQ_BITRATE"] == "2.250000"
    assert wsq.read_ppi(data) == 500
    # the sample is dark discs on white: mostly bright with a real dark fraction
    assert np.median(img) > 200 and (img < 80).mean() > 0.05


def test_wsq_round_trip_fidelity_on_a_real_print(biometric_data):
    orig = gray("fingerprints/nbis-type6-valid1.2-r03-f00.png")  # the uncompressed original
    data = wsq.encode(orig)
    assert data[:2] == b"\xff\xa0" and len(data) < orig.size / 8  # about 15:1 at 0.75 bpp
    back = wsq.decode(data)
    assert back.shape == orig.shape
    assert _psnr(back, orig) > 28.0


def test_wsq_encode_states_the_resolution(biometric_data):
    orig = gray("fingerprints/sfinge-test01.png")
    data = wsq.encode(orig, ppi=1000)
    assert wsq.read_ppi(data) == 1000
    assert wsq.decode(data).shape == orig.shape


def test_nist_wsq_in_an2_matches_the_published_png(biometric_data):
    recs = ansi_nist.read(_bytes(biometric_data, "formats/valid1.1.an2"))
    img = ansi_nist.record_image(recs[2])
    ref = gray("fingerprints/nbis-type4-valid1.1-r02-f10.png")
    assert np.array_equal(img, ref)
    # and the README's fidelity figure against the uncompressed original (31.9 dB)
    assert _psnr(img, gray("fingerprints/nbis-type6-valid1.2-r03-f00.png")) == pytest.approx(
        31.9, abs=0.2
    )


@pytest.mark.parametrize("cut", [1, 100, 4000])
def test_wsq_truncated_is_a_clear_error(biometric_data, cut):
    data = _bytes(biometric_data, "formats/img.wsq")
    with pytest.raises(wsq.WsqError) as err:
        wsq.decode(data[:-cut])
    assert err.value.problem.code == "FORMAT_TRUNCATED"
    assert "terpotong" in err.value.problem.message_id


def test_wsq_garbage_and_bad_markers(biometric_data, capfd):
    with pytest.raises(wsq.WsqError):
        wsq.decode(b"\xff\xa0garbage\xff\xa1")
    data = bytearray(_bytes(biometric_data, "formats/img.wsq"))
    data[2:4] = b"\xff\xee"  # unknown marker right after SOI
    with pytest.raises(wsq.WsqError):
        wsq.decode(bytes(data))
    assert capfd.readouterr().err == ""  # rejected before the C codec prints anything


def test_wsq_header_sizes_are_checked_before_the_codec(biometric_data):
    data = bytearray(_bytes(biometric_data, "formats/img.wsq"))
    sof = data.find(b"\xff\xa2")
    data[sof + 6] = 0xCA  # height 256 -> 51712: the NBIS codec would corrupt its heap
    with pytest.raises(wsq.WsqError) as err:
        wsq.decode(bytes(data))
    assert "51712" in err.value.problem.message_en


def test_wsq_damaged_streams_never_take_the_process_down(biometric_data):
    """Random damage to the sample: every outcome is an image or a WsqError (the codec runs in
    a child process, so even a crash there is only an error here)."""
    rng = np.random.default_rng(4)
    clean = _bytes(biometric_data, "formats/img.wsq")
    outcomes = {"image": 0, "error": 0}
    for _ in range(12):
        data = bytearray(clean)
        for _ in range(3):
            data[int(rng.integers(600, len(data) - 2))] = int(rng.integers(0, 256))
        try:
            img = wsq.decode(bytes(data))
            assert img.shape == (256, 256)
            outcomes["image"] += 1
        except wsq.WsqError as exc:
            assert exc.problem.code in ("FORMAT_INVALID", "FORMAT_TRUNCATED")
            outcomes["error"] += 1
    assert sum(outcomes.values()) == 12


def test_wsq_codec_crash_in_the_child_is_an_error(biometric_data, monkeypatch):
    monkeypatch.setattr(wsq, "child_argv",
                        lambda _flag, _script: [sys.executable, "-c", "import os; os.abort()"])
    with pytest.raises(wsq.WsqError) as err:
        wsq.decode(_bytes(biometric_data, "formats/img.wsq"))
    assert "abnormal" in err.value.problem.message_en
    # in-process decoding (for bytes the station wrote itself) does not use the child
    assert wsq.decode(_bytes(biometric_data, "formats/img.wsq"), isolated=False).shape == (256, 256)


def test_wsq_encode_rejects_wrong_input():
    with pytest.raises(ValueError):
        wsq.encode(np.zeros((64, 64, 3), np.uint8))
    with pytest.raises(ValueError):
        wsq.encode(np.zeros((8, 8), np.uint8))


# --- ISO/IEC 19794-4:2011 -------------------------------------------------------------------


@pytest.mark.parametrize("compression", ["raw", "wsq", "png"])
def test_iso19794_4_round_trip(biometric_data, compression):
    a = gray("fingerprints/sfinge-test02.png")
    b = gray("fingerprints/sivv-card0003_05.png")
    when = datetime(2026, 11, 29, 8, 30, 15, 250_000, tzinfo=UTC)
    reps = [
        iso19794_4.FingerImage(
            position=2,
            image=a,
            compression=compression,
            captured_at=when,
            quality=[iso19794_4.QualityBlock(57, 0x000F, 0x0002)],
        ),
        iso19794_4.FingerImage(
            position=7,
            image=b,
            compression=compression,
            captured_at=when,
            impression=iso19794_4.IMPRESSION_LIVE_ROLLED,
            device_vendor=0x1234,
        ),
    ]
    data = iso19794_4.write(reps)
    assert data[:8] == b"FIR\x00020\x00"
    assert int.from_bytes(data[8:12], "big") == len(data)
    back = iso19794_4.read(data)
    assert [r.position for r in back] == [2, 7]
    assert back[0].quality == [iso19794_4.QualityBlock(57, 0x000F, 0x0002)]
    assert back[0].captured_at == when
    assert back[1].impression == iso19794_4.IMPRESSION_LIVE_ROLLED
    assert back[1].device_vendor == 0x1234
    assert back[0].ppi == 500 and back[0].compression == compression
    for orig, rep in zip((a, b), back, strict=True):
        assert rep.image.shape == orig.shape
        if compression == "wsq":
            assert _psnr(rep.image, orig) > 25
        else:
            assert np.array_equal(rep.image, orig)


def test_iso19794_4_rejects_damage(biometric_data):
    img = gray("fingerprints/sfinge-test01.png")
    data = iso19794_4.write([iso19794_4.FingerImage(position=1, image=img, compression="wsq")])
    with pytest.raises(FormatError) as err:
        iso19794_4.read(data[:-10])
    assert err.value.problem.code == "FORMAT_TRUNCATED"
    with pytest.raises(FormatError):
        iso19794_4.read(b"FAC\x00" + data[4:])
    with pytest.raises(FormatError) as err:
        iso19794_4.read(data[:4] + b"010\x00" + data[8:])
    assert err.value.problem.code == "FORMAT_VERSION"
    bad = bytearray(data)
    bad[16 + 4 + 9 + 6 + 1 + 11] = 9  # compression code 9 does not exist
    with pytest.raises(FormatError):
        iso19794_4.read(bytes(bad))


# --- ISO/IEC 19794-5:2005 -------------------------------------------------------------------


def test_iso19794_5_reads_the_nist_face_record(biometric_data, expected):
    data = _bytes(biometric_data, "formats/face01.iso2005")
    exp = expected["formats/face01.iso2005"]
    (face,) = iso19794_5.read(data)
    assert (face.width, face.height) == (exp["width"], exp["height"])
    assert [(p.point, p.x, p.y) for p in face.feature_points] == [
        (fp["point"], fp["x"], fp["y"]) for fp in exp["feature_points"]
    ]
    assert face.gender == exp["gender"] and face.expression == exp["expression"]
    assert face.pose_angle == tuple(exp["pose_angle_ypr"])
    assert face.property_mask == exp["property_mask"] and face.device_type == exp["device_type"]
    assert face.data == _bytes(biometric_data, "faces/lbm-face01-iso2005.jpg")
    assert face.decode().shape == (320, 280, 3)


def test_iso19794_5_round_trip_is_byte_exact(biometric_data):
    data = _bytes(biometric_data, "formats/face01.iso2005")
    assert iso19794_5.write(iso19794_5.read(data)) == data


def test_iso19794_5_writes_a_new_record(biometric_data):
    bgr = color("faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg")
    face = iso19794_5.from_bgr(
        bgr,
        feature_points=[iso19794_5.FeaturePoint("12.1", 300, 400)],
        gender=iso19794_5.GENDER_MALE,
    )
    back = iso19794_5.read(iso19794_5.write([face]))[0]
    assert back.feature_points == [iso19794_5.FeaturePoint("12.1", 300, 400)]
    img = back.decode()
    assert img.shape == bgr.shape and _psnr(img, bgr) > 30
    with pytest.raises(FormatError):
        iso19794_5.read(iso19794_5.write([face])[:-1])


def test_iso19794_5_2011_round_trip(biometric_data):
    (face,) = iso19794_5.read(_bytes(biometric_data, "formats/face01.iso2005"))
    face.captured_at = datetime(2026, 11, 29, 9, 15, 0, 125_000, tzinfo=UTC)
    face.quality_blocks = [(80, 0x0101, 0x0002)]
    face.feature_points.append(iso19794_5.FeaturePoint("12.1", 120, 90, z=7))
    face.device_vendor = 0x1234
    data = iso19794_5.write([face], version="2011")
    assert data[:8] == b"FAC\x00030\x00" and int.from_bytes(data[8:12], "big") == len(data)
    (back,) = iso19794_5.read(data)
    assert back.version == "2011"
    assert back.data == face.data and (back.width, back.height) == (280, 320)
    assert back.feature_points == face.feature_points
    assert back.captured_at == face.captured_at
    assert back.quality_blocks == [(80, 0x0101, 0x0002)] and back.device_vendor == 0x1234
    assert (back.gender, back.pose_angle, back.property_mask) == (
        face.gender,
        face.pose_angle,
        face.property_mask,
    )
    assert back.decode().shape == (320, 280, 3)
    with pytest.raises(FormatError) as err:
        iso19794_5.read(data[:-5])
    assert err.value.problem.code == "FORMAT_TRUNCATED"
    with pytest.raises(ValueError):
        iso19794_5.write([face], version="2024")


# --- ANSI/NIST-ITL --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["valid1.1.an2", "face_jpb_DOM_GMT_DCS.an2", "sign_raw.an2", "sign_vec.an2"]
)
def test_an2_records_match_expected(biometric_data, expected, name):
    exp = expected[f"formats/{name}"]
    recs = ansi_nist.read(_bytes(biometric_data, f"formats/{name}"))
    assert [r.type for r in recs] == [r["type"] for r in exp["records"]]
    assert recs[0].text(2) == exp["version_1_002"]
    assert recs[0].text(4) == exp["type_of_transaction"]
    for rec, er in zip(recs[1:], exp["records"][1:], strict=True):
        assert rec.idc == er["IDC"]
        for key in ("LEN", "IMP", "FGP", "ISR", "HLL", "VLL", "GCA", "SIG", "SRT"):
            if key in er:
                assert rec.header[key] == er[key], key
        if "data_bytes" in er:
            assert len(rec.data) == er["data_bytes"]
        for key, value in er.items():
            if key.startswith(f"{rec.type}."):
                assert rec.text(int(key.split(".")[1])) == value


def test_an2_images_match_the_published_extractions(biometric_data):
    recs = ansi_nist.read(_bytes(biometric_data, "formats/face_jpb_DOM_GMT_DCS.an2"))
    assert recs[1].data == _bytes(biometric_data, "faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg")
    assert ansi_nist.record_image(recs[1]).shape == (1024, 768, 3)
    recs = ansi_nist.read(_bytes(biometric_data, "formats/sign_raw.an2"))
    assert np.array_equal(
        ansi_nist.record_image(recs[1]), gray("signatures/nbis-type8-sign_raw-r01.png")
    )
    recs = ansi_nist.read(_bytes(biometric_data, "formats/sign_vec.an2"))
    with (biometric_data / "signatures/nbis-type8-sign_vec-r01-points.csv").open() as fh:
        rows = [
            (int(r["x_0.0254mm"]), int(r["y_0.0254mm"]), int(r["pressure"]))
            for r in csv.DictReader(fh)
        ]
    assert ansi_nist.signature_vector(recs[1]) == rows


def test_an2_rejects_truncation_and_garbage(biometric_data):
    data = _bytes(biometric_data, "formats/valid1.1.an2")
    for bad in (data[:-1], data[:500], data + b"x", b"2.001:10\x1d", b""):
        with pytest.raises(FormatError):
            ansi_nist.read(bad)


# --- FMR and the other samples --------------------------------------------------------------


@pytest.mark.parametrize("name", ["fmr.iso2005", "fmr.ansi2004", "fmr.ansi2007"])
def test_minutiae_records(biometric_data, expected, name):
    exp = expected[f"formats/{name}"]
    rec = minutiae.read(_bytes(biometric_data, f"formats/{name}"))
    assert rec.length == exp["record_length"] == exp["bytes"]
    if "first_view" in exp:
        assert (rec.width, rec.height, rec.x_res_ppcm) == (
            exp["image_width"],
            exp["image_height"],
            exp["x_res_ppcm"],
        )
        assert rec.view_count == exp["finger_views"]
        v = rec.views[0]
        fv = exp["first_view"]
        assert (v.position, v.impression, v.quality, len(v.minutiae)) == (
            fv["finger_position"],
            fv["view_impression"],
            fv["quality"],
            fv["minutiae"],
        )
        assert all(0 <= m.x < rec.width and 0 <= m.y < rec.height for m in v.minutiae)
    if "cbeff_product_id" in exp:
        assert rec.cbeff_product_id == exp["cbeff_product_id"]


def test_iso_and_ansi_minutiae_agree(biometric_data):
    iso = minutiae.read(_bytes(biometric_data, "formats/fmr.iso2005")).views[0].minutiae
    ansi = minutiae.read(_bytes(biometric_data, "formats/fmr.ansi2004")).views[0].minutiae
    assert [(m.x, m.y) for m in iso] == [(m.x, m.y) for m in ansi]
    # the same angles within one coding step (ISO 1.41 degrees, ANSI 2 degrees)
    assert all(abs(a.angle_deg - b.angle_deg) <= 2.0 for a, b in zip(iso, ansi, strict=True))


def test_iris_record(biometric_data, expected):
    data = _bytes(biometric_data, "formats/iris01.iso2011")
    exp = expected["formats/iris01.iso2011"]
    (iris,) = iso19794_6.read(data)
    assert data.index(iris.data) == exp["image_offset"]
    assert iris.data.startswith(b"\x89PNG") and (iris.width, iris.height) == (76, 47)
    img = iris.decode()
    assert img.shape == (47, 76, 3)
    assert iris.eye == "left" and len(iris.quality_blocks) == 2
    with pytest.raises(FormatError) as err:
        iso19794_6.read(data[:-3])
    assert err.value.problem.code == "FORMAT_TRUNCATED"


def test_jp2_sample_decodes(biometric_data, expected):
    from station.biometrics.images import decode_image, image_ppi

    data = _bytes(biometric_data, "formats/img.jp2")
    img = decode_image(data)
    exp = expected["formats/img.jp2"]
    assert img.shape == (exp["height"], exp["width"])
    # the published 500-ppi PNG is this image downsampled 2x
    half = cv2.resize(img, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    assert np.array_equal(half, gray("fingerprints/lbm-img-jp2.png"))
    assert image_ppi(data) in (None, 1000)


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("valid1.1.an2", "an2"),
        ("face_jpb_DOM_GMT_DCS.an2", "an2"),
        ("sign_raw.an2", "an2"),
        ("sign_vec.an2", "an2"),
        ("face01.iso2005", "face"),
        ("fmr.iso2005", "fmr"),
        ("fmr.ansi2004", "fmr"),
        ("iris01.iso2011", "iris"),
    ],
)
def test_damaged_samples_give_format_errors_only(biometric_data, name, reader):
    """Bytes flipped in the headers (separators, digits, lengths) and truncations: every reader
    answers with its own error or a result, never an IndexError/struct.error/ValueError leak."""
    from station.biometrics.images import ImageDecodeError

    def use(data: bytes) -> None:
        if reader == "an2":
            for rec in ansi_nist.read(data):
                _ = rec.idc
                if rec.type == 8 and rec.header.get("SRT") == 2:
                    ansi_nist.signature_vector(rec)
                elif rec.type in (4, 8, 10):
                    ansi_nist.record_image(rec)
        elif reader == "face":
            for face in iso19794_5.read(data):
                face.decode()
        elif reader == "iris":
            for iris in iso19794_6.read(data):
                iris.decode()
        else:
            minutiae.read(data)

    clean = _bytes(biometric_data, f"formats/{name}")
    rng = np.random.default_rng(len(name))
    choices = [0x1C, 0x1D, 0x1E, 0x1F, 0x3A, 0x2E, 0x30, 0x39, 0xFF, 0x00, 0xB3]
    for i in range(60):
        data = bytearray(clean)
        if i % 4 == 0:
            data = data[: int(rng.integers(0, len(data)))]
        else:
            for _ in range(int(rng.integers(1, 4))):
                data[int(rng.integers(0, min(len(data), 420)))] = int(rng.choice(choices))
        try:
            use(bytes(data))
        except (FormatError, ImageDecodeError) as exc:
            assert exc.problem.message_id and exc.problem.message_en
