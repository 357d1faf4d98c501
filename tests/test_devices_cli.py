"""`rekam devices list / discover / capture`, run through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import cv2
import devices_helpers as h
import pytest

from devices.sbi.simulator import SbiSimulator, SimulatorConfig
from station.cli.main import main


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_list_shows_the_builtin_drivers(capsys):
    assert main(["devices", "list", "--json"]) == 0
    drivers = {d["id"]: d for d in _json(capsys)["drivers"]}
    assert {"opencv-camera", "sbi", "simulated", "files"} <= set(drivers)
    assert drivers["sbi"]["status"] == "available"
    assert drivers["sbi"]["manifest"]["modalities"] == ["finger", "face", "iris"]


def test_discover_finds_the_sbi_simulator_and_capture_uses_it(capsys, tmp_path):
    with SbiSimulator(SimulatorConfig(port=h.free_port(), seed=9)) as sim:
        assert main(["devices", "discover", "--json", "--ports", f"{sim.port}"]) == 0
        found = _json(capsys)["devices"]
        ids = {d["device_id"] for d in found}
        assert {f"sbi:{sim.port}:SIMFP01", f"sbi:{sim.port}:SIMFACE01"} <= ids
        out = tmp_path / "ri.wsq"
        rc = main(["devices", "capture", "--driver", "sbi", "--modality", "finger",
                   "--position", "2", "--opt", f"ports={sim.port}", "--out", str(out), "--json"])
        assert rc == 0
        summary = _json(capsys)
    assert summary["position"] == 2 and summary["format"] == "wsq" and summary["ppi"] == 500
    assert out.read_bytes()[:2] == b"\xff\xa0"  # the device's own WSQ bytes
    assert summary["device"]["serial"] == "SIMFP0000009"


def test_capture_simulated_face_finger_and_signature(capsys, tmp_path):
    face = tmp_path / "face.jpg"
    assert main(["devices", "capture", "--driver", "simulated", "--modality", "face",
                 "--opt", "seed=3", "--opt", "birth_year=1993", "--out", str(face)]) == 0
    img = cv2.imread(str(face))
    assert img.shape == (480, 640, 3) and img[10, 10, 2] > 150  # red backdrop, odd year
    finger = tmp_path / "f.png"
    assert main(["devices", "capture", "--driver", "simulated", "--modality", "finger",
                 "--position", "7", "--out", str(finger)]) == 0
    assert cv2.imread(str(finger), cv2.IMREAD_UNCHANGED).shape == (500, 400)
    capsys.readouterr()
    sig = tmp_path / "s.json"
    assert main(["devices", "capture", "--driver", "simulated", "--modality", "signature",
                 "--out", str(sig), "--json"]) == 0
    assert _json(capsys)["strokes"] >= 1
    strokes = json.loads(sig.read_text())["strokes"]
    assert all(len(pt) >= 4 for s in strokes for pt in s)


@pytest.mark.parametrize(
    ("argv", "code", "needle"),
    [
        (["--driver", "nope", "--modality", "face"], 2, "not installed"),
        (["--driver", "simulated", "--modality", "finger"], 2, "--position"),
        (["--driver", "simulated", "--modality", "finger", "--position", "11"], 2, "1-10"),
        (["--driver", "simulated", "--modality", "face", "--opt", "seed"], 2, "KEY=VALUE"),
        (["--driver", "simulated", "--modality", "finger", "--position", "1", "--opt",
          "fault=disconnect"], 1, "device.disconnected"),
        (["--driver", "simulated", "--modality", "finger", "--position", "1", "--opt",
          "quality=wet"], 2, "quality"),
        (["--driver", "opencv-camera", "--modality", "face", "--opt", "source=/no/such.avi"],
         1, "cannot open"),
    ],
)
def test_capture_errors_are_one_clear_line(capsys, tmp_path, argv, code, needle):
    out = tmp_path / "x.png"
    assert main(["devices", "capture", *argv, "--out", str(out)]) == code
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
    assert not out.exists()


def test_signature_refuses_an_image_suffix_it_cannot_write(capsys, tmp_path):
    assert main(["devices", "capture", "--driver", "simulated", "--modality", "signature",
                 "--out", str(tmp_path / "s.wsq")]) == 2
    assert ".json" in capsys.readouterr().err


@pytest.mark.slow
def test_discover_as_a_real_program_finishes_quickly_when_nothing_listens():
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "station", "devices", "discover", "--json"],
                          capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    reply = json.loads(proc.stdout)
    assert isinstance(reply["devices"], list)
    assert elapsed < 8  # interpreter start + a full 4501-4600 scan; the scan itself is < 1 s
