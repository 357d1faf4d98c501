"""Fast start: the sign-in window comes before the station is opened (issue 13).

The figures (ms, ratio to a bare PySide6 window) are in `python -m bench startup`; these tests
check the behaviour that makes them possible: what is loaded when the window is shown, a sign-in
typed while the station is still opening, a station that cannot be opened, the early log.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ui_helpers import SIGN_IN_TIMEOUT_MS, open_demo

from station.cli.gui import early_locale
from station.config import load_settings
from station.logsetup import configure_logging, hold_until_configured
from station.services.errors import NotProvisioned
from ui.app import setup
from ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[1]


def test_nothing_heavy_is_loaded_when_the_sign_in_window_is_shown(tmp_path):
    """Through the real entry point (`rekam --data-dir D`) in a fresh process."""
    station, _ = open_demo(tmp_path / "station")
    station.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "bench._startup_probe", "rekam", "--data-dir",
         str(tmp_path / "station")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    _ready, _at, focus, loaded = proc.stdout.split()
    assert focus == "username"  # the operator can type at once
    # OpenCV, numpy, the crypto back ends, SQLAlchemy/Alembic (migrations), the receiver's
    # FastAPI/uvicorn, httpx, pydantic-settings, the store, sync and device layers: all later.
    assert loaded == "-", f"loaded before the window was shown: {loaded}"


def test_starting_the_gui_imports_no_command_module(tmp_path):
    code = (
        "import sys\n"
        "from station.cli.main import parse\n"
        "args = parse(['--data-dir', 'x'])\n"
        "assert args.command is None\n"
        "print(sorted(m for m in sys.modules if m.startswith('station.cli.')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['station.cli.common', 'station.cli.main', " \
        "'station.cli.options']"


@pytest.mark.parametrize("environ", [{}, {"REKAM_LOCALE": "en"}, {"rekam_locale": "en_US"},
                                     {"REKAM_LOCALE": "id"}])
def test_the_early_locale_is_the_one_the_settings_will_have(environ, monkeypatch, tmp_path):
    for key in [k for k in os.environ if k.upper() == "REKAM_LOCALE"]:
        monkeypatch.delenv(key)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    assert early_locale() == load_settings(data_dir=tmp_path).locale


class _Opener:
    """An open_station for MainWindow.opening that waits until the test lets it go."""

    def __init__(self, data_dir: Path, fail: BaseException | None = None):
        self.data_dir = data_dir
        self.fail = fail
        self.release = threading.Event()
        self.station = None
        self.closed = False

    def __call__(self):  # noqa: ANN204
        assert self.release.wait(30), "the test never released the opener"
        if self.fail is not None:
            raise self.fail
        self.station, credentials = open_demo(self.data_dir)
        close = self.station.close

        def closing() -> None:
            self.closed = True
            close()

        self.station.close = closing
        return self.station, None, credentials


@pytest.fixture
def opening(qapp, qtbot, tmp_path):
    windows: list[MainWindow] = []

    def make(fail: BaseException | None = None) -> tuple[MainWindow, _Opener]:
        setup(qapp, "id")
        opener = _Opener(tmp_path / "station", fail)
        window = MainWindow.opening(opener, "id")
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)  # focus needs the active window
        windows.append(window)
        window.opener = opener
        return window, opener

    yield make
    for window in windows:
        window.opener.release.set()
        window.tasks.wait()
        if window.is_ready:
            window.enrollment.clear()
        window.close()
        if window.opener.station is not None and not window.opener.closed:
            window.opener.station.close()
        window.deleteLater()


def test_a_sign_in_typed_while_the_station_opens_goes_through_when_it_is_ready(opening, qtbot):
    window, opener = opening()
    page = window.signin_page
    assert page.station_line.text() == "Menyiapkan stasiun…"
    assert not window.is_ready and page.username.hasFocus()
    qtbot.keyClicks(page.username, "operator")
    qtbot.keyClicks(page.password, "rekam-operator")
    qtbot.keyClick(page.password, "\r")
    assert page.progress.isVisible() and not page.button.isEnabled()  # waiting, not lost
    opener.release.set()
    with qtbot.waitSignal(window.signed_in, timeout=SIGN_IN_TIMEOUT_MS):
        pass
    assert window.is_ready and window.current_page_name() == "enrollment"
    assert "DEMO-BLITAR-01" in window.station_label.text()
    assert "operator / rekam-operator" in page.demo_hint.text()


def test_typing_goes_on_in_the_same_field_while_the_shell_is_built(opening, qtbot):
    window, opener = opening()
    page = window.signin_page
    qtbot.keyClicks(page.username, "oper")
    opener.release.set()
    qtbot.waitUntil(lambda: window.is_ready, timeout=SIGN_IN_TIMEOUT_MS)
    assert page.username.hasFocus()  # building the shell took nothing away from the operator
    qtbot.keyClicks(page.username, "ator")
    assert page.username.text() == "operator"


def test_a_station_that_cannot_be_opened_says_why_on_the_sign_in_page(opening, qtbot):
    window, opener = opening(fail=NotProvisioned())
    opener.release.set()
    page = window.signin_page
    qtbot.waitUntil(page.message.isVisible, timeout=SIGN_IN_TIMEOUT_MS)
    assert page.message.text() == NotProvisioned().problem.message("id")
    assert not page.username.isEnabled() and not page.button.isEnabled()
    assert not window.is_ready and window.current_page_name() == "signin"


def test_an_unexpected_failure_to_open_is_named_and_logged(opening, qtbot, caplog):
    window, opener = opening(fail=OSError(28, "No space left on device"))
    with qtbot.waitSignal(window.failed, timeout=SIGN_IN_TIMEOUT_MS) as failed, \
            caplog.at_level(logging.ERROR):
        opener.release.set()
    assert failed.args == ["OSError: [Errno 28] No space left on device"]
    text = window.signin_page.message.text()
    assert text.startswith("Kesalahan tak terduga: OSError.") and "log stasiun" in text


def test_closing_before_the_station_is_open_waits_for_the_worker(opening, qtbot):
    window, opener = opening()
    threading.Timer(0.3, opener.release.set).start()
    window.close()  # waits for the opener; no sign-out, nothing left running
    assert opener.station is not None  # it did open meanwhile ...
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=SIGN_IN_TIMEOUT_MS)
    assert not window.is_ready and window.station is None  # ... and was closed, not attached
    assert opener.closed


def test_what_is_logged_before_the_log_file_is_known_ends_up_in_it(tmp_path, capfd):
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    try:
        hold_until_configured()
        logging.getLogger("qt").warning("This plugin does not support propagateSizeHints()")
        logging.getLogger("x").info("NIK 3505011234567890 seen")  # redacted on the way out
        path = configure_logging(tmp_path / "logs")
        logging.getLogger("x").info("after")
        for handler in root.handlers:
            handler.flush()
        text = path.read_text()
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    assert "propagateSizeHints" in text and "NIK [NIK] seen" in text and "after" in text
    assert "3505011234567890" not in text
    assert capfd.readouterr().err == ""  # nothing reached the terminal
