"""The on-screen / pen-tablet signature pad: strokes from tablet and mouse events, clear/undo,
and the driver that makes the widget a device behind the real DeviceManager."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from devices.api import CaptureCancelled, DeviceNotFound, Modality, SignatureResult
from devices.manager import DeviceManager
from devices.registry import AVAILABLE, Registry
from station.biometrics import signature as sig
from ui.signature_pad import PAD_BROKER, PAD_DEVICE_ID, PadBroker, SignaturePadWidget


class FakeClock:
    """Deterministic time for the canvas (each reading 12 ms later)."""

    def __init__(self) -> None:
        self._n = itertools.count()

    def __call__(self) -> float:
        return next(self._n) * 0.012


def _stylus() -> QPointingDevice:
    return QPointingDevice(
        "test stylus", 4711, QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure
        | QInputDevice.Capability.XTilt | QInputDevice.Capability.YTilt,
        1, 3)


def tablet(widget, kind, x, y, pressure, tilt_x=0.0, tilt_y=0.0, device=None):  # noqa: ANN001
    pos = QPointF(x, y)
    buttons = (Qt.MouseButton.NoButton if kind == QTabletEvent.Type.TabletRelease
               else Qt.MouseButton.LeftButton)
    ev = QTabletEvent(kind, device, pos, widget.mapToGlobal(pos), pressure, tilt_x, tilt_y,
                      0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                      buttons)
    QApplication.sendEvent(widget, ev)
    return ev


def pen_stroke(canvas, points, device) -> None:  # noqa: ANN001
    (x0, y0, p0, tx0, ty0), *rest = points
    tablet(canvas, QTabletEvent.Type.TabletPress, x0, y0, p0, tx0, ty0, device)
    for x, y, p, tx, ty in rest[:-1]:
        tablet(canvas, QTabletEvent.Type.TabletMove, x, y, p, tx, ty, device)
    x, y, p, tx, ty = rest[-1]
    tablet(canvas, QTabletEvent.Type.TabletRelease, x, y, p, tx, ty, device)


@pytest.fixture
def pad(qtbot):  # noqa: ANN001
    widget = SignaturePadWidget(broker=PadBroker(), clock=FakeClock())
    qtbot.addWidget(widget)
    widget.resize(640, 280)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_tablet_strokes_keep_position_time_pressure_and_tilt(pad) -> None:  # noqa: ANN001
    device = _stylus()
    pts = [(40 + 20 * i, 120 + (i % 3) * 10, 0.2 + 0.1 * i, 10.0 + i, -5.0 - i) for i in range(6)]
    pen_stroke(pad.canvas, pts, device)
    assert len(pad.canvas.strokes) == 1
    stroke = pad.canvas.strokes[0]
    assert [(p.x, p.y) for p in stroke] == [(x, y) for x, y, *_ in pts]
    assert [p.pressure for p in stroke] == pytest.approx([p for *_, p, _a, _b in pts])
    assert [p.tilt_x for p in stroke] == pytest.approx([tx for *_, tx, _ty in pts])
    assert [p.tilt_y for p in stroke] == pytest.approx([ty for *_, ty in pts])
    times = [p.t_ms for p in stroke]
    assert times[0] == 0 and times == sorted(times) and times[-1] == 60  # 12 ms per reading
    assert pad.canvas.source == "tablet"
    assert pad.done_button.isEnabled()


def test_mouse_fallback_has_no_pressure_and_no_tilt(pad, qtbot) -> None:  # noqa: ANN001
    c = pad.canvas
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=QPointF(50, 60).toPoint())
    for x in range(60, 200, 20):
        qtbot.mouseMove(c, QPointF(x, 60 + x / 10).toPoint())
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=QPointF(210, 90).toPoint())
    assert len(c.strokes) == 1
    stroke = c.strokes[0]
    assert len(stroke) >= 3
    assert all(p.pressure is None and p.tilt_x is None and p.tilt_y is None for p in stroke)
    assert (stroke[0].x, stroke[0].y) == (50, 60) and (stroke[-1].x, stroke[-1].y) == (210, 90)
    assert c.source == "mouse"


def test_points_outside_the_canvas_are_clamped(pad) -> None:  # noqa: ANN001
    pen_stroke(pad.canvas, [(10, 10, 0.5, 0, 0), (-30, 500, 0.5, 0, 0), (900, -4, 1.5, 0, 0)],
               _stylus())
    stroke = pad.canvas.strokes[0]
    w, h = pad.canvas.width(), pad.canvas.height()
    assert all(0 <= p.x <= w and 0 <= p.y <= h for p in stroke)
    assert stroke[-1].pressure == 1.0  # clamped to 0..1


def test_undo_removes_the_last_stroke_and_clear_everything(pad) -> None:  # noqa: ANN001
    device = _stylus()
    pen_stroke(pad.canvas, [(20, 20, .5, 0, 0), (60, 40, .5, 0, 0), (90, 30, .5, 0, 0)], device)
    pen_stroke(pad.canvas, [(120, 80, .5, 0, 0), (160, 90, .5, 0, 0)], device)
    assert len(pad.canvas.strokes) == 2
    pad.undo_button.click()
    assert len(pad.canvas.strokes) == 1 and pad.canvas.strokes[0][0].x == 20
    pad.clear_button.click()
    assert pad.canvas.strokes == [] and not pad.done_button.isEnabled()


def test_done_delivers_a_signature_the_checks_accept(pad, qtbot) -> None:  # noqa: ANN001
    device = _stylus()
    for k in range(3):
        pts = [(60 + 150 * k + 12 * i, 100 + 40 * ((i + k) % 2) + 3 * i, 0.5, 0, 0)
               for i in range(12)]
        pen_stroke(pad.canvas, pts, device)
    with qtbot.waitSignal(pad.done, timeout=2000) as blocker:
        pad.done_button.click()
    result = blocker.args[0]
    assert isinstance(result, SignatureResult)
    assert len(result.strokes) == 3 and result.point_count == 36
    assert (result.width, result.height) == (pad.canvas.width(), pad.canvas.height())
    strokes = sig.Strokes.from_lists([[tuple(p) for p in s] for s in result.strokes],
                                     result.width, result.height)
    assert strokes.has_pressure and strokes.has_tilt
    check = sig.check(strokes)
    assert check.acceptable, check.failures


def test_driver_capture_waits_for_done_through_the_device_manager(qtbot) -> None:  # noqa: ANN001
    registry = Registry()
    entry = next(e for e in registry.scan() if e.id == "screen-pad")
    assert entry.status == AVAILABLE and entry.manifest.modalities == (Modality.SIGNATURE,)
    with DeviceManager(registry) as manager:
        assert not [d for d in manager.rescan() if d.driver_id == "screen-pad"]  # no widget yet
        widget = SignaturePadWidget(clock=FakeClock())  # the real, process-wide broker
        qtbot.addWidget(widget)
        widget.resize(640, 280)
        widget.show()
        qtbot.waitExposed(widget)
        found = [d for d in manager.rescan() if d.driver_id == "screen-pad"]
        assert [d.device_id for d in found] == [PAD_DEVICE_ID]
        handle = manager.open(found[0], Modality.SIGNATURE)
        with qtbot.waitSignal(widget.capture_started, timeout=3000):
            future = handle.capture()
        assert not future.done()  # waiting for the signer
        pen_stroke(widget.canvas, [(30 + 25 * i, 90 + 15 * (i % 2), 0.4, 3, 4) for i in range(10)],
                   _stylus())
        widget.done_button.click()
        result = future.result(5)
        assert isinstance(result, SignatureResult) and result.point_count == 10
        assert result.device is not None and result.device.device_id == PAD_DEVICE_ID

        # cancelling a waiting capture fails it with CaptureCancelled; nothing hangs
        with qtbot.waitSignal(widget.capture_started, timeout=3000):
            future = handle.capture()
        handle.cancel()
        with pytest.raises(CaptureCancelled):
            future.result(5)
        assert not PAD_BROKER.waiting

        # the pad goes away mid-capture: a clear device error, not a hang
        with qtbot.waitSignal(widget.capture_started, timeout=3000):
            future = handle.capture()
        widget.hide()
        with pytest.raises(Exception) as info:
            future.result(5)
        assert getattr(info.value, "code", "") == "device.disconnected"
        handle.close()
    with pytest.raises(DeviceNotFound):
        PAD_BROKER.request()


def test_ink_before_the_capture_request_is_kept_and_done_before_it_is_delivered(qtbot) -> None:
    """The signer may start (or even finish) before the device's request reaches the widget."""
    broker = PadBroker()
    widget = SignaturePadWidget(broker=broker, clock=FakeClock())
    qtbot.addWidget(widget)
    widget.resize(640, 280)
    widget.show()
    qtbot.waitExposed(widget)
    pen_stroke(widget.canvas, [(30 + 25 * i, 90, 0.4, 0, 0) for i in range(8)], _stylus())
    with qtbot.waitSignal(widget.capture_started, timeout=2000):
        req = broker.request()  # as ScreenPad.capture does on the device worker
    assert len(widget.canvas.strokes) == 1  # not wiped
    widget.finish()
    assert req.done.is_set() and req.result.point_count == 8

    # the next capture starts on a clean pad
    with qtbot.waitSignal(widget.capture_started, timeout=2000):
        req = broker.request()
    assert widget.canvas.strokes == []
    # "done" pressed before the request arrives: the request takes that signature at once
    pen_stroke(widget.canvas, [(40 + 20 * i, 120, 0.5, 0, 0) for i in range(6)], _stylus())
    widget.finish()
    assert req.done.is_set() and req.result.point_count == 6
    pen_stroke(widget.canvas, [(40 + 20 * i, 150, 0.5, 0, 0) for i in range(5)], _stylus())
    widget.finish()  # nobody waits: kept for the request on its way
    req = broker.request()
    qtbot.waitUntil(req.done.is_set, timeout=2000)
    assert req.result.point_count == 11  # the whole pad as signed
