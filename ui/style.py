"""Look and feel: calm, legible, large text for a district office counter.

One stylesheet for the whole application. Widgets opt into roles through the dynamic property
`role` (e.g. "title", "hint", "error", "ok", "warn", "card") instead of styling themselves, so the
palette lives in one place. Field states use the property `state` ("error" / "ok").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTemporaryDir
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

BASE_POINT_SIZE = 12

INK = "#1f2933"
MUTED = "#52606d"
ACCENT = "#0b5c7a"  # deep teal-blue
ACCENT_DARK = "#08445a"
SURFACE = "#ffffff"
BACKGROUND = "#eef1f4"
BORDER = "#c4cdd5"
ERROR = "#b42318"
ERROR_BG = "#fdecea"
OK = "#1b6e3a"
OK_BG = "#e7f5ec"
WARN = "#8a5a00"
WARN_BG = "#fff4d6"

STYLESHEET = f"""
QWidget {{ color: {INK}; }}
QMainWindow, QWidget#page {{ background: {BACKGROUND}; }}
QFrame[role="card"] {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px;
}}
QLabel[role="title"] {{ font-size: 20pt; font-weight: 600; color: {ACCENT_DARK}; }}
QLabel[role="subtitle"] {{ font-size: 14pt; font-weight: 600; color: {INK}; }}
QLabel[role="section"] {{
    font-size: 12pt; font-weight: 600; color: {ACCENT_DARK};
    padding-top: 6px; border-bottom: 1px solid {BORDER};
}}
QLabel[role="hint"] {{ color: {MUTED}; }}
QLabel[role="error"] {{
    color: {ERROR}; background: {ERROR_BG}; border: 1px solid #f1b3ad;
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="warn"] {{
    color: {WARN}; background: {WARN_BG}; border: 1px solid #f0d28a;
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="ok"] {{
    color: {OK}; background: {OK_BG}; border: 1px solid #a8d8b9;
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="neutral"] {{
    color: {MUTED}; background: #f5f7f9; border: 1px solid {BORDER};
    border-radius: 6px; padding: 8px 10px;
}}
QLabel[role="field-error"] {{ color: {ERROR}; font-size: 11pt; }}
QLineEdit, QComboBox {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 5px;
    padding: 5px 8px; min-height: 26px; selection-background-color: {ACCENT};
}}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 28px;
    border: none; border-left: 1px solid {BORDER};
}}
QComboBox::down-arrow {{ image: url("@ARROW@"); width: 14px; height: 14px; }}
QComboBox::down-arrow:disabled {{ image: url("@ARROW_DISABLED@"); }}
QComboBox QAbstractItemView {{ selection-background-color: {ACCENT}; selection-color: white; }}
QLineEdit:focus, QComboBox:focus {{ border: 2px solid {ACCENT}; padding: 4px 7px; }}
QLineEdit[state="error"], QComboBox[state="error"] {{
    border: 2px solid {ERROR}; padding: 4px 7px;
}}
QLineEdit[state="ok"] {{ border: 2px solid {OK}; padding: 4px 7px; }}
QLineEdit:disabled, QComboBox:disabled {{ background: #f0f2f4; color: {MUTED}; }}
QPushButton {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 5px;
    padding: 7px 16px; min-height: 24px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 6px 15px; }}
QPushButton[role="primary"] {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600;
}}
QPushButton[role="primary"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[role="primary"]:focus {{ border: 2px solid #f2b705; }}
QPushButton[role="primary"]:disabled {{ background: #8fb3c2; border-color: #8fb3c2; }}
QPushButton[role="nav"] {{
    text-align: left; border: none; border-radius: 6px; padding: 10px 14px;
    background: transparent; color: #dbe7ec; font-size: 12pt;
}}
QPushButton[role="nav"]:checked {{ background: {ACCENT}; color: white; font-weight: 600; }}
QPushButton[role="nav"]:disabled {{ color: #7d95a0; }}
QFrame#sidebar {{ background: #123644; }}
QLabel[role="brand"] {{ color: white; font-size: 16pt; font-weight: 700; padding: 4px 14px; }}
QLabel[role="sidebar-hint"] {{ color: #9fb6c0; font-size: 10pt; padding: 2px 14px; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0 10px; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 4px; background: {SURFACE}; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
QScrollArea {{ border: none; background: transparent; }}
"""


_ARROW_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" viewBox="0 0 14 14">'
    '<path d="M2.5 5 L7 9.5 L11.5 5" fill="none" stroke="{color}" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)
_icons: QTemporaryDir | None = None


def _icon_files() -> dict[str, str]:
    """Stylesheets take images only by path: write the two arrow icons once per process."""
    global _icons
    if _icons is None:
        _icons = QTemporaryDir()
        _icons.setAutoRemove(True)
        for name, color in (("arrow", ACCENT_DARK), ("arrow-disabled", "#9aa5b1")):
            path = Path(_icons.path()) / f"{name}.svg"
            path.write_text(_ARROW_SVG.format(color=color), encoding="ascii")
    base = Path(_icons.path())
    return {
        "@ARROW@": (base / "arrow.svg").as_posix(),
        "@ARROW_DISABLED@": (base / "arrow-disabled.svg").as_posix(),
    }


def stylesheet() -> str:
    sheet = STYLESHEET
    for marker, path in _icon_files().items():
        sheet = sheet.replace(marker, path)
    return sheet


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(stylesheet())


def set_role(widget: QWidget, role: str) -> None:
    """Restyle a widget for a new role (stylesheets read dynamic properties on polish)."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_state(widget: QWidget, state: str) -> None:
    """"error", "ok" or "" on an input field."""
    if (widget.property("state") or "") == state:
        return
    widget.setProperty("state", state)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
