# ruff: noqa: F811  (pytest fixtures)
"""Idle auto-lock and unlock on the real store: the keys go, the form on screen stays."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui_helpers import (  # noqa: F401 (fixtures)
    credential,
    demo,
    make_window,
    open_demo,
    sign_in,
    wait_idle,
)


@pytest.fixture
def quick_lock(tmp_path):
    """A demo station that locks after one idle second."""
    station, credentials = open_demo(tmp_path / "quick", idle_lock_seconds=1)
    try:
        yield station, credentials
    finally:
        station.close()


def _signed_in(qtbot, make_window, station, cred):
    window = make_window(station)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        sign_in(qtbot, window, cred.username, cred.password)
    return window


def _fill_some(window, qtbot) -> dict[str, object]:
    page = window.enrollment
    qtbot.keyClicks(page.nik, "3505084101990001")
    qtbot.keyClicks(page.kk, "3505080101120003")
    qtbot.keyClicks(page.full_name, "siti aminah")
    qtbot.keyClicks(page.street, "dusun krajan")
    page.regions.district.setCurrentIndex(page.regions.district.findData("35.05.08"))
    page.regions.village.setCurrentIndex(2)
    page.marital_status.setCurrentIndex(page.marital_status.findData("KAWIN"))
    page.full_name.setFocus()
    return page.snapshot()


def test_idle_lock_hides_the_form_drops_the_keys_and_unlock_brings_it_back(
    quick_lock, make_window, qtbot
):
    station, credentials = quick_lock
    op = credential(credentials, "operator")
    window = _signed_in(qtbot, make_window, station, op)
    before = _fill_some(window, qtbot)
    assert before["nik"] == "3505084101990001" and before["full_name"] == "SITI AMINAH"

    with qtbot.waitSignal(window.locked, timeout=5000):
        pass  # one idle second, then the watcher locks
    assert window.current_page_name() == "lock"
    assert not window.enrollment.isVisible()
    assert not window.statusBar().isVisible()
    assert station.auth.is_locked  # the store dropped the keys
    assert "Operator Demo (operator)" in window.lock_page.who.text()

    # A wrong password is refused on the lock page; the form stays hidden.
    qtbot.keyClicks(window.lock_page.password, "wrong-password")
    qtbot.keyClick(window.lock_page.password, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert window.lock_page.message.text() == (
        "Nama pengguna atau kata sandi salah. Sisa percobaan: 4."
    )
    assert window.current_page_name() == "lock"
    assert station.auth.is_locked

    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        qtbot.keyClicks(window.lock_page.password, op.password)
        qtbot.mouseClick(window.lock_page.button, Qt.MouseButton.LeftButton)
    assert window.current_page_name() == "enrollment"
    assert not station.auth.is_locked
    assert window.enrollment.snapshot() == before  # every entry is still there
    assert window.lock_page.password.text() == ""
    assert window.enrollment.focusWidget() is window.enrollment.full_name


def test_typing_keeps_the_station_unlocked(quick_lock, make_window, qtbot):
    station, credentials = quick_lock
    window = _signed_in(qtbot, make_window, station, credential(credentials, "operator"))
    for digit in "3505084101":  # a key every 0.25 s for 2.5 s: never a full idle second
        qtbot.keyClicks(window.enrollment.nik, digit)
        qtbot.wait(250)
    assert window.current_page_name() == "enrollment"
    assert not station.auth.is_locked


def test_ctrl_l_locks_at_once_and_sign_out_from_the_lock_page_asks_first(
    demo, make_window, qtbot
):
    station, credentials = demo
    window = _signed_in(qtbot, make_window, station, credential(credentials, "supervisor"))
    _fill_some(window, qtbot)
    with qtbot.waitSignal(window.locked, timeout=5000):
        qtbot.keyClick(window.enrollment.full_name, Qt.Key.Key_L,
                       Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_name() == "lock"
    assert station.auth.is_locked

    from tests.test_ui_enrollment import answer_next_dialog

    answer_next_dialog("Batal")
    qtbot.mouseClick(window.lock_page.sign_out, Qt.MouseButton.LeftButton)
    assert window.current_page_name() == "lock"  # kept: the operator cancelled
    assert window.enrollment.full_name.text() == "SITI AMINAH"

    answer_next_dialog("Keluar dan buang isian")
    with qtbot.waitSignal(window.signed_out, timeout=5000):
        qtbot.mouseClick(window.lock_page.sign_out, Qt.MouseButton.LeftButton)
    assert window.current_page_name() == "signin"
    assert station.auth.current is None
    assert window.enrollment.is_blank()  # nothing of the previous applicant is left



def test_locking_cancels_an_open_question_so_nobody_answers_it_for_the_operator(
    quick_lock, make_window, qtbot
):
    station, credentials = quick_lock
    window = _signed_in(qtbot, make_window, station, credential(credentials, "operator"))
    before = _fill_some(window, qtbot)
    # "Formulir baru" asks; nobody answers; the idle lock comes and cancels the question.
    with qtbot.waitSignal(window.locked, timeout=5000):
        qtbot.mouseClick(window.enrollment.clear_button, Qt.MouseButton.LeftButton)
    assert window.current_page_name() == "lock"
    assert window.enrollment.snapshot() == before  # cancelled, not "Kosongkan"
