"""What every capture step shares: the context it works in, the record being built, the page
layout (title, instruction, big preview on the left, status and actions on the right)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.biometrics.sequence import Template
from station.domain import (
    Applicant,
    Capture,
    Enrollment,
    FingerCapture,
    FingerException,
    FingerPosition,
    is_domicile_recording,
)
from ui.capture.common import DeviceService, FutureRelay
from ui.tasks import TaskRunner


@dataclass
class CaptureContext:
    """What the steps need from the window: the station (through its worker), a worker for
    the biometric checks, the devices, the operator's language and name."""

    station: Any  # station.app.Station (auth.confirm_by, records.save_captured, audit.log)
    tasks: TaskRunner  # the window's worker: every station call
    work: TaskRunner  # checks on images (face, quality, sequence), one at a time
    devices: DeviceService
    locale: str
    operator: Callable[[], str]
    region_code: str


@dataclass
class CaptureState:
    """The record being captured, step by step; nothing is stored until review & save."""

    applicant: Applicant | None = None
    record_id: str | None = None
    face: Capture | None = None
    portrait: Capture | None = None
    fingers: dict[FingerPosition, FingerCapture] = field(default_factory=dict)
    templates: dict[FingerPosition, Template] = field(default_factory=dict)
    finger_images: dict[FingerPosition, np.ndarray] = field(default_factory=dict)
    exceptions: dict[FingerPosition, FingerException] = field(default_factory=dict)
    signature: Capture | None = None
    signature_image: Capture | None = None

    def clear(self) -> None:
        """Forget everything (in place: the steps share this object)."""
        fresh = CaptureState()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    @property
    def birth_year(self) -> int | None:
        return self.applicant.date_of_birth.year if self.applicant else None

    @property
    def has_captures(self) -> bool:
        return bool(self.face or self.fingers or self.exceptions or self.signature)

    def enrollment(self, station_id: str, operator: str, region_code: str) -> Enrollment:
        kwargs: dict[str, Any] = {}
        if self.record_id:
            kwargs["record_id"] = self.record_id
        return Enrollment(
            station_id=station_id, operator=operator, applicant=self.applicant,
            domicile_recording=bool(self.applicant
                                    and is_domicile_recording(self.applicant, region_code)),
            face=self.face, portrait=self.portrait, signature=self.signature,
            signature_image=self.signature_image, fingers=dict(self.fingers),
            finger_exceptions=dict(self.exceptions), **kwargs,
        )


class StepPage(QWidget):
    """Title + instruction on top; `preview_box` left, `side` column right; back / next below."""

    back_requested = Signal()
    next_requested = Signal()

    def __init__(self, ctx: CaptureContext, state: CaptureState, *, name: str, title: str,
                 instruction: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state = state
        self.relay = FutureRelay(self)
        self.setObjectName(f"step_{name}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.setSpacing(10)
        heading = QLabel(title)
        heading.setProperty("role", "subtitle")
        outer.addWidget(heading)
        self.instruction = QLabel(instruction)
        self.instruction.setProperty("role", "hint")
        self.instruction.setWordWrap(True)
        outer.addWidget(self.instruction)
        body = QHBoxLayout()
        body.setSpacing(16)
        self.preview_box = QFrame()
        self.preview_box.setProperty("role", "card")
        self.preview_layout = QVBoxLayout(self.preview_box)
        self.preview_layout.setContentsMargins(14, 14, 14, 14)
        body.addWidget(self.preview_box, 3)
        side_frame = QFrame()
        side_frame.setProperty("role", "card")
        side_frame.setMinimumWidth(360)
        self.side = QVBoxLayout(side_frame)
        self.side.setContentsMargins(16, 14, 16, 14)
        self.side.setSpacing(10)
        body.addWidget(side_frame, 2)
        outer.addLayout(body, 1)
        nav = QHBoxLayout()
        self.back_button = QPushButton(self.tr("← Kembali  (Alt+←)"), objectName="back")
        self.next_button = QPushButton(self.tr("Lanjut  (Enter)"), objectName="next")
        self.next_button.setProperty("role", "primary")
        self.next_button.setEnabled(False)
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)
        self.back_button.clicked.connect(self.back_requested)
        self.next_button.clicked.connect(self._next)
        self.shortcut("Alt+Left", self.back_requested.emit)

    def shortcut(self, keys: str, slot: Callable[[], None]) -> QShortcut:
        sc = QShortcut(QKeySequence(keys), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)
        return sc

    def _next(self) -> None:
        if self.next_button.isEnabled():
            self.next_requested.emit()

    # lifecycle, overridden by the steps
    def enter(self) -> None:
        """The step is shown: open devices, start previews."""

    def leave(self) -> None:
        """The step is hidden: stop previews (captures stay)."""

    def reset(self) -> None:
        """A new applicant: forget everything of the previous one."""
        self.relay.forget_all()
