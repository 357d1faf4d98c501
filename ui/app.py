"""The Rekam desktop application: `launch` is what `rekam`, `rekam demo` and `--smoke-test` call.

`launch` creates (or reuses) the QApplication, installs the Bahasa Indonesia / English strings,
shows the sign-in window at once and runs the event loop, while the worker opens the station
(see `MainWindow.opening`). `run_gui` does the same for a station that is already open. With
`smoke_test=True` either drives the real window the way an operator would (type the first demo
credential, press "Masuk", wait for the signed-in state, open the enrollment page) and returns
0, or prints the reason on stderr and returns 1. A watchdog timer guarantees it never hangs.

Start-up time matters here (a counter opens the station many times a day): this module and
what it imports at the top must stay light; see bench/startup.py.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ui import i18n, style
from ui.main_window import MainWindow, OpenedStation
from ui.ports import StationLike

log = logging.getLogger(__name__)

SMOKE_TIMEOUT_S = 20.0
ICON = Path(__file__).resolve().parent / "icons" / "rekam.png"


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Rekam")
    app.setOrganizationName("Rekam")
    app.setApplicationDisplayName("Rekam")
    if app.windowIcon().isNull() and ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))  # drawn by packaging/tools/make_icon.py
    return app


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("qt")


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the station log (redacted), not onto the operator's terminal."""
    _qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def setup(app: QApplication, locale: str) -> None:
    """Look and language; idempotent (tests create many windows in one QApplication)."""
    style.apply(app)
    i18n.install(app, locale)


def run_gui(
    station: StationLike,
    *,
    demo_credentials: Sequence[object] | None = None,
    smoke_test: bool = False,
    sync: object | None = None,
) -> int:
    """Show the main window for an open `station` and run the Qt event loop; the exit code.

    `sync` is the station's SyncService (the launcher builds it: the UI may not import the
    store's modules); without it the window records but does not deliver."""
    app = ensure_app()
    setup(app, station.settings.locale)
    return _show(app, lambda: MainWindow(station, demo_credentials=demo_credentials, sync=sync),
                 smoke_test)


def launch(open_station: Callable[[], OpenedStation], locale: str, *,
           smoke_test: bool = False) -> int:
    """Show the sign-in window now; `open_station()` (run on the worker thread) returns the
    open station, its SyncService and the demo credentials. Closes the station at the end."""
    app = ensure_app()
    setup(app, locale)
    window: list[MainWindow] = []

    def make() -> MainWindow:
        window.append(MainWindow.opening(open_station, locale))
        return window[0]

    try:
        return _show(app, make, smoke_test)
    finally:
        station = window[0].station if window else None
        if station is not None and hasattr(station, "close"):
            station.close()


def _show(app: QApplication, make: Callable[[], MainWindow], smoke_test: bool) -> int:
    previous_handler = qInstallMessageHandler(_qt_message)
    window = None
    try:
        window = make()
        if smoke_test:
            return SmokeTest(app, window).run()
        return _run(app, window)
    finally:
        if window is not None and not window.tasks.busy:
            window.deleteLater()  # the window is done; do not leave it to the garbage collector
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qInstallMessageHandler(previous_handler)


def _run(app: QApplication, window: MainWindow) -> int:
    def excepthook(kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        # A bug in a slot: log it (redacted), tell the operator, keep the work on screen.
        log.error("unhandled error in the GUI", exc_info=(kind, exc, tb))
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("App", "Kesalahan"))
        box.setText(
            QCoreApplication.translate(
                "App",
                "Terjadi kesalahan tak terduga (%1). Isian di layar tidak hilang. "
                "Rinciannya tercatat di log stasiun.",
            ).replace("%1", kind.__name__)
        )
        box.addButton(QCoreApplication.translate("App", "Tutup"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    previous = sys.excepthook
    sys.excepthook = excepthook
    try:
        window.showMaximized()  # a counter station runs full screen
        return app.exec()
    finally:
        sys.excepthook = previous
        window.tasks.wait()


class SmokeTest:
    """Sign in as the first demo operator through the widgets, open enrollment, report."""

    def __init__(self, app: QApplication, window: MainWindow):
        self.app = app
        self.window = window
        self.code: int | None = None
        self.watchdog = QTimer()
        self.watchdog.setSingleShot(True)
        self.watchdog.setInterval(int(SMOKE_TIMEOUT_S * 1000))
        self.watchdog.timeout.connect(self._timed_out)
        self._poll_refusal = QTimer()
        self._poll_refusal.setInterval(50)
        self._poll_refusal.timeout.connect(self._check_refused)

    def run(self) -> int:
        previous = sys.excepthook
        sys.excepthook = self._excepthook
        try:
            self.window.signed_in.connect(self._signed_in)
            self.window.failed.connect(self._station_failed)
            self.window.ready.connect(self._sign_in)
            self.window.show()
            self.watchdog.start()
            if self.window.is_ready:
                QTimer.singleShot(0, self._sign_in)
            else:  # the station is being opened; a refusal to open shows on the page
                self._poll_refusal.start()
            self.app.exec()
        finally:
            sys.excepthook = previous
            self.watchdog.stop()
            self._poll_refusal.stop()
            self.window.signed_in.disconnect(self._signed_in)
            self.window.failed.disconnect(self._station_failed)
            self.window.ready.disconnect(self._sign_in)
            if self.window.tasks.wait(5000):
                self.window.close()  # signs out
                self.app.processEvents()  # let the platform see the window go
            else:  # a station call that never returns: report, do not wait for it forever
                print("smoke test: a station call is still running; not signing out",
                      file=sys.stderr, flush=True)
                self.window.hide()
        return 1 if self.code is None else self.code

    def _sign_in(self) -> None:
        if not self.window.demo_credentials:
            self._fail("no demo credential to sign in with")
            return
        cred = self.window.demo_credentials[0]
        page = self.window.signin_page
        if self.window.current_page_name() != "signin":
            self._fail(f"expected the sign-in page, found {self.window.current_page_name()!r}")
            return
        page.username.setText(cred.username)  # type: ignore[attr-defined]
        page.password.setText(cred.password)  # type: ignore[attr-defined]
        page.button.click()
        # A refused sign-in shows its message on the page; fail with that message.
        self._poll_refusal.start()

    def _check_refused(self) -> None:
        page = self.window.signin_page
        if page.message.isVisible() and page.message.property("role") in ("error", "warn"):
            self._poll_refusal.stop()
            self._fail(f"sign-in refused: {page.message.text()}")

    def _signed_in(self, session: object) -> None:
        self._poll_refusal.stop()
        window = self.window
        window.nav_buttons["enrollment"].click()
        page = window.current_page_name()
        if page != "enrollment" or window.pages.currentWidget() is not window.enrollment:
            self._fail(f"the enrollment page is not shown (current page: {page!r})")
            return
        if not window.enrollment.nik.isVisible():
            self._fail("the enrollment page shows no NIK field")
            return
        op = session.operator  # type: ignore[attr-defined]
        print(f"smoke: signed in as {op.username} ({op.role}); page {page!r} is open", flush=True)
        self._finish(0)

    def _station_failed(self, reason: str) -> None:
        self._fail(f"station error: {reason}")

    def _timed_out(self) -> None:
        self._fail(
            f"timed out after {SMOKE_TIMEOUT_S:.0f} s on page "
            f"{self.window.current_page_name()!r}"
        )

    def _excepthook(self, kind: type[BaseException], exc: BaseException,
                    tb: TracebackType | None) -> None:
        detail = "".join(traceback.format_exception(kind, exc, tb))
        self._fail(f"unhandled {kind.__name__}: {exc}\n{detail}")

    def _fail(self, reason: str) -> int:
        print(f"smoke test: {reason}", file=sys.stderr, flush=True)
        self._finish(1)
        return 1

    def _finish(self, code: int) -> None:
        if self.code is None:
            self.code = code
        self.watchdog.stop()
        self._poll_refusal.stop()
        QTimer.singleShot(0, lambda: self.app.exit(code))  # exit(), not quit(): no close-all
