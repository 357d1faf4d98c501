"""Bahasa Indonesia first, English second, through Qt's own translation mechanism.

The source strings in `ui/` are Indonesian (`self.tr("Masuk")`). English comes from
`ui/translations/rekam_en.ts`, the file translators edit in Qt Linguist; `pyside6-lrelease`
(shipped with PySide6-Essentials) compiles it to `rekam_en.qm`, which ships in the package and is
loaded when the station's locale setting is "en". To refresh after changing strings:

    .venv/bin/python -m ui.i18n update    # pyside6-lupdate: new strings appear as unfinished
    (translate them in the .ts)
    .venv/bin/python -m ui.i18n release   # pyside6-lrelease: writes rekam_en.qm

Messages that come from the domain (`Problem`) are already bilingual and are shown with
`problem.message(locale)`.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
UI_SOURCES = Path(__file__).resolve().parent


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"rekam_{language}.qm"


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"rekam_{language}.ts"


def language_of(locale: str) -> str:
    """"en", "en_US", "en-GB" -> "en"; anything else is Bahasa Indonesia, the source language."""
    return "en" if locale.lower().startswith("en") else "id"


def install(app: QCoreApplication, locale: str) -> QTranslator | None:
    """Install the translator for `locale`; returns it (keep a reference) or None for Indonesian.

    A missing or unreadable English catalogue is logged and the UI stays Indonesian: it is a
    degraded look, not a reason to refuse to start a recording station.
    """
    language = language_of(locale)
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)
                       if language == "id" else QLocale(QLocale.Language.English))
    for old in app.findChildren(QTranslator, "rekam-translator"):
        app.removeTranslator(old)
        old.deleteLater()
    if language == "id":
        return None
    translator = QTranslator(app)
    translator.setObjectName("rekam-translator")
    path = qm_path(language)
    if not translator.load(str(path)):
        log.warning("translation %s could not be loaded; the UI stays in Bahasa Indonesia", path)
        translator.deleteLater()
        return None
    app.installTranslator(translator)
    return translator


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (it ships with PySide6-Essentials)")
    return found


def update() -> None:
    sources = sorted(str(p) for p in UI_SOURCES.rglob("*.py"))
    subprocess.run(
        [_tool("pyside6-lupdate"), *sources, "-source-language", "id", "-target-language", "en",
         "-no-obsolete", "-locations", "none", "-ts", str(ts_path("en"))],
        check=True,
    )


def release() -> None:
    subprocess.run(
        [_tool("pyside6-lrelease"), str(ts_path("en")), "-qm", str(qm_path("en"))], check=True
    )


if __name__ == "__main__":
    {"update": update, "release": release}[sys.argv[1]]()
