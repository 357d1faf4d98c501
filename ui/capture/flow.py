"""The capture flow: steps 2-5 of the enrollment page and the record they build.

`CaptureFlow.for_window(window)` creates it for the main window (the station, the window's worker,
the operator's name); `EnrollmentPage.attach_capture(flow)` puts its pages after the demographics
form. `start(applicant)` opens the face step; each step's "Lanjut" moves on, "Kembali" back; the
review step saves and the flow emits `saved(record_id)` once the store has the record.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from station.domain import Applicant
from ui.capture.base import CaptureContext, CaptureState, StepPage
from ui.capture.common import DeviceService
from ui.capture.face import FaceStep
from ui.capture.fingers import FingerStep
from ui.capture.review import ReviewStep
from ui.capture.signature import SignatureStep
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class CaptureFlow(QObject):
    step_changed = Signal(int)  # 0 = the form, 1 face, 2 fingers, 3 signature, 4 review
    saved = Signal(str)  # record id, after the store has it

    def __init__(self, station: Any, tasks: TaskRunner, *, locale: str, demo: bool,
                 operator: Callable[[], str], region_code: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.devices = DeviceService(demo=demo, parent=self)
        self.work = TaskRunner(self)
        self.state = CaptureState()
        self.ctx = CaptureContext(station=station, tasks=tasks, work=self.work,
                                  devices=self.devices, locale=locale, operator=operator,
                                  region_code=region_code)
        self.face = FaceStep(self.ctx, self.state)
        self.fingers = FingerStep(self.ctx, self.state)
        self.signature = SignatureStep(self.ctx, self.state)
        self.review = ReviewStep(self.ctx, self.state)
        self.steps: list[StepPage] = [self.face, self.fingers, self.signature, self.review]
        for i, step in enumerate(self.steps, start=1):
            step.next_requested.connect(lambda i=i: self.go(i + 1))
            step.back_requested.connect(lambda i=i: self.go(i - 1))
        self.review.saved.connect(self._saved)
        self.current = 0
        self._scanned_once = False

    @classmethod
    def for_window(cls, window: Any) -> CaptureFlow:
        def operator() -> str:
            session = window.session
            return session.operator.username if session is not None else ""

        return cls(window.station, window.tasks, locale=window.locale,
                   demo=bool(window.settings.demo), operator=operator,
                   region_code=window.region_code, parent=window)

    # --- navigation ----------------------------------------------------------------------------

    def start(self, applicant: Applicant) -> None:
        """Demographics are valid: capture for this applicant (same person: keep captures)."""
        old = self.state.applicant
        if old is not None and (old.nik != applicant.nik
                                or old.date_of_birth != applicant.date_of_birth):
            self.reset()
        self.state.applicant = applicant
        if self.state.record_id is None:  # capture events in the audit name the record
            self.state.record_id = str(uuid.uuid4())
        if not self._scanned_once:
            self._scanned_once = True
            self.devices.rescan()
        self.go(1)

    def go(self, index: int) -> None:
        index = max(0, min(index, len(self.steps)))
        if 1 <= self.current <= len(self.steps):
            self.steps[self.current - 1].leave()
        self.current = index
        self.step_changed.emit(index)
        if index >= 1:
            self.steps[index - 1].enter()

    def reset(self) -> None:
        """A new applicant: forget every capture of the previous one."""
        if 1 <= self.current <= len(self.steps):
            self.steps[self.current - 1].leave()
        for step in self.steps:
            step.reset()
        self.state.clear()
        self.current = 0

    @property
    def has_data(self) -> bool:
        return self.state.has_captures

    def _saved(self, record_id: str) -> None:
        log.info("record %s saved from the capture flow", record_id)
        self.saved.emit(record_id)

    def shutdown(self) -> None:
        """The window closes: stop previews, cancel waits, close devices."""
        try:
            self.reset()
            self.signature.pad.unbind()
            self.work.wait(10_000)
            self.devices.shutdown()
        except Exception:
            log.exception("closing the capture devices failed")
