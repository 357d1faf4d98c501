"""Step 5: review and save.

A summary of the record (demographics, portrait, the ten fingers, the signature); what still
blocks saving (the completeness rules of the domain, the finger-sequence check naming both slots,
run on the check worker); a warning when fewer fingers were captured than expected. Saving calls
`records.save_captured` on the window's worker; only when the store has answered is the record
reported saved and the form cleared for the next applicant. A failed save loses nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from station.domain import CAPTURE_ORDER, Enrollment, Problem
from station.services import capture as capture_service
from ui.capture.base import CaptureContext, CaptureState, StepPage
from ui.capture.common import ink_pixmap, png_pixmap, problem_text, set_message
from ui.capture.fingers import finger_name


class ReviewStep(StepPage):
    saved = Signal(str)  # record id

    def __init__(self, ctx: CaptureContext, state: CaptureState,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, state, name="review", title=self.tr("5  Periksa & simpan"),
            instruction=self.tr("Periksa ringkasan bersama pemohon. Simpan (Ctrl+S) menyimpan "
                                "rekaman secara terenkripsi; formulir baru terbuka setelah "
                                "rekaman benar-benar tersimpan."),
            parent=parent)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.portrait = QLabel(objectName="review_portrait")
        self.portrait.setFixedSize(150, 200)
        self.portrait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.portrait, 0, 0, 2, 1)
        self.person = QLabel(objectName="review_person")
        self.person.setWordWrap(True)
        self.person.setTextFormat(Qt.TextFormat.PlainText)
        self.person.setStyleSheet("font-size: 13pt;")
        grid.addWidget(self.person, 0, 1)
        self.signature = QLabel(objectName="review_signature")
        self.signature.setFixedHeight(90)
        grid.addWidget(self.signature, 1, 1)
        self.preview_layout.addLayout(grid)
        self.fingers = QLabel(objectName="review_fingers")
        self.fingers.setTextFormat(Qt.TextFormat.PlainText)
        self.fingers.setStyleSheet("font-family: monospace; font-size: 11pt;")
        self.preview_layout.addWidget(self.fingers)
        self.preview_layout.addStretch(1)

        self.problems = QLabel(objectName="review_problems")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.side.addWidget(self.problems)
        self.warning = QLabel(objectName="review_warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.side.addWidget(self.warning)
        self.status = QLabel(objectName="review_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.side.addWidget(self.status)
        self.side.addStretch(1)
        self.save_button = QPushButton(self.tr("Simpan rekaman  (Ctrl+S)"), objectName="save")
        self.save_button.setProperty("role", "primary")
        self.save_button.setMinimumHeight(52)
        self.save_button.setEnabled(False)
        self.side.addWidget(self.save_button)
        self.next_button.hide()
        self.save_button.clicked.connect(self.save)
        self.shortcut("Ctrl+S", self.save)
        self.saving = False
        self.checking = False
        self.enrollment: Enrollment | None = None

    def enter(self) -> None:
        self._summarise()
        self.check()

    def reset(self) -> None:
        super().reset()
        self.enrollment = None
        self.saving = self.checking = False
        for label in (self.problems, self.warning, self.status):
            set_message(label, "", "neutral")
        self.save_button.setEnabled(False)

    # --- summary -------------------------------------------------------------------------------

    def _summarise(self) -> None:
        s, loc = self.state, self.ctx.locale
        a = s.applicant
        if a is not None:
            self.person.setText("\n".join([
                a.full_name, f"NIK {a.nik}",
                f"{a.place_of_birth}, {a.date_of_birth.strftime('%d-%m-%Y')}",
            ]))
        if s.portrait is not None:
            self.portrait.setPixmap(png_pixmap(s.portrait.data).scaled(
                self.portrait.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.portrait.setText(self.tr("(tanpa foto)"))
        if s.signature_image is not None:
            self.signature.setPixmap(ink_pixmap(s.signature_image.data).scaledToHeight(
                80, Qt.TransformationMode.SmoothTransformation))
        else:
            self.signature.setText(self.tr("(tanpa tanda tangan)"))
        lines = []
        for pos in CAPTURE_ORDER:
            name = f"{int(pos):>2} {finger_name(pos, loc):<20}"
            cap, exc = s.fingers.get(pos), s.exceptions.get(pos)
            if cap is not None:
                extra = (self.tr("  disetujui %1").replace("%1", cap.forced_by)
                         if cap.forced_by else "")
                lines.append(f"{name} ✓ {cap.quality:>3.0f}{extra}")
            elif exc is not None:
                reason = exc.reason.value if loc == "en" else exc.reason.label_id
                lines.append(f"{name} ✗ {reason} ({exc.confirmed_by})")
            else:
                lines.append(f"{name} —")
        self.fingers.setText("\n".join(lines))

    # --- checks --------------------------------------------------------------------------------

    def _build(self) -> Enrollment:
        return self.state.enrollment(self.ctx.station.station_id, self.ctx.operator(),
                                     self.ctx.region_code)

    def check(self) -> None:
        self.save_button.setEnabled(False)
        try:
            enrollment = self._build()
        except ValueError as exc:
            set_message(self.problems, str(exc), "error")
            return
        self.enrollment = enrollment
        self.state.record_id = enrollment.record_id
        problems: list[Problem] = list(enrollment.completeness_problems())
        warning = capture_service.fewer_fingers_warning(enrollment)
        set_message(self.warning, warning.message(self.ctx.locale) if warning else "", "warn")
        templates = dict(self.state.templates)
        self.checking = True
        set_message(self.status, self.tr("Memeriksa urutan sidik jari…"), "neutral")
        self.ctx.work.submit(lambda: capture_service.sequence_problems(templates),
                             lambda found: self._checked(problems, found), self._check_failed)

    def _checked(self, problems: list[Problem], sequence: list) -> None:  # noqa: ANN001
        self.checking = False
        problems = problems + [s.problem for s in sequence]
        if problems:
            lines = [self.tr("Belum dapat disimpan:")]
            lines += [f"• {p.message(self.ctx.locale)}" for p in problems]
            set_message(self.problems, "\n".join(lines), "error")
            set_message(self.status, "", "neutral")
            self.save_button.setEnabled(False)
            self.problem_codes = [p.code for p in problems]
            return
        self.problem_codes = []
        set_message(self.problems, "", "neutral")
        set_message(self.status, self.tr("✓ Semua pemeriksaan lolos. Ctrl+S untuk menyimpan."),
                    "ok")
        self.save_button.setEnabled(True)
        self.save_button.setFocus()

    def _check_failed(self, exc: BaseException) -> None:
        self.checking = False
        set_message(self.problems, problem_text(exc, self.ctx.locale), "error")

    # --- save ----------------------------------------------------------------------------------

    def save(self) -> None:
        if (self.saving or self.enrollment is None or not self.save_button.isEnabled()
                or self.ctx.tasks.busy):
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.back_button.setEnabled(False)
        set_message(self.status, self.tr("Menyimpan…"), "neutral")
        records, enrollment = self.ctx.station.records, self.enrollment
        self.ctx.tasks.submit(lambda: records.save_captured(enrollment), self._saved,
                              self._save_failed)

    def _saved(self, record_id: str) -> None:
        self.saving = False
        self.back_button.setEnabled(True)
        self.saved.emit(record_id)

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.back_button.setEnabled(True)
        self.save_button.setEnabled(True)
        problems = getattr(exc, "problems", None)
        if problems:
            text = "\n".join(f"• {p.message(self.ctx.locale)}" for p in problems)
        else:
            text = problem_text(exc, self.ctx.locale)
        set_message(self.status, self.tr("✗ Rekaman belum tersimpan (semua isian tetap ada):\n%1")
                    .replace("%1", text), "error")
