# ruff: noqa: F811  (pytest fixtures imported from tests.ui_helpers)
"""Sign-in through the real window on a real demo station (SQLite in tmp_path, real Argon2id)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from station.config import load_settings
from station.services.errors import WrongPassword
from tests.ui_helpers import credential, demo, make_window, sign_in, wait_idle  # noqa: F401 (fixtures)

# Every test here gets a demo station and windows on it.
pytestmark = pytest.mark.usefixtures("qapp")


def test_good_sign_in_opens_the_enrollment_page_with_the_operator_in_the_status_bar(
    demo, make_window, qtbot
):
    station, credentials = demo
    window = make_window(station)
    assert window.current_page_name() == "signin"
    assert "DEMO-BLITAR-01" in window.signin_page.station_line.text()
    assert "Kabupaten Blitar" in window.signin_page.station_line.text()
    assert not window.statusBar().isVisible()

    op = credential(credentials, "operator")
    with qtbot.waitSignal(window.signed_in, timeout=10_000) as signal:
        sign_in(qtbot, window, op.username, op.password)
    assert signal.args[0].operator.username == "operator"
    assert window.current_page_name() == "enrollment"
    assert window.enrollment.isVisible()
    assert window.statusBar().isVisible()
    assert window.operator_label.text() == "Operator: Operator Demo (operator)"
    assert "DEMO-BLITAR-01" in window.station_label.text()
    assert station.auth.current is not None and station.auth.current.username == "operator"
    # The sign-in page keeps no password once signed in.
    assert window.signin_page.password.text() == ""


def test_wrong_password_says_so_and_counts_down(demo, make_window, qtbot):
    station, credentials = demo
    window = make_window(station)
    sign_in(qtbot, window, "operator", "not-the-password")
    wait_idle(qtbot, window)
    page = window.signin_page
    assert window.current_page_name() == "signin"
    assert page.message.isVisible()
    assert page.message.property("role") == "error"
    assert page.message.text() == "Nama pengguna atau kata sandi salah. Sisa percobaan: 4."
    assert page.password.text() == ""  # cleared for the next try
    assert page.password.hasFocus()
    assert page.button.isEnabled()
    assert station.auth.current is None


def test_unknown_operator_is_named_and_the_username_selected(demo, make_window, qtbot):
    station, _ = demo
    window = make_window(station)
    sign_in(qtbot, window, "budi", "whatever-password")
    wait_idle(qtbot, window)
    page = window.signin_page
    assert page.message.text() == "Operator 'budi' tidak terdaftar di stasiun ini."
    assert page.message.property("role") == "error"
    assert page.username.hasFocus()
    assert page.username.selectedText() == "budi"


def test_five_wrong_passwords_lock_the_account_with_a_distinct_message(demo, make_window, qtbot):
    station, credentials = demo
    window = make_window(station)
    page = window.signin_page
    for attempt in range(4):
        sign_in(qtbot, window, "operator", f"wrong-{attempt}")
        wait_idle(qtbot, window)
        assert page.message.property("role") == "error"
    sign_in(qtbot, window, "operator", "wrong-5")
    wait_idle(qtbot, window)
    assert page.message.property("role") == "warn"
    assert page.message.text().startswith(
        "Akun operator terkunci karena terlalu banyak kata sandi salah; coba lagi pukul "
    )
    # Even the right password is refused while locked out, with the same message.
    sign_in(qtbot, window, "operator", credential(credentials, "operator").password)
    wait_idle(qtbot, window)
    assert page.message.property("role") == "warn"
    assert "terkunci" in page.message.text()
    assert window.current_page_name() == "signin"


def test_account_locked_by_an_admin_is_told_to_ask_the_admin(demo, make_window, qtbot):
    station, credentials = demo
    admin = credential(credentials, "admin")
    station.auth.sign_in(admin.username, admin.password)
    station.operators.lock("operator")
    station.auth.sign_out()
    window = make_window(station)
    sign_in(qtbot, window, "operator", credential(credentials, "operator").password)
    wait_idle(qtbot, window)
    page = window.signin_page
    assert page.message.property("role") == "warn"
    assert page.message.text() == "Akun operator dikunci oleh admin. Hubungi admin stasiun."


def test_empty_fields_are_named_without_calling_the_station(demo, make_window, qtbot):
    station, _ = demo
    window = make_window(station)
    page = window.signin_page
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Isi nama pengguna."
    assert page.username.hasFocus()
    qtbot.keyClicks(page.username, "operator")
    qtbot.keyClick(page.username, Qt.Key.Key_Return)  # Enter moves to the password
    assert page.password.hasFocus()
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert page.message.text() == "Isi kata sandi."
    assert not window.tasks.busy


def test_enter_in_the_password_field_signs_in(demo, make_window, qtbot):
    station, credentials = demo
    window = make_window(station)
    op = credential(credentials, "supervisor")
    qtbot.keyClicks(window.signin_page.username, op.username)
    qtbot.keyClick(window.signin_page.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.signin_page.password, op.password)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        qtbot.keyClick(window.signin_page.password, Qt.Key.Key_Return)
    assert window.operator_label.text() == "Operator: Supervisor Demo (supervisor)"


def test_demo_credentials_are_shown_on_the_sign_in_page(demo, make_window):
    station, credentials = demo
    window = make_window(station, credentials)
    hint = window.signin_page.demo_hint
    assert hint.isVisible()
    for c in credentials:
        assert f"{c.username} / {c.password}" in hint.text()


def test_sign_out_returns_to_an_empty_sign_in_page(demo, make_window, qtbot):
    station, credentials = demo
    window = make_window(station)
    op = credential(credentials, "operator")
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        sign_in(qtbot, window, op.username, op.password)
    with qtbot.waitSignal(window.signed_out, timeout=10_000):
        qtbot.mouseClick(window.sign_out_button, Qt.MouseButton.LeftButton)  # blank form: no ask
    assert window.current_page_name() == "signin"
    assert station.auth.current is None
    assert not window.statusBar().isVisible()


def test_english_locale_translates_the_window_and_the_station_messages(
    tmp_path, make_window, qtbot
):
    from station.app import open_station, provision_demo
    from storage.vault import FAST_KDF_FOR_TESTS

    settings = load_settings(data_dir=tmp_path / "en", locale="en")
    provision_demo(settings, kdf=FAST_KDF_FOR_TESTS)
    station = open_station(settings)
    try:
        window = make_window(station)
        page = window.signin_page
        assert page.button.text() == "Sign in"
        assert window.signin_page.station_line.text().startswith("Station DEMO-BLITAR-01")
        sign_in(qtbot, window, "operator", "wrong-password")
        wait_idle(qtbot, window)
        assert page.message.text() == "Wrong username or password. Attempts left: 4."
        window.close()
    finally:
        station.close()


# --- behaviour that needs control over timing or failure: a small double of the station ----


@dataclass
class _Operator:
    username: str
    display_name: str
    role: str


@dataclass
class _Session:
    operator: _Operator


class _SlowAuth:
    """sign_in blocks until released (to see the busy state); can raise a non-service error."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.error: Exception | None = None
        self.threads: list[str] = []

    def sign_in(self, username: str, password: str) -> _Session:
        self.threads.append(threading.current_thread().name)
        self.release.wait(10)
        if self.error is not None:
            raise self.error
        if password != "benar":
            raise WrongPassword(3)
        return _Session(_Operator(username, "Siti Rahma", "operator"))

    def sign_out(self) -> None:
        pass

    def lock(self) -> None:
        pass

    def unlock(self, password: str) -> _Session:
        return _Session(_Operator("siti", "Siti Rahma", "operator"))


class _StationDouble:
    def __init__(self, tmp_path) -> None:  # noqa: ANN001
        self.settings = load_settings(data_dir=tmp_path / "double")
        self.auth = _SlowAuth()
        self.station_id = "BLT-07"
        self.region_code = "35.05"


def test_sign_in_runs_off_the_gui_thread_and_shows_a_busy_state(tmp_path, make_window, qtbot):
    station = _StationDouble(tmp_path)
    window = make_window(station)
    page = window.signin_page
    sign_in(qtbot, window, "siti", "benar")
    qtbot.waitUntil(lambda: bool(station.auth.threads), timeout=5000)
    # The GUI thread is free while the check runs: the page says it is checking.
    assert station.auth.threads[0] != threading.main_thread().name
    assert page.progress.isVisible()
    assert not page.button.isEnabled() and not page.password.isEnabled()
    assert page.message.text() == "Memeriksa kata sandi…"
    assert window.busy_label.text() == "Memproses…"
    with qtbot.waitSignal(window.signed_in, timeout=5000):
        station.auth.release.set()
    assert not page.progress.isVisible()
    assert window.operator_label.text() == "Operator: Siti Rahma (operator)"


def test_an_unexpected_station_error_is_named_not_a_traceback(tmp_path, make_window, qtbot):
    station = _StationDouble(tmp_path)
    station.auth.error = OSError(5, "Input/output error")
    station.auth.release.set()
    window = make_window(station)
    with qtbot.waitSignal(window.failed, timeout=5000) as failed:
        sign_in(qtbot, window, "siti", "benar")
    wait_idle(qtbot, window)
    assert "OSError" in failed.args[0]
    text = window.signin_page.message.text()
    assert text.startswith("Kesalahan tak terduga: OSError.")
    assert "Traceback" not in text
    assert window.current_page_name() == "signin"


def test_the_provisioned_region_wins_over_the_settings_default(tmp_path, make_window):
    from tests.ui_helpers import open_demo

    station, _ = open_demo(tmp_path / "sby", region_code="35.78")  # demo provisions 35.05
    try:
        window = make_window(station)
        assert station.settings.region_code == "35.78"
        assert window.signin_page.station_line.text() == (
            "Stasiun DEMO-BLITAR-01 · Kabupaten Blitar, Jawa Timur"
        )
        assert window.enrollment.regions.regency.currentText() == "Kabupaten Blitar"
        window.close()
    finally:
        station.close()
