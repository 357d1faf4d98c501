"""Sign-in and lock pages: who is at the counter, checked locally (no network needed).

Both pages only collect the password and show the outcome; the main window runs the (slow,
Argon2id) check on its worker thread and reports back through `show_problem` / `set_busy`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.style import set_role


def _card(parent_layout: QVBoxLayout) -> tuple[QFrame, QVBoxLayout]:
    row = QHBoxLayout()
    row.addStretch(1)
    card = QFrame()
    card.setProperty("role", "card")
    card.setFixedWidth(520)
    row.addWidget(card)
    row.addStretch(1)
    parent_layout.addStretch(1)
    parent_layout.addLayout(row)
    parent_layout.addStretch(2)
    box = QVBoxLayout(card)
    box.setContentsMargins(36, 30, 36, 30)
    box.setSpacing(10)
    return card, box


class _PasswordPage(QWidget):
    """What the sign-in and lock pages share: a message line and a busy state."""

    def _init_common(self, box: QVBoxLayout) -> None:
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        box.addWidget(self.message)
        self.progress = QProgressBar(objectName="progress")
        self.progress.setRange(0, 0)  # indeterminate: Argon2id takes most of a second
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        self.progress.setVisible(False)
        box.addWidget(self.progress)

    def show_problem(self, text: str, severity: str = "error") -> None:
        """severity: "error" (red), "warn" (amber: locked account), "ok", "neutral"."""
        set_role(self.message, severity)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()


class SignInPage(_PasswordPage):
    sign_in_requested = Signal(str, str)  # username, password

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signin")
        outer = QVBoxLayout(self)
        _card_frame, box = _card(outer)

        brand = QLabel(self.tr("Rekam"))
        brand.setProperty("role", "title")
        box.addWidget(brand)
        subtitle = QLabel(self.tr("Stasiun perekaman KTP-el"))
        subtitle.setProperty("role", "subtitle")
        box.addWidget(subtitle)
        self.station_line = QLabel(objectName="station_line")
        self.station_line.setProperty("role", "hint")
        self.station_line.setWordWrap(True)
        box.addWidget(self.station_line)
        offline = QLabel(self.tr("Masuk diperiksa di stasiun ini: tidak perlu jaringan."))
        offline.setProperty("role", "hint")
        offline.setWordWrap(True)
        box.addWidget(offline)
        box.addSpacing(8)

        self.username = QLineEdit(objectName="username")
        self.username.setPlaceholderText(self.tr("misalnya siti.rahma"))
        self.username.setMaxLength(32)
        user_label = QLabel(self.tr("&Nama pengguna"))
        user_label.setBuddy(self.username)
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        pass_label = QLabel(self.tr("&Kata sandi"))
        pass_label.setBuddy(self.password)
        for w in (user_label, self.username, pass_label, self.password):
            box.addWidget(w)
        self._init_common(box)

        self.button = QPushButton(self.tr("Masuk"), objectName="sign_in")
        self.button.setProperty("role", "primary")
        self.button.setDefault(True)
        box.addSpacing(6)
        box.addWidget(self.button)
        self.demo_hint = QLabel(objectName="demo_hint")
        self.demo_hint.setProperty("role", "neutral")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.hide()
        box.addWidget(self.demo_hint)

        self.button.clicked.connect(self._submit)
        self.username.returnPressed.connect(self._username_done)
        self.password.returnPressed.connect(self._submit)
        self.username.textEdited.connect(lambda _t: self.clear_message())
        self.password.textEdited.connect(lambda _t: self.clear_message())
        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.button)

    def set_station(self, text: str) -> None:
        self.station_line.setText(text)

    def set_demo_credentials(self, credentials: Sequence[object]) -> None:
        if not credentials:
            self.demo_hint.hide()
            return
        lines = [self.tr("Mode demo — akun latihan:")]
        for c in credentials:
            lines.append(f"  {c.username} / {c.password}  ({c.role})")  # type: ignore[attr-defined]
        self.demo_hint.setText("\n".join(lines))
        self.demo_hint.show()

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for w in (self.username, self.password, self.button):
            w.setEnabled(not busy)
        if busy:
            set_role(self.message, "neutral")
            self.message.setText(self.tr("Memeriksa kata sandi…"))
            self.message.show()

    def reset(self) -> None:
        """Back to an empty page (after sign-out)."""
        self.password.clear()
        self.clear_message()
        self.username.setFocus()

    def _username_done(self) -> None:
        if self.username.text().strip():
            self.password.setFocus()

    def _submit(self) -> None:
        username = self.username.text().strip()
        password = self.password.text()
        if not username:
            self.show_problem(self.tr("Isi nama pengguna."))
            self.username.setFocus()
            return
        if not password:
            self.show_problem(self.tr("Isi kata sandi."))
            self.password.setFocus()
            return
        self.sign_in_requested.emit(username, password)


class LockPage(_PasswordPage):
    unlock_requested = Signal(str)  # password
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lock")
        outer = QVBoxLayout(self)
        _card_frame, box = _card(outer)
        title = QLabel(self.tr("Stasiun terkunci"))
        title.setProperty("role", "title")
        box.addWidget(title)
        self.who = QLabel(objectName="who")
        self.who.setWordWrap(True)
        box.addWidget(self.who)
        kept = QLabel(self.tr("Isian formulir yang belum selesai tetap tersimpan dan muncul "
                              "kembali setelah dibuka."))
        kept.setProperty("role", "hint")
        kept.setWordWrap(True)
        box.addWidget(kept)
        box.addSpacing(8)
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel(self.tr("&Kata sandi"))
        label.setBuddy(self.password)
        box.addWidget(label)
        box.addWidget(self.password)
        self._init_common(box)
        self.button = QPushButton(self.tr("Buka kunci"), objectName="unlock")
        self.button.setProperty("role", "primary")
        self.button.setDefault(True)
        self.sign_out = QPushButton(self.tr("Keluar (ganti operator)"), objectName="sign_out")
        box.addSpacing(6)
        box.addWidget(self.button)
        box.addWidget(self.sign_out)
        self.button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.password.textEdited.connect(lambda _t: self.clear_message())
        self.sign_out.clicked.connect(self.sign_out_requested)

    def set_operator(self, display_name: str, username: str, when: str) -> None:
        self.who.setText(
            self.tr("Dikunci pukul %1. Hanya %2 (%3) yang dapat membukanya.")
            .replace("%1", when).replace("%2", display_name).replace("%3", username)
        )

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for w in (self.password, self.button, self.sign_out):
            w.setEnabled(not busy)
        if busy:
            set_role(self.message, "neutral")
            self.message.setText(self.tr("Memeriksa kata sandi…"))
            self.message.show()

    def reset(self) -> None:
        self.password.clear()
        self.clear_message()

    def _submit(self) -> None:
        if not self.password.text():
            self.show_problem(self.tr("Isi kata sandi."))
            self.password.setFocus()
            return
        self.unlock_requested.emit(self.password.text())
