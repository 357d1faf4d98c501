# ruff: noqa: F811  (pytest fixtures)
"""Duplicate NIK at the demographics step, through the store's blind index (real SQLite)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from station.domain import Problem
from tests.ui_helpers import credential, demo, make_window, sign_in  # noqa: F401 (fixtures)


def _signed_in(qtbot, make_window, station, cred):
    window = make_window(station)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        sign_in(qtbot, window, cred.username, cred.password)
    return window


def test_a_nik_already_recorded_here_is_named_while_typing(demo, make_window, qtbot):
    """The store's blind index answers on the worker; the form shows the earlier record."""
    from station.cli.seed import seed_records

    station, credentials = demo
    op = credential(credentials, "operator")
    station.auth.sign_in(op.username, op.password)
    record_id = seed_records(station, 1, seed=7)[0]
    nik = station.records.open(record_id).applicant.nik
    day = station.records.summary(record_id).created_at.astimezone().strftime("%Y-%m-%d")
    station.auth.sign_out()

    window = _signed_in(qtbot, make_window, station, op)
    page = window.enrollment
    qtbot.keyClicks(page.nik, nik)
    qtbot.waitUntil(page.duplicate.isVisible, timeout=5000)
    assert page.duplicate.text() == (
        f"NIK ini sudah direkam di stasiun ini pada {day}, status CAPTURED "
        f"(rekaman {record_id})."
    )
    assert page.nik.property("state") == "error"
    assert page.check() is None
    assert page.duplicate.text() in page.result.text()

    # Another NIK: the warning goes at once, and a late answer for the old NIK is ignored.
    qtbot.keyClick(page.nik, Qt.Key.Key_Backspace)
    assert not page.duplicate.isVisible()
    page.show_earlier_records(nik, Problem("DUPLICATE_NIK", "lama", "stale"))
    assert not page.duplicate.isVisible()
