"""Daftar rekaman: the list, filters and paging, opening a record, approve / reject and the role
rule — on a real demo station (SQLite in tmp_path) through the real window and worker."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel

from station.domain import RecordStatus, regions
from tests.sync_helpers import make_enrollment
from tests.ui_helpers import SIGN_IN_TIMEOUT_MS, credential, demo, make_window, sign_in, wait_idle
from ui.records_page import PAGE_SIZE, RecordsPage, RejectDialog

__all__ = ["demo", "make_window"]  # fixtures

S = RecordStatus


def save(station, cred, seeds, *, when=None, operator=None, village=None):  # noqa: ANN001, ANN201
    """Save make_enrollment(seed) records as `cred` (signed in and out here); returns ids."""
    station.auth.sign_in(cred.username, cred.password)
    try:
        items = []
        for i, seed in enumerate(seeds):
            e = make_enrollment(seed, station_id=station.station_id, status=S.DRAFT)
            update: dict = {"operator": operator or cred.username, "record_id": f"r-{seed:05d}"}
            if when is not None:
                update["created_at"] = when + timedelta(minutes=i)
            if village is not None:
                address = e.applicant.address.model_copy(update={"village_code": village})
                update["applicant"] = e.applicant.model_copy(update={"address": address})
            items.append(e.model_copy(update=update))
        return station.records.save_captured_many(items)
    finally:
        station.auth.sign_out()


def open_records(qtbot, window) -> RecordsPage:  # noqa: ANN001
    page = window.records_page
    with qtbot.waitSignal(page.loaded, timeout=SIGN_IN_TIMEOUT_MS):
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_2,
                       Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_name() == "records"
    return page


def signed_in(qtbot, make_window, station, cred):  # noqa: ANN001, ANN201
    window = make_window(station)
    sign_in(qtbot, window, cred.username, cred.password)
    qtbot.waitUntil(lambda: window.session is not None, timeout=SIGN_IN_TIMEOUT_MS)
    wait_idle(qtbot, window)
    return window


def select_rows(page: RecordsPage, rows: list[int]) -> None:
    t = page.table
    t.clearSelection()
    t.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
    for r in rows:
        t.selectRow(r)
    t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)


def test_supervisor_approves_several_and_rejects_one_with_a_reason(qtbot, demo, make_window):  # noqa: ANN001
    station, creds = demo
    ids = save(station, credential(creds, "operator"), range(1, 6),
               when=datetime.now(UTC) - timedelta(hours=1))
    window = signed_in(qtbot, make_window, station, credential(creds, "supervisor"))
    page = open_records(qtbot, window)
    assert page.table.rowCount() == 5  # the queue (Menunggu persetujuan) by default
    assert page.status_filter.currentData() == S.CAPTURED.value
    assert page.table.item(0, 4).text() == "operator"
    assert page.table.item(0, 2).text() == regions.get("35.05.01").name
    assert page.table.item(0, 3).text() == "9 + 1 pengecualian"  # seed 5 (newest first)

    select_rows(page, [0, 1])
    chosen = page.selected_ids()
    assert page.approve_button.isEnabled() and page.approve_button.text() == "Setujui (2)"
    assert not page.reject_button.isEnabled()  # rejections go one at a time, with a reason
    with qtbot.waitSignal(page.loaded, timeout=SIGN_IN_TIMEOUT_MS):
        qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert "2 rekaman disetujui" in page.message.text()
    for rid in chosen:
        summary = station.records.summary(rid)
        assert summary.status is S.APPROVED and summary.supervisor == "supervisor"
    assert page.table.rowCount() == 3 and not set(chosen) & {r.record_id for r in page.rows}

    select_rows(page, [0])
    victim = page.selected_ids()[0]
    qtbot.mouseClick(page.reject_button, Qt.MouseButton.LeftButton)
    dialog = page.reject_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason, "   ")
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "Foto wajah buram, ulangi")
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(page.records_changed, timeout=SIGN_IN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    rejected = station.records.summary(victim)
    assert rejected.status is S.REJECTED
    assert rejected.rejection_reason == "Foto wajah buram, ulangi"
    assert page.table.rowCount() == 2
    untouched = set(ids) - set(chosen) - {victim}
    assert all(station.records.summary(r).status is S.CAPTURED for r in untouched)

    # Locking the station while a rejection is being written cancels it; nothing changes.
    select_rows(page, [0])
    qtbot.mouseClick(page.reject_button, Qt.MouseButton.LeftButton)
    dialog = page.reject_dialog
    qtbot.keyClicks(dialog.reason, "belum selesai")
    window.lock()
    qtbot.waitUntil(lambda: page.reject_dialog is None, timeout=SIGN_IN_TIMEOUT_MS)
    assert not [d for d in window.findChildren(RejectDialog) if d.isVisible()]
    wait_idle(qtbot, window)
    window.unlock(credential(creds, "supervisor").password)
    qtbot.waitUntil(lambda: window.current_page_name() == "records", timeout=SIGN_IN_TIMEOUT_MS)
    wait_idle(qtbot, window)
    assert all(station.records.summary(r).status is S.CAPTURED for r in untouched)


def test_operator_sees_the_list_but_cannot_approve(qtbot, demo, make_window):  # noqa: ANN001
    station, creds = demo
    ids = save(station, credential(creds, "operator"), range(1, 3))
    window = signed_in(qtbot, make_window, station, credential(creds, "operator"))
    page = open_records(qtbot, window)
    assert page.table.rowCount() == 2
    select_rows(page, [0])
    assert page.open_button.isEnabled()
    assert not page.approve_button.isEnabled() and not page.reject_button.isEnabled()
    why = "Hanya supervisor yang dapat menyetujui atau menolak rekaman."
    assert page.role_hint.text() == why and page.approve_button.toolTip() == why

    # Even if the buttons were reachable, the store refuses and the page says so.
    from station.domain import Role

    page.role = Role.SUPERVISOR  # the page is fooled; the store is not
    page._update_actions()
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert page.message.isVisible() and page.message.text()
    assert page.message.property("role") == "error"
    assert all(station.records.summary(r).status is S.CAPTURED for r in ids)


def test_filters_and_paging_match_the_store(qtbot, demo, make_window):  # noqa: ANN001
    station, creds = demo
    op, sup = credential(creds, "operator"), credential(creds, "supervisor")
    other = regions.children("35.05")[1]
    village = regions.children(other.code)[0].code
    today = datetime.combine(date.today(), time(0, 1)).astimezone()  # local, always today
    yesterday = today - timedelta(days=1)
    save(station, op, range(1, PAGE_SIZE + 4), when=today)
    save(station, op, range(100, 103), when=yesterday, village=village)
    save(station, sup, range(200, 202), when=today + timedelta(hours=1))
    total = PAGE_SIZE + 3 + 3 + 2
    window = signed_in(qtbot, make_window, station, sup)
    page = open_records(qtbot, window)

    def reload(action) -> None:  # noqa: ANN001
        with qtbot.waitSignal(page.loaded, timeout=SIGN_IN_TIMEOUT_MS):
            action()
        wait_idle(qtbot, window)

    assert page.table.rowCount() == PAGE_SIZE and page.next_button.isEnabled()
    assert page.page_label.text() == f"Halaman 1 · rekaman 1–{PAGE_SIZE}"
    reload(lambda: qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton))
    assert page.table.rowCount() == total - PAGE_SIZE and not page.next_button.isEnabled()
    assert page.page_label.text() == f"Halaman 2 · rekaman {PAGE_SIZE + 1}–{total}"
    reload(lambda: qtbot.mouseClick(page.prev_button, Qt.MouseButton.LeftButton))
    assert page.table.rowCount() == PAGE_SIZE and not page.prev_button.isEnabled()

    # Kecamatan
    index = page.district_filter.findData(other.code)
    reload(lambda: page.district_filter.setCurrentIndex(index))
    assert {r.district_code for r in page.rows} == {other.code} and len(page.rows) == 3
    assert page.table.item(0, 2).text() == other.name
    reload(lambda: page.district_filter.setCurrentIndex(0))
    # Operator
    def by_operator() -> None:
        page.operator_filter.setFocus()
        qtbot.keyClicks(page.operator_filter, "Supervisor")
        qtbot.keyClick(page.operator_filter, Qt.Key.Key_Return)

    reload(by_operator)
    assert [r.operator for r in page.rows] == ["supervisor", "supervisor"]
    reload(lambda: page.operator_filter.clear() or page._filters_changed())
    # Date (yesterday, local)
    day = yesterday.astimezone().date()
    reload(lambda: page.date_check.setChecked(True))
    assert [r.record_id for r in page.rows] == [r.record_id for r in station.records.list(
        status=S.CAPTURED, since=date.today(), until=date.today() + timedelta(days=1),
        limit=PAGE_SIZE)]
    reload(lambda: page.date_filter.setDate(day))
    assert len(page.rows) == 3
    assert all(r.created_at.astimezone().date() == day for r in page.rows)
    # Status: approve two, then look at "Disetujui"
    reload(lambda: page.date_check.setChecked(False))
    select_rows(page, [0, 1])
    approved = page.selected_ids()
    reload(lambda: qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton))
    reload(lambda: page.status_filter.setCurrentIndex(page.status_filter.findData("APPROVED")))
    assert sorted(r.record_id for r in page.rows) == sorted(approved)
    reload(lambda: page.status_filter.setCurrentIndex(0))  # all statuses
    assert page.table.rowCount() == PAGE_SIZE and page.next_button.isEnabled()


@pytest.mark.slow
def test_opening_a_record_shows_the_decrypted_record_and_images(qtbot, demo, make_window):  # noqa: ANN001
    from station.cli.seed import seed_records

    station, creds = demo
    op = credential(creds, "operator")
    station.auth.sign_in(op.username, op.password)
    real = seed_records(station, 1, 7)[0]
    station.auth.sign_out()
    opaque = save(station, op, [5])[0]  # opaque image bytes; an exception confirmed
    window = signed_in(qtbot, make_window, station, credential(creds, "supervisor"))
    page = open_records(qtbot, window)

    def open_row(record_id: str) -> None:
        row = next(i for i, r in enumerate(page.rows) if r.record_id == record_id)
        select_rows(page, [row])
        with qtbot.waitSignal(page.opened, timeout=SIGN_IN_TIMEOUT_MS):
            qtbot.keyClick(page.table, Qt.Key.Key_Return)
        wait_idle(qtbot, window)

    open_row(real)
    detail = page.detail_scroll.widget()
    e = station.records.open(real)
    texts = [w.text() for w in detail.findChildren(QLabel)]
    assert e.applicant.nik in texts and e.applicant.full_name in texts
    assert not detail.findChild(QLabel, "detail_portrait").pixmap().isNull()
    assert not detail.findChild(QLabel, "detail_signature_image").pixmap().isNull()
    for pos, capture in e.fingers.items():
        thumb = detail.findChild(QLabel, f"finger_{int(pos)}")
        assert not thumb.pixmap().isNull()
        info = detail.findChild(QLabel, f"finger_info_{int(pos)}").text()
        assert info == f"Mutu {capture.quality:.0f}"
    assert detail.findChild(QLabel, "detail_notes") is None

    open_row(opaque)
    detail = page.detail_scroll.widget()
    exceptions = detail.findChild(QFrame, "detail_exceptions")
    assert exceptions is not None
    lines = " ".join(w.text() for w in exceptions.findChildren(QLabel))
    assert "Kelingking kiri: diperban/terluka (luka) — dikonfirmasi oleh supervisor" in lines
    assert detail.findChild(QLabel, "finger_info_10").text() == \
        "Pengecualian:\ndiperban/terluka"
    notes = detail.findChild(QLabel, "detail_notes")
    assert notes is not None  # opaque bytes: named as not displayable, in Indonesian
    assert notes.text().startswith("Tidak dapat ditampilkan: foto wajah, gambar tanda tangan, ")
    assert "Kelingking kanan" in notes.text()

    # Signing out leaves nothing of the record on screen.
    window.sign_out()
    qtbot.waitUntil(lambda: window.session is None, timeout=SIGN_IN_TIMEOUT_MS)
    wait_idle(qtbot, window)
    assert page.shown is None and page.table.rowCount() == 0
