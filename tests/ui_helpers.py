"""Fixtures for the UI tests: a real demo station (SQLite in tmp_path) and windows on it.

The station is the real one (`station.app.open_station` + `provision_demo`) with the fast test
KDF, so sign-in, lockout and idle lock run through the real store and audit chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from station.app import DemoCredential, Station, open_station, provision_demo
from station.config import load_settings
from storage.vault import FAST_KDF_FOR_TESTS
from ui.app import setup
from ui.main_window import MainWindow

SIGN_IN_TIMEOUT_MS = 10_000


def credential(credentials: list[DemoCredential], role: str) -> DemoCredential:
    return next(c for c in credentials if c.role == role)


def open_demo(data_dir: Path, **settings: object) -> tuple[Station, list[DemoCredential]]:
    """Provision (fast test KDF) and open a demo station; the caller closes it."""
    config = load_settings(data_dir=data_dir, **settings)
    credentials = provision_demo(config, kdf=FAST_KDF_FOR_TESTS)
    return open_station(config), credentials


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Station, list[DemoCredential]]]:
    """A provisioned demo station and its credentials (operator first)."""
    station, credentials = open_demo(tmp_path / "station")
    try:
        yield station, credentials
    finally:
        station.close()


@pytest.fixture
def make_window(qapp: QApplication, qtbot) -> Iterator[Callable[..., MainWindow]]:  # noqa: ANN001
    """make_window(station, demo_credentials=None) -> a shown MainWindow, closed at teardown."""
    windows: list[MainWindow] = []

    def make(station: Station, demo_credentials: list[DemoCredential] | None = None) -> MainWindow:
        setup(qapp, station.settings.locale)
        window = MainWindow(station, demo_credentials=demo_credentials)
        # Not qtbot.addWidget: pytest-qt would close it before our teardown, and a filled form
        # answers a close with a modal "discard?" question.
        window.show()
        window.activateWindow()
        # Focus assertions need the active window (waitActive can return before it is).
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.enrollment.clear()  # a filled form would ask "discard?" on close
        window.close()  # waits for the worker, signs out
        window.deleteLater()
    setup(qapp, "id")


def sign_in(qtbot, window: MainWindow, username: str, password: str) -> None:  # noqa: ANN001
    """Type into the sign-in page like an operator and press the button."""
    page = window.signin_page
    page.username.clear()
    page.password.clear()
    qtbot.keyClicks(page.username, username)
    qtbot.keyClicks(page.password, password)
    qtbot.mouseClick(page.button, _left())


def wait_idle(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    """Wait until the window's station call has come back."""
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=SIGN_IN_TIMEOUT_MS)


def _left():  # noqa: ANN202
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
