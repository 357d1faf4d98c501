# ruff: noqa: F811  (pytest fixtures imported from tests.ui_helpers)
"""The capture steps of the enrollment, end to end: a real demo store in tmp_path, the real
simulated camera and scanner, the on-screen pad; the saved record is opened and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from station.domain import CAPTURE_ORDER, FingerPosition, RecordStatus
from tests.ui_capture_helpers import (
    NIK,
    STEP_TIMEOUT_MS,
    capture_face,
    capture_finger,
    finish_and_save,
    on_device,
    sign,
    supervisor_confirms,
    to_face_step,
)
from tests.ui_helpers import credential, make_window, open_demo, sign_in, wait_idle  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_station(tmp_path: Path):  # noqa: ANN201
    station, credentials = open_demo(tmp_path / "station", demo=True)
    try:
        yield station, credentials
    finally:
        station.close()


def signed_in_window(qtbot, make_window, demo_station, role="operator"):  # noqa: ANN001, ANN201
    station, credentials = demo_station
    window = make_window(station, credentials)
    c = credential(credentials, role)
    sign_in(qtbot, window, c.username, c.password)
    qtbot.waitUntil(lambda: window.current_page_name() == "enrollment", timeout=STEP_TIMEOUT_MS)
    return window


def test_click_through_from_sign_in_to_a_saved_captured_record(qtbot, make_window,
                                                                demo_station) -> None:
    station, _ = demo_station
    window = signed_in_window(qtbot, make_window, demo_station)
    page, flow = window.enrollment, window.enrollment.capture
    to_face_step(qtbot, window)
    assert "MERAH" in flow.face.backdrop.text() and "1999" in flow.face.backdrop.text()
    capture_face(qtbot, window)
    assert not flow.face.portrait.pixmap().isNull()
    qtbot.keyClick(flow.face.next_button, Qt.Key.Key_Return)
    assert page.current_step() == 2

    fingers = flow.fingers
    for pos in CAPTURE_ORDER:
        assert fingers.current == pos
        text = capture_finger(qtbot, window)
        assert text.startswith("✓"), text
    assert set(flow.state.fingers) == set(CAPTURE_ORDER)
    assert fingers.next_button.isEnabled() and not fingers.warning.isVisible()
    # NFIQ 2 proper follows each accepted print on the check worker and shows in its box
    qtbot.waitUntil(lambda: all(c.nfiq2 is not None for c in flow.state.fingers.values()),
                    timeout=STEP_TIMEOUT_MS)
    for pos, box in fingers.boxes.items():
        assert f"({flow.state.fingers[pos].nfiq2})" in box.text()
        assert "NFIQ 2" in box.toolTip()
    qtbot.keyClick(fingers, Qt.Key.Key_Return)
    assert page.current_step() == 3

    sign(qtbot, window)
    qtbot.keyClick(flow.signature.pad.canvas, Qt.Key.Key_Return)  # "Selesai"
    qtbot.waitUntil(flow.signature.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(flow.signature, Qt.Key.Key_Return)
    assert page.current_step() == 4

    review = flow.review
    qtbot.waitUntil(review.save_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    assert "SITI AMINAH" in review.person.text()
    record_id = review.enrollment.record_id
    qtbot.keyClick(review, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.current_step() == 0, timeout=STEP_TIMEOUT_MS)
    wait_idle(qtbot, window)
    assert page.is_blank() and record_id in page.result.text()
    assert not flow.state.fingers and flow.state.face is None

    record = station.records.open(record_id)
    assert record.status is RecordStatus.CAPTURED
    assert record.applicant.nik == NIK and record.applicant.full_name == "SITI AMINAH"
    assert record.operator == "operator"
    assert record.face.format == "jpeg" and record.face.device_id.startswith("simulated")
    assert (record.portrait.width, record.portrait.height) == (360, 480)
    assert set(record.fingers) == set(FingerPosition)
    for pos, cap in record.fingers.items():
        assert cap.format == "wsq" and cap.resolution_ppi == 500 and cap.position == pos
        assert cap.quality >= 40 and cap.forced_by is None and cap.attempts == 1
        assert cap.nfiq2 is not None and 0 <= cap.nfiq2 <= 100
    assert not record.finger_exceptions
    assert record.signature.format == "iso19794-7+json"
    assert record.signature.device_id == "screen-pad:signature"
    assert record.signature_image.data[:4] == b"\x89PNG"


def capture_events(station, credentials, record_id):  # noqa: ANN001, ANN201
    """The record's capture events in the audit chain (read as the supervisor)."""
    supervisor = credential(credentials, "supervisor")
    station.auth.sign_out()
    station.auth.sign_in(supervisor.username, supervisor.password)
    return [e for e in station.audit.events(record_id=record_id) if e.action == "capture"]


def _face_then_fingers(qtbot, window) -> None:  # noqa: ANN001
    to_face_step(qtbot, window)
    capture_face(qtbot, window)
    qtbot.keyClick(window.enrollment.capture.face.next_button, Qt.Key.Key_Return)
    assert window.enrollment.current_step() == 2


def test_a_low_quality_finger_goes_through_retries_to_a_supervisor_forced_capture(
        qtbot, make_window, demo_station) -> None:  # noqa: ANN001
    station, credentials = demo_station
    window = signed_in_window(qtbot, make_window, demo_station)
    flow = window.enrollment.capture
    fingers = flow.fingers
    _face_then_fingers(qtbot, window)
    assert capture_finger(qtbot, window).startswith("✓")  # right thumb
    on_device(fingers.slot, lambda d: d.set_quality("smudged"))  # a worn right index
    pos = FingerPosition.RIGHT_INDEX
    for attempt in (1, 2, 3):
        assert fingers.current == pos and fingers.capture_button.isEnabled()
        assert not fingers.force_button.isEnabled()
        text = capture_finger(qtbot, window)
        assert text.startswith("✗") and f"percobaan {attempt} dari 3" in text, text
        assert pos not in flow.state.fingers
    assert "supervisor" in text and not fingers.capture_button.isEnabled()
    assert fingers.force_button.isEnabled()
    best = fingers.best[pos].quality.score
    assert best < 40

    qtbot.keyClick(fingers, Qt.Key.Key_F)
    # the operator cannot approve for themselves; a wrong password is refused; nothing is lost
    operator = credential(credentials, "operator")
    supervisor_confirms(qtbot, fingers, operator.username, operator.password)
    qtbot.waitUntil(fingers.dialog.problem.isVisible, timeout=STEP_TIMEOUT_MS)
    assert fingers.dialog.isVisible() and pos not in flow.state.fingers
    supervisor_confirms(qtbot, fingers, "supervisor", "not-the-password")
    qtbot.waitUntil(lambda: "sandi" in fingers.dialog.problem.text().lower(),
                    timeout=STEP_TIMEOUT_MS)
    assert pos not in flow.state.fingers
    supervisor = credential(credentials, "supervisor")
    supervisor_confirms(qtbot, fingers, supervisor.username, supervisor.password)
    qtbot.waitUntil(lambda: pos in flow.state.fingers, timeout=STEP_TIMEOUT_MS)
    assert not fingers.dialog.isVisible()
    assert fingers.current == FingerPosition.RIGHT_MIDDLE  # moved on
    qtbot.waitUntil(fingers.capture_button.hasFocus, timeout=2000)  # Space captures the next

    on_device(fingers.slot, lambda d: d.set_quality("good"))
    for _ in range(8):
        assert capture_finger(qtbot, window).startswith("✓")
    record_id = finish_and_save(qtbot, window)

    record = station.records.open(record_id)
    forced = record.fingers[pos]
    assert forced.forced_by == "supervisor" and forced.attempts == 3
    assert forced.quality == pytest.approx(best, abs=0.06) and forced.quality < 40
    assert all(c.forced_by is None for p, c in record.fingers.items() if p != pos)
    events = capture_events(station, credentials, record_id)
    assert [(e.details["position"], e.details["forced_by"], e.details["attempts"])
            for e in events] == [(int(pos), "supervisor", 3)]


def test_an_exception_is_confirmed_by_a_supervisor_and_saved(qtbot, make_window,
                                                             demo_station) -> None:
    station, credentials = demo_station
    window = signed_in_window(qtbot, make_window, demo_station)
    flow = window.enrollment.capture
    fingers = flow.fingers
    _face_then_fingers(qtbot, window)
    for _ in range(9):
        assert capture_finger(qtbot, window).startswith("✓")
    pos = FingerPosition.LEFT_LITTLE
    assert fingers.current == pos and not fingers.next_button.isEnabled()
    qtbot.keyClick(fingers, Qt.Key.Key_E)
    dialog = fingers.dialog
    dialog.reason.setCurrentIndex(dialog.reason.findData("BANDAGED"))
    dialog.note.setText("luka bakar")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # changed their mind
    assert pos not in flow.state.exceptions and not fingers.next_button.isEnabled()
    qtbot.keyClick(fingers, Qt.Key.Key_E)
    dialog = fingers.dialog
    dialog.reason.setCurrentIndex(dialog.reason.findData("BANDAGED"))
    dialog.note.setText("luka bakar")
    supervisor = credential(credentials, "supervisor")
    supervisor_confirms(qtbot, fingers, supervisor.username, supervisor.password)
    qtbot.waitUntil(lambda: pos in flow.state.exceptions, timeout=STEP_TIMEOUT_MS)
    assert fingers.warning.isVisible() and "9 dari 10" in fingers.warning.text()
    assert "diperban" in fingers.boxes[pos].text()

    # the review repeats the warning; the record keeps the confirmed exception
    qtbot.waitUntil(fingers.next_button.hasFocus, timeout=2000)  # Enter moves on
    qtbot.keyClick(fingers, Qt.Key.Key_Return)
    sign(qtbot, window)
    qtbot.keyClick(flow.signature.pad.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(flow.signature.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(flow.signature, Qt.Key.Key_Return)
    qtbot.waitUntil(flow.review.save_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    assert "9 dari 10" in flow.review.warning.text()
    record_id = flow.review.enrollment.record_id
    qtbot.keyClick(flow.review, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.enrollment.current_step() == 0, timeout=STEP_TIMEOUT_MS)
    wait_idle(qtbot, window)
    record = station.records.open(record_id)
    assert pos not in record.fingers and len(record.fingers) == 9
    exc = record.finger_exceptions[pos]
    assert exc.reason.value == "BANDAGED" and exc.confirmed_by == "supervisor"
    assert exc.note == "luka bakar"
    events = capture_events(station, credentials, record_id)
    assert [(e.details["position"], e.details["exception"], e.details["confirmed_by"])
            for e in events] == [(int(pos), "BANDAGED", "supervisor")]


def test_a_device_that_disconnects_or_times_out_shows_a_clear_message_and_loses_nothing(
        qtbot, make_window, demo_station) -> None:  # noqa: ANN001
    window = signed_in_window(qtbot, make_window, demo_station)
    page, flow = window.enrollment, window.enrollment.capture
    flow.devices.manager.capture_timeout_s = 1.0  # a scanner that never answers: 1 s, not 40
    to_face_step(qtbot, window)
    face = flow.face
    qtbot.waitUntil(lambda: face.slot.handle is not None, timeout=STEP_TIMEOUT_MS)
    on_device(face.slot, lambda d: d.inject("disconnect"))  # the cable is pulled mid-capture
    qtbot.keyClick(face.capture_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not face.busy and face.status.property("role") == "error",
                    timeout=STEP_TIMEOUT_MS)
    assert "terputus" in face.status.text() and "Spasi" in face.status.text()
    assert flow.state.face is None and not face.next_button.isEnabled()
    assert page.applicant is not None and page.full_name.text() == "SITI AMINAH"
    # plugged back in: the next Space reopens the camera (and its preview) and takes the photo
    qtbot.keyClick(face.capture_button, Qt.Key.Key_Space)
    qtbot.waitUntil(face.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    assert flow.state.face is not None and flow.state.portrait is not None
    qtbot.waitUntil(lambda: not face.live.pixmap().isNull(), timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(face.next_button, Qt.Key.Key_Return)

    fingers = flow.fingers
    for _ in range(2):
        assert capture_finger(qtbot, window).startswith("✓")
    kept = dict(flow.state.fingers)
    on_device(fingers.slot, lambda d: d.inject("timeout"))
    text = capture_finger(qtbot, window)
    assert text.startswith("✗ Pemindai") and "tidak menjawab" in text, text
    # nothing lost (NFIQ 2 may have been filled in meanwhile: compare the prints themselves)
    assert {p: c.data for p, c in flow.state.fingers.items()} == {
        p: c.data for p, c in kept.items()}
    assert fingers.current == FingerPosition.RIGHT_MIDDLE
    assert fingers.attempts.get(FingerPosition.RIGHT_MIDDLE, 0) == 0  # not a failed attempt
    assert capture_finger(qtbot, window).startswith("✓")  # the scanner answers again
    assert set(flow.state.fingers) == {*kept, FingerPosition.RIGHT_MIDDLE}


def test_the_same_finger_in_two_slots_blocks_saving_and_names_both_slots(
        qtbot, make_window, demo_station) -> None:  # noqa: ANN001
    from devices.simulated.driver import SimulatedScanner

    station, _ = demo_station
    window = signed_in_window(qtbot, make_window, demo_station)
    page, flow = window.enrollment, window.enrollment.capture
    fingers = flow.fingers
    _face_then_fingers(qtbot, window)
    assert capture_finger(qtbot, window).startswith("✓")  # right thumb

    def thumb_again(device) -> None:  # noqa: ANN001
        """The applicant puts the right thumb down again when asked for the index."""
        device.capture = lambda position, cancel, **kw: SimulatedScanner.capture(
            device, FingerPosition.RIGHT_THUMB, cancel, **kw)

    on_device(fingers.slot, thumb_again)
    assert capture_finger(qtbot, window).startswith("✓")  # a good print, of the wrong finger
    on_device(fingers.slot, lambda d: d.__dict__.pop("capture"))  # back to the right fingers
    for _ in range(8):
        assert capture_finger(qtbot, window).startswith("✓")
    qtbot.keyClick(fingers, Qt.Key.Key_Return)
    sign(qtbot, window)
    qtbot.keyClick(flow.signature.pad.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(flow.signature.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    qtbot.keyClick(flow.signature, Qt.Key.Key_Return)
    review = flow.review
    qtbot.waitUntil(lambda: not review.checking, timeout=STEP_TIMEOUT_MS)
    assert review.problem_codes == ["FINGER_SEQUENCE_DUPLICATE"]
    text = review.problems.text()
    assert "ibu jari kanan" in text and "telunjuk kanan" in text
    assert not review.save_button.isEnabled()
    qtbot.keyClick(review, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.current_step() == 4 and not window.tasks.busy  # nothing saved

    # back to the fingers, recapture the index, and the record can be saved
    qtbot.keyClick(review, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(flow.signature, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.current_step() == 2
    qtbot.mouseClick(fingers.boxes[FingerPosition.RIGHT_INDEX], Qt.MouseButton.LeftButton)
    fingers.capture_button.setFocus()
    assert capture_finger(qtbot, window).startswith("✓")
    qtbot.keyClick(fingers, Qt.Key.Key_Return)
    assert flow.signature.next_button.isEnabled()  # the signature is kept
    qtbot.keyClick(flow.signature, Qt.Key.Key_Return)
    qtbot.waitUntil(review.save_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    assert not review.problems.isVisible()
    record_id = review.enrollment.record_id
    qtbot.keyClick(review, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.current_step() == 0, timeout=STEP_TIMEOUT_MS)
    wait_idle(qtbot, window)
    record = station.records.open(record_id)
    assert record.fingers[FingerPosition.RIGHT_INDEX].attempts == 2
