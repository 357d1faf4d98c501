"""Plumbing shared by the capture steps.

* `FutureRelay` delivers a `concurrent.futures.Future` (a device capture) to the GUI thread;
* `FrameRelay` hands preview frames from a device worker to the GUI, latest frame only, so a slow
  paint never queues frames up;
* `DeviceService` owns the station's `DeviceManager` (simulated devices enabled in demo mode) and
  opens devices on its own worker;
* `DevicePicker` is the per-modality device choice;
* `SupervisorDialog` asks a supervisor for their name and password at the operator's desk
  (`station.auth.confirm_by`, on the window's worker);
* `LivePreview` shows a step's live preview and keeps its newest frame for the live check;
* `to_pixmap` converts BGR / gray numpy images for display.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from devices.api import DeviceDescriptor, DeviceError, Frame, Modality
from devices.manager import DeviceHandle, DeviceManager
from station.domain import Problem
from ui.style import set_role
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

SCREEN_PAD_ID = "screen-pad"


def problem_text(exc: BaseException, locale: str) -> str:
    """An operator's message for a failed device call or check."""
    problem = getattr(exc, "problem", None)
    if isinstance(problem, Problem):
        return problem.message(locale)
    log.error("unexpected capture error", exc_info=exc)
    if locale == "en":
        return f"Unexpected error ({type(exc).__name__}); see the station log."
    return f"Kesalahan tak terduga ({type(exc).__name__}); lihat log stasiun."


def to_pixmap(image: np.ndarray) -> QPixmap:
    img = np.ascontiguousarray(image)
    h, w = img.shape[:2]
    if img.ndim == 2:
        q = QImage(img.data, w, h, img.strides[0], QImage.Format.Format_Grayscale8)
    else:
        q = QImage(img.data, w, h, img.strides[0], QImage.Format.Format_BGR888)
    return QPixmap.fromImage(q.copy())


def png_pixmap(data: bytes) -> QPixmap:
    pix = QPixmap()
    pix.loadFromData(data)
    return pix


def ink_pixmap(data: bytes, margin: int = 12) -> QPixmap:
    """A rendered signature (black on white PNG) cropped to its ink, for display."""
    image = QImage.fromData(data).convertToFormat(QImage.Format.Format_Grayscale8)
    if image.isNull():
        return QPixmap()
    w, h = image.width(), image.height()
    gray = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * h)
    gray = gray.reshape(h, image.bytesPerLine())[:, :w]
    ys, xs = np.nonzero(gray < 160)
    if len(xs) == 0:
        return QPixmap.fromImage(image)
    x0, x1 = max(0, xs.min() - margin), min(w, xs.max() + margin)
    y0, y1 = max(0, ys.min() - margin), min(h, ys.max() + margin)
    return QPixmap.fromImage(image.copy(int(x0), int(y0), int(x1 - x0), int(y1 - y0)))


def show_scaled(label: QLabel, pixmap: QPixmap) -> None:
    if pixmap.isNull():
        label.clear()
        return
    size = label.contentsRect().size()
    if size.width() < 10 or size.height() < 10:
        size = label.minimumSize()
    label.setPixmap(pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation))


def set_message(label: QLabel, text: str, role: str) -> None:
    label.setText(text)
    set_role(label, role)
    label.setVisible(bool(text))


class FutureRelay(QObject):
    """Calls `on_done(result)` or `on_error(exc)` on the GUI thread when the future settles."""

    _settled = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callbacks: dict[int, tuple[Callable[[Any], None],
                                         Callable[[BaseException], None]]] = {}
        self._ids = 0
        self._lock = threading.Lock()
        self._settled.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.pending = 0

    def watch(self, fut: concurrent.futures.Future, on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None]) -> None:
        with self._lock:
            self._ids += 1
            key = self._ids
            self._callbacks[key] = (on_done, on_error)
            self.pending += 1

        def settled(f: concurrent.futures.Future) -> None:
            try:
                exc = f.exception()
                payload = (None, exc) if exc is not None else (f.result(), None)
            except concurrent.futures.CancelledError as cancelled:
                payload = (None, cancelled)
            # the relay may be gone (window closed): then nobody waits
            with contextlib.suppress(RuntimeError):
                self._settled.emit(key, payload)

        fut.add_done_callback(settled)

    def forget_all(self) -> None:
        """Results still on their way are dropped (a new applicant, a closed step)."""
        with self._lock:
            self._callbacks.clear()
            self.pending = 0

    @Slot(object, object)
    def _deliver(self, key: int, payload: tuple[Any, BaseException | None]) -> None:
        with self._lock:
            callbacks = self._callbacks.pop(key, None)
            if callbacks is not None:
                self.pending -= 1
        if callbacks is None:
            return
        result, exc = payload
        if exc is None:
            callbacks[0](result)
        else:
            callbacks[1](exc)


class FrameRelay(QObject):
    """A preview sink: the worker stores the newest frame; the GUI takes it when it can."""

    frame_ready = Signal()
    failed = Signal(object)  # DeviceError

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: Frame | None = None
        self._signalled = False
        self.frames = 0

    def sink(self, frame: Frame) -> None:  # device worker thread
        with self._lock:
            self._latest = frame
            if self._signalled:
                return
            self._signalled = True
        with contextlib.suppress(RuntimeError):
            self.frame_ready.emit()

    def error(self, exc: DeviceError) -> None:  # device worker thread
        with contextlib.suppress(RuntimeError):
            self.failed.emit(exc)

    def take(self) -> Frame | None:
        with self._lock:
            frame, self._latest = self._latest, None
            self._signalled = False
        if frame is not None:
            self.frames += 1
        return frame

    def reset(self) -> None:
        with self._lock:
            self._latest = None
            self._signalled = False


class DeviceService(QObject):
    """The station's devices: one manager, a worker for scans and opens, handles by modality."""

    scanned = Signal()

    def __init__(self, *, demo: bool, parent: QObject | None = None,
                 capture_timeout_s: float | None = None) -> None:
        super().__init__(parent)
        self.demo = demo
        options: dict[str, dict[str, Any]] = {}
        if demo or os.environ.get("REKAM_SIMULATED_DEVICES"):
            options["simulated"] = {"enabled": "1"}
        kwargs: dict[str, Any] = {}
        if capture_timeout_s is not None:
            kwargs["capture_timeout_s"] = capture_timeout_s
        self.manager = DeviceManager(driver_options=options, **kwargs)
        self.runner = TaskRunner(self)
        self.found: list[DeviceDescriptor] = []
        self.scan_problems: dict[str, DeviceError] = {}
        self.scanning = False

    def rescan(self) -> None:
        if self.scanning:
            return
        self.scanning = True
        manager = self.manager
        self.runner.submit(lambda: (manager.rescan(), dict(manager.discovery_problems)),
                           self._scanned, self._scan_failed)

    def _scanned(self, result: tuple[list[DeviceDescriptor], dict[str, DeviceError]]) -> None:
        self.scanning = False
        self.found, self.scan_problems = result
        self.scanned.emit()

    def _scan_failed(self, exc: BaseException) -> None:
        self.scanning = False
        log.error("device scan failed", exc_info=exc)
        self.found = []
        self.scanned.emit()

    def devices(self, modality: Modality) -> list[DeviceDescriptor]:
        found = [d for d in self.found if modality in d.modalities]

        def rank(d: DeviceDescriptor) -> int:
            if modality is Modality.SIGNATURE and d.driver_id == SCREEN_PAD_ID:
                return 0  # the on-screen pad first: it needs no hardware
            if self.demo and d.driver_id == "simulated":
                return 1
            if d.driver_id == "simulated":
                return 3
            return 2

        return sorted(found, key=rank)

    def open(self, descriptor: DeviceDescriptor, modality: Modality,
             on_done: Callable[[DeviceHandle], None],
             on_error: Callable[[BaseException], None]) -> None:
        manager = self.manager
        self.runner.submit(lambda: manager.open(descriptor, modality), on_done, on_error)

    def close_handle(self, handle: DeviceHandle | None) -> None:
        if handle is not None:
            self.runner.submit(handle.close, lambda _r: None,
                               lambda exc: log.warning("closing %s: %s", handle.device_id, exc))

    def shutdown(self) -> None:
        self.runner.wait(10_000)
        self.manager.close()


class DevicePicker(QWidget):
    """Label + combo of the devices for one modality + "Cari ulang" (rescan)."""

    changed = Signal()

    def __init__(self, service: DeviceService, modality: Modality,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.modality = modality
        self.setObjectName(f"picker_{modality.value}")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        row = QHBoxLayout()
        label = QLabel(self.tr("Perangkat"))
        label.setProperty("role", "hint")
        self.combo = QComboBox(objectName=f"device_{modality.value}")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        label.setBuddy(self.combo)
        self.rescan_button = QPushButton(self.tr("Cari ulang"), objectName="rescan")
        self.rescan_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rescan_button.clicked.connect(service.rescan)
        row.addWidget(label)
        row.addStretch(1)
        row.addWidget(self.rescan_button)
        column.addLayout(row)
        column.addWidget(self.combo)
        service.scanned.connect(self.refill)
        self.combo.activated.connect(lambda _i: self.changed.emit())
        self.refill()

    def refill(self) -> None:
        current = self.current_id()
        self.combo.blockSignals(True)
        self.combo.clear()
        devices = self.service.devices(self.modality)
        for d in devices:
            self.combo.addItem(d.name, d.device_id)
        if not devices:
            self.combo.addItem(self.tr("— tidak ada perangkat; periksa sambungan lalu "
                                       "\"Cari ulang\" —"), None)
        index = self.combo.findData(current) if current else -1
        self.combo.setCurrentIndex(max(0, index))
        self.combo.blockSignals(False)
        if self.current_id() != current:
            self.changed.emit()

    def current_id(self) -> str | None:
        return self.combo.currentData()

    def current(self) -> DeviceDescriptor | None:
        wanted = self.current_id()
        return next((d for d in self.service.devices(self.modality) if d.device_id == wanted),
                    None)


class SupervisorDialog(QDialog):
    """A supervisor confirms at the operator's desk; `confirmed(username)` on success.

    Non-blocking (`open()`), so the window's event loop — and the idle lock — keep running.
    """

    confirmed = Signal(str)

    def __init__(self, parent: QWidget, *, title: str, text: str,
                 confirm: Callable[[str, str], Any], tasks: TaskRunner, locale: str) -> None:
        super().__init__(parent)
        self.setObjectName("supervisor_dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self._confirm = confirm
        self._tasks = tasks
        self._locale = locale
        box = QVBoxLayout(self)
        explain = QLabel(text)
        explain.setWordWrap(True)
        box.addWidget(explain)
        form = QFormLayout()
        self.username = QLineEdit(objectName="supervisor_username")
        self.password = QLineEdit(objectName="supervisor_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Nama pengguna supervisor"), self.username)
        form.addRow(self.tr("Kata sandi"), self.password)
        box.addLayout(form)
        self.problem = QLabel(objectName="supervisor_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        box.addWidget(self.problem)
        row = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Batal"), objectName="supervisor_cancel")
        self.ok_button = QPushButton(self.tr("Konfirmasi"), objectName="supervisor_ok")
        self.ok_button.setProperty("role", "primary")
        self.ok_button.setDefault(True)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.ok_button)
        box.addLayout(row)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            set_message(self.problem, self.tr("Isi nama pengguna dan kata sandi supervisor."),
                        "error")
            return
        if self._tasks.busy:
            return
        self.ok_button.setEnabled(False)
        confirm = self._confirm
        self._tasks.submit(lambda: confirm(username, password), self._done, self._failed)

    def _done(self, info: Any) -> None:
        self.ok_button.setEnabled(True)
        name = getattr(info, "username", None) or self.username.text().strip().lower()
        self.password.clear()
        self.accept()
        self.confirmed.emit(name)

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        set_message(self.problem, problem_text(exc, self._locale), "error")


class DeviceSlot(QObject):
    """The device chosen in a picker, opened on demand (off the GUI thread) and reopened after
    a failure; optional live preview into a FrameRelay."""

    def __init__(self, service: DeviceService, picker: DevicePicker,
                 adjust: Callable[[DeviceDescriptor], DeviceDescriptor] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.picker = picker
        self.adjust = adjust or (lambda d: d)
        self.handle: DeviceHandle | None = None
        self._key: tuple[str, str] | None = None
        self.opening = False
        self.frames = FrameRelay(self)
        self.previewing = False
        self._want_preview = False
        self._generation = 0

    def descriptor(self) -> DeviceDescriptor | None:
        chosen = self.picker.current()
        return None if chosen is None else self.adjust(chosen)

    def ensure(self, on_ready: Callable[[DeviceHandle], None],
               on_error: Callable[[BaseException], None]) -> None:
        """Call on_ready(handle) with the chosen device open (opening it if needed)."""
        d = self.descriptor()
        if d is None:
            on_error(DeviceError("no device chosen / belum ada perangkat"))
            return
        key = (d.device_id, repr(sorted(d.options.items())))
        if self.handle is not None and self._key == key:
            on_ready(self.handle)
            return
        self.release()
        self.opening = True
        generation = self._generation

        def opened(handle: DeviceHandle) -> None:
            self.opening = False
            if generation != self._generation:  # released meanwhile
                self.service.close_handle(handle)
                return
            self.handle, self._key = handle, key
            if self._want_preview:
                self._start_preview()
            on_ready(handle)

        def failed(exc: BaseException) -> None:
            self.opening = False
            on_error(exc)

        self.service.open(d, self.picker.modality, opened, failed)

    def preview(self, on_error: Callable[[BaseException], None]) -> None:
        self._want_preview = True
        if self.handle is not None:
            self._start_preview()
        elif not self.opening:
            self.ensure(lambda _h: None, on_error)

    def _start_preview(self) -> None:
        if self.handle is None or self.previewing:
            return
        self.frames.reset()
        self.handle.start_preview(self.frames.sink, on_error=self.frames.error, max_fps=15)
        self.previewing = True

    def stop_preview(self) -> None:
        self._want_preview = False
        if self.handle is not None and self.previewing:
            self.handle.stop_preview()
        self.previewing = False
        self.frames.reset()

    def release(self) -> None:
        """Close the device (after an error, on another choice, when the applicant is done)."""
        self._generation += 1
        want = self._want_preview
        self.stop_preview()
        self._want_preview = want
        handle, self.handle, self._key = self.handle, None, None
        self.service.close_handle(handle)


class LivePreview:
    """Mixin for a capture step with a live preview (face, fingers).

    The step has `slot` (a `DeviceSlot`), `live` (the preview label) and `_preview_failed`; the
    newest frame is kept in `_last_frame` for the step's live check, and set to None whenever the
    step drops its device.
    """

    _last_frame: np.ndarray | None

    def _connect_preview(self) -> None:
        """Show the slot's frames in `live`; a preview failure goes to `_preview_failed`."""
        self._last_frame = None
        self.slot.frames.frame_ready.connect(self._show_frame)
        self.slot.frames.failed.connect(self._preview_failed)

    def _show_frame(self) -> None:
        frame = self.slot.frames.take()
        if frame is None or not self.isVisible():
            return
        self._last_frame = frame.image
        show_scaled(self.live, to_pixmap(frame.image))
