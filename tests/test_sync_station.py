"""The station side against a real receiver on 127.0.0.1: seal, upload, receipts, export and
import, purge, errors named by their real cause, delivery starting by itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sync_helpers import (
    ADMIN,
    SUPERVISOR,
    add_approved,
    connect,
    free_port,
    make_receiver,
    make_station,
    self_signed_cert,
    statuses,
)

from station.services.sync import SyncService
from sync import receipt
from sync.client import Endpoint, ReceiverClient
from sync.errors import SyncError
from sync.receiver.server import ServerThread
from sync.uploader import Backoff, wait_until


@pytest.fixture
def env(tmp_path: Path):  # noqa: ANN201
    station = make_station(tmp_path / "station")
    receiver = make_receiver(tmp_path / "receiver")
    server = ServerThread(receiver).start()
    connect(station, receiver, server.url)
    yield station, receiver, server, SyncService(station)
    server.stop()
    station.close()
    receiver.close()


def seal_all(station, service: SyncService) -> list[str]:  # noqa: ANN001
    station.auth.sign_in(*SUPERVISOR)
    report = service.seal()
    station.auth.sign_out()
    assert not report.failed
    return report.sealed


@pytest.mark.slow
def test_hundreds_sealed_uploaded_acknowledged_exactly_once(env) -> None:  # noqa: ANN001
    station, receiver, _, service = env
    ids = add_approved(station, 1, 240, blob_size=400)
    sealed = seal_all(station, service)
    assert len(sealed) == 240 and statuses(station) == {"SEALED": 240}
    station.auth.sign_in(*SUPERVISOR)
    from station.services.errors import NotReadable

    with pytest.raises(NotReadable):
        station.records.open(ids[0])  # the station cannot read what it sealed
    station.auth.sign_out()
    state = service.run_once()
    assert state.last_error is None
    assert state.last_report.acknowledged == 240 and state.last_report.outcomes == {"ACCEPTED": 240}
    assert statuses(station) == {"ACKNOWLEDGED": 240}
    stats = receiver.stats()
    assert stats["packets"] == 240 and stats["duplicates_seen"] == 0
    # Running again sends nothing.
    again = service.run_once()
    assert again.last_report.acknowledged == 0 and receiver.stats()["duplicates_seen"] == 0
    # The receipts kept on the station verify against the server key.
    items = station.records.outbox_pending(1000, statuses=("ACKNOWLEDGED",))
    assert len(items) == 240


def test_export_import_receipts_close_records(env, tmp_path: Path) -> None:  # noqa: ANN001
    station, receiver, _, service = env
    add_approved(station, 300, 12, blob_size=300)
    seal_all(station, service)
    usb = tmp_path / "usb"
    station.auth.sign_in(*ADMIN)
    result = service.export(usb)
    assert result.packets == 12 and [p.parent for p in result.paths] == [usb]
    assert statuses(station) == {"EXPORTED": 12}
    assert service.export(usb).packets == 0  # a second export changes nothing
    assert len(list(usb.iterdir())) == 1
    imported = receiver.import_batch(result.paths[0].read_bytes())
    assert imported.new == 12
    receipts_file = tmp_path / "receipts.rkr"
    receipts_file.write_bytes(imported.receipt_file)
    first = service.import_receipts(receipts_file.read_bytes())
    assert (first.applied, first.already, first.unknown) == (12, 0, [])
    assert statuses(station) == {"ACKNOWLEDGED": 12}
    second = service.import_receipts(receipts_file.read_bytes())
    assert (second.applied, second.already) == (0, 12)
    station.auth.sign_out()


def test_forged_receipt_file_changes_nothing(env) -> None:  # noqa: ANN001
    station, receiver, _, service = env
    add_approved(station, 400, 3, blob_size=300)
    seal_all(station, service)
    station.auth.sign_in(*ADMIN)
    result = service.export(station.settings.data_dir / "out")
    imported = receiver.import_batch(result.paths[0].read_bytes())
    rs = receipt.read_file(imported.receipt_file)
    forged = rs[:2] + [rs[2].replace(b"ACCEPTED", b"REJECTED")]
    with pytest.raises(SyncError) as err:
        service.import_receipts(receipt.write_file(forged))
    assert err.value.code == "RECEIPT_SIGNATURE_INVALID"
    assert statuses(station) == {"EXPORTED": 3}
    station.auth.sign_out()


def test_exported_packets_delivered_elsewhere_are_recovered_by_query(env) -> None:  # noqa: ANN001
    station, receiver, _, service = env
    add_approved(station, 500, 6, blob_size=300)
    seal_all(station, service)
    station.auth.sign_in(*ADMIN)
    result = service.export(station.settings.data_dir / "out")
    station.auth.sign_out()
    receiver.import_batch(result.paths[0].read_bytes())  # uploaded at the district office
    state = service.run_once()
    assert state.last_report.recovered == 6 and state.last_report.acknowledged == 0
    assert statuses(station) == {"ACKNOWLEDGED": 6}
    assert receiver.stats()["duplicates_seen"] == 0  # nothing was sent twice


def test_acknowledged_records_purged_after_retention(env) -> None:  # noqa: ANN001
    station, _, _, service = env
    add_approved(station, 600, 4, blob_size=300)
    seal_all(station, service)
    service.run_once()
    assert statuses(station) == {"ACKNOWLEDGED": 4}
    assert service.purge_expired() == 0  # default retention: 7 days
    station.auth.sign_in(*ADMIN)
    station.config_store.set("sync.retention_days", "0")
    station.auth.sign_out()
    assert service.purge_expired() == 4
    assert statuses(station) == {"PURGED": 4}


def test_failures_are_named_by_their_real_cause(env, tmp_path: Path) -> None:  # noqa: ANN001
    station, receiver, server, service = env
    key = receiver.public

    def cause(endpoint: Endpoint) -> str:
        with ReceiverClient(endpoint) as client, pytest.raises(SyncError) as err:
            client.health()
        assert "internet" not in err.value.problem.message_en.lower()
        return err.value.code

    assert cause(Endpoint(f"http://127.0.0.1:{free_port()}", key)) == "CONNECTION_REFUSED"
    assert cause(Endpoint("http://rekam-receiver.invalid:8443", key)) == "NAME_RESOLUTION"
    assert cause(Endpoint(f"{server.url}/nothing-here", key)) == "HTTP_404"
    cert, pkey, pem = self_signed_cert(tmp_path / "tls")
    _, _, other_pem = self_signed_cert(tmp_path / "tls2")
    with ServerThread(receiver, certfile=cert, keyfile=pkey) as tls:
        with ReceiverClient(Endpoint(tls.url, key, tls_cert_pem=pem)) as ok:
            assert ok.health()["status"] == "ok"
        assert cause(Endpoint(tls.url, key, tls_cert_pem=other_pem)) == "TLS_CERTIFICATE"
        assert cause(Endpoint(tls.url.replace("https", "http"), key)) in (
            "SERVER_DISCONNECTED",
            "CONNECTION_RESET",
        )
        # A station provisioned with the server's certificate delivers over TLS.
        station.auth.sign_in(*ADMIN)
        service.provision(tls.url, key.to_json(), pem)
        station.auth.sign_out()
        add_approved(station, 700, 3, blob_size=300)
        seal_all(station, service)
        assert service.run_once().last_error is None
        assert statuses(station) == {"ACKNOWLEDGED": 3}
    # The status shows the real cause of the last failure.
    station.auth.sign_in(*ADMIN)
    service.provision(f"http://127.0.0.1:{free_port()}", key.to_json())
    station.auth.sign_out()
    add_approved(station, 800, 1, blob_size=300)
    seal_all(station, service)
    assert service.run_once().last_error.code == "CONNECTION_REFUSED"
    status = service.status()
    assert status["last_run"]["last_error"]["code"] == "CONNECTION_REFUSED"
    assert status["undelivered"] == 1


def test_unregistered_station_is_told_why(tmp_path: Path) -> None:
    station = make_station(tmp_path / "station")
    receiver = make_receiver(tmp_path / "receiver")
    with ServerThread(receiver) as server:
        service = SyncService(station)
        station.auth.sign_in(*ADMIN)
        service.provision(server.url, receiver.public.to_json())
        station.auth.sign_out()
        add_approved(station, 1, 2, blob_size=300)
        seal_all(station, service)
        report = service.run_once().last_report
        assert set(report.failed.values()) == {"HTTP_403_STATION_UNKNOWN"}
        errors = service.status()["delivery_errors"]
        assert len(errors) == 2 and "tidak terdaftar" in errors[0]["error"]
        assert statuses(station) == {"SEALED": 2}
    station.close()
    receiver.close()


def test_provisioning_refuses_bad_input(env, tmp_path: Path) -> None:  # noqa: ANN001
    station, receiver, _, service = env
    station.auth.sign_in(*ADMIN)
    with pytest.raises(SyncError) as err:
        service.provision("ftp://server", receiver.public.to_json())
    assert err.value.code == "SERVER_URL_INVALID"
    with pytest.raises(SyncError) as err:
        service.provision("https://server", b"{}")
    assert err.value.code == "KEY_FILE_INVALID"
    with pytest.raises(SyncError) as err:
        service.provision("https://server", receiver.public.to_json(), b"not a certificate")
    assert err.value.code == "TLS_CERT_INVALID"
    station.auth.sign_out()
    station.auth.sign_in(*SUPERVISOR)
    from station.services.errors import NotPermitted

    with pytest.raises(NotPermitted):
        service.provision("https://server", receiver.public.to_json())
    station.auth.sign_out()


@pytest.mark.slow
def test_delivery_starts_by_itself_when_the_server_appears(tmp_path: Path) -> None:
    import random

    station = make_station(tmp_path / "station")
    receiver = make_receiver(tmp_path / "receiver")
    port = free_port()
    connect(station, receiver, f"http://127.0.0.1:{port}")
    service = SyncService(station)
    add_approved(station, 1, 5, blob_size=300)
    seal_all(station, service)
    # A long backoff: only the reachability probe can start delivery within seconds.
    runner = service.start_background(
        idle_interval=0.2,
        backoff=Backoff(base=300, cap=300, rng=random.Random(1)),
        probe_interval=0.1,
    )
    try:
        assert wait_until(lambda: runner.state.consecutive_failures >= 1, 20)
        assert runner.state.last_error.code == "CONNECTION_REFUSED"
        assert runner.state.next_attempt_in > 30
        assert statuses(station) == {"SEALED": 5}
        with ServerThread(receiver, port=port):
            assert wait_until(lambda: statuses(station) == {"ACKNOWLEDGED": 5}, 15)
            assert runner.state.last_error is None
    finally:
        service.stop_background()
        station.close()
        receiver.close()
    assert receiver.stats()["packets"] == 5


def test_backoff_is_full_jitter_and_capped() -> None:
    import random

    b = Backoff(base=1.0, cap=8.0, rng=random.Random(3))
    delays = [b.next_delay() for _ in range(200)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert max(delays[6:]) > 4.0  # grows to the cap ...
    assert min(delays[6:]) < 1.0  # ... with full jitter (uniform from zero)
    assert delays[0] <= 1.0 and delays[1] <= 2.0
    b.reset()
    assert b.next_delay() <= 1.0
    _ = time


def test_export_splits_into_files_and_all_reexports_unacknowledged(env, tmp_path: Path) -> None:  # noqa: ANN001
    station, receiver, _, service = env
    add_approved(station, 900, 7, blob_size=300)
    seal_all(station, service)
    station.auth.sign_in(*ADMIN)
    first = service.export(tmp_path / "usb1", per_file=3)
    assert first.packets == 7
    assert len(first.files) == 3 and len({b for b, _ in first.files}) == 3
    # The stick is lost: --all writes every unacknowledged packet again.
    again = service.export(tmp_path / "usb2", include_exported=True, per_file=5)
    assert again.packets == 7 and len(again.files) == 2
    for path in again.paths:
        receiver.import_batch(path.read_bytes())
    assert receiver.stats()["packets"] == 7
    with pytest.raises(SyncError) as err:
        service.export(again.paths[0])  # a file, not a directory
    assert err.value.code == "EXPORT_TARGET_INVALID"
    station.auth.sign_out()
    assert service.run_once().last_report.recovered == 7
    assert statuses(station) == {"ACKNOWLEDGED": 7}


def test_seal_reports_records_it_cannot_seal_and_refuses_without_sign_in(env) -> None:  # noqa: ANN001
    from station.services.errors import NotSignedIn

    station, _, _, service = env
    ids = add_approved(station, 950, 3, blob_size=300)
    with pytest.raises(NotSignedIn):
        service.seal()
    station.auth.sign_in(*SUPERVISOR)
    report = service.seal([ids[0], "no-such-record", ids[1]])
    assert len(report.sealed) == 2 and list(report.failed) == ["no-such-record"]
    again = service.seal([ids[0]])  # already sealed: named, nothing changes
    assert again.sealed == [] and "SEALED" in again.failed[ids[0]]
    assert len(service.seal().sealed) == 1  # the remaining APPROVED one
    station.auth.sign_out()
    assert statuses(station) == {"SEALED": 3}
