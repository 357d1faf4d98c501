"""Step 3: ten fingers, right hand then left.

For each finger: the live image and its quality score (on the check worker, a few times a second);
Space captures; the print is scored (threshold 40) and kept when it passes, and the step moves to
the next finger. A print below the threshold may be retried up to three attempts in all; after
that the operator asks a supervisor either to keep the best attempt (a forced capture, recorded
with the supervisor's name) or to record an exception (MISSING / BANDAGED / UNABLE). Either needs
the supervisor's name and password at the operator's desk (`auth.confirm_by`). Any finger can be
chosen again (click its box) and recaptured.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from devices.api import CaptureResult, Modality
from station.biometrics import finger as finger_checks
from station.domain import (
    CAPTURE_ORDER,
    FINGER_MAX_RETRIES,
    FINGER_QUALITY_THRESHOLD,
    ExceptionReason,
    FingerException,
    FingerPosition,
)
from station.services import capture as capture_service
from ui.capture.base import CaptureContext, CaptureState, StepPage
from ui.capture.common import (
    DevicePicker,
    DeviceSlot,
    LivePreview,
    SupervisorDialog,
    problem_text,
    set_message,
)
from ui.capture.face import simulated_for_applicant

log = logging.getLogger(__name__)

LIVE_INTERVAL_S = 0.3


def finger_name(pos: FingerPosition, locale: str) -> str:
    return pos.label_en if locale == "en" else pos.label_id


class ExceptionDialog(SupervisorDialog):
    """The supervisor's confirmation plus the reason (and an optional note)."""

    def __init__(self, parent: QWidget, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)  # type: ignore[arg-type]
        self.reason = QComboBox(objectName="exception_reason")
        for reason, text in ((ExceptionReason.MISSING, self.tr("Tidak ada (amputasi/cacat)")),
                             (ExceptionReason.BANDAGED, self.tr("Diperban / terluka")),
                             (ExceptionReason.UNABLE, self.tr("Tidak dapat direkam"))):
            self.reason.addItem(text, reason.value)
        self.note = QLineEdit(objectName="exception_note")
        self.note.setMaxLength(120)
        self.note.setPlaceholderText(self.tr("keterangan (boleh kosong)"))
        layout = self.layout()
        form = layout.itemAt(1).layout()
        form.insertRow(0, self.tr("Alasan"), self.reason)
        form.insertRow(1, self.tr("Keterangan"), self.note)


class FingerStep(LivePreview, StepPage):
    def __init__(self, ctx: CaptureContext, state: CaptureState,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, state, name="fingers", title=self.tr("3  Sidik jari"),
            instruction=self.tr("Sepuluh jari, tangan kanan dulu lalu tangan kiri. Letakkan jari "
                                "rata di kaca pemindai, tekan Spasi. Kualitas minimal %1; "
                                "paling banyak %2 kali percobaan, setelah itu supervisor "
                                "memutuskan.").replace("%1", str(FINGER_QUALITY_THRESHOLD))
            .replace("%2", str(FINGER_MAX_RETRIES)),
            parent=parent)
        self.slot_title = QLabel(objectName="finger_slot")
        self.slot_title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.preview_layout.addWidget(self.slot_title)
        self.live = QLabel(objectName="finger_live")
        self.live.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.live.setMinimumSize(320, 360)
        self.live.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview_layout.addWidget(self.live, 1)
        self.live_score = QLabel(objectName="finger_live_score")
        self.live_score.setStyleSheet("font-size: 14pt;")
        self.preview_layout.addWidget(self.live_score)

        self.picker = DevicePicker(ctx.devices, Modality.FINGER)
        self.side.addWidget(self.picker)
        grid = QGridLayout()
        grid.setSpacing(6)
        hands = (QLabel(self.tr("Kanan")), QLabel(self.tr("Kiri")))
        grid.addWidget(hands[0], 0, 0)
        grid.addWidget(hands[1], 2, 0)
        self.boxes: dict[FingerPosition, QPushButton] = {}
        for i, pos in enumerate(CAPTURE_ORDER):
            row, col = (1 if i < 5 else 3), i % 5
            box = QPushButton(objectName=f"finger_{int(pos)}")
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setMinimumHeight(54)
            box.clicked.connect(lambda _c=False, p=pos: self.select(p))
            grid.addWidget(box, row, col)
            self.boxes[pos] = box
        self.side.addLayout(grid)
        self.status = QLabel(objectName="finger_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.side.addWidget(self.status)
        self.warning = QLabel(objectName="finger_warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.side.addWidget(self.warning)
        self.side.addStretch(1)
        self.capture_button = QPushButton(self.tr("Ambil sidik jari  (Spasi)"),
                                          objectName="capture")
        self.capture_button.setProperty("role", "primary")
        self.capture_button.setMinimumHeight(48)
        self.force_button = QPushButton(self.tr("Simpan kualitas rendah (F) — supervisor"),
                                        objectName="force")
        self.exception_button = QPushButton(self.tr("Pengecualian jari (E) — supervisor"),
                                            objectName="exception")
        for b in (self.capture_button, self.force_button, self.exception_button):
            self.side.addWidget(b)

        self.slot = DeviceSlot(ctx.devices, self.picker,
                               lambda d: simulated_for_applicant(self.state, d), self)
        self._connect_preview()
        self.picker.changed.connect(self._device_changed)
        self.capture_button.clicked.connect(self.capture)
        self.force_button.clicked.connect(self.ask_force)
        self.exception_button.clicked.connect(self.ask_exception)
        self.shortcut("Space", self.capture)
        self.shortcut("R", self.capture)
        self.shortcut("F", self.ask_force)
        self.shortcut("E", self.ask_exception)
        self.shortcut("Return", self._next)
        self.shortcut("Enter", self._next)
        self.current: FingerPosition = CAPTURE_ORDER[0]
        self.attempts: dict[FingerPosition, int] = {}
        self.best: dict[FingerPosition, capture_service.FingerOutcome] = {}
        self.best_images: dict[FingerPosition, object] = {}
        self.busy = False
        self.dialog: SupervisorDialog | None = None
        self._scoring = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(LIVE_INTERVAL_S * 1000))
        self._timer.timeout.connect(self._score_live)
        self.refresh()

    # --- lifecycle -----------------------------------------------------------------------------

    def enter(self) -> None:
        self.slot.preview(self._device_failed)
        self._timer.start()
        self.capture_button.setFocus()
        self.refresh()

    def leave(self) -> None:
        self._timer.stop()
        self.slot.stop_preview()

    def reset(self) -> None:
        super().reset()
        self._timer.stop()
        self.slot.release()
        self.current = CAPTURE_ORDER[0]
        self.attempts.clear()
        self.best.clear()
        self.best_images.clear()
        self.busy = False
        self._last_frame = None
        self.live.clear()
        self.live_score.clear()
        set_message(self.status, "", "neutral")
        self.refresh()

    def _device_changed(self) -> None:
        self.slot.release()
        if self.isVisible():
            self.slot.preview(self._device_failed)

    # --- the ten boxes -------------------------------------------------------------------------

    def select(self, pos: FingerPosition) -> None:
        if self.busy:
            return
        self.current = FingerPosition(pos)
        set_message(self.status, "", "neutral")
        self.refresh()

    def done_count(self) -> int:
        return sum(1 for p in CAPTURE_ORDER if p in self.state.fingers or p in
                   self.state.exceptions)

    def refresh(self) -> None:
        loc = self.ctx.locale
        short = [self.tr("Ibu jari"), self.tr("Telunjuk"), self.tr("Tengah"), self.tr("Manis"),
                 self.tr("Kelingking")]
        for pos, box in self.boxes.items():
            name = short[(int(pos) - 1) % 5]  # the row says which hand
            cap = self.state.fingers.get(pos)
            exc = self.state.exceptions.get(pos)
            if cap is not None:
                mark = f"✓ {cap.quality:.0f}" if cap.forced_by is None else f"⚠ {cap.quality:.0f}"
                if cap.nfiq2 is not None:  # NFIQ 2 proper, when the worker has it
                    mark += f" ({cap.nfiq2})"
                state = "ok" if cap.forced_by is None else "warn"
            elif exc is not None:
                mark = "✗ " + (exc.reason.value if loc == "en" else exc.reason.label_id)
                state = "warn"
            elif self.attempts.get(pos):
                mark = self.tr("%1× gagal").replace("%1", str(self.attempts[pos]))
                state = "error"
            else:
                mark = "—"
                state = ""
            box.setText(f"{int(pos)} {name}\n{mark}")
            box.setToolTip(self.tr("Kualitas langsung %1 · NFIQ 2: %2")
                           .replace("%1", f"{cap.quality:.0f}").replace("%2", str(cap.nfiq2))
                           if cap is not None and cap.nfiq2 is not None else "")
            colours = {"ok": "#e7f5ec", "warn": "#fff4d6", "error": "#fdecea", "": "#ffffff"}
            border = "3px solid #0b5c7a" if pos == self.current else "1px solid #c4cdd5"
            box.setStyleSheet(f"background: {colours[state]}; border: {border}; "
                              "border-radius: 6px; font-size: 9pt; padding: 1px;")
        pos = self.current
        self.slot_title.setText(self.tr("Jari %1 — %2").replace("%1", str(int(pos)))
                                .replace("%2", finger_name(pos, loc).upper()))
        n = self.attempts.get(pos, 0)
        low_exhausted = n >= FINGER_MAX_RETRIES and pos in self.best
        self.force_button.setEnabled(low_exhausted and not self.busy)
        self.capture_button.setEnabled(not self.busy and not low_exhausted)
        self.exception_button.setEnabled(not self.busy)
        complete = self.done_count() == len(CAPTURE_ORDER)
        self.next_button.setEnabled(complete and not self.busy)
        captured = len(self.state.fingers)
        if complete and captured < len(CAPTURE_ORDER):
            set_message(self.warning, self.tr("Perhatian: hanya %1 dari 10 sidik jari yang "
                                              "direkam.").replace("%1", str(captured)), "warn")
        else:
            set_message(self.warning, "", "neutral")

    def _focus_action(self) -> None:
        """Keep the keyboard focus on this step: on the button the operator needs next."""
        if not self.window().isActiveWindow():  # back from the supervisor's dialog
            self.window().activateWindow()
        for button in (self.next_button, self.capture_button, self.force_button,
                       self.exception_button):
            if button.isEnabled():
                button.setFocus()
                return
        self.setFocus()

    def _advance(self) -> None:
        for pos in CAPTURE_ORDER:
            if pos not in self.state.fingers and pos not in self.state.exceptions:
                self.current = pos
                return

    # --- live preview --------------------------------------------------------------------------

    def _score_live(self) -> None:
        frame = self._last_frame
        if frame is None or self._scoring or self.busy or not self.isVisible():
            return
        self._scoring = True
        ppi = 500
        self.ctx.work.submit(lambda: finger_checks.assess(frame, ppi, minutiae=False),
                             self._live_scored,
                             lambda _e: setattr(self, "_scoring", False))

    def _live_scored(self, q: finger_checks.FingerQuality) -> None:
        self._scoring = False
        ok = q.score >= FINGER_QUALITY_THRESHOLD
        self.live_score.setText(self.tr("Kualitas langsung: %1").replace("%1", f"{q.score:.0f}")
                                + ("  ✓" if ok else "  — " + self.tr("tekan jari lebih rata")))
        self.live_score.setStyleSheet("font-size: 14pt; color: %s;" % ("#1b6e3a" if ok
                                                                         else "#8a5a00"))

    # --- capture -------------------------------------------------------------------------------

    def capture(self) -> None:
        if self.busy or not self.isVisible() or not self.capture_button.isEnabled():
            return
        self.busy = True
        self.refresh()
        pos = self.current
        set_message(self.status, self.tr("Merekam %1…").replace(
            "%1", finger_name(pos, self.ctx.locale)), "neutral")
        self.slot.ensure(lambda h: self.relay.watch(h.capture(position=pos),
                                                    lambda r: self._captured(pos, r),
                                                    self._device_failed),
                         self._device_failed)

    def _captured(self, pos: FingerPosition, result: CaptureResult) -> None:
        attempt = self.attempts.get(pos, 0) + 1
        self.attempts[pos] = attempt
        device_id = result.device.device_id if result.device else "scanner"
        ppi = result.ppi or 500
        image = result.image
        self.ctx.work.submit(
            lambda: capture_service.finger_capture(image, ppi, pos, device_id, attempts=attempt,
                                                   device_quality=result.device_quality),
            lambda outcome: self._scored(pos, image, outcome), self._device_failed)

    def _scored(self, pos: FingerPosition, image, outcome) -> None:  # noqa: ANN001
        self.busy = False
        loc = self.ctx.locale
        name = finger_name(pos, loc)
        score = outcome.quality.score
        if outcome.acceptable:
            self.state.fingers[pos] = outcome.capture
            self._nfiq2_later(pos, image, outcome.capture)
            self.state.templates[pos] = outcome.template
            self.state.finger_images[pos] = image
            self.state.exceptions.pop(pos, None)
            self.best.pop(pos, None)
            set_message(self.status, self.tr("✓ %1: kualitas %2.").replace("%1", name)
                        .replace("%2", f"{score:.0f}"), "ok")
            self._advance()
        else:
            best = self.best.get(pos)
            if best is None or score > best.quality.score:
                self.best[pos] = outcome
                self.best_images[pos] = image
            n = self.attempts[pos]
            flags = "; ".join(f.message(loc) for f in outcome.quality.flags[:2])
            if n < FINGER_MAX_RETRIES:
                text = self.tr("✗ %1: kualitas %2, di bawah %3 (percobaan %4 dari %5). "
                               "Bersihkan jari dan kaca, tekan Spasi untuk mengulang.")
            else:
                text = self.tr("✗ %1: kualitas %2, di bawah %3 (percobaan %4 dari %5). "
                               "Batas percobaan tercapai: minta supervisor menyimpan "
                               "percobaan terbaik (F) atau mencatat pengecualian (E).")
            text = (text.replace("%1", name).replace("%2", f"{score:.0f}")
                    .replace("%3", str(FINGER_QUALITY_THRESHOLD)).replace("%4", str(n))
                    .replace("%5", str(FINGER_MAX_RETRIES)))
            set_message(self.status, text + (f"\n{flags}" if flags else ""), "error")
        self.refresh()
        self._focus_action()

    def _nfiq2_later(self, pos: FingerPosition, image, cap) -> None:  # noqa: ANN001
        """NFIQ 2 proper (a quarter of a second) on the check worker; the box shows it when it
        is ready, unless the finger was captured again meanwhile."""
        if cap.nfiq2 is not None:  # a borderline print already has it (capture_service)
            return
        ppi = cap.resolution_ppi or 500

        def ready(score) -> None:  # noqa: ANN001
            if self.state.fingers.get(pos) is cap:
                self.state.fingers[pos] = capture_service.with_nfiq2(cap, score)
                self.refresh()

        self.ctx.work.submit(lambda: capture_service.finger_nfiq2(image, ppi), ready,
                             lambda exc: log.warning("NFIQ 2 of finger %d: %s", int(pos), exc))

    def _preview_failed(self, exc: BaseException) -> None:
        if getattr(exc, "code", "") == "device.unsupported":  # a device without live preview
            self.live.setText(self.tr("Perangkat ini tidak punya pratinjau langsung; tekan "
                                      "Spasi untuk merekam."))
            return
        self._device_failed(exc)

    def _device_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.slot.release()
        text = problem_text(exc, self.ctx.locale)
        set_message(self.status, self.tr("✗ Pemindai: %1\nSidik jari yang sudah diterima tetap "
                                         "ada. Periksa pemindai lalu tekan Spasi untuk mencoba "
                                         "lagi.").replace("%1", text), "error")
        self._last_frame = None
        self.live.clear()
        self.live.setText(self.tr("Pemindai tidak tersedia"))
        self.refresh()
        self._focus_action()

    # --- supervisor decisions ------------------------------------------------------------------

    def _confirm(self):  # noqa: ANN202
        auth = self.ctx.station.auth
        return lambda user, password: auth.confirm_by(user, password)

    def ask_force(self) -> None:
        pos = self.current
        if self.busy or not self.force_button.isEnabled() or pos not in self.best:
            return
        outcome = self.best[pos]
        name = finger_name(pos, self.ctx.locale)
        self.dialog = SupervisorDialog(
            self, title=self.tr("Simpan sidik jari berkualitas rendah"),
            text=self.tr("%1: percobaan terbaik berkualitas %2 (minimal %3) setelah %4 kali. "
                         "Supervisor menyetujui penyimpanannya dengan nama dan kata sandinya.")
            .replace("%1", name).replace("%2", f"{outcome.quality.score:.0f}")
            .replace("%3", str(FINGER_QUALITY_THRESHOLD)).replace("%4", str(self.attempts[pos])),
            confirm=self._confirm(), tasks=self.ctx.tasks, locale=self.ctx.locale)
        self.dialog.confirmed.connect(lambda user: self._forced(pos, user))
        self.dialog.rejected.connect(lambda: QTimer.singleShot(0, self._focus_action))
        self.dialog.open()

    def _forced(self, pos: FingerPosition, supervisor: str) -> None:
        outcome = self.best.pop(pos)
        self.state.fingers[pos] = outcome.capture.model_copy(
            update={"forced_by": supervisor, "attempts": self.attempts.get(pos, 1)})
        if pos in self.best_images:
            self._nfiq2_later(pos, self.best_images[pos], self.state.fingers[pos])
        self.state.templates[pos] = outcome.template
        if pos in self.best_images:
            self.state.finger_images[pos] = self.best_images.pop(pos)
        self.state.exceptions.pop(pos, None)
        set_message(self.status, self.tr("⚠ %1 disimpan dengan kualitas %2, disetujui %3.")
                    .replace("%1", finger_name(pos, self.ctx.locale))
                    .replace("%2", f"{outcome.quality.score:.0f}").replace("%3", supervisor),
                    "warn")
        self._audit(pos, forced_by=supervisor, quality=round(outcome.quality.score, 1),
                    attempts=self.attempts.get(pos, 1))
        self._advance()
        self.refresh()
        QTimer.singleShot(0, self._focus_action)  # after the dialog has given focus back

    def ask_exception(self) -> None:
        if self.busy or not self.isVisible():
            return
        pos = self.current
        self.dialog = ExceptionDialog(
            self, title=self.tr("Pengecualian sidik jari"),
            text=self.tr("%1 tidak direkam. Pilih alasannya; supervisor mengonfirmasi dengan "
                         "nama dan kata sandinya.").replace("%1", finger_name(pos,
                                                                              self.ctx.locale)),
            confirm=self._confirm(), tasks=self.ctx.tasks, locale=self.ctx.locale)
        dialog = self.dialog
        dialog.confirmed.connect(lambda user: self._excepted(
            pos, ExceptionReason(dialog.reason.currentData()), dialog.note.text().strip(), user))
        dialog.rejected.connect(lambda: QTimer.singleShot(0, self._focus_action))
        dialog.open()

    def _excepted(self, pos: FingerPosition, reason: ExceptionReason, note: str,
                  supervisor: str) -> None:
        self.state.fingers.pop(pos, None)
        self.state.templates.pop(pos, None)
        self.state.finger_images.pop(pos, None)
        self.best.pop(pos, None)
        self.state.exceptions[pos] = FingerException(position=pos, reason=reason, note=note,
                                                     confirmed_by=supervisor)
        set_message(self.status, self.tr("Pengecualian %1 (%2) dikonfirmasi %3.")
                    .replace("%1", finger_name(pos, self.ctx.locale))
                    .replace("%2", reason.value if self.ctx.locale == "en" else reason.label_id)
                    .replace("%3", supervisor), "warn")
        self._audit(pos, exception=reason.value, confirmed_by=supervisor)
        self._advance()
        self.refresh()
        QTimer.singleShot(0, self._focus_action)  # after the dialog has given focus back

    def _audit(self, pos: FingerPosition, **details: object) -> None:
        audit = self.ctx.station.audit
        record_id = self.state.record_id
        self.ctx.tasks.submit(
            lambda: audit.log("capture", record_id, position=int(pos), **details),
            lambda _seq: None,
            lambda exc: log.warning("capture audit event not written: %s", exc))
