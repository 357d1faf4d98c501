"""The enrollment page: the step bar, step 1 (the demographics form) and the capture steps.

Step 1 is `ui.demographics_form.DemographicsForm`, mixed into the page so its fields and checks are
the page's own (`page.nik`, `page.check()`). The capture steps (face, fingers, signature, review)
come from `ui.capture` once a flow is attached; without one they are shown as upcoming, not
simulated, and nothing is saved: the page says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from station.domain import Applicant, Problem, regions
from ui.demographics_form import (
    DATE_FORMAT,
    DATE_INVALID,
    DemographicsForm,
    UpperLineEdit,
    _Field,
    localized,
    parse_date,
    region_line,
)
from ui.style import set_role

__all__ = [
    "DATE_FORMAT",
    "DATE_INVALID",
    "EnrollmentPage",
    "UpperLineEdit",
    "localized",
    "parse_date",
    "region_line",
]


class EnrollmentPage(DemographicsForm, QWidget):
    """The enrollment steps: the demographics form (step 1), then the capture steps (2-5)."""

    demographics_checked = Signal(object)  # the valid Applicant
    nik_ready = Signal(str)  # a valid NIK is on screen: the window looks for earlier records

    def __init__(
        self,
        *,
        station_region_code: str,
        locale: str = "id",
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("enrollment")
        self.station_region_code = regions.normalize_code(station_region_code)
        self.locale = locale
        self._today = today
        self._autofilled: set[str] = set()
        self._duplicate: Problem | None = None  # an earlier record of the NIK on screen
        self._fields: dict[str, _Field] = {}
        self.applicant: Applicant | None = None
        self.capture = None  # ui.capture.flow.CaptureFlow, once attached

        self._build()
        self._wire()
        self.update_nik_verdict()
        self.update_eligibility()

    # --- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 12)
        outer.setSpacing(10)

        title = QLabel(self.tr("Perekaman KTP-el"))
        title.setProperty("role", "title")
        outer.addWidget(title)
        outer.addWidget(self._steps())
        # Step 1 (this form) and, once attached, the capture steps 2-5 (ui.capture).
        self.step_stack = QStackedWidget(objectName="step_stack")
        outer.addWidget(self.step_stack, 1)
        self.form_view = QWidget(objectName="form_view")
        form_column = QVBoxLayout(self.form_view)
        form_column.setContentsMargins(0, 0, 0, 0)
        form_column.setSpacing(10)
        self.step_stack.addWidget(self.form_view)

        self._build_form(form_column)

    def _steps(self) -> QWidget:
        strip = QWidget(objectName="steps")
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        steps = [
            (self.tr("1  Data kependudukan"), True),
            (self.tr("2  Foto wajah"), False),
            (self.tr("3  Sidik jari"), False),
            (self.tr("4  Tanda tangan"), False),
            (self.tr("5  Periksa & simpan"), False),
        ]
        self.step_labels: list[QLabel] = []
        for text, current in steps:
            label = QLabel(text)
            label.setProperty("role", "ok" if current else "neutral")
            if not current:
                label.setToolTip(self.tr("Menyusul pada versi berikutnya"))
            self.step_labels.append(label)
            row.addWidget(label)
        note = QLabel(self.tr("Langkah 2–5 menyusul pada versi berikutnya."))
        note.setProperty("role", "hint")
        self._steps_note = note
        row.addWidget(note)
        row.addStretch(1)
        return strip

    # --- the form's step hooks (ui.demographics_form) ----------------------------------------

    def _next_step(self, lines: list[str]) -> None:
        """After a successful check: what comes next, and the way there when capture is attached."""
        if self.capture is None:
            lines.append(self.tr("Langkah berikutnya (foto wajah, sidik jari, tanda tangan) "
                                 "belum tersedia di versi ini; data ini belum disimpan."))
        else:
            lines.append(self.tr("Lanjutkan ke foto wajah (Ctrl+→); data belum disimpan."))
            self.to_capture_button.setEnabled(True)
            self.to_capture_button.setFocus()

    def is_blank(self) -> bool:
        if self.capture is not None and self.capture.has_data:
            return False
        return super().is_blank()

    def _reset_steps(self) -> None:
        if self.capture is not None:
            self.capture.reset()
            self._show_step(0)

    # --- the capture steps (ui.capture) ------------------------------------------------------

    def attach_capture(self, flow) -> None:  # noqa: ANN001 (ui.capture.flow.CaptureFlow)
        """Steps 2-5 after this form: "Lanjut" (Ctrl+→) after a successful check opens them."""
        self.capture = flow
        for step in flow.steps:
            self.step_stack.addWidget(step)
        for label in self.step_labels:
            label.setToolTip("")
        self._steps_note.hide()
        self.to_capture_button.show()
        self.to_capture_button.clicked.connect(self.open_capture)
        for keys in ("Ctrl+Right",):
            shortcut = QShortcut(QKeySequence(keys), self.form_view)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.open_capture)
        flow.step_changed.connect(self._show_step)
        flow.saved.connect(self._record_saved)

    def open_capture(self) -> None:
        if self.capture is None:
            return
        if self.applicant is None and self.check() is None:
            return
        assert self.applicant is not None
        self.capture.start(self.applicant)

    def _show_step(self, index: int) -> None:
        self.step_stack.setCurrentIndex(index)
        for i, label in enumerate(self.step_labels):
            set_role(label, "ok" if i == index else "neutral")
        if index == 0:
            (self.to_capture_button if self.to_capture_button.isEnabled() else self.nik).setFocus()

    def current_step(self) -> int:
        return self.step_stack.currentIndex()

    def _record_saved(self, record_id: str) -> None:
        """The store has the record: a fresh form for the next applicant, and say so."""
        self.clear()
        set_role(self.result, "ok")
        self.result.setText(self.tr("✓ Rekaman tersimpan (nomor %1). Formulir siap untuk "
                                    "pemohon berikutnya.").replace("%1", record_id))
        self.result.show()
        self.last_saved = record_id
        self.nik.setFocus()

    def shutdown_capture(self) -> None:
        if self.capture is not None:
            self.capture.shutdown()
