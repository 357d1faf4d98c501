"""Step 2: the face photo.

Live preview from the chosen camera (frames from the device worker, shown on the GUI thread);
guidance from `face.check` on the check worker, at most a few times a second; Space takes the
photo, which is checked again on the worker; when it passes, the 3:4 portrait is shown and kept.
The backdrop colour rule (red for odd birth years, blue for even) is stated from the birth year.
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from devices.api import CaptureResult, DeviceDescriptor, Modality
from station.biometrics import face as face_checks
from station.services import capture as capture_service
from ui.capture.base import CaptureContext, CaptureState, StepPage
from ui.capture.common import (
    DevicePicker,
    DeviceSlot,
    LivePreview,
    png_pixmap,
    problem_text,
    set_message,
)

GUIDANCE_INTERVAL_S = 0.25


def applicant_seed(state: CaptureState) -> int:
    """The simulated person for this applicant (demo/training): stable per NIK."""
    nik = state.applicant.nik if state.applicant else ""
    return zlib.crc32(nik.encode()) % 100_000 + 1


def simulated_for_applicant(state: CaptureState, d: DeviceDescriptor) -> DeviceDescriptor:
    """A simulated device shows this applicant (seed from the NIK; the backdrop of the birth
    year, as a real backdrop would be chosen); real devices are left alone."""
    if d.driver_id != "simulated":
        return d
    options = dict(d.options)
    options.setdefault("seed", applicant_seed(state))
    if d.options.get("modality") == "face" and state.birth_year is not None:
        options["birth_year"] = state.birth_year
    return DeviceDescriptor(d.driver_id, d.device_id, d.name, d.modalities, d.status,
                            options, d.details)


class FaceStep(LivePreview, StepPage):
    def __init__(self, ctx: CaptureContext, state: CaptureState,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, state, name="face", title=self.tr("2  Foto wajah"),
            instruction=self.tr("Minta pemohon duduk tegak menghadap kamera, tanpa kacamata "
                                "gelap atau penutup kepala yang menutupi wajah. Tekan Spasi "
                                "untuk memotret bila panduan menunjukkan ✓."),
            parent=parent)
        self.live = QLabel(objectName="face_live")
        self.live.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.live.setMinimumSize(480, 360)
        self.live.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.live.setText(self.tr("Menyiapkan kamera…"))
        self.preview_layout.addWidget(self.live, 1)

        self.picker = DevicePicker(ctx.devices, Modality.FACE)
        self.side.addWidget(self.picker)
        self.backdrop = QLabel(objectName="backdrop")
        self.backdrop.setWordWrap(True)
        self.side.addWidget(self.backdrop)
        self.guidance = QLabel(objectName="face_guidance")
        self.guidance.setWordWrap(True)
        self.guidance.setStyleSheet("font-size: 14pt;")
        self.side.addWidget(self.guidance)
        self.portrait = QLabel(objectName="portrait")
        self.portrait.setFixedSize(180, 240)
        self.portrait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.portrait.setStyleSheet("border: 1px dashed #c4cdd5; background: #f5f7f9;")
        self.portrait.setText(self.tr("Foto 3:4\nmuncul di sini"))
        self.side.addWidget(self.portrait, 0, Qt.AlignmentFlag.AlignHCenter)
        self.status = QLabel(objectName="face_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.side.addWidget(self.status)
        self.side.addStretch(1)
        self.capture_button = QPushButton(self.tr("Ambil foto  (Spasi)"), objectName="capture")
        self.capture_button.setProperty("role", "primary")
        self.capture_button.setMinimumHeight(48)
        self.side.addWidget(self.capture_button)

        self.slot = DeviceSlot(ctx.devices, self.picker,
                               lambda d: simulated_for_applicant(self.state, d), self)
        self._connect_preview()
        self.picker.changed.connect(self._device_changed)
        self.capture_button.clicked.connect(self.capture)
        self.shortcut("Space", self.capture)
        self.shortcut("Return", self._next)
        self.shortcut("Enter", self._next)
        self.busy = False
        self._guiding = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(GUIDANCE_INTERVAL_S * 1000))
        self._timer.timeout.connect(self._guide)

    # --- lifecycle -----------------------------------------------------------------------------

    def enter(self) -> None:
        year = self.state.birth_year
        if year is not None:
            colour = capture_service.expected_backdrop(year)
            text = (self.tr("Latar belakang: MERAH (tahun lahir %1 ganjil)") if colour == "red"
                    else self.tr("Latar belakang: BIRU (tahun lahir %1 genap)"))
            set_message(self.backdrop, text.replace("%1", str(year)),
                        "error" if colour == "red" else "neutral")
            self.backdrop.setStyleSheet(
                "font-weight: 600; color: white; border-radius: 6px; padding: 8px 10px; "
                + ("background: #c0392b;" if colour == "red" else "background: #1f5fa8;"))
        self.slot.preview(self._device_failed)
        self._timer.start()
        self.capture_button.setFocus()

    def leave(self) -> None:
        self._timer.stop()
        self.slot.stop_preview()

    def reset(self) -> None:
        super().reset()
        self._timer.stop()
        self.slot.release()
        self.busy = False
        self._last_frame = None
        self.portrait.clear()
        self.portrait.setText(self.tr("Foto 3:4\nmuncul di sini"))
        self.live.clear()
        self.live.setText(self.tr("Menyiapkan kamera…"))
        set_message(self.status, "", "neutral")
        set_message(self.guidance, "", "neutral")
        self.next_button.setEnabled(False)
        self.capture_button.setEnabled(True)

    def _device_changed(self) -> None:
        self.slot.release()
        if self.isVisible():
            self.slot.preview(self._device_failed)

    # --- preview and guidance ------------------------------------------------------------------

    def _guide(self) -> None:
        frame = self._last_frame
        if frame is None or self._guiding or self.busy or not self.isVisible():
            return
        self._guiding = True
        year = self.state.birth_year
        self.ctx.work.submit(lambda: face_checks.check(frame, year), self._guided,
                             self._guide_failed)

    def _guided(self, check: face_checks.FaceCheck) -> None:
        self._guiding = False
        if self.busy or not self.isVisible():
            return
        if check.acceptable:
            set_message(self.guidance, self.tr("✓ Posisi baik — tekan Spasi untuk memotret."),
                        "ok")
        else:
            lines = [f"• {p.message(self.ctx.locale)}" for p in check.failures[:3]]
            set_message(self.guidance, "\n".join(lines), "warn")

    def _guide_failed(self, exc: BaseException) -> None:
        self._guiding = False
        set_message(self.guidance, problem_text(exc, self.ctx.locale), "warn")

    # --- capture -------------------------------------------------------------------------------

    def capture(self) -> None:
        if self.busy or not self.isVisible():
            return
        self.busy = True
        self.capture_button.setEnabled(False)
        set_message(self.status, self.tr("Memotret…"), "neutral")
        self.slot.ensure(self._capture_on, self._device_failed)

    def _capture_on(self, handle) -> None:  # noqa: ANN001
        self.relay.watch(handle.capture(), self._captured, self._device_failed)

    def _captured(self, result: CaptureResult) -> None:
        set_message(self.status, self.tr("Memeriksa foto…"), "neutral")
        year, device_id = self.state.birth_year, result.device.device_id if result.device else ""
        self.ctx.work.submit(
            lambda: capture_service.face_capture(result.image, result.data, result.format, year,
                                                 device_id or "camera",
                                                 device_quality=result.device_quality),
            self._checked, self._device_failed)

    def _checked(self, outcome: capture_service.FaceOutcome) -> None:
        self.busy = False
        self.capture_button.setEnabled(True)
        if not outcome.acceptable:
            lines = [self.tr("✗ Foto belum memenuhi syarat; perbaiki lalu potret lagi "
                             "(Spasi):")]
            lines += [f"• {p.message(self.ctx.locale)}" for p in outcome.check.failures]
            set_message(self.status, "\n".join(lines), "error")
            return
        self.state.face, self.state.portrait = outcome.face, outcome.portrait
        if outcome.portrait is not None:
            self.portrait.setPixmap(png_pixmap(outcome.portrait.data).scaled(
                self.portrait.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        set_message(self.status, self.tr("✓ Foto diterima. Enter untuk lanjut ke sidik jari, "
                                         "Spasi untuk memotret ulang."), "ok")
        self.next_button.setEnabled(True)
        self.next_button.setFocus()

    def _preview_failed(self, exc: BaseException) -> None:
        if getattr(exc, "code", "") == "device.unsupported":  # a device without live preview
            self.live.setText(self.tr("Perangkat ini tidak punya pratinjau langsung; tekan "
                                      "Spasi untuk merekam."))
            return
        self._device_failed(exc)

    def _device_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.capture_button.setEnabled(True)
        self.slot.release()  # reopened at the next attempt
        text = problem_text(exc, self.ctx.locale)
        set_message(self.status, self.tr("✗ Kamera: %1\nFoto yang sudah diterima tetap "
                                         "tersimpan di formulir. Periksa kamera lalu tekan "
                                         "Spasi untuk mencoba lagi.").replace("%1", text),
                    "error")
        self.live.setText(self.tr("Kamera tidak tersedia"))
        self._last_frame = None
