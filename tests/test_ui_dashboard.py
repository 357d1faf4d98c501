"""Dasbor: today's count, queue by status, progress against the target and the chart equal what
the store says — on a real demo station through the real window."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt

from station.domain import RecordStatus
from tests.test_ui_records import save, signed_in
from tests.ui_helpers import SIGN_IN_TIMEOUT_MS, credential, demo, make_window, wait_idle
from ui.dashboard import DEFAULT_TARGET, TARGET_KEY, Dashboard, _nice, read_target

__all__ = ["demo", "make_window"]  # fixtures

S = RecordStatus


def open_dashboard(qtbot, window) -> Dashboard:  # noqa: ANN001
    board = window.dashboard
    with qtbot.waitSignal(board.refreshed, timeout=SIGN_IN_TIMEOUT_MS):
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_3,
                       Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert window.current_page_name() == "dashboard"
    return board


def test_numbers_equal_the_store(qtbot, demo, make_window):  # noqa: ANN001
    station, creds = demo
    op, sup = credential(creds, "operator"), credential(creds, "supervisor")
    midnight = datetime.combine(date.today(), time(0, 0)).astimezone()
    now = datetime.now().astimezone()
    # Today: 7 records in the first hour of the day, 2 in the current hour (both in the past).
    early = save(station, op, range(1, 8), when=midnight + timedelta(minutes=1))
    recent_at = max(midnight + timedelta(minutes=10), now.replace(minute=0, second=0,
                                                                  microsecond=0))
    save(station, op, range(10, 12), when=min(recent_at, now - timedelta(minutes=3)))
    save(station, op, range(20, 25), when=midnight - timedelta(days=1, hours=-9))  # yesterday
    save(station, op, range(30, 33), when=midnight - timedelta(days=13, hours=-8))  # in range
    save(station, op, range(40, 44), when=midnight - timedelta(days=20))  # outside 14 days
    station.auth.sign_in(sup.username, sup.password)
    station.records.approve(early[:3])
    station.records.reject(early[3], "sidik jari kabur")
    store_counts = station.records.counts_by_status()
    station.auth.sign_out()

    window = signed_in(qtbot, make_window, station, sup)
    board = open_dashboard(qtbot, window)
    d = board.data
    assert d is not None
    assert d.today == 9 and board.today_label.text() == "9"
    for status, label in board.queue_labels.items():
        assert label.text() == str(store_counts[status]), status
    assert board.queue_labels[S.CAPTURED].text() == str(7 + 2 + 5 + 3 + 4 - 4)
    assert board.progress.maximum() == DEFAULT_TARGET and board.progress.value() == 9
    assert board.target_label.text() == "9 dari target 100 per hari (9%)"
    # Chart: per hour today, then per day for 14 days.
    assert sum(d.per_hour) == 9 and d.per_hour[0] >= 7
    assert board.chart.values == d.per_hour and len(board.chart.labels) == 24
    qtbot.mouseClick(board.day_button, Qt.MouseButton.LeftButton)
    assert board.chart_mode == "day" and len(board.chart.values) == 14
    assert board.chart.values[-1] == 9 and board.chart.values[-2] == 5
    assert board.chart.values[0] == 3 and sum(board.chart.values) == 9 + 5 + 3
    assert board.chart.labels[-1] == date.today().strftime("%d/%m")
    board.chart.grab()  # paints without error at this size

    # A new approval elsewhere in the window refreshes the numbers on the next refresh.
    station.auth.sign_in(sup.username, sup.password)
    station.records.approve([early[4]])
    counts = station.records.counts_by_status()
    with qtbot.waitSignal(board.refreshed, timeout=SIGN_IN_TIMEOUT_MS):
        qtbot.mouseClick(board.refresh_button, Qt.MouseButton.LeftButton)
    assert board.queue_labels[S.APPROVED].text() == str(counts[S.APPROVED]) == "4"
    # No sync service in this window: no delivery buttons, and the card says so.
    assert board.sync_state.text() == "Sinkronisasi tidak tersedia di jendela ini."
    for button in (board.seal_button, board.export_button, board.import_button):
        assert not button.isVisibleTo(board)
    assert not board.target_row.isVisibleTo(board)  # the target is an admin setting


def test_admin_sets_the_daily_target(qtbot, demo, make_window):  # noqa: ANN001
    station, creds = demo
    save(station, credential(creds, "operator"), range(1, 4),
         when=datetime.combine(date.today(), time(0, 1)).astimezone())
    window = signed_in(qtbot, make_window, station, credential(creds, "admin"))
    board = open_dashboard(qtbot, window)
    assert board.target_row.isVisibleTo(board)
    board.target_edit.setValue(12)
    with qtbot.waitSignal(board.refreshed, timeout=SIGN_IN_TIMEOUT_MS):
        qtbot.mouseClick(board.target_save, Qt.MouseButton.LeftButton)
    assert station.config_store.get(TARGET_KEY) == "12"
    assert board.progress.maximum() == 12 and board.progress.value() == 3
    assert board.target_label.text() == "3 dari target 12 per hari (25%)"


def test_operator_sees_the_numbers_without_the_admin_actions(qtbot, demo, make_window):  # noqa: ANN001
    station, creds = demo
    window = signed_in(qtbot, make_window, station, credential(creds, "operator"))
    board = open_dashboard(qtbot, window)
    assert board.today_label.text() == "0"
    assert board.target_label.text() == "0 dari target 100 per hari (0%)"
    for button in (board.seal_button, board.export_button, board.import_button):
        assert not button.isVisibleTo(board)
    assert not board.target_row.isVisibleTo(board)
    # Signing out empties the page.
    window.sign_out()
    qtbot.waitUntil(lambda: window.session is None, timeout=SIGN_IN_TIMEOUT_MS)
    assert board.data is None and board.today_label.text() == "—"


def test_target_setting_and_scale_rules() -> None:
    assert read_target(None) == (DEFAULT_TARGET, None)
    assert read_target("80") == (80, None)
    assert read_target("nol") == (DEFAULT_TARGET, "nol")  # shown as an invalid setting
    assert read_target("0") == (DEFAULT_TARGET, "0")
    assert [_nice(v) for v in (0, 4, 5, 9, 95, 101)] == [4, 4, 8, 20, 100, 200]
