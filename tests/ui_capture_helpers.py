"""Helpers for the capture tests: a demo window, a filled form, captures driven like an operator."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from station.domain import regions
from ui.enrollment import EnrollmentPage
from ui.main_window import MainWindow

# A woman born 1 January 1999 (odd year: red backdrop) in Wonotirto, Kabupaten Blitar.
NIK = "3505084101990001"
KK = "3505080101120003"
STEP_TIMEOUT_MS = 20_000


def fill_form(page: EnrollmentPage, nik: str = NIK, name: str = "SITI AMINAH") -> None:
    page.nik.setText(nik)  # birth date and sex are filled from the NIK
    page.kk.setText(KK)
    page.full_name.setText(name)
    page.place_of_birth.setText("BLITAR")
    page.street.setText("DUSUN KRAJAN")
    page.rt.setText("002")
    page.rw.setText("005")
    page.regions.select(regions.children("35.05.08")[0].code)
    page.religion.setCurrentIndex(page.religion.findData("ISLAM"))
    page.marital_status.setCurrentIndex(page.marital_status.findData("KAWIN"))
    page.occupation.setEditText("PETANI/PEKEBUN")


def to_face_step(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = window.enrollment
    fill_form(page)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.applicant is not None, page.result.text()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=STEP_TIMEOUT_MS)
    qtbot.waitUntil(page.to_capture_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(page.to_capture_button, Qt.Key.Key_Return)
    assert page.current_step() == 1


def press(qtbot, widget, key) -> None:  # noqa: ANN001
    qtbot.keyClick(widget.focusWidget() or widget, key)


def capture_face(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    face = window.enrollment.capture.face
    qtbot.waitUntil(lambda: face.picker.current() is not None, timeout=STEP_TIMEOUT_MS)
    qtbot.waitUntil(lambda: face.live.pixmap() is not None and not face.live.pixmap().isNull(),
                    timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(face.capture_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: face.next_button.isEnabled() or (
        not face.busy and face.status.property("role") == "error"), timeout=STEP_TIMEOUT_MS)
    assert face.next_button.isEnabled(), face.status.text()


def capture_finger(qtbot, window: MainWindow) -> str:  # noqa: ANN001
    """Space on the finger step; wait for the verdict; return the status text."""
    fingers = window.enrollment.capture.fingers
    qtbot.keyClick(fingers, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: fingers.busy, timeout=2000)
    qtbot.waitUntil(lambda: not fingers.busy, timeout=STEP_TIMEOUT_MS)
    return fingers.status.text()


def sign(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    """Write a three-stroke signature on the on-screen pad with the mouse."""
    step = window.enrollment.capture.signature
    canvas = step.pad.canvas
    qtbot.waitUntil(lambda: step.waiting, timeout=STEP_TIMEOUT_MS)
    for k in range(3):
        x0 = 40 + 140 * k
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x0, 60))
        for i in range(1, 14):
            qtbot.mouseMove(canvas, QPoint(x0 + 9 * i, 60 + (35 if i % 2 else 0) + 2 * i))
            qtbot.wait(12)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x0 + 120, 100))
    qtbot.wait(50)


def finish_and_save(qtbot, window: MainWindow) -> str:  # noqa: ANN001
    """From the finger step (all ten done): sign, review, save; return the record id."""
    page, flow = window.enrollment, window.enrollment.capture
    qtbot.waitUntil(flow.fingers.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(flow.fingers, Qt.Key.Key_Return)
    assert page.current_step() == 3
    sign(qtbot, window)
    qtbot.keyClick(flow.signature.pad.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(flow.signature.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(flow.signature, Qt.Key.Key_Return)
    review = flow.review
    qtbot.waitUntil(review.save_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    record_id = review.enrollment.record_id
    qtbot.keyClick(review, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.current_step() == 0, timeout=STEP_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=STEP_TIMEOUT_MS)
    return record_id


def on_device(slot, fn) -> None:  # noqa: ANN001
    """Run `fn(device)` on an open device's worker (quality changes, fault injection)."""
    assert slot.handle is not None, "the device is not open yet"
    slot.handle.submit(lambda device, _token: fn(device)).result(5)


def supervisor_confirms(qtbot, step, username: str, password: str) -> None:  # noqa: ANN001
    dialog = step.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=STEP_TIMEOUT_MS)
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
