"""Power loss and full disks: nothing acknowledged is lost, nothing half-written is visible."""

from __future__ import annotations

import os
import random
import resource
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.app import open_station
from station.domain import RecordStatus
from station.services import errors
from station.services.records import READABLE
from tests.storage_helpers import (
    OPERATOR,
    SUPERVISOR,
    complete,
    provisioned,
    settings_for,
)

REPO = Path(__file__).resolve().parents[1]
KILLS = 30


def _start_worker(data_dir: Path, start_seed: int) -> subprocess.Popen:
    code = ("from tests.storage_helpers import save_loop; "
            f"save_loop({str(data_dir)!r}, {start_seed})")
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)


def _read_until_killed(proc: subprocess.Popen, delay: float) -> list[str]:
    """Wait for READY, let it write for `delay` seconds, SIGKILL it; return the lines it
    printed before dying (everything it acknowledged)."""
    lines: list[str] = []
    deadline = None
    fd = proc.stdout
    while True:
        timeout = 30.0 if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        line = fd.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.startswith("READY"):
            deadline = time.monotonic() + delay
        if deadline is not None and time.monotonic() >= deadline:
            break
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate(timeout=30)
    lines += [x.strip() for x in rest.splitlines()]
    assert "READY" in lines, f"worker never started: {err[-2000:]}"
    return lines


@pytest.mark.slow
def test_sigkill_during_writes_loses_nothing_acknowledged(tmp_path):
    data_dir = tmp_path / "data"
    station, _ = provisioned(data_dir)
    station.close()
    rng = random.Random(1234)
    acknowledged: dict[str, str] = {}  # record id -> furthest status the worker reported
    order = {"SAVED": 0, "APPROVED": 1, "SEALED": 2}
    for kill in range(KILLS):
        proc = _start_worker(data_dir, 10_000 * (kill + 1))
        for line in _read_until_killed(proc, rng.uniform(0.0, 0.5)):
            word, _, record_id = line.partition(" ")
            if word in order and order[word] >= order.get(acknowledged.get(record_id, ""), -1):
                acknowledged[record_id] = word
    assert len(acknowledged) >= KILLS  # the kills really landed among saves

    with sqlite3.connect(data_dir / "station.sqlite") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    station = open_station(settings_for(data_dir))
    try:
        assert station.audit.verify().ok, station.audit.verify().first
        station.auth.sign_in(*SUPERVISOR)
        every = station.records.list(limit=100_000)
        by_id = {s.record_id: s for s in every}
        for record_id, word in acknowledged.items():
            summary = by_id[record_id]  # every acknowledged record is there
            if word == "SEALED":
                assert summary.status is RecordStatus.SEALED
            elif word == "APPROVED":
                assert summary.status in (RecordStatus.APPROVED, RecordStatus.SEALED)
        for summary in every:  # and no record anywhere is half-written
            if summary.status in READABLE:
                record = station.records.open(summary.record_id)
                assert record.completeness_problems() == []
                assert len(record.fingers) == summary.finger_count == 10
            else:
                assert summary.status is RecordStatus.SEALED
                assert summary.packet_id == f"pkt-{summary.record_id}"
        sealed = [s.record_id for s in every if s.status is RecordStatus.SEALED]
        pending = {i.record_id for i in station.outbox.outbox_pending(limit=100_000)}
        assert pending == set(sealed)
        # The store still takes new records.
        station.records.save_captured(complete(station.records.create_draft(), 999_999))
    finally:
        station.close()


def _can_mount_tmpfs(target: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(target)],
                            capture_output=True)
    return result.returncode == 0


def test_full_disk_refuses_clearly_and_corrupts_nothing(tmp_path):
    mount = tmp_path / "small"
    if not _can_mount_tmpfs(mount):
        pytest.skip("needs root and `mount -t tmpfs` (the RLIMIT_FSIZE test below covers the "
                    "same path without privileges)")
    try:
        data_dir = mount / "data"
        station, _ = provisioned(data_dir)
        try:
            station.auth.sign_in(*OPERATOR)
            saved = [station.records.save_captured(complete(station.records.create_draft(), s))
                     for s in (1, 2)]
            filler = mount / "filler"
            free = shutil.disk_usage(mount).free
            with open(filler, "wb") as f:  # leave less room than one record needs
                f.write(b"\0" * max(0, free - 60_000))
            pending = complete(station.records.create_draft(), 3)
            with pytest.raises(errors.StorageFull) as full:
                station.records.save_captured(pending)
            assert "NOT saved" in str(full.value) and "penuh" in str(full.value)
            assert {s.record_id for s in station.records.list()} == set(saved)
            with station.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            # Reading still works on the full disk.
            assert station.records.open(saved[0]).completeness_problems() == []
            filler.unlink()  # space freed: the same record (kept by the UI) saves
            record_id = station.records.save_captured(pending)
            assert station.records.open(record_id).applicant == pending.applicant
            for rid in saved:
                assert station.records.open(rid).completeness_problems() == []
            assert station.audit.verify().ok
        finally:
            station.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
from station.app import open_station
from station.services.errors import StorageFull
from tests.storage_helpers import OPERATOR, complete, settings_for
from pathlib import Path
station = open_station(settings_for(Path(sys.argv[1])))
station.auth.sign_in(*OPERATOR)
draft = complete(station.records.create_draft(), 7)
wal = Path(sys.argv[1]) / "station.sqlite-wal"
limit = wal.stat().st_size + int(sys.argv[2])  # room for far less than one record's frames
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    station.records.save_captured(draft)
    print("SAVED")
except StorageFull as exc:
    print("FULL", exc.code)
"""


def test_file_size_limit_refuses_clearly_and_corrupts_nothing(tmp_path):
    data_dir = tmp_path / "data"
    station, _ = provisioned(data_dir)
    station.auth.sign_in(*OPERATOR)
    saved = station.records.save_captured(complete(station.records.create_draft(), 1))
    station.close()
    result = subprocess.run([sys.executable, "-c", _LIMITED, str(data_dir), "40000"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["FULL", "STORAGE_FULL"], result.stderr[-3000:]
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == resource.RLIM_INFINITY
    with sqlite3.connect(data_dir / "station.sqlite") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    station = open_station(settings_for(data_dir))
    try:
        station.auth.sign_in(*OPERATOR)
        assert [s.record_id for s in station.records.list()] == [saved]
        station.records.save_captured(complete(station.records.create_draft(), 7))
        assert station.audit.verify().ok
    finally:
        station.close()


def test_concurrent_writers_in_two_processes_and_a_thread(tmp_path):
    """The GUI and a CLI command (or two workers) write at once: every save lands once, the
    audit chain stays one unbroken sequence."""
    import threading

    data_dir = tmp_path / "data"
    station, _ = provisioned(data_dir)
    code = "from tests.storage_helpers import save_n; import sys; save_n(sys.argv[1], " \
           "int(sys.argv[2]), 15)"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(data_dir), str(seed)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in (1_000, 2_000)]
    station.auth.sign_in(*OPERATOR)
    mine: list[str] = []

    def work() -> None:
        from tests.storage_helpers import shrink

        seed = 3_000
        while any(p.poll() is None for p in procs) and seed < 3_400:  # write while they do
            seed += 1
            mine.append(station.records.save_captured(
                shrink(complete(station.records.create_draft(), seed))))

    thread = threading.Thread(target=work)
    thread.start()
    outputs = [p.communicate(timeout=120) for p in procs]
    thread.join(timeout=120)
    try:
        for p, (_out, err) in zip(procs, outputs, strict=True):
            assert p.returncode == 0, err[-2000:]
        theirs = [line for out, _ in outputs for line in out.split()]
        assert len(theirs) == 30 and len(mine) >= 15
        listed = {s.record_id for s in station.records.list(limit=1000)}
        assert listed == set(theirs) | set(mine)
        result = station.audit.verify()
        assert result.ok, result.first
        with station.engine.connect() as conn:
            saves = conn.exec_driver_sql(
                "SELECT count(*) FROM audit_events WHERE action='save'").scalar()
        assert saves == 30 + len(mine)
    finally:
        station.close()
