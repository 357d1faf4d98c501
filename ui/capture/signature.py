"""Step 4: the signature, on the on-screen / pen-tablet pad or on a signature-pad device.

The step opens the chosen pad and starts a capture; with the on-screen pad the capture waits for
the applicant's "Selesai" (Enter). The strokes are checked on the check worker (not empty, enough
strokes, extent, duration); an unacceptable signature is explained and the pad is ready again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from devices.api import CaptureCancelled, Modality, SignatureResult
from station.services import capture as capture_service
from ui.capture.base import CaptureContext, CaptureState, StepPage
from ui.capture.common import (
    SCREEN_PAD_ID,
    DevicePicker,
    DeviceSlot,
    ink_pixmap,
    problem_text,
    set_message,
)
from ui.capture.face import simulated_for_applicant
from ui.signature_pad import SignaturePadWidget


class SignatureStep(StepPage):
    def __init__(self, ctx: CaptureContext, state: CaptureState,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, state, name="signature", title=self.tr("4  Tanda tangan"),
            instruction=self.tr("Pemohon menandatangani di kotak putih (pena atau mouse) lalu "
                                "menekan Selesai (Enter). Hapus (Del) dan Urungkan (Ctrl+Z) "
                                "memperbaiki coretan."),
            parent=parent)
        # Bound while the window exists, so the pad is listed before this step is shown.
        self.pad = SignaturePadWidget(enter_key=False, auto_bind=False)
        self.pad.bind()
        self.preview_layout.addWidget(self.pad, 1)
        self.device_hint = QLabel(objectName="signature_device_hint")
        self.device_hint.setWordWrap(True)
        self.device_hint.setStyleSheet("font-size: 14pt;")
        self.device_hint.hide()
        self.preview_layout.addWidget(self.device_hint, 1)

        self.picker = DevicePicker(ctx.devices, Modality.SIGNATURE)
        self.side.addWidget(self.picker)
        self.status = QLabel(objectName="signature_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.side.addWidget(self.status)
        self.image = QLabel(objectName="signature_image")
        self.image.setMinimumSize(320, 120)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.side.addWidget(self.image)
        self.side.addStretch(1)
        self.capture_button = QPushButton(self.tr("Mulai tanda tangan  (Spasi)"),
                                          objectName="capture")
        self.capture_button.setProperty("role", "primary")
        self.capture_button.setMinimumHeight(48)
        self.side.addWidget(self.capture_button)

        self.slot = DeviceSlot(ctx.devices, self.picker,
                               lambda d: simulated_for_applicant(self.state, d), self)
        self.picker.changed.connect(self._device_changed)
        self.capture_button.clicked.connect(self.capture)
        self.shortcut("Space", self.capture)
        self.shortcut("Return", self._enter)
        self.shortcut("Enter", self._enter)
        self.waiting = False  # a capture is running (the pad waits for "Selesai")
        self._uses_screen = True

    # --- lifecycle -----------------------------------------------------------------------------

    def enter(self) -> None:
        self._show_mode()
        if self.state.signature is None:
            self.capture()

    def leave(self) -> None:
        if self.waiting and self.slot.handle is not None:
            self.slot.handle.cancel()

    def reset(self) -> None:
        super().reset()
        if self.slot.handle is not None:
            self.slot.handle.cancel()
        self.slot.release()
        self.waiting = False
        self.pad.clear()
        self.image.clear()
        set_message(self.status, "", "neutral")
        self.next_button.setEnabled(False)

    def _show_mode(self) -> None:
        chosen = self.picker.current()
        self._uses_screen = chosen is None or chosen.driver_id == SCREEN_PAD_ID
        self.pad.setVisible(self._uses_screen)
        self.capture_button.setText(self.tr("Tanda tangan ulang  (Spasi)") if self._uses_screen
                                    else self.tr("Mulai tanda tangan  (Spasi)"))
        self.device_hint.setVisible(not self._uses_screen)
        if not self._uses_screen and chosen is not None:
            self.device_hint.setText(self.tr("Minta pemohon menandatangani pada %1.")
                                     .replace("%1", chosen.name))

    def _device_changed(self) -> None:
        if self.waiting and self.slot.handle is not None:
            self.slot.handle.cancel()
        self.slot.release()
        self._show_mode()

    def _enter(self) -> None:
        if self.waiting and self._uses_screen and self.pad.canvas.strokes:
            self.pad.finish()
        else:
            self._next()

    # --- capture -------------------------------------------------------------------------------

    def capture(self) -> None:
        if self.waiting or not self.isVisible():
            return
        self._show_mode()
        self.waiting = True
        self.capture_button.setEnabled(False)
        set_message(self.status, self.tr("Menunggu tanda tangan…"), "neutral")
        self.slot.ensure(lambda h: self.relay.watch(h.capture(), self._captured, self._failed),
                         self._failed)
        if self._uses_screen:
            self.pad.canvas.setFocus()

    def _captured(self, result: SignatureResult) -> None:
        self.waiting = False
        set_message(self.status, self.tr("Memeriksa tanda tangan…"), "neutral")
        device_id = result.device.device_id if result.device else "signature-pad"
        points = [[tuple(p) for p in s] for s in result.strokes]
        w, h = result.width, result.height

        def check() -> capture_service.SignatureOutcome:
            return capture_service.signature_capture(
                capture_service.strokes_from_lists(points, w, h), device_id)

        self.ctx.work.submit(check, self._checked, self._failed)

    def _checked(self, outcome: capture_service.SignatureOutcome) -> None:
        self.capture_button.setEnabled(True)
        if not outcome.acceptable:
            lines = [self.tr("✗ Tanda tangan belum memenuhi syarat; ulangi:")]
            lines += [f"• {p.message(self.ctx.locale)}" for p in outcome.check.failures]
            set_message(self.status, "\n".join(lines), "error")
            self.capture()  # the pad is ready again
            set_message(self.status, "\n".join(lines), "error")
            return
        self.state.signature, self.state.signature_image = outcome.signature, outcome.image
        if outcome.image is not None:
            self.image.setPixmap(ink_pixmap(outcome.image.data).scaled(
                320, 120, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        set_message(self.status, self.tr("✓ Tanda tangan diterima. Enter untuk memeriksa dan "
                                         "menyimpan; Spasi untuk mengulang."), "ok")
        self.next_button.setEnabled(True)
        self.next_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.waiting = False
        self.capture_button.setEnabled(True)
        if isinstance(exc, CaptureCancelled):
            set_message(self.status, "", "neutral")
            return
        self.slot.release()
        set_message(self.status, self.tr("✗ Pad tanda tangan: %1\nTekan Spasi untuk mencoba "
                                         "lagi.").replace("%1", problem_text(exc,
                                                                             self.ctx.locale)),
                    "error")
