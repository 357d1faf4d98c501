"""Running station calls off the GUI thread.

Signing in runs Argon2id (most of a second on two cores) and every store call may touch the disk,
so the window never calls the station directly from a slot. `TaskRunner.submit` runs a callable on
one dedicated worker thread (one at a time, so station calls never overlap) and delivers its result
or its exception back on the GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits `finished`, Qt queues `_deliver` to this thread."""

    finished = Signal(object, object)  # (result, exception or None)

    def __init__(self, deliver: Callable[[Any, BaseException | None], None]):
        super().__init__()
        self._deliver_fn = deliver
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, result: Any, exc: BaseException | None) -> None:
        self._deliver_fn(result, exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, which decides what to show
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    """One worker thread for station calls; results come back on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending = 0
        self._relays: set[_Relay] = set()

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        def deliver(result: Any, exc: BaseException | None) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)
            if exc is None:
                on_done(result)
            else:
                on_error(exc)

        relay = _Relay(deliver)  # created here, so it belongs to the GUI thread
        self._relays.add(relay)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(fn, relay))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the worker is idle (used on shutdown so no call outlives the station)."""
        return self._pool.waitForDone(msecs)
