"""`rekam quality finger|face`: output shape, exit codes, unreadable files among good ones."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import pytest
from biometrics_helpers import bio_root, blur, gray

from station.cli.main import main

pytestmark = pytest.mark.needs_data


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_finger_json_all_good(biometric_data, capsys):
    files = [str(biometric_data / f"fingerprints/sfinge-test0{i}.png") for i in (1, 2)]
    code, out, _ = _run(capsys, "quality", "finger", *files, "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["file"] for r in rows] == files
    for r in rows:
        assert set(r) >= {"file", "score", "acceptable", "flags", "elapsed_ms"}
        assert r["acceptable"] is True and 40 <= r["score"] <= 100 and r["flags"] == []
        assert r["ppi"] == 500 and r["ppi_source"] == "file"


def test_finger_poor_print_exits_1(biometric_data, capsys, tmp_path):
    poor = tmp_path / "blurred.png"
    cv2.imwrite(str(poor), blur(gray("fingerprints/sfinge-test03.png"), 4))
    good = biometric_data / "fingerprints/sfinge-test03.png"
    code, out, _ = _run(capsys, "quality", "finger", str(good), str(poor), "--json", "--lang", "en")
    assert code == 1
    rows = json.loads(out)
    assert rows[0]["acceptable"] and not rows[1]["acceptable"]
    assert rows[1]["score"] < rows[0]["score"]
    assert {"code", "message"} <= set(rows[1]["flags"][0])
    assert rows[1]["flags"][0]["code"].startswith("FINGER_")


def test_finger_unreadable_input_exits_2_and_reports_the_rest(biometric_data, capsys, tmp_path):
    good = biometric_data / "fingerprints/sfinge-test04.png"
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:5000])
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    missing = tmp_path / "missing.png"
    code, out, err = _run(
        capsys, "quality", "finger", str(truncated), str(good), str(text), str(missing), "--json"
    )
    assert code == 2
    rows = json.loads(out)
    assert len(rows) == 4
    assert rows[0]["error"]["code"] == "IMAGE_TRUNCATED"
    assert rows[1]["acceptable"] is True
    assert rows[2]["error"]["code"] == "IMAGE_UNSUPPORTED"
    assert rows[3]["error"]["code"] == "FILE_NOT_FOUND"
    assert "terpotong" in err and "missing.png" in err  # reasons on stderr, in Indonesian


def test_finger_resolution_from_the_file_or_the_option(biometric_data, capsys):
    low = biometric_data / "fingerprints/other-resolution/nbis-type3-type_3_wvu-r05-f04.png"
    _, out, _ = _run(capsys, "quality", "finger", str(low), "--json")
    from_file = json.loads(out)[0]
    assert from_file["ppi"] == 250 and from_file["acceptable"]
    _, out, _ = _run(capsys, "quality", "finger", str(low), "--json", "--ppi", "500")
    forced = json.loads(out)[0]
    assert forced["ppi_source"] == "option" and forced["score"] < from_file["score"]


def test_finger_text_output(biometric_data, capsys):
    code, out, _ = _run(
        capsys, "quality", "finger", str(biometric_data / "fingerprints/sfinge-test05.png")
    )
    assert code == 0 and out.startswith("OK") and "sfinge-test05.png" in out


def test_face_json_and_portrait(biometric_data, capsys, tmp_path):
    man = biometric_data / "faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg"
    dog = biometric_data / "faces/lbm-face01-iso2005.jpg"
    code, out, _ = _run(
        capsys,
        "quality",
        "face",
        str(man),
        str(dog),
        "--json",
        "--portrait-dir",
        str(tmp_path / "p"),
    )
    assert code == 1
    rows = json.loads(out)
    assert rows[0]["acceptable"] is True and rows[0]["failures"] == []
    assert rows[0]["metrics"]["faces"] == 1
    portrait = cv2.imread(rows[0]["portrait"])
    assert portrait.shape[0] * 3 == portrait.shape[1] * 4
    assert rows[1]["acceptable"] is False
    assert rows[1]["failures"][0]["code"] == "FACE_NOT_FOUND"
    assert "portrait" not in rows[1]


def test_face_birth_year_and_bad_input(biometric_data, capsys, tmp_path):
    man = biometric_data / "faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg"
    code, out, _ = _run(capsys, "quality", "face", str(man), "--birth-year", "1991", "--json")
    # a pale non-coloured background is not a backdrop: the colour rule does not apply
    assert code == 0 and json.loads(out)[0]["metrics"]["background_colour"] == "none"
    code, _, err = _run(capsys, "quality", "face", str(man), "--birth-year", "91")
    assert code == 2 and "91" in err
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    code, out, _ = _run(capsys, "quality", "face", str(empty), "--json")
    assert code == 2 and json.loads(out)[0]["error"]["code"] == "IMAGE_EMPTY"


def test_real_program_end_to_end(biometric_data):
    root = bio_root()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "station",
            "quality",
            "finger",
            "--json",
            str(root / "fingerprints/sfinge-test01.png"),
            str(root / "formats/img.wsq"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # the WSQ test pattern is not a fingerprint
    rows = json.loads(proc.stdout)
    assert rows[0]["acceptable"] and not rows[1]["acceptable"]
    assert "Traceback" not in proc.stderr
