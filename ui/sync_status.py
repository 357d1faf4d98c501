"""Background delivery in the GUI: the sync runner, its state on the GUI thread, the indicator.

`SyncController` owns the station's `SyncService` (station.services.sync, handed in by whoever
builds the window: the UI may not import the store's layers itself). After sign-in it starts the
background runner when the station is provisioned to a receiver; the runner's `on_change` callback
runs on the sync thread, so it only copies the state into a `SyncSnapshot` and emits a Qt signal
that Qt queues to the GUI thread. Queue counts (`status()`) are read on the window's worker.

The indicator in the status bar reads e.g. "Sinkron: 12 menunggu · galat CONNECTION_REFUSED: …":
the real cause of the last failure, never a blanket "no internet".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from station.domain import Problem
from ui.style import set_role
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class SyncServiceLike(Protocol):
    """What the GUI uses of `station.services.sync.SyncService`."""

    def status(self) -> dict: ...
    def start_background(self, *, on_change: Callable[[Any], None] | None = None,
                         **options: Any) -> Any: ...
    def stop_background(self) -> None: ...
    def run_once(self) -> Any: ...
    def seal(self, record_ids: Any = None) -> Any: ...
    def export(self, directory: Any) -> Any: ...
    def import_receipts(self, data: bytes) -> Any: ...


@dataclass(frozen=True)
class SyncSnapshot:
    """A copy of the runner's state, safe to hand from the sync thread to the GUI thread."""

    running: bool = False
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    error: Problem | None = None
    consecutive_failures: int = 0
    next_attempt_in: float | None = None

    @classmethod
    def of(cls, state: Any) -> SyncSnapshot:
        error = getattr(state, "last_error", None)
        return cls(
            running=bool(state.running),
            last_attempt=state.last_attempt,
            last_success=state.last_success,
            error=None if error is None else error.problem,
            consecutive_failures=int(state.consecutive_failures),
            next_attempt_in=state.next_attempt_in,
        )

    @classmethod
    def from_status(cls, last_run: dict | None) -> SyncSnapshot:
        """The last run recorded in the station's sync-state file (from `status()`)."""
        if not last_run:
            return cls()

        def when(key: str) -> datetime | None:
            raw = last_run.get(key)
            try:
                return datetime.fromisoformat(raw) if raw else None
            except ValueError:
                return None

        err = last_run.get("last_error")
        problem = None
        if isinstance(err, dict) and err.get("code"):
            problem = Problem(str(err["code"]), str(err.get("message") or ""),
                              str(err.get("message_en") or ""))
        return cls(running=False, last_attempt=when("last_attempt"),
                   last_success=when("last_success"), error=problem,
                   consecutive_failures=int(last_run.get("consecutive_failures") or 0),
                   next_attempt_in=last_run.get("next_attempt_in_s"))


class SyncController(QObject):
    """Starts/stops background delivery and publishes its state on the GUI thread."""

    changed = Signal()  # snapshot, queue or availability changed (GUI thread)
    attempted = Signal()  # the runner finished an attempt (GUI thread)
    _from_sync_thread = Signal(object)  # SyncSnapshot, emitted on the sync thread

    def __init__(self, service: SyncServiceLike | None, tasks: TaskRunner,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.snapshot = SyncSnapshot()
        self.status: dict | None = None  # the last `service.status()`
        self.provisioned = False
        self.started = False
        self.status_error: BaseException | None = None
        self.runner: Any = None  # sync.uploader.SyncRunner once started
        # Extra keywords for start_background (idle_interval, probe_interval, backoff).
        self.background_options: dict[str, Any] = {}
        # AutoConnection from another thread = queued to this object's (the GUI) thread.
        self._from_sync_thread.connect(self._on_snapshot)

    @property
    def available(self) -> bool:
        return self.service is not None

    @property
    def queued(self) -> int:
        return int(self.status.get("undelivered", 0)) if self.status else 0

    def start(self) -> None:
        """After sign-in: read the status, then start the runner if there is a receiver."""
        if self.service is None:
            return
        service = self.service
        options = dict(self.background_options)

        def begin() -> dict:
            status = service.status()
            if status.get("provisioned"):
                self.runner = service.start_background(on_change=self._runner_changed,
                                                       **options)
            return status

        self.tasks.submit(begin, self._started, self._status_failed)

    def _started(self, status: dict) -> None:
        self._set_status(status)
        self.started = bool(status.get("provisioned"))
        if self.snapshot == SyncSnapshot():
            self.snapshot = SyncSnapshot.from_status(status.get("last_run"))
        self.changed.emit()

    def stop(self, *, wait: bool = False) -> None:
        """On sign-out (queued behind the worker's calls) or on close (`wait=True`, blocking)."""
        if self.service is None or not self.started:
            return
        self.started = False
        service = self.service
        if wait:
            service.stop_background()
        else:
            self.tasks.submit(service.stop_background, lambda _r: None, self._status_failed)

    def wake(self) -> None:
        """Deliver now instead of after the idle wait or the backoff (thread-safe)."""
        if self.started and self.runner is not None:
            self.runner.wake()

    def refresh(self) -> None:
        """Re-read the queue (e.g. after approvals or sealing)."""
        if self.service is None:
            return
        self.tasks.submit(self.service.status, self._refreshed, self._status_failed)

    def _refreshed(self, status: dict) -> None:
        self._set_status(status)
        self.changed.emit()

    def _set_status(self, status: dict) -> None:
        self.status = status
        self.provisioned = bool(status.get("provisioned"))
        self.status_error = None

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("sync status failed: %s", type(exc).__name__)
        self.status_error = exc
        self.changed.emit()

    def _runner_changed(self, state: Any) -> None:  # sync thread
        self._from_sync_thread.emit(SyncSnapshot.of(state))

    def _on_snapshot(self, snapshot: SyncSnapshot) -> None:  # GUI thread
        self.snapshot = snapshot
        self.changed.emit()
        self.attempted.emit()
        self.refresh()


def error_text(problem: Problem | None, locale: str) -> str:
    if problem is None:
        return ""
    return f"{problem.code}: {problem.message(locale)}"


class SyncIndicator(QLabel):
    """The status-bar text: queue size and the real cause of the last failure."""

    def __init__(self, controller: SyncController, locale: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sync_indicator")
        self.controller = controller
        self.locale = locale
        self.setProperty("role", "neutral")
        controller.changed.connect(self.update_text)
        self.update_text()

    def update_text(self) -> None:
        c = self.controller
        if not c.available:
            self.hide()
            return
        self.show()
        snap = c.snapshot
        parts = [self.tr("Sinkron:")]
        if c.status is None:
            parts.append(self.tr("memeriksa…"))
            role = "neutral"
        elif not c.provisioned:
            parts.append(self.tr("%1 menunggu · belum diarahkan ke server").replace(
                "%1", str(c.queued)))
            role = "warn"
        else:
            parts.append(self.tr("%1 menunggu").replace("%1", str(c.queued)))
            role = "ok"
        detail = ""
        if snap.error is not None:
            # The code here, the whole message in the tooltip and on the dashboard.
            parts.append("· " + self.tr("galat %1").replace("%1", snap.error.code))
            detail = error_text(snap.error, self.locale)
            role = "error"
        elif snap.last_success is not None:
            parts.append("· " + self.tr("terakhir berhasil %1").replace(
                "%1", snap.last_success.astimezone().strftime("%H:%M")))
        text = " ".join(parts)
        self.setText(text)
        self.setToolTip("\n".join(filter(None, [text, detail])))
        set_role(self, role)
        self.setMinimumWidth(self.sizeHint().width())  # the station name gives way first


def with_coded_problems(
    describe: Callable[[BaseException], tuple[str, str]], locale: str
) -> Callable[[BaseException], tuple[str, str]]:
    """`describe` that also shows any error carrying a coded `Problem` (e.g. `SyncError` from
    sealing, export or receipts) by its own bilingual message instead of "unexpected error"."""

    def describe_any(exc: BaseException) -> tuple[str, str]:
        problem = getattr(exc, "problem", None)
        if isinstance(problem, Problem):
            return f"{problem.message(locale)} ({problem.code})", "error"
        return describe(exc)

    return describe_any
