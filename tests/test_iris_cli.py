"""`rekam devices capture --modality iris` and `rekam quality iris`, through the real entry
point: simulated, file and SBI iris devices, images and ISO 19794-6 records, bad input."""

from __future__ import annotations

import json

import cv2
import devices_helpers as h
import numpy as np
import pytest

from devices.sbi.simulator import SbiSimulator, SimulatorConfig
from devices.simulated import synth
from station.biometrics.formats import iso19794_6
from station.cli.main import main


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_capture_both_eyes_from_the_simulated_camera_and_check_them(capsys, tmp_path):
    for eye in ("left", "right"):
        out = tmp_path / f"iris-{eye}.png"
        assert main(["devices", "capture", "--driver", "simulated", "--modality", "iris",
                     "--eye", eye, "--opt", "seed=4", "--opt", "latency=0", "--out", str(out),
                     "--json"]) == 0
        summary = _json(capsys)
        assert summary["modality"] == "iris" and summary["eye"] == eye
        assert np.array_equal(cv2.imread(str(out), cv2.IMREAD_UNCHANGED), synth.iris(4, eye))
    files = [str(tmp_path / "iris-left.png"), str(tmp_path / "iris-right.png")]
    assert main(["quality", "iris", *files, "--json"]) == 0
    rows = _json(capsys)
    assert [r["file"] for r in rows] == files
    for r in rows:
        assert set(r) >= {"file", "score", "acceptable", "failures", "metrics", "elapsed_ms"}
        assert r["acceptable"] and r["failures"] == [] and r["score"] >= 85


def test_a_defective_capture_as_an_iso_record_fails_by_name(capsys, tmp_path):
    out = tmp_path / "occluded.iso"
    assert main(["devices", "capture", "--driver", "simulated", "--modality", "iris",
                 "--eye", "right", "--opt", "iris_defects=occluded", "--opt", "latency=0",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    (rep,) = iso19794_6.read(out.read_bytes())
    assert rep.eye == "right" and rep.image_format == iso19794_6.FORMAT_MONO_JPEG2000
    assert rep.quality_blocks and rep.quality_blocks[0][0] < 100
    assert main(["quality", "iris", str(out), "--json", "--lang", "en"]) == 1
    (row,) = _json(capsys)
    assert row["eye"] == "right" and not row["acceptable"]
    assert row["failures"][0]["code"] == "IRIS_OCCLUDED"
    assert "eye wide" in row["failures"][0]["message"]


def test_the_files_driver_reads_images_and_records(capsys, tmp_path):
    cv2.imwrite(str(tmp_path / "iris-left.png"), synth.iris(7, "left"))
    (tmp_path / "iris-right.iso").write_bytes(iso19794_6.write(
        [iso19794_6.from_gray(synth.iris(7, "right"), "right", quality=90)]))
    for eye in ("left", "right"):
        out = tmp_path / f"out-{eye}.png"
        assert main(["devices", "capture", "--driver", "files", "--modality", "iris", "--eye",
                     eye, "--opt", f"path={tmp_path}", "--out", str(out)]) == 0
        assert np.array_equal(cv2.imread(str(out), cv2.IMREAD_UNCHANGED), synth.iris(7, eye))
    capsys.readouterr()


def test_capture_from_an_sbi_dual_iris_camera(capsys, tmp_path):
    with SbiSimulator(SimulatorConfig(port=h.free_port(), seed=5, modalities=("Iris",))) as sim:
        out = tmp_path / "left.iso"
        assert main(["devices", "capture", "--driver", "sbi", "--modality", "iris", "--eye",
                     "left", "--opt", f"ports={sim.port}", "--out", str(out), "--json"]) == 0
    summary = _json(capsys)
    assert summary["format"] == "iso19794-6" and summary["eye"] == "left"
    (rep,) = iso19794_6.read(out.read_bytes())  # the device's own record, as it came
    assert rep.eye == "left" and np.array_equal(rep.decode(), synth.iris(5, "left"))


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--modality", "iris"], "--eye"),
        (["--modality", "iris", "--eye", "left", "--out-suffix", ".wsq"], ".iso"),
        (["--modality", "finger", "--position", "2", "--eye", "left"], "--eye"),
        (["--modality", "iris", "--eye", "left", "--opt", "iris_defects=squint"], "iris_defects"),
    ],
)
def test_iris_capture_errors_are_one_clear_line(capsys, tmp_path, argv, needle):
    suffix = ".png"
    if "--out-suffix" in argv:
        i = argv.index("--out-suffix")
        suffix = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    out = tmp_path / f"x{suffix}"
    assert main(["devices", "capture", "--driver", "simulated", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
    assert not out.exists()


def test_quality_iris_refuses_bad_files_by_name_and_still_reports_the_rest(capsys, tmp_path):
    good = tmp_path / "good.png"
    cv2.imwrite(str(good), synth.iris(2, "right"))
    record = iso19794_6.write([iso19794_6.from_gray(synth.iris(2, "left"), "left", quality=80)])
    truncated = tmp_path / "truncated.iso"
    truncated.write_bytes(record[:4000])
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((480, 640), 255, np.uint8))
    missing = tmp_path / "missing.png"
    code = main(["quality", "iris", str(good), str(truncated), str(garbage), str(blank),
                 str(missing), "--json", "--lang", "en"])
    assert code == 2  # unreadable input outranks a failed check
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    assert rows[0]["acceptable"]
    assert rows[1]["error"]["code"] == "FORMAT_TRUNCATED"
    assert rows[2]["error"]["code"].startswith("IMAGE_")
    assert rows[3]["failures"][0]["code"] == "IRIS_UNIFORM"
    assert rows[4]["error"]["code"] == "FILE_NOT_FOUND"
    assert "Traceback" not in captured.err


def test_the_capture_service_keeps_a_passing_eye_as_an_iso_record_and_refuses_a_poor_one():
    from station.domain import Eye
    from station.services import capture as capture_service

    q, cap = capture_service.iris_capture(synth.iris(3, "left"), "left", "sim")
    assert q.acceptable and cap is not None and cap.eye is Eye.LEFT
    (rep,) = iso19794_6.read(cap.data)
    assert rep.eye == "left" and rep.quality_blocks[0][0] == round(q.score)
    q, cap = capture_service.iris_capture(synth.iris(3, "left", defects=("blurred",)), "left",
                                          "sim")
    assert cap is None and "IRIS_BLUR" in {f.code for f in q.failures}


def test_the_verification_service_compares_a_placed_finger_with_the_enrolled_one():
    from bench.matcher import placement
    from station.services import capture as capture_service

    img = synth.fingerprint(2, 77)
    probe = placement(img, np.random.default_rng(3))
    assert capture_service.verify_finger(probe, 500, img).match
    assert not capture_service.verify_finger(synth.fingerprint(7, 77), 500, img).match
