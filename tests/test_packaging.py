"""The packaging recipe (packaging/): what can be checked without building the bundle.

The bundle itself is built and smoke-tested by CI's bundle step (.ci/run: packaging/build.sh,
frozen-smoke.sh, upgrade-test.sh); these tests keep the Linux and Windows recipes in step and
check the pieces the frozen program depends on: the child-process dispatch, the installation
self-check, the icon.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import station
from station import frozen, selfcheck
from station.biometrics.formats import wsq
from station.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def test_every_recipe_states_the_same_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert station.__version__ == project
    iss = (PACKAGING / "windows" / "rekam.iss").read_text()
    assert re.search(r'#define AppVersion "([^"]+)"', iss).group(1) == project


@pytest.mark.parametrize("recipe", ["build.sh", "build.ps1"])
def test_linux_and_windows_builds_use_the_same_spec_pins_and_limit(recipe):
    text = (PACKAGING / recipe).read_text()
    for shared in ("rekam.spec", "bundle-constraints.txt", "bundle-requirements.txt",
                   "make_icon.py"):
        assert shared in text, f"{recipe} does not use {shared}"
    assert re.search(r"BundleLimitMB = 300|BUNDLE_LIMIT_MB=300", text)


def test_the_spec_names_every_program_the_installers_start():
    spec = (PACKAGING / "rekam.spec").read_text()
    for program in ('exe("rekam")', 'exe("rekam-gui", console=False)', 'exe("rekam-receiver")'):
        assert program in spec
    iss = (PACKAGING / "windows" / "rekam.iss").read_text()
    assert r"{app}\rekam-gui.exe" in iss
    desktop = (PACKAGING / "deb" / "rekam.desktop").read_text()
    assert "Exec=/opt/rekam/rekam\n" in desktop and "Icon=rekam\n" in desktop
    build = (PACKAGING / "build.sh").read_text()
    assert "icons/hicolor/256x256/apps/rekam.png" in build
    assert 'ln -sf rekam "$BUNDLE/rekam-receiver"' in build
    entry = (PACKAGING / "entry.py").read_text()
    assert entry.index("run_child_if_asked()") < entry.index("from station.cli.main")


def test_the_system_library_table_names_a_package_for_each_library():
    lines = [ln for ln in (PACKAGING / "deb" / "system-libs.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) > 30
    for line in lines:
        soname, _, packages = line.partition(" ")
        assert re.fullmatch(r"[\w.+-]+\.so(\.[\d.]+)?", soname), line
        for alternative in packages.strip().split("|"):
            assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", alternative.strip()), line


def test_the_icon_is_the_one_the_script_draws():
    with Image.open(ROOT / "ui" / "icons" / "rekam.png") as icon:
        assert icon.size == (256, 256) and icon.mode == "RGBA"
        committed = np.asarray(icon)
    spec = importlib.util.spec_from_file_location("make_icon",
                                                  PACKAGING / "tools" / "make_icon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    drawn = np.asarray(module.draw(256))
    assert np.abs(committed.astype(int) - drawn.astype(int)).mean() < 1.0


def test_a_frozen_program_serves_as_the_wsq_child_when_asked(tmp_path):
    """What `rekam --rekam-wsq-child` does in the bundle, run here through the same dispatch."""
    data = wsq.encode(np.tile(np.arange(256, dtype=np.uint8), (40, 1)))
    code = "from station.frozen import run_child_if_asked; run_child_if_asked(); print('no')"
    done = subprocess.run([sys.executable, "-c", code, frozen.WSQ_CHILD_FLAG], input=data,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out[:2] == b"OK" and int.from_bytes(out[2:6], "big") == 256
    assert int.from_bytes(out[6:10], "big") == 40 and len(out) == 10 + 256 * 40
    damaged = subprocess.run([sys.executable, "-c", code, frozen.WSQ_CHILD_FLAG],
                             input=data[:40] + bytes(200), capture_output=True, timeout=60)
    assert damaged.returncode != 0 and b"no" not in damaged.stdout
    # Without a flag (or with any other) it returns and the program goes on.
    plain = subprocess.run([sys.executable, "-c", code, "--rekam-anything"],
                           capture_output=True, timeout=60)
    assert plain.stdout.strip() == b"no"


def test_frozen_children_are_started_as_the_bundle_itself(monkeypatch):
    assert frozen.child_argv("--x", "/s.py") == [sys.executable, "-I", "/s.py"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert frozen.child_argv("--x", "/s.py") == [sys.executable, "--x"]


def test_the_installation_check_names_what_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(selfcheck, "BUILTIN_DRIVERS", (*selfcheck.BUILTIN_DRIVERS, "ghost"))
    with pytest.raises(selfcheck.SelfCheckFailed, match="driver 'ghost' not found"):
        selfcheck.run()

    def broken() -> str:
        raise FileNotFoundError(2, "No such file", "cv2/data/haarcascade_eye.xml")

    monkeypatch.setattr(selfcheck, "CHECKS", (broken,))
    assert main(["--smoke-test"]) == 1
    err = capsys.readouterr().err
    assert "smoke test: broken: FileNotFoundError" in err and "haarcascade_eye.xml" in err
