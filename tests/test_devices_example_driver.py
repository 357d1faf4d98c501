"""The out-of-tree example driver: pip-installed into a temporary target, found through the
``rekam.devices`` entry point, used through the device manager; a broken out-of-tree driver is
quarantined, never a crash."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from devices.api import GarbageData, SignatureResult
from devices.manager import DeviceManager
from devices.registry import AVAILABLE, LIBRARY_UNAVAILABLE, QUARANTINED, Registry
from devices.simulated import synth

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "rekam-example-driver"

pytestmark = pytest.mark.slow  # a real pip install


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example installed with pip into a fresh target dir, plus a broken vendor package."""
    root = tmp_path_factory.mktemp("example-driver")
    src = root / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    target = root / "site"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-input",
           "--target", str(target), str(src)]
    if importlib.util.find_spec("wheel") is not None:
        cmd.insert(5, "--no-build-isolation")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"pip install of the example failed:\n{proc.stderr[-3000:]}"
    # A broken third-party driver, installed the way pip would leave it: a dist-info with an
    # entry point whose manifest module fails at import.
    dist = target / "broken_vendor_driver-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-vendor-driver\n"
                                   "Version: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[rekam.devices]\nbroken-vendor = broken_vendor_driver:MANIFEST\n")
    (target / "broken_vendor_driver.py").write_text(
        "raise RuntimeError('vendor DLL not found: fp900.dll')\n")
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))
    for name in [m for m in sys.modules if m.startswith(("rekam_example_driver",
                                                          "broken_vendor_driver"))]:
        del sys.modules[name]


def test_the_entry_points_are_discovered_with_the_right_status(site):
    entries = {e.id: e for e in Registry().scan()}
    pad = entries["example-pad"]
    assert pad.status == AVAILABLE and pad.distribution == "rekam-example-driver"
    assert pad.manifest.vendor == "Example Vendor"
    acme = entries["example-acme"]
    assert acme.status == LIBRARY_UNAVAILABLE and acme.missing == ("acme_fp900_sdk",)
    assert "rekam_example_driver.acme" not in sys.modules  # listed without importing it
    broken = entries["broken-vendor"]
    assert broken.status == QUARANTINED and "fp900.dll" in broken.reason
    # the built-in drivers are unaffected
    assert entries["sbi"].status == AVAILABLE and entries["simulated"].status == AVAILABLE


class _Pad:
    """A pad on loopback that sends one scripted message stream per connection."""

    def __init__(self, script: bytes) -> None:
        self.script = script
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.sendall(self.script)
            conn.recv(1)  # hold the line until the driver hangs up

    def close(self) -> None:
        self.sock.close()


def _script(strokes) -> bytes:
    lines = []
    for stroke in strokes:
        lines += [f"D {x} {y} {t} {p}" for x, y, t, p in stroke]
        lines.append("U")
    lines.append("E")
    return ("\n".join(lines) + "\n").encode()


def test_capture_through_the_manager(site):
    strokes = synth.signature(12)
    pad = _Pad(_script(strokes))
    manager = DeviceManager(capture_timeout_s=10)
    try:
        desc = manager.configured("example-pad", "signature", port=pad.port)
        with manager.open(desc) as dev:
            result = dev.capture().result(10)
    finally:
        manager.close()
        pad.close()
    assert isinstance(result, SignatureResult)
    assert [[(pt.x, pt.y, pt.t_ms, pt.pressure) for pt in s] for s in result.strokes] == strokes
    assert result.device.make == "Example Vendor"


def test_garbage_from_the_pad_is_reported(site):
    pad = _Pad(b"D 1 2 0 0.5\nD 1 2 zz\n")
    manager = DeviceManager(capture_timeout_s=10)
    try:
        desc = manager.configured("example-pad", "signature", port=pad.port)
        with manager.open(desc) as dev, pytest.raises(GarbageData, match="bad pen event"):
            dev.capture().result(10)
    finally:
        manager.close()
        pad.close()


def test_rekam_devices_list_shows_them_all(site):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    proc = subprocess.run([sys.executable, "-m", "station", "devices", "list", "--json"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    status = {d["id"]: d["status"] for d in json.loads(proc.stdout)["drivers"]}
    assert status["example-pad"] == "available"
    assert status["example-acme"] == "library_unavailable"
    assert status["broken-vendor"] == "quarantined"
