"""The device manager: worker threads, timeouts, cancellation, fault injection, quarantine."""

from __future__ import annotations

import queue
import sys
import time

import devices_helpers as h
import numpy as np
import pytest

from devices.api import (
    CaptureCancelled,
    CaptureResult,
    DeviceDisconnected,
    DeviceTimeout,
    DriverCrashed,
    GarbageData,
    LibraryUnavailable,
    Modality,
    SignatureResult,
)
from devices.manager import DeviceManager
from devices.registry import AVAILABLE, LIBRARY_UNAVAILABLE, QUARANTINED
from station.domain.enrollment import FingerPosition


@pytest.fixture
def manager():
    m = DeviceManager(h.registry(), capture_timeout_s=5.0, open_timeout_s=2.0)
    yield m
    m.close()


def _open(manager, modality, **options):
    options.setdefault("latency", 0.05)
    return manager.open(manager.configured("simulated", modality, **options))


def test_simulated_finger_capture_runs_off_the_caller_thread(manager):
    import threading

    caller = threading.get_ident()
    seen = []
    with _open(manager, "finger", seed=7) as dev:
        fut = dev.capture(position=FingerPosition.LEFT_INDEX)
        fut.add_done_callback(lambda f: seen.append(threading.current_thread().name))
        res = fut.result(5)
    assert isinstance(res, CaptureResult)
    assert res.position is FingerPosition.LEFT_INDEX and res.ppi == 500
    assert res.image.shape == (500, 400) and res.format == "png"
    assert res.data.startswith(b"\x89PNG") and res.device.serial == "SIM-000007"
    assert res.device_quality == 80.0
    assert seen and seen[0].startswith("device-") and threading.get_ident() == caller


def test_face_signature_and_slap_capture(manager):
    with _open(manager, "face", seed=3, birth_year=1991) as cam:
        face = cam.capture().result(5)
    assert face.modality is Modality.FACE and face.image.shape == (480, 640, 3)
    with _open(manager, "signature", seed=3) as pad:
        sig = pad.capture().result(5)
    assert isinstance(sig, SignatureResult) and sig.point_count > 40
    assert all(0 <= p.pressure <= 1 for s in sig.strokes for p in s)
    with _open(manager, "finger", seed=3) as scanner:
        slap = scanner.capture(positions=[2, 3, 4, 5], exceptions=[4]).result(10)
    assert [r.position for r in slap] == [2, 3, 5]


def test_preview_frames_arrive_on_a_queue_and_stop(manager):
    frames: queue.Queue = queue.Queue(maxsize=3)
    with _open(manager, "face", seed=2) as cam:
        cam.start_preview(frames, max_fps=50)
        got = [frames.get(timeout=3) for _ in range(5)]
        # a capture in the middle of a preview is served between frames
        assert cam.capture().result(5).image.shape == (480, 640, 3)
        cam.stop_preview()
        time.sleep(0.2)
        while not frames.empty():
            frames.get_nowait()
        time.sleep(0.3)
        assert frames.empty()
    assert all(f.image.shape == (480, 640, 3) for f in got)
    assert [f.timestamp for f in got] == sorted(f.timestamp for f in got)
    assert len({f.image.tobytes() for f in got}) > 1  # live, not one frame repeated


def test_disconnect_mid_capture_is_reported_and_sticks(manager):
    with _open(manager, "finger", fault="disconnect") as dev:
        with pytest.raises(DeviceDisconnected) as err:
            dev.capture(position=1).result(5)
        assert err.value.problem.code == "device.disconnected"
        assert "terputus" in err.value.problem.message_id
        with pytest.raises(DeviceDisconnected):
            dev.capture(position=1).result(5)


def test_garbage_frame_is_rejected(manager):
    with _open(manager, "finger", fault="garbage") as dev, pytest.raises(GarbageData):
        dev.capture(position=2).result(5)
    with _open(manager, "face", fault="garbage") as dev, pytest.raises(GarbageData):
        dev.capture().result(5)


def test_timeout_fault_times_out_and_cancel_cancels(manager):
    with _open(manager, "finger", fault="timeout") as dev:
        t0 = time.monotonic()
        with pytest.raises(DeviceTimeout):
            dev.capture(position=1, timeout_s=0.4).result(5)
        assert time.monotonic() - t0 < 2.5
        fut = dev.capture(position=1, timeout_s=30)
        time.sleep(0.2)
        dev.cancel()
        with pytest.raises(CaptureCancelled):
            fut.result(3)


def test_fault_after_and_runtime_injection(manager):
    with _open(manager, "finger", fault="disconnect", fault_after=2) as dev:
        dev.capture(position=1).result(5)
        dev.capture(position=2).result(5)
        with pytest.raises(DeviceDisconnected):
            dev.capture(position=3).result(5)
    with _open(manager, "finger") as dev:
        dev.capture(position=1).result(5)
        dev.submit(lambda d, _t: d.inject("garbage", count=1)).result(5)  # on the worker
        with pytest.raises(GarbageData):
            dev.capture(position=2).result(5)
        assert dev.capture(position=2).result(5).position == 2  # only the next capture


def test_a_hung_driver_does_not_hang_the_caller(manager):
    with _open(manager, "finger", fault="hang", hang_s=20) as dev:
        t0 = time.monotonic()
        with pytest.raises(DeviceTimeout):
            dev.capture(position=1, timeout_s=0.5).result(10)
        assert time.monotonic() - t0 < 3.0
        time.sleep(1.3)  # the grace period passes: the worker is abandoned
        assert dev.wedged_workers == 1
        # a fresh worker re-opens the device; the fault is still configured, so it hangs again,
        # but again only up to the deadline
        t0 = time.monotonic()
        with pytest.raises(DeviceTimeout):
            dev.capture(position=1, timeout_s=0.3).result(10)
        assert time.monotonic() - t0 < 2.5


def test_open_that_hangs_is_bounded():
    m = DeviceManager(h.registry(hang="devices_helpers:HANGING_OPEN"), open_timeout_s=0.5)
    try:
        t0 = time.monotonic()
        with pytest.raises(DeviceTimeout):
            m.open(m.configured("hanging-open", "finger"))
        assert time.monotonic() - t0 < 3
    finally:
        h.RELEASE.set()
        m.close()


def test_crashing_driver_is_reported_then_quarantined():
    m = DeviceManager(h.registry(crash="devices_helpers:CRASHING"))
    try:
        dev = m.open(m.configured("crashing", "finger"))
        for _ in range(3):
            with pytest.raises(DriverCrashed) as err:
                dev.capture(position=1).result(5)
        assert "ZeroDivisionError" in str(err.value)
        entry = m.registry.entry("crashing")
        assert entry.status == QUARANTINED and "crashed 3 times" in entry.reason
        with pytest.raises(DriverCrashed):
            m.configured("crashing", "finger")
        m.registry.release("crashing")
        assert m.registry.entry("crashing").status == AVAILABLE
    finally:
        m.close()


def test_registry_statuses_for_broken_and_missing_drivers(tmp_path, monkeypatch):
    (tmp_path / "rekam_test_broken_driver.py").write_text("def broken(:\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = h.registry(
        sdk="devices_helpers:NEEDS_SDK",
        exploding="devices_helpers:broken_manifest",
        wrongtype="devices_helpers:NOT_A_MANIFEST",
        gone="no_such_module_anywhere:MANIFEST",
        badimport="devices_helpers:BAD_IMPORT",
    )
    entries = {e.id: e for e in reg.scan()}
    for builtin in ("opencv-camera", "sbi", "simulated", "files"):
        assert entries[builtin].status == AVAILABLE
    assert entries["needs-sdk"].status == LIBRARY_UNAVAILABLE
    assert entries["needs-sdk"].missing == ("acme_fingerprint_sdk_not_here",)
    with pytest.raises(LibraryUnavailable) as err:
        reg.driver("needs-sdk")
    assert err.value.problem.code == "device.library_unavailable"
    assert "acme_fingerprint_sdk_not_here" in str(err.value)
    assert entries["exploding"].status == QUARANTINED
    assert "vendor manifest exploded" in entries["exploding"].reason
    assert entries["wrongtype"].status == QUARANTINED
    assert entries["gone"].status == QUARANTINED
    # the syntax error shows only when the driver is imported: quarantined then, with reason
    assert entries["bad-import"].status == AVAILABLE
    with pytest.raises(DriverCrashed):
        reg.driver("bad-import")
    assert reg.entry("bad-import").status == QUARANTINED
    assert "SyntaxError" in reg.entry("bad-import").reason
    # a rescan keeps the quarantine
    assert {e.id: e for e in reg.scan()}["bad-import"].status == QUARANTINED
    sys.modules.pop("rekam_test_broken_driver", None)


def test_rescan_lists_simulated_devices_only_when_enabled(monkeypatch):
    monkeypatch.delenv("REKAM_SIMULATED_DEVICES", raising=False)
    m = DeviceManager(h.registry(), discover_timeout_s=2.0,
                      driver_options={"sbi": {"ports": "4599-4600"}})
    try:
        assert not [d for d in m.rescan() if d.driver_id == "simulated"]
        monkeypatch.setenv("REKAM_SIMULATED_DEVICES", "1")
        sim = [d for d in m.rescan() if d.driver_id == "simulated"]
        assert {d.modalities[0] for d in sim} == {Modality.FACE, Modality.FINGER,
                                                  Modality.SIGNATURE, Modality.IRIS}
        dev = m.open(sim[0].device_id)
        assert dev.capture(position=1).result(10) is not None
    finally:
        m.close()


def test_files_driver_reads_a_folder(tmp_path, manager):
    import cv2

    from devices.simulated import synth

    cv2.imwrite(str(tmp_path / "finger-02.png"), synth.fingerprint(2, 4))
    cv2.imwrite(str(tmp_path / "face.jpg"), synth.face(4, 1990))
    (tmp_path / "signature.json").write_text("[[[1, 2, 0, 0.5], [3, 4, 10, 0.6]]]")
    (tmp_path / "finger-03.png").write_bytes(b"not an image at all")
    with manager.open(manager.configured("files", "finger", path=str(tmp_path))) as dev:
        res = dev.capture(position=2).result(5)
        assert res.format == "png" and res.image.shape == (500, 400)
        assert np.array_equal(res.image, synth.fingerprint(2, 4))
        with pytest.raises(GarbageData, match="finger-03.png"):
            dev.capture(position=3).result(5)
        with pytest.raises(Exception, match="finger-04"):
            dev.capture(position=4).result(5)
    with manager.open(manager.configured("files", "face", path=str(tmp_path))) as cam:
        assert cam.capture().result(5).format == "jpeg"
    with manager.open(manager.configured("files", "signature", path=str(tmp_path))) as pad:
        sig = pad.capture().result(5)
        assert sig.strokes[0][1].t_ms == 10 and sig.strokes[0][1].pressure == 0.6


def test_preview_reports_a_disconnect_through_on_error(manager):
    errors: queue.Queue = queue.Queue()
    frames: queue.Queue = queue.Queue(maxsize=2)
    with _open(manager, "finger", fault="disconnect") as dev:
        with pytest.raises(DeviceDisconnected):
            dev.capture(position=1).result(5)
        dev.start_preview(frames, on_error=errors.put, max_fps=50)
        err = errors.get(timeout=5)
    assert isinstance(err, DeviceDisconnected) and frames.empty()


def test_files_driver_reads_the_enroll_folder_layout(tmp_path, manager):
    import json

    import cv2

    from devices.simulated import synth

    (tmp_path / "fingers").mkdir()
    cv2.imwrite(str(tmp_path / "fingers" / "6.png"), synth.fingerprint(6, 8))
    cv2.imwrite(str(tmp_path / "photo.jpg"), synth.face(8, 1990))
    (tmp_path / "signature.json").write_text(json.dumps(
        {"strokes": synth.signature(8), "width": 640, "height": 240}))
    with manager.open(manager.configured("files", "finger", path=str(tmp_path))) as dev:
        assert dev.capture(position=6).result(5).extra["file"] == "6.png"
    with manager.open(manager.configured("files", "face", path=str(tmp_path))) as cam:
        assert cam.capture().result(5).image.shape == (480, 640, 3)
    with manager.open(manager.configured("files", "signature", path=str(tmp_path))) as pad:
        sig = pad.capture().result(5)
    assert (sig.width, sig.height) == (640, 240) and len(sig.strokes) == len(synth.signature(8))
    (tmp_path / "signature.json").write_text('{"strokes": 5}')
    with manager.open(manager.configured("files", "signature", path=str(tmp_path))) as pad, \
            pytest.raises(GarbageData, match="signature.json"):
        pad.capture().result(5)


def test_closing_fails_queued_captures_at_once(manager):
    dev = _open(manager, "finger", latency=0.5)
    running = dev.capture(position=1)
    queued = dev.capture(position=2)
    time.sleep(0.1)
    t0 = time.monotonic()
    dev.close()
    with pytest.raises((CaptureCancelled, DeviceTimeout)):
        running.result(3)
    with pytest.raises(CaptureCancelled):
        queued.result(3)
    assert time.monotonic() - t0 < 2.5
