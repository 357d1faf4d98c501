"""Child process of bench.startup: start a GUI from a cold interpreter and report when it is
interactive.

    python -m bench._startup_probe bare            a bare PySide6 window (the floor)
    python -m bench._startup_probe rekam ARGS...   the real `rekam` entry point with ARGS

"Interactive" means: a top-level window is exposed (mapped, about to paint), the event loop has
come round once more after that (a zero timer fired), and the keyboard focus is in a line edit.
The probe then prints one line and exits at once:

    ready <CLOCK_MONOTONIC seconds> <focused line edit's objectName> <heavy packages loaded>

the last being the packages of HEAVY already imported when the window was shown (comma-
separated, or "-"). The parent started its clock just before it started this process
(CLOCK_MONOTONIC is system-wide on Linux, so the two clocks agree).

The probe hooks in by replacing `PySide6.QtWidgets.QApplication` with a subclass before the
program imports it, so the program's own code runs unchanged.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6 import QtCore, QtGui, QtWidgets

_Base = QtWidgets.QApplication


class _ProbeApp(_Base):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self._probe = _ExposeProbe(self)
        self.installEventFilter(self._probe)


# Top-level packages that must not be loaded yet when the sign-in window is shown (issue 13):
# the probe reports which of them were.
HEAVY = ("cv2", "numpy", "cryptography", "sqlalchemy", "alembic", "fastapi", "uvicorn", "httpx",
         "pydantic_settings", "storage", "sync", "devices", "PIL")


class _ExposeProbe(QtCore.QObject):
    def __init__(self, app: QtWidgets.QApplication) -> None:
        super().__init__()
        self._app = app
        self._armed = True
        self._loaded_at_show: list[str] | None = None

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        if (self._loaded_at_show is None and event.type() == QtCore.QEvent.Type.Show
                and isinstance(obj, QtWidgets.QWidget) and obj.isWindow()):
            self._loaded_at_show = sorted(
                {m.split(".")[0] for m in sys.modules} & set(HEAVY))
        if (self._armed and event.type() == QtCore.QEvent.Type.Expose
                and isinstance(obj, QtGui.QWindow) and obj.isExposed()):
            self._armed = False
            QtCore.QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        now = time.clock_gettime(time.CLOCK_MONOTONIC)
        focus = self._app.focusWidget()
        name = focus.objectName() if isinstance(focus, QtWidgets.QLineEdit) else "-"
        loaded = ",".join(self._loaded_at_show or []) or "-"
        sys.stdout.write(f"ready {now:.6f} {name or '?'} {loaded}\n")
        sys.stdout.flush()
        os._exit(0)  # a measurement, not a session: no clean-up to wait for


def _bare() -> int:
    app = QtWidgets.QApplication(sys.argv[:1])
    window = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(window)
    user = QtWidgets.QLineEdit(objectName="username")
    layout.addWidget(QtWidgets.QLabel("Nama pengguna"))
    layout.addWidget(user)
    layout.addWidget(QtWidgets.QPushButton("Masuk"))
    window.show()
    user.setFocus()
    return app.exec()


def main() -> int:
    QtWidgets.QApplication = _ProbeApp  # type: ignore[misc]
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "bare":
        return _bare()
    from station.cli.main import main as rekam_main

    return rekam_main(rest)


if __name__ == "__main__":
    sys.exit(main())
