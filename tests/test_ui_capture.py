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
    sign,
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
    assert not record.finger_exceptions
    assert record.signature.format == "iso19794-7+json"
    assert record.signature.device_id == "screen-pad:signature"
    assert record.signature_image.data[:4] == b"\x89PNG"
