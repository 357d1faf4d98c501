"""The main window: sign-in page, the signed-in shell (navigation + pages), and the lock page.

States: SIGNED_OUT (sign-in page) -> SIGNED_IN (shell) <-> LOCKED (lock page over a kept shell).
Every station call runs on the window's worker (`ui.tasks.TaskRunner`); the pages show a busy
state meanwhile. The idle watcher locks the station after `Settings.idle_lock_seconds` without
input; the form underneath keeps its contents and comes back after unlock.

Fast start: `MainWindow.opening(open_station, locale)` shows the sign-in page at once and opens
the station (database, migrations, keys, the capture stack's imports) on the worker; the shell
is built when that is done (`ready`). A sign-in typed meanwhile waits for it. So this module
imports only what the sign-in page needs; the shell's modules are imported in `_attach`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import language_of
from ui.ports import SessionLike, StationLike
from ui.signin import LockPage, SignInPage
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from station.domain import Problem
    from ui.sync_status import SyncServiceLike

log = logging.getLogger(__name__)


# What the shell imports (OpenCV, numpy, the device layer, the domain); `opening` imports these
# on the worker thread while the sign-in page is already up.
SHELL_MODULES = (
    "station.domain",
    "station.services.errors",
    "ui.capture.flow",
    "ui.dashboard",
    "ui.enrollment",
    "ui.idle",
    "ui.records_page",
    "ui.sync_status",
)

# What the launcher's open_station returns: the open station, its SyncService (or None) and the
# demo credentials to show (or an empty list).
OpenedStation = tuple[StationLike, Any, Sequence[object]]


def preload_shell_modules() -> None:
    for name in SHELL_MODULES:
        importlib.import_module(name)


def earlier_record_problem(found: Sequence[Any]) -> Problem | None:
    """The store's duplicate message for earlier records of a NIK (RecordSummary list)."""
    from station.domain.status import NIK_BLOCKING
    from station.services.errors import DuplicateNik

    blocking = [r for r in found if r.status in NIK_BLOCKING]
    return DuplicateNik(blocking).problem if blocking else None


def _initial_size(widget: QWidget) -> QSize:
    """1280 x 860, or less on a small screen (1366 x 768 laptops in village halls)."""
    wanted = QSize(1280, 860)
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    return wanted.boundedTo(screen.availableGeometry().size())


class State(StrEnum):
    SIGNED_OUT = "signed_out"
    SIGNED_IN = "signed_in"
    LOCKED = "locked"


class MainWindow(QMainWindow):
    signed_in = Signal(object)  # Session
    signed_out = Signal()
    locked = Signal()
    unlocked = Signal()
    page_changed = Signal(str)
    failed = Signal(str)  # an unexpected error, already shown to the operator
    ready = Signal()  # the station is open and the shell built: sign-in can proceed

    def __init__(
        self,
        station: StationLike | None = None,
        *,
        demo_credentials: Sequence[object] | None = None,
        sync: SyncServiceLike | None = None,
        locale: str | None = None,
        parent: QWidget | None = None,
    ):
        """With a station: the whole window at once. Without: only the sign-in page, until
        `attach` (see `opening`)."""
        super().__init__(parent)
        self.station: StationLike | None = None
        self.shell: QWidget | None = None
        self.demo_credentials: list[object] = []
        self.locale = language_of(locale or (station.settings.locale if station else "id"))
        self.session: SessionLike | None = None
        self.state = State.SIGNED_OUT
        self.tasks = TaskRunner(self)
        self._focus_before_lock: QWidget | None = None
        self._pending_sign_in: tuple[str, str] | None = None
        self._closed_early = False

        self.setObjectName("main_window")
        self.resize(_initial_size(self))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.signin_page = SignInPage()
        self.signin_page.sign_in_requested.connect(self.sign_in)
        self.lock_page = LockPage()
        self.lock_page.unlock_requested.connect(self.unlock)
        self.lock_page.sign_out_requested.connect(self.ask_sign_out)
        for page in (self.signin_page, self.lock_page):
            self.stack.addWidget(page)
        self.statusBar().hide()
        self.setWindowTitle(self.tr("Rekam — Perekaman KTP-el"))
        self.stack.setCurrentWidget(self.signin_page)
        self.signin_page.username.setFocus()
        if station is not None:
            self.attach(station, sync, demo_credentials or [])

    @classmethod
    def opening(cls, open_station: Callable[[], OpenedStation], locale: str) -> MainWindow:
        """The window with its sign-in page, the station being opened on the worker."""
        window = cls(locale=locale)
        window._show_opening()

        def open_and_preload() -> OpenedStation:
            opened = open_station()
            preload_shell_modules()
            return opened

        # From the event loop, i.e. once the window is up: the first frame does not share the
        # interpreter with a thousand imports.
        QTimer.singleShot(0, lambda: window.tasks.submit(
            open_and_preload, lambda opened: window.attach(*opened), window._open_failed))
        return window

    def _show_opening(self) -> None:
        self.signin_page.set_station(self.tr("Menyiapkan stasiun…"))

    @property
    def is_ready(self) -> bool:
        return self.shell is not None

    def attach(self, station: StationLike, sync: SyncServiceLike | None,
               demo_credentials: Sequence[object]) -> None:
        """Take the open station: build the shell and the status bar; a waiting sign-in goes."""
        from ui.idle import IdleWatcher
        from ui.sync_status import SyncController

        if self._closed_early:  # the window went away while the station was being opened
            close = getattr(station, "close", None)
            if close is not None:
                close()
            return
        self.station = station
        self.settings = station.settings
        if language_of(self.settings.locale) != self.locale:
            log.warning("the settings ask for language %s; the window was built in %s",
                        self.settings.locale, self.locale)
        # The regency the station was provisioned for (settings only say what to provision).
        self.region_code = station.region_code
        # Background delivery (station.services.sync.SyncService, given by the launcher).
        self.sync = SyncController(sync, self.tasks, self)
        self.idle = IdleWatcher(self.settings.idle_lock_seconds, self)
        self.idle.idle.connect(self._idle_timeout)
        self.demo_credentials = list(demo_credentials)
        self.signin_page.set_demo_credentials(self.demo_credentials)
        self.shell = self._build_shell()
        self.stack.addWidget(self.shell)
        self._build_status_bar()
        self.statusBar().setVisible(self.state is not State.SIGNED_OUT)
        self.station_text = self._station_text()
        self.signin_page.set_station(self.station_text)
        self.ready.emit()
        pending, self._pending_sign_in = self._pending_sign_in, None
        if pending is not None:
            self.signin_page.set_busy(False)
            self.sign_in(*pending)

    def _open_failed(self, exc: BaseException) -> None:
        """The station could not be opened: say why on the sign-in page; nothing to sign in to."""
        self._pending_sign_in = None
        self.signin_page.set_busy(False)
        text, severity = self.describe(exc)
        log.error("the station could not be opened: %s", type(exc).__name__)
        self.signin_page.set_station("")
        self.signin_page.show_problem(text, severity)
        for w in (self.signin_page.username, self.signin_page.password,
                  self.signin_page.button):
            w.setEnabled(False)

    # --- layout --------------------------------------------------------------------------------

    def _build_shell(self) -> QWidget:
        from ui.capture.flow import CaptureFlow
        from ui.dashboard import Dashboard
        from ui.enrollment import EnrollmentPage
        from ui.records_page import RecordsPage
        from ui.sync_status import with_coded_problems

        shell = QWidget(objectName="shell")
        row = QHBoxLayout(shell)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        sidebar = QFrame(objectName="sidebar")
        sidebar.setFixedWidth(220)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(10, 18, 10, 14)
        side.setSpacing(6)
        brand = QLabel(self.tr("Rekam"))
        brand.setProperty("role", "brand")
        side.addWidget(brand)
        tagline = QLabel(self.tr("Perekaman KTP-el"))
        tagline.setProperty("role", "sidebar-hint")
        side.addWidget(tagline)
        side.addSpacing(16)

        self.pages = QStackedWidget(objectName="pages")
        self.enrollment = EnrollmentPage(
            station_region_code=self.region_code, locale=self.locale
        )
        self.enrollment.nik_ready.connect(self._look_up_nik)
        self.enrollment.attach_capture(CaptureFlow.for_window(self))  # steps 2-5 (ui.capture)
        describe = with_coded_problems(lambda e: self.describe(e), self.locale)
        self.records_page = RecordsPage(self.station, self.tasks, describe,
                                        region_code=self.region_code, locale=self.locale)
        self.dashboard = Dashboard(self.station, self.tasks, describe, self.sync,
                                   locale=self.locale)
        self.records_page.records_changed.connect(self.sync.refresh)
        self.nav = QButtonGroup(self)
        self.nav.setExclusive(True)
        self.nav_buttons: dict[str, QPushButton] = {}
        self._page_index: dict[str, int] = {}
        for i, (name, text, page, keys) in enumerate([
            ("enrollment", self.tr("Perekaman"), self.enrollment, "Ctrl+1"),
            ("records", self.tr("Daftar rekaman"), self.records_page, "Ctrl+2"),
            ("dashboard", self.tr("Dasbor"), self.dashboard, "Ctrl+3"),
        ]):
            button = QPushButton(text, objectName=f"nav_{name}")
            button.setProperty("role", "nav")
            button.setCheckable(True)
            button.setToolTip(keys)
            button.clicked.connect(lambda _c=False, n=name: self.open_page(n))
            self.nav.addButton(button, i)
            side.addWidget(button)
            self.nav_buttons[name] = button
            self._page_index[name] = self.pages.addWidget(page)
            shortcut = QShortcut(QKeySequence(keys), shell)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=name: self.open_page(n))
        side.addStretch(1)
        keys = QLabel(self.tr("Ctrl+Enter periksa · Enter isian berikut\nCtrl+L kunci stasiun"))
        keys.setProperty("role", "sidebar-hint")
        keys.setWordWrap(True)
        side.addWidget(keys)
        row.addWidget(sidebar)
        row.addWidget(self.pages, 1)

        lock = QShortcut(QKeySequence("Ctrl+L"), shell)
        lock.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        lock.activated.connect(self.lock)
        return shell

    def _build_status_bar(self) -> None:
        from ui.sync_status import SyncIndicator

        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.operator_label = QLabel(objectName="operator_label")
        self.station_label = QLabel(objectName="station_label")
        self.lock_button = QPushButton(self.tr("Kunci (Ctrl+L)"), objectName="lock_button")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(self.lock)
        self.sign_out_button = QPushButton(self.tr("Keluar"), objectName="sign_out_button")
        self.sign_out_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sign_out_button.clicked.connect(self.ask_sign_out)
        self.busy_label = QLabel(objectName="busy_label")
        bar.addWidget(self.operator_label)
        bar.addWidget(self.station_label, 1)
        self.sync_indicator = SyncIndicator(self.sync, self.locale)
        bar.addPermanentWidget(self.sync_indicator)
        self.station_label.setMinimumWidth(120)  # gives way to the sync indicator when narrow
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.lock_button)
        bar.addPermanentWidget(self.sign_out_button)
        self.tasks.busy_changed.connect(
            lambda busy: self.busy_label.setText(self.tr("Memproses…") if busy else "")
        )

    def _station_text(self) -> str:
        from station.domain import regions
        from station.services.errors import ServiceError

        try:
            station_id = self.station.station_id
        except ServiceError as exc:  # e.g. not provisioned: say so on the sign-in page
            self.signin_page.show_problem(exc.problem.message(self.locale))
            station_id = "?"
        try:
            place = ", ".join(r.name for r in reversed(regions.lineage(self.region_code)))
        except regions.UnknownRegion:
            place = self.region_code
        return self.tr("Stasiun %1 · %2").replace("%1", station_id).replace("%2", place)

    # --- navigation ----------------------------------------------------------------------------

    def open_page(self, name: str) -> None:
        if self.state is not State.SIGNED_IN or self.shell is None:
            return
        self.pages.setCurrentIndex(self._page_index[name])
        self.nav_buttons[name].setChecked(True)
        if name == "enrollment" and not self.enrollment.focusWidget():
            self.enrollment.nik.setFocus()
        if name == "records":
            self.records_page.refresh()
            self.records_page.table.setFocus()
        self.page_changed.emit(name)

    def current_page_name(self) -> str:
        """"signin", "lock", or the shell page shown ("enrollment")."""
        if self.stack.currentWidget() is self.signin_page:
            return "signin"
        if self.stack.currentWidget() is self.lock_page:
            return "lock"
        current = self.pages.currentIndex()
        return next(n for n, i in self._page_index.items() if i == current)

    # --- duplicate NIK ---------------------------------------------------------------------------

    def _look_up_nik(self, nik: str) -> None:
        """Ask the store (blind index, on the worker) whether this NIK was recorded here."""
        if self.state is not State.SIGNED_IN:
            return
        records = self.station.records
        self.tasks.submit(
            lambda: records.find_by_nik(nik),
            lambda found: self.enrollment.show_earlier_records(nik, earlier_record_problem(found)),
            self._look_up_failed,
        )

    def _look_up_failed(self, exc: BaseException) -> None:
        # The check is a help, not a gate (saving checks again): say it could not be done.
        text, _severity = self.describe(exc)
        log.warning("duplicate NIK look-up failed: %s", type(exc).__name__)
        self.statusBar().showMessage(
            self.tr("Pemeriksaan NIK ganda tidak dapat dilakukan: %1").replace("%1", text), 15_000
        )

    # --- sign in / out -------------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> None:
        if self.station is None:  # still opening: go as soon as the station is ready
            self._pending_sign_in = (username, password)
            self.signin_page.set_busy(True)
            return
        if self.tasks.busy:
            return
        self.signin_page.set_busy(True)
        auth = self.station.auth
        self.tasks.submit(
            lambda: auth.sign_in(username, password), self._signed_in, self._sign_in_failed
        )

    def _signed_in(self, session: SessionLike) -> None:
        self.signin_page.set_busy(False)
        self.signin_page.reset()
        self.session = session
        self.state = State.SIGNED_IN
        op = session.operator
        self.operator_label.setText(
            self.tr("Operator: %1 (%2)").replace("%1", op.display_name)
            .replace("%2", self.role_name(str(op.role)))
        )
        self.station_label.setText(self.station_text)
        self.statusBar().show()
        self.stack.setCurrentWidget(self.shell)
        self.open_page("enrollment")
        self.enrollment.nik.setFocus()
        self.idle.start()
        self.records_page.set_role(op.role)
        self.dashboard.set_role(op.role)
        self.sync.start()
        log.info("signed in (role %s)", op.role)
        self.signed_in.emit(session)

    def _sign_in_failed(self, exc: BaseException) -> None:
        self.signin_page.set_busy(False)
        text, severity = self.describe(exc)
        self.signin_page.show_problem(text, severity)
        code = getattr(getattr(exc, "problem", None), "code", "")
        if code == "UNKNOWN_OPERATOR":
            self.signin_page.username.setFocus()
            self.signin_page.username.selectAll()
        else:
            self.signin_page.password.clear()
            self.signin_page.password.setFocus()

    def role_name(self, role: str) -> str:
        return {
            "operator": self.tr("operator"),
            "supervisor": self.tr("supervisor"),
            "admin": self.tr("admin"),
        }.get(role, role)

    def describe(self, exc: BaseException) -> tuple[str, str]:
        """The operator's message for a failed station call, and its severity."""
        from station.services.errors import AccountLocked, ServiceError

        if isinstance(exc, ServiceError):
            return exc.problem.message(self.locale), ("warn" if isinstance(exc, AccountLocked)
                                                      else "error")
        log.error("unexpected error from the station", exc_info=exc)
        self.failed.emit(f"{type(exc).__name__}: {exc}")
        return (
            self.tr("Kesalahan tak terduga: %1. Rinciannya tercatat di log stasiun; hubungi "
                    "petugas TI bila berulang.").replace("%1", type(exc).__name__),
            "error",
        )

    def ask_sign_out(self) -> None:
        if self.state is State.SIGNED_OUT or self.tasks.busy:
            return
        if not self.enrollment.is_blank():
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(self.tr("Keluar"))
            box.setText(self.tr("Keluar sekarang? Isian formulir yang belum disimpan akan "
                                "dibuang."))
            yes = box.addButton(self.tr("Keluar dan buang isian"),
                                QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(self.tr("Batal"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not yes:
                return
        self.sign_out()

    def sign_out(self) -> None:
        self.idle.stop()
        self.sync.stop()
        self.tasks.submit(self.station.auth.sign_out, lambda _r: self._show_signed_out(),
                          self._sign_out_failed)

    def _sign_out_failed(self, exc: BaseException) -> None:
        # The session is gone from the window either way: never leave data on screen.
        text, _severity = self.describe(exc)
        self._show_signed_out()
        self.signin_page.show_problem(text)

    def _show_signed_out(self) -> None:
        self.session = None
        self.state = State.SIGNED_OUT
        if self.shell is not None:
            self.enrollment.clear()
            self.records_page.set_role(None)
            self.records_page.clear()
            self.dashboard.set_role(None)
        self.lock_page.reset()
        self.statusBar().hide()
        self.stack.setCurrentWidget(self.signin_page)
        self.signin_page.reset()
        if self.signin_page.username.text():
            self.signin_page.password.setFocus()
        self.signed_out.emit()

    # --- lock / unlock -------------------------------------------------------------------------

    def _idle_timeout(self) -> None:
        if self.state is State.SIGNED_IN:
            log.info("idle for %s s: locking", self.settings.idle_lock_seconds)
            self.lock()

    def lock(self) -> None:
        if self.state is not State.SIGNED_IN or self.session is None:
            return
        self.idle.stop()
        self._focus_before_lock = self.focusWidget()
        self.state = State.LOCKED
        for box in self.findChildren(QMessageBox):  # an open question is answered "cancel"
            if box.isVisible():
                box.reject()
        op = self.session.operator
        self.lock_page.reset()
        self.lock_page.set_operator(op.display_name, op.username, datetime.now().strftime("%H:%M"))
        self.statusBar().hide()
        self.stack.setCurrentWidget(self.lock_page)  # the form is hidden at once
        self.lock_page.password.setFocus()
        self.tasks.submit(self.station.auth.lock, lambda _r: self.locked.emit(),
                          self._lock_failed)

    def _lock_failed(self, exc: BaseException) -> None:
        text, severity = self.describe(exc)
        self.lock_page.show_problem(text, severity)

    def unlock(self, password: str) -> None:
        if self.state is not State.LOCKED or self.tasks.busy:
            return
        self.lock_page.set_busy(True)
        auth = self.station.auth
        self.tasks.submit(lambda: auth.unlock(password), self._unlocked, self._unlock_failed)

    def _unlocked(self, session: SessionLike) -> None:
        self.lock_page.set_busy(False)
        self.lock_page.reset()
        self.session = session
        self.state = State.SIGNED_IN
        self.statusBar().show()
        self.stack.setCurrentWidget(self.shell)
        target = self._focus_before_lock
        if target is not None and self.shell.isAncestorOf(target):
            target.setFocus()
        self.idle.start()
        self.unlocked.emit()

    def _unlock_failed(self, exc: BaseException) -> None:
        self.lock_page.set_busy(False)
        text, severity = self.describe(exc)
        self.lock_page.show_problem(text, severity)
        self.lock_page.password.clear()
        self.lock_page.password.setFocus()

    # --- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Ask before unsaved entries go; finish the running station call; sign out."""
        if self.shell is None:  # closed before the station was ready: only wait for the worker
            self._closed_early = True
            self.tasks.wait()
            event.accept()
            return
        unsaved = self.state is not State.SIGNED_OUT and not self.enrollment.is_blank()
        if unsaved and self.isVisible():
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(self.tr("Tutup Rekam"))
            box.setText(self.tr("Tutup Rekam? Isian formulir yang belum disimpan akan dibuang."))
            yes = box.addButton(self.tr("Tutup dan buang isian"),
                                QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(self.tr("Batal"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not yes:
                event.ignore()
                return
        self.idle.stop()
        self.tasks.wait()
        self.enrollment.shutdown_capture()  # previews stop, devices close
        self.sync.stop(wait=True)
        if self.state is not State.SIGNED_OUT:
            try:
                self.station.auth.sign_out()
            except Exception:
                log.exception("sign-out on close failed")
            self.state = State.SIGNED_OUT
        event.accept()
