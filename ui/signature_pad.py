"""The on-screen / pen-tablet signature pad: a widget and a driver with the `SignaturePad` contract.

`SignatureCanvas` records strokes as the applicant signs: x, y (widget pixels), t_ms (since the
first point), pressure and tilt when a pen tablet reports them (`QTabletEvent`), and a mouse or
touch fallback without pressure (pressure None, tilt None). `SignaturePadWidget` adds clear,
undo and "done".

`ScreenPadDriver` (entry point ``screen-pad``, manifest in `ui.signature_pad_manifest`) makes the
widget a device like any other: the device manager calls `ScreenPad.capture` on the device's
worker thread; it asks the widget (through a queued Qt signal) to take a signature and waits until
the applicant presses "done", the capture is cancelled, or the widget goes away. The widget that is
shown registers itself with `PAD_BROKER`; without one the driver lists no device.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import (
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QShortcut,
    QTabletEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from devices.api import (
    CancelToken,
    CaptureCancelled,
    Device,
    DeviceDescriptor,
    DeviceDisconnected,
    DeviceInfo,
    DeviceNotFound,
    Driver,
    Modality,
    SignaturePad,
    SignatureResult,
    StrokePoint,
)
from ui.signature_pad_manifest import SCREEN_PAD

PAD_DEVICE_ID = "screen-pad:signature"
POLL_S = 0.05


# --------------------------------------------------------------------------------------------
# The canvas
# --------------------------------------------------------------------------------------------


class SignatureCanvas(QWidget):
    """Where the pen (or mouse) writes. Emits `changed` after every stroke, clear and undo."""

    changed = Signal()
    stroke_started = Signal()

    def __init__(self, parent: QWidget | None = None, *, clock=time.monotonic):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("signature_canvas")
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking, False)
        self.setMinimumSize(480, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._clock = clock
        self._t0: float | None = None
        self._last_t = 0
        self.strokes: list[list[StrokePoint]] = []
        self._current: list[StrokePoint] | None = None
        self._pen_down = False  # a tablet stroke is in progress (its mouse twins are ignored)
        self.accepting = True
        self.source = ""  # "tablet" or "mouse": what the last stroke came from

    # -- recording --------------------------------------------------------------------------

    def _t_ms(self) -> int:
        now = self._clock()
        if self._t0 is None:
            self._t0 = now
        t = int(round((now - self._t0) * 1000))
        t = max(t, self._last_t)  # never backwards, whatever the clock does
        self._last_t = t
        return t

    def _point(self, pos: QPointF, pressure: float | None, tilt_x: float | None,
               tilt_y: float | None) -> StrokePoint:
        x = min(max(pos.x(), 0.0), float(self.width()))
        y = min(max(pos.y(), 0.0), float(self.height()))
        if pressure is not None:
            pressure = min(max(float(pressure), 0.0), 1.0)
        return StrokePoint(round(x, 2), round(y, 2), self._t_ms(), pressure, tilt_x, tilt_y)

    def _begin(self, p: StrokePoint) -> None:
        self._current = [p]
        self.strokes.append(self._current)
        self.stroke_started.emit()
        self.update()

    def _extend(self, p: StrokePoint) -> None:
        if self._current is not None:
            self._current.append(p)
            self.update()

    def _end(self, p: StrokePoint | None) -> None:
        if self._current is not None:
            if p is not None:
                self._current.append(p)
            self._current = None
            self.update()
            self.changed.emit()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 (Qt API)
        if not self.accepting:
            event.ignore()
            return
        kind = event.type()
        pos = event.position()
        pressure = float(event.pressure())
        tilt_x, tilt_y = float(event.xTilt()), float(event.yTilt())
        if kind == QEvent.Type.TabletPress:
            self._pen_down = True
            self.source = "tablet"
            self._begin(self._point(pos, pressure, tilt_x, tilt_y))
        elif kind == QEvent.Type.TabletMove and self._pen_down:
            self._extend(self._point(pos, pressure, tilt_x, tilt_y))
        elif kind == QEvent.Type.TabletRelease and self._pen_down:
            self._pen_down = False
            self._end(self._point(pos, pressure, tilt_x, tilt_y))
        event.accept()  # no synthesized mouse events for this pen event

    def _mouse_ok(self, event: QMouseEvent) -> bool:
        # Mouse events Qt synthesizes from an unaccepted tablet event would record twice.
        return (self.accepting and not self._pen_down
                and event.source() == Qt.MouseEventSource.MouseEventNotSynthesized)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton and self._mouse_ok(event):
            self.source = "mouse"
            self._begin(self._point(event.position(), None, None, None))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self._current is not None and self._mouse_ok(event):
            self._extend(self._point(event.position(), None, None, None))
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if (event.button() == Qt.MouseButton.LeftButton and self._current is not None
                and self._mouse_ok(event)):
            self._end(self._point(event.position(), None, None, None))
        event.accept()

    # -- editing ------------------------------------------------------------------------------

    def clear(self) -> None:
        self.strokes = []
        self._current = None
        self._pen_down = False
        self._t0 = None
        self._last_t = 0
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self._current = None
            self.update()
            self.changed.emit()

    @property
    def point_count(self) -> int:
        return sum(len(s) for s in self.strokes)

    def result(self, device: DeviceInfo | None = None) -> SignatureResult:
        return SignatureResult(
            tuple(tuple(s) for s in self.strokes if s), max(1, self.width()),
            max(1, self.height()), device)

    # -- drawing ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        base = self.height() * 0.75
        painter.setPen(QPen(Qt.GlobalColor.lightGray, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(24, base), QPointF(self.width() - 24, base))
        painter.drawText(28, int(base) + 22, "×")
        for stroke in self.strokes:
            if not stroke:
                continue
            if len(stroke) == 1:
                painter.setPen(QPen(Qt.GlobalColor.black, 3, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap))
                painter.drawPoint(QPointF(stroke[0].x, stroke[0].y))
                continue
            for a, b in zip(stroke, stroke[1:], strict=False):
                pressure = b.pressure if b.pressure is not None else 0.6
                pen = QPen(Qt.GlobalColor.black, 1.2 + 3.0 * pressure, Qt.PenStyle.SolidLine,
                           Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                path = QPainterPath(QPointF(a.x, a.y))
                path.lineTo(QPointF(b.x, b.y))
                painter.drawPath(path)
        painter.end()


# --------------------------------------------------------------------------------------------
# The broker: how a device on a worker thread reaches the widget on the GUI thread
# --------------------------------------------------------------------------------------------


@dataclass
class _Request:
    done: threading.Event
    result: SignatureResult | None = None
    error: str = ""


class _Bridge(QObject):
    requested = Signal()
    aborted = Signal()


class PadBroker:
    """Thread-safe link between `ScreenPad` devices and the one pad widget shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._widget: SignaturePadWidget | None = None
        self._request: _Request | None = None

    @property
    def bound(self) -> bool:
        with self._lock:
            return self._widget is not None

    def bind(self, widget: SignaturePadWidget) -> None:
        with self._lock:
            self._widget = widget

    def unbind(self, widget: SignaturePadWidget) -> None:
        with self._lock:
            if self._widget is not widget:
                return
            self._widget = None
            req, self._request = self._request, None
        if req is not None:
            req.error = "the signature pad was closed"
            req.done.set()

    @property
    def waiting(self) -> bool:
        with self._lock:
            return self._request is not None

    def request(self) -> _Request:
        """Worker thread: ask the widget for a signature."""
        with self._lock:
            widget = self._widget
            if widget is None:
                raise DeviceNotFound("no signature pad is shown on screen",
                                     device_id=PAD_DEVICE_ID)
            if self._request is not None:  # an abandoned earlier request
                self._request.error = "superseded"
                self._request.done.set()
            req = _Request(threading.Event())
            self._request = req
            bridge = widget.bridge
        bridge.requested.emit()  # queued to the GUI thread
        return req

    def abort(self, req: _Request) -> None:
        with self._lock:
            if self._request is not req:
                return
            self._request = None
            widget = self._widget
        if widget is not None:
            widget.bridge.aborted.emit()

    def complete(self, result: SignatureResult) -> bool:
        """GUI thread: the applicant pressed done. False if no capture was waiting."""
        with self._lock:
            req, self._request = self._request, None
        if req is None:
            return False
        req.result = result
        req.done.set()
        return True


PAD_BROKER = PadBroker()


# --------------------------------------------------------------------------------------------
# The widget
# --------------------------------------------------------------------------------------------


class SignaturePadWidget(QWidget):
    """Canvas + Hapus (clear) / Urungkan (undo) / Selesai (done).

    `done` is emitted with the SignatureResult when the signer finishes; if a `ScreenPad`
    capture is waiting, it receives the same result.
    """

    done = Signal(object)  # SignatureResult
    capture_started = Signal()

    def __init__(self, parent: QWidget | None = None, *, broker: PadBroker = PAD_BROKER,
                 clock=time.monotonic, enter_key: bool = True,  # noqa: ANN001
                 auto_bind: bool = True):
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.broker = broker
        self.auto_bind = auto_bind  # a device while shown; else bind()/unbind() explicitly
        self.bridge = _Bridge(self)
        self.bridge.requested.connect(self._on_requested, Qt.ConnectionType.QueuedConnection)
        self.bridge.aborted.connect(self._on_aborted, Qt.ConnectionType.QueuedConnection)
        self.canvas = SignatureCanvas(clock=clock)
        self.canvas.changed.connect(self._update_buttons)
        self.hint = QLabel(self.tr("Tanda tangan di dalam kotak putih dengan pena atau mouse."))
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.clear_button = QPushButton(self.tr("Hapus  (Del)"), objectName="pad_clear")
        self.undo_button = QPushButton(self.tr("Urungkan  (Ctrl+Z)"), objectName="pad_undo")
        self.done_button = QPushButton(self.tr("Selesai  (Enter)"), objectName="pad_done")
        self.done_button.setProperty("role", "primary")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.done_button.clicked.connect(self.finish)
        keys_slots = [("Delete", self.canvas.clear), ("Ctrl+Z", self.canvas.undo)]
        if enter_key:  # a page that embeds the pad may route Enter itself
            keys_slots += [("Return", self.finish), ("Enter", self.finish)]
        for keys, slot in keys_slots:
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.addWidget(self.hint)
        frame.addWidget(self.canvas, 1)
        row = QHBoxLayout()
        row.addWidget(self.clear_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        row.addWidget(self.done_button)
        frame.addLayout(row)
        self.device_info = DeviceInfo(SCREEN_PAD.id, PAD_DEVICE_ID, make="Rekam",
                                      model="on-screen pad")
        self._delivered = False  # the ink on the pad went to a capture
        self._unclaimed: SignatureResult | None = None
        self._update_buttons()

    # -- binding: the pad is a device while it is shown -------------------------------------

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        if self.auto_bind:
            self.broker.bind(self)
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        if self.auto_bind:
            self.broker.unbind(self)
        super().hideEvent(event)

    def bind(self) -> None:
        self.broker.bind(self)

    def unbind(self) -> None:
        self.broker.unbind(self)

    # -- capture ------------------------------------------------------------------------------

    def _on_requested(self) -> None:
        if self._unclaimed is not None:  # "done" was pressed just before the request arrived
            result, self._unclaimed = self._unclaimed, None
            self.broker.complete(result)
            return
        if self._delivered:  # a new capture starts on a clean pad; ink not yet delivered stays
            self.canvas.clear()
            self._delivered = False
        self.canvas.setFocus()
        self.capture_started.emit()

    def _on_aborted(self) -> None:
        self._update_buttons()

    def finish(self) -> None:
        if not self.canvas.strokes:
            return
        if self.canvas._current is not None:  # a stroke still open (button pressed mid-air)
            self.canvas._end(None)
        result = self.canvas.result(self.device_info)
        if self.broker.complete(result):
            self._delivered = True
        else:
            self._unclaimed = result  # for a capture request still on its way
        self.done.emit(result)

    def _update_buttons(self) -> None:
        has = bool(self.canvas.strokes)
        self.clear_button.setEnabled(has)
        self.undo_button.setEnabled(has)
        self.done_button.setEnabled(has)

    def clear(self) -> None:
        self.canvas.clear()
        self._unclaimed = None
        self._delivered = False


# --------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------


class ScreenPad(SignaturePad):
    """The shown pad widget as a `SignaturePad`; capture waits for the signer's "done"."""

    capture_timeout_s = 600.0  # a person signs at their own pace; the operator can cancel

    def __init__(self, descriptor: DeviceDescriptor, broker: PadBroker = PAD_BROKER) -> None:
        super().__init__(descriptor)
        self.broker = broker

    def info(self) -> DeviceInfo:
        return DeviceInfo(SCREEN_PAD.id, self.device_id, make="Rekam", model="on-screen pad")

    def open(self) -> None:
        if not self.broker.bound:
            raise DeviceNotFound("no signature pad is shown on screen", device_id=self.device_id)

    def capture(self, cancel: CancelToken) -> SignatureResult:
        req = self.broker.request()
        while not req.done.wait(POLL_S):
            if cancel.cancelled:
                self.broker.abort(req)
                raise CaptureCancelled(cancel.reason, device_id=self.device_id)
        if req.result is None:
            raise DeviceDisconnected(req.error, device_id=self.device_id)
        return req.result


class ScreenPadDriver(Driver):
    manifest = SCREEN_PAD

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        if not PAD_BROKER.bound:
            return []
        return [self.descriptor_for_pad()]

    def descriptor_for_pad(self) -> DeviceDescriptor:
        return DeviceDescriptor(SCREEN_PAD.id, PAD_DEVICE_ID, SCREEN_PAD.name,
                                (Modality.SIGNATURE,), options={"modality": "signature"})

    def open(self, descriptor: DeviceDescriptor) -> Device:
        return ScreenPad(descriptor)
