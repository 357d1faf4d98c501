"""Idle auto-lock: no key press, click or wheel for `seconds` -> `idle` is emitted once.

An application-wide event filter notes the time of the last user input; a one-second timer
compares. Mouse movement alone does not count (a bumped mouse must not keep a station open).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, seconds: float, parent: QObject | None = None):
        super().__init__(parent)
        self.seconds = seconds
        self._last = time.monotonic()
        self._armed = False
        self._timer = QTimer(self)
        self._timer.setInterval(max(100, min(1000, int(seconds * 1000 / 4))))
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Arm the watcher (after sign-in or unlock)."""
        self._last = time.monotonic()
        if not self._armed:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self._armed = True
        self._timer.start()

    def stop(self) -> None:
        if self._armed:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self._armed = False
        self._timer.stop()

    def idle_for(self) -> float:
        return time.monotonic() - self._last

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() in _INPUT_EVENTS:
            self._last = time.monotonic()
        return False

    def _tick(self) -> None:
        if self.seconds > 0 and self.idle_for() >= self.seconds:
            self.stop()
            self.idle.emit()
