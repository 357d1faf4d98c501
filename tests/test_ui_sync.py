"""Background sync in the GUI, against a real receiver on 127.0.0.1: the status-bar indicator
names a refused connection, then shows success once the receiver starts; the admin's seal /
export / receipt actions on the dashboard; the runner stops on sign-out."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from station.domain import RecordStatus
from station.services.sync import SyncService
from sync.receiver.server import ServerThread
from sync.uploader import Backoff
from tests.sync_helpers import free_port, make_receiver, statuses
from tests.test_ui_records import save
from tests.ui_helpers import SIGN_IN_TIMEOUT_MS, credential, demo, sign_in, wait_idle
from ui.app import setup
from ui.main_window import MainWindow

__all__ = ["demo"]  # fixture

S = RecordStatus
SYNC_TIMEOUT_MS = 20_000


@pytest.fixture
def receiver(tmp_path: Path):  # noqa: ANN201
    r = make_receiver(tmp_path / "receiver")
    yield r
    r.close()


@pytest.fixture
def sync_window(qapp, qtbot) -> Iterator:  # noqa: ANN001
    """sync_window(station) -> a shown MainWindow with the station's SyncService."""
    windows: list[MainWindow] = []

    def make(station) -> MainWindow:  # noqa: ANN001
        setup(qapp, station.settings.locale)
        window = MainWindow(station, sync=SyncService(station))
        # Fast retries when the server comes back; a long backoff otherwise, so only the
        # reachability probe can start delivery within the test's time.
        window.sync.background_options = {
            "idle_interval": 0.3, "probe_interval": 0.2,
            "backoff": Backoff(base=300, cap=300, rng=random.Random(1)),
        }
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()  # stops the runner, waits for the worker, signs out
        window.deleteLater()
    setup(qapp, "id")


def provision(station, creds, receiver, url: str) -> None:  # noqa: ANN001
    service = SyncService(station)
    receiver.add_station(service.station_public_key())
    admin = credential(creds, "admin")
    station.auth.sign_in(admin.username, admin.password)
    service.provision(url, receiver.public.to_json())
    station.auth.sign_out()


def approved(station, creds, seeds) -> list[str]:  # noqa: ANN001
    ids = save(station, credential(creds, "operator"), seeds)
    sup = credential(creds, "supervisor")
    station.auth.sign_in(sup.username, sup.password)
    station.records.approve(ids)
    station.auth.sign_out()
    return ids


def enter(qtbot, window, cred) -> None:  # noqa: ANN001
    sign_in(qtbot, window, cred.username, cred.password)
    qtbot.waitUntil(lambda: window.session is not None, timeout=SIGN_IN_TIMEOUT_MS)
    wait_idle(qtbot, window)


@pytest.mark.slow
def test_indicator_names_the_refused_connection_then_success(qtbot, demo, receiver, sync_window):  # noqa: ANN001
    station, creds = demo
    port = free_port()
    provision(station, creds, receiver, f"http://127.0.0.1:{port}")
    approved(station, creds, range(1, 4))
    window = sync_window(station)
    indicator = window.sync_indicator
    enter(qtbot, window, credential(creds, "supervisor"))
    qtbot.waitUntil(lambda: window.sync.started and window.sync.status is not None,
                    timeout=SYNC_TIMEOUT_MS)
    window.open_page("dashboard")
    board = window.dashboard
    wait_idle(qtbot, window)
    # Supervisors seal; media export and receipts are the admin's.
    assert board.seal_button.isVisibleTo(board)
    assert not board.export_button.isVisibleTo(board)
    assert not board.import_button.isVisibleTo(board)

    # Seal: the records wait in the outbox and the upload is refused (nothing listens).
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.seal_button, Qt.MouseButton.LeftButton)
    assert board.action_result.text().startswith("3 rekaman disegel.")
    qtbot.waitUntil(lambda: "CONNECTION_REFUSED" in indicator.text(), timeout=SYNC_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "3 menunggu" in indicator.text(), timeout=SYNC_TIMEOUT_MS)
    assert indicator.text() == "Sinkron: 3 menunggu · galat CONNECTION_REFUSED"
    assert "CONNECTION_REFUSED: " in indicator.toolTip()  # with the whole message
    assert indicator.property("role") == "error"
    assert board.sync_state.text().startswith("Gagal: CONNECTION_REFUSED")
    assert "belum pernah" in board.sync_detail.text() or "Terakhir berhasil" in \
        board.sync_detail.text()
    assert statuses(station) == {"SEALED": 3}

    # The receiver starts on that port: the probe notices, delivery runs, receipts close them.
    with ServerThread(receiver, port=port):
        qtbot.waitUntil(lambda: statuses(station) == {"ACKNOWLEDGED": 3},
                        timeout=SYNC_TIMEOUT_MS)
        qtbot.waitUntil(lambda: "galat" not in indicator.text()
                        and "0 menunggu" in indicator.text(), timeout=SYNC_TIMEOUT_MS)
    assert "terakhir berhasil" in indicator.text() and indicator.property("role") == "ok"
    assert board.sync_state.text() == "Semua rekaman tersegel sudah terkirim."
    assert receiver.stats()["packets"] == 3
    # The dashboard on screen re-read its numbers after the attempt, without a click.
    qtbot.waitUntil(lambda: board.queue_labels[S.ACKNOWLEDGED].text() == "3",
                    timeout=SYNC_TIMEOUT_MS)
    assert board.queue_labels[S.SEALED].text() == "0"

    # Signing out stops the runner.
    runner = window.sync.runner
    window.sign_out()
    qtbot.waitUntil(lambda: window.session is None and not window.tasks.busy,
                    timeout=SIGN_IN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not runner.state.running, timeout=SYNC_TIMEOUT_MS)


def test_unprovisioned_station_says_so_and_sealing_explains(qtbot, demo, sync_window):  # noqa: ANN001
    station, creds = demo
    approved(station, creds, range(1, 3))
    window = sync_window(station)
    enter(qtbot, window, credential(creds, "admin"))
    qtbot.waitUntil(lambda: window.sync.status is not None, timeout=SYNC_TIMEOUT_MS)
    assert not window.sync.started  # no receiver configured: no runner
    assert window.sync_indicator.text() == "Sinkron: 0 menunggu · belum diarahkan ke server"
    window.open_page("dashboard")
    board = window.dashboard
    wait_idle(qtbot, window)
    assert board.sync_state.text().startswith("Stasiun belum diarahkan ke server penerima")
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.seal_button, Qt.MouseButton.LeftButton)
    assert "belum diarahkan ke server penerima" in board.action_result.text()
    assert board.action_result.property("role") == "error"
    assert statuses(station) == {"APPROVED": 2}  # nothing changed


def test_admin_exports_to_media_and_imports_the_receipts(qtbot, demo, receiver, sync_window,  # noqa: ANN001
                                                          tmp_path: Path):
    station, creds = demo
    provision(station, creds, receiver, f"http://127.0.0.1:{free_port()}")  # never reachable
    approved(station, creds, range(1, 5))
    window = sync_window(station)
    enter(qtbot, window, credential(creds, "admin"))
    window.open_page("dashboard")
    board = window.dashboard
    wait_idle(qtbot, window)
    assert board.export_button.isVisibleTo(board) and board.import_button.isVisibleTo(board)
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.seal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: statuses(station) == {"SEALED": 4}, timeout=SYNC_TIMEOUT_MS)

    media = tmp_path / "usb"
    media.mkdir()
    board.choose_directory = lambda: str(media)
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.export_button, Qt.MouseButton.LeftButton)
    batches = sorted(media.iterdir())
    assert len(batches) == 1
    assert board.action_result.text().startswith("4 paket ditulis ke 1 berkas: " + batches[0].name)
    assert statuses(station) == {"EXPORTED": 4}

    # The central server imports the batch; its receipt file comes back on the media.
    result = receiver.import_batch(batches[0].read_bytes())
    receipt = media / "tanda-terima.json"
    receipt.write_bytes(result.receipt_file)

    # A damaged receipt file is refused with its reason; nothing changes.
    broken = media / "rusak.json"
    broken.write_bytes(result.receipt_file[: len(result.receipt_file) // 2])
    board.choose_receipts = lambda: str(broken)
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.import_button, Qt.MouseButton.LeftButton)
    assert board.action_result.property("role") == "error"
    assert "tak terduga" not in board.action_result.text()  # the receipt's own coded reason
    assert board.action_result.text().endswith(")")
    assert statuses(station) == {"EXPORTED": 4}
    # A file that vanished between choosing and reading.
    board.choose_receipts = lambda: str(media / "hilang.json")
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.import_button, Qt.MouseButton.LeftButton)
    assert board.action_result.text().startswith("Berkas ")
    assert "hilang.json tidak dapat dibaca" in board.action_result.text()

    board.choose_receipts = lambda: str(receipt)
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(board.import_button, Qt.MouseButton.LeftButton)
    assert board.action_result.text() == \
        "4 tanda terima diterapkan, 0 sudah diterapkan sebelumnya."
    assert statuses(station) == {"ACKNOWLEDGED": 4}
    with qtbot.waitSignal(board.action_finished, timeout=SYNC_TIMEOUT_MS):  # again: no change
        qtbot.mouseClick(board.import_button, Qt.MouseButton.LeftButton)
    assert board.action_result.text() == \
        "0 tanda terima diterapkan, 4 sudah diterapkan sebelumnya."
    # Choosing nothing does nothing.
    board.choose_receipts = lambda: ""
    with qtbot.assertNotEmitted(board.action_finished, wait=300):
        qtbot.mouseClick(board.import_button, Qt.MouseButton.LeftButton)
    assert board.import_button.isEnabled() and board.action_progress.isHidden()


def test_last_run_from_the_state_file_names_its_cause(demo, receiver) -> None:  # noqa: ANN001
    """Before the runner reports, the window shows the last run recorded by `rekam sync run`."""
    from ui.sync_status import SyncSnapshot

    station, creds = demo
    provision(station, creds, receiver, f"http://127.0.0.1:{free_port()}")
    approved(station, creds, range(1, 3))
    service = SyncService(station)
    sup = credential(creds, "supervisor")
    station.auth.sign_in(sup.username, sup.password)
    service.seal()
    station.auth.sign_out()
    state = service.run_once()  # refused: nothing listens on that port
    snap = SyncSnapshot.from_status(service.status()["last_run"])
    assert snap.error is not None and snap.error.code == "CONNECTION_REFUSED"
    assert snap.error.message("id") == state.last_error.problem.message_id
    assert snap.error.message("en") == state.last_error.problem.message_en
    assert snap.last_attempt is not None and snap.consecutive_failures == 1
    assert SyncSnapshot.from_status(None) == SyncSnapshot()
