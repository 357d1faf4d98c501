"""The English catalogue is complete, in step with the sources, and compiled as shipped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from ui import i18n
from ui.app import setup
from ui.enrollment import EnrollmentPage

TS = i18n.ts_path("en")
QM = i18n.qm_path("en")
PLACEHOLDER = re.compile(r"%\d|%n")


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    if not exe.exists():
        pytest.skip(f"{name} is not installed beside {sys.executable}")
    return str(exe)


def _messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    out = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out.append((name, message.findtext("source") or "", message))
    return out


def test_every_string_has_a_finished_english_translation_with_the_same_placeholders():
    messages = _messages(TS)
    assert len(messages) > 100
    for context, source, message in messages:
        translation = message.find("translation")
        assert translation is not None
        state = translation.get("type")
        assert state is None, f"{context}: {source!r} is {state}"
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for text in forms:
            assert text.strip(), f"{context}: {source!r} has an empty translation"
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                context, source, text)
            assert ("&" in source.replace("& ", "")) == ("&" in text.replace("& ", "")), (
                f"mnemonic lost or added: {source!r} -> {text!r}")


def test_the_catalogue_is_in_step_with_the_sources(tmp_path):
    """pyside6-lupdate over ui/*.py finds no string that the .ts lacks (or no longer needs)."""
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in i18n.UI_SOURCES.rglob("*.py"))
    done = subprocess.run(
        [_tool("pyside6-lupdate"), *sources, "-source-language", "id", "-target-language", "en",
         "-no-obsolete", "-locations", "none", "-ts", str(copy)],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert "(0 new and" in done.stdout, done.stdout
    assert copy.read_bytes() == TS.read_bytes(), "run `python -m ui.i18n update` and translate"


def test_the_shipped_qm_is_the_compiled_ts(tmp_path):
    fresh = tmp_path / "fresh.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(fresh)],
                   capture_output=True, check=True, timeout=60)
    assert QM.read_bytes() == fresh.read_bytes(), "run `python -m ui.i18n release`"


def test_language_selection():
    assert i18n.language_of("en") == "en"
    assert i18n.language_of("en_US") == "en"
    assert i18n.language_of("id") == "id"
    assert i18n.language_of("id_ID") == "id"
    assert i18n.language_of("jv") == "id"  # anything else: the source language


@pytest.mark.parametrize("locale", ["id", "en"])
def test_form_shortcut_letters_are_unique_in_each_language(qapp, qtbot, locale):
    setup(qapp, locale)
    try:
        page = EnrollmentPage(station_region_code="35.05", locale=locale)
        qtbot.addWidget(page)
        letters: dict[str, str] = {}
        for label in page.findChildren(QLabel):
            if label.buddy() is None:
                continue
            match = re.search(r"&(\w)", label.text())
            assert match, f"{label.text()!r} has no Alt shortcut"
            letter = match.group(1).lower()
            assert letter not in letters, (
                f"Alt+{letter}: {letters.get(letter)!r} and {label.text()!r}")
            letters[letter] = label.text()
        assert len(letters) == 18
    finally:
        setup(qapp, "id")
