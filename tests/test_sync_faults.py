"""Delivery through a faulty network and across a killed station: the end state is always the
same — every record acknowledged, every packet held exactly once by the receiver."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sync_helpers import (
    ADMIN,
    SUPERVISOR,
    add_approved,
    connect,
    make_receiver,
    make_station,
    statuses,
)

from station.services.sync import SyncService
from sync.client import Endpoint, ReceiverClient
from sync.errors import SyncError
from sync.faultproxy import Fault, FaultProxy
from sync.receiver.server import ServerThread
from sync.uploader import wait_until

NAMED_TRANSPORT_CAUSES = {"CONNECTION_RESET", "SERVER_DISCONNECTED", "TIMEOUT", "BAD_RESPONSE"}


def _configure(station, url: str, batch_size: int) -> None:  # noqa: ANN001
    service = SyncService(station)
    station.auth.sign_in(*ADMIN)
    station.config_store.set("sync.server_url", url)
    station.config_store.set("sync.batch_size", str(batch_size))
    station.auth.sign_out()
    del service


def _seal(station, n: int, first: int = 1) -> None:  # noqa: ANN001
    add_approved(station, first, n, blob_size=300)
    station.auth.sign_in(*SUPERVISOR)
    assert len(SyncService(station).seal().sealed) == n
    station.auth.sign_out()


def _assert_exactly_once(station, receiver, n: int) -> None:  # noqa: ANN001
    assert statuses(station) == {"ACKNOWLEDGED": n}
    stats = receiver.stats()
    assert stats["packets"] == n
    assert stats["per_station"][station.station_id]["outcomes"] == {"ACCEPTED": n}


@pytest.mark.slow
def test_faulty_network_still_delivers_exactly_once(tmp_path: Path) -> None:
    station = make_station(tmp_path / "station")
    receiver = make_receiver(tmp_path / "receiver")
    with ServerThread(receiver) as server:
        connect(station, receiver, server.url)
        weights = {
            Fault.PASS: 3,
            Fault.DROP: 1,
            Fault.RESET: 2,
            Fault.DELAY: 1,
            Fault.TRUNCATE: 1,
            Fault.DUPLICATE: 2,
        }
        # Every kind of fault at least once, then a seeded random mix.
        schedule = [Fault.RESET, Fault.DUPLICATE, Fault.DROP, Fault.TRUNCATE, Fault.DELAY]
        with FaultProxy(
            (server.host, server.port),
            schedule=schedule,
            weights=weights,
            seed=11,
            delay=0.05,
            truncate_at=60,
        ) as proxy:
            _configure(station, proxy.url, batch_size=8)
            _seal(station, 60)
            service = SyncService(station)
            causes = set()
            for _ in range(80):
                state = service.run_once()
                if state.last_error is not None:
                    causes.add(state.last_error.code)
                if service.status()["undelivered"] == 0:
                    break
            assert set(proxy.seen) == set(Fault)
        assert causes and causes <= NAMED_TRANSPORT_CAUSES, causes
        _assert_exactly_once(station, receiver, 60)
        assert receiver.stats()["duplicates_seen"] > 0  # resets and replays did reach the server
    station.close()
    receiver.close()


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.DROP, {"SERVER_DISCONNECTED", "CONNECTION_RESET"}),
        (Fault.RESET, {"CONNECTION_RESET", "SERVER_DISCONNECTED"}),
        (Fault.TRUNCATE, {"SERVER_DISCONNECTED"}),
        (Fault.DELAY, {"TIMEOUT"}),
    ],
)
def test_each_fault_has_its_own_named_cause(
    tmp_path: Path, fault: Fault, expected: set[str]
) -> None:
    receiver = make_receiver(tmp_path / "receiver")
    with (
        ServerThread(receiver) as server,
        FaultProxy(
            (server.host, server.port), schedule=[fault], delay=1.0, truncate_at=30
        ) as proxy,
    ):
        endpoint = Endpoint(proxy.url, receiver.public, timeout=0.3, connect_timeout=0.3)
        with ReceiverClient(endpoint) as client, pytest.raises(SyncError) as err:
            client.health()
        assert err.value.code in expected and err.value.retryable
        assert "internet" not in str(err.value).lower()
    receiver.close()


@pytest.mark.slow
def test_station_killed_mid_upload_then_restarted(tmp_path: Path) -> None:
    n = 40
    station = make_station(tmp_path / "station")
    receiver = make_receiver(tmp_path / "receiver")
    with ServerThread(receiver) as server:
        connect(station, receiver, server.url)
        with FaultProxy((server.host, server.port), weights={Fault.DELAY: 1}, delay=0.15) as slow:
            _configure(station, slow.url, batch_size=3)
            _seal(station, n)
            station.close()
            env = dict(os.environ, REKAM_DATA_DIR=str(tmp_path / "station"))
            cmd = [
                sys.executable,
                "-m",
                "station",
                "sync",
                "run",
                "--interval",
                "0.2",
                "--backoff-base",
                "0.1",
            ]
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                assert wait_until(lambda: receiver.stats()["packets"] >= 6, 60), (
                    proc.stderr.read() if proc.poll() is not None else "no progress"
                )
            finally:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
            proc.stderr.close()
            held = receiver.stats()["packets"]
            assert 0 < held < n, f"the kill should land mid-upload ({held} of {n})"
            time.sleep(0.2)
        # Restart (directly this time) and finish.
        station = make_station(tmp_path / "station")
        _configure(station, server.url, batch_size=3)
        station.close()
        run = subprocess.run(
            [*cmd[:5], "--once", "--json"], env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        station = make_station(tmp_path / "station")
        _assert_exactly_once(station, receiver, n)
    station.close()
    receiver.close()
