"""The delivery commands end to end, as IT staff run them: `rekam` and `rekam-receiver` in
subprocesses, a receiver served by `rekam-receiver serve` on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sync_helpers import ADMIN, OPERATOR, SUPERVISOR, add_approved, free_port, make_station


def run(
    args: list[str], *, env: dict, ok: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert (proc.returncode == 0) == ok, (args, proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.mark.slow
def test_delivery_commands_end_to_end(tmp_path: Path) -> None:
    station_dir, recv_dir = tmp_path / "station", tmp_path / "receiver"
    base = dict(os.environ, REKAM_DATA_DIR=str(station_dir))
    rekam = [sys.executable, "-m", "station"]
    receiver = [sys.executable, "-m", "sync.receiver.cli"]

    def as_(user: tuple[str, str]) -> dict:
        return dict(base, REKAM_OPERATOR=user[0], REKAM_PASSWORD=user[1])

    station = make_station(station_dir)
    add_approved(station, 1, 6, blob_size=300)
    station.close()

    run([*receiver, "init", "--data-dir", str(recv_dir)], env=base)
    run(
        [
            *receiver,
            "server-key",
            "--data-dir",
            str(recv_dir),
            "--export",
            str(tmp_path / "server.key"),
        ],
        env=base,
    )
    run([*rekam, "station-key", "--export", str(tmp_path / "station.key")], env=base)
    run(
        [
            *receiver,
            "stations",
            "add",
            "--data-dir",
            str(recv_dir),
            "--key",
            str(tmp_path / "station.key"),
        ],
        env=base,
    )

    # Not provisioned yet: a clear refusal.
    refused = run([*rekam, "seal"], env=as_(SUPERVISOR), ok=False)
    assert "SYNC_NOT_PROVISIONED" in refused.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    run(
        [*rekam, "provision", "--server-url", url, "--server-key", str(tmp_path / "server.key")],
        env=as_(ADMIN),
    )
    denied = run([*rekam, "seal"], env=as_(OPERATOR), ok=False)
    assert "seal" in denied.stderr.lower()

    sealed = json.loads(run([*rekam, "seal", "--json"], env=as_(SUPERVISOR)).stdout)
    assert sealed["sealed"] == 6 and sealed["failed"] == {}

    # The server is down: the real cause, exit 1, nothing lost.
    down = run([*rekam, "sync", "run", "--once"], env=base, ok=False)
    assert "CONNECTION_REFUSED" in down.stderr
    status = json.loads(run([*rekam, "sync", "status", "--json"], env=base).stdout)
    assert (
        status["records"]["SEALED"] == 6
        and status["last_run"]["last_error"]["code"] == "CONNECTION_REFUSED"
    )

    # Removable media: export, import at the receiver, carry the receipts back.
    usb = tmp_path / "usb"
    exported = json.loads(
        run([*rekam, "export", "--to", str(usb), "--json"], env=as_(ADMIN)).stdout
    )
    assert exported["packets"] == 6
    again = run([*rekam, "export", "--to", str(usb)], env=as_(ADMIN))
    assert "nothing to export" in again.stdout
    batch_file = Path(exported["files"][0]["path"])
    receipts = tmp_path / "back" / "receipts.rkr"
    receipts.parent.mkdir()
    imported = json.loads(
        run(
            [
                *receiver,
                "import",
                str(batch_file),
                "--receipt-out",
                str(receipts),
                "--data-dir",
                str(recv_dir),
                "--json",
            ],
            env=base,
        ).stdout
    )
    assert imported["new"] == 6
    applied = json.loads(
        run([*rekam, "receipts", "import", str(receipts), "--json"], env=as_(ADMIN)).stdout
    )
    assert applied["applied"] == 6
    applied = json.loads(
        run([*rekam, "receipts", "import", str(receipts), "--json"], env=as_(ADMIN)).stdout
    )
    assert applied == {"applied": 0, "already_applied": 6, "unknown_packets": [], "outcomes": {}}
    garbage = tmp_path / "garbage.rkr"
    garbage.write_bytes(b"this is not a receipt file")
    bad = run([*rekam, "receipts", "import", str(garbage)], env=as_(ADMIN), ok=False)
    assert "RECEIPT_FILE_INVALID" in bad.stderr

    # Online: serve the receiver and upload the next records.
    station = make_station(station_dir)
    add_approved(station, 100, 4, blob_size=300)
    station.close()
    run([*rekam, "seal"], env=as_(SUPERVISOR))
    server = subprocess.Popen(
        [*receiver, "serve", "--data-dir", str(recv_dir), "--port", str(port)],
        env=base,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/v1/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "rekam-receiver serve did not come up"
                time.sleep(0.2)
        done = json.loads(run([*rekam, "sync", "run", "--once", "--json"], env=base).stdout)
        assert done["last_report"]["acknowledged"] == 4 and done["last_error"] is None
    finally:
        server.terminate()
        server.wait(10)
    status = json.loads(run([*rekam, "sync", "status", "--json"], env=base).stdout)
    assert status["records"]["ACKNOWLEDGED"] == 10 and status["undelivered"] == 0
    text = run([*rekam, "sync", "status"], env=base).stdout
    assert "ACKNOWLEDGED 10" in text
    stats = json.loads(
        run([*receiver, "stats", "--data-dir", str(recv_dir), "--json"], env=base).stdout
    )
    assert stats["packets"] == 10 and stats["batches_imported"] == 1


def test_delivery_settings_listed_checked_and_admin_only(tmp_path: Path) -> None:
    station_dir = tmp_path / "station"
    make_station(station_dir).close()
    base = dict(os.environ, REKAM_DATA_DIR=str(station_dir))
    rekam = [sys.executable, "-m", "station"]

    def as_(user: tuple[str, str]) -> dict:
        return dict(base, REKAM_OPERATOR=user[0], REKAM_PASSWORD=user[1])

    listed = json.loads(run([*rekam, "sync", "settings", "--json"], env=base).stdout)
    assert {r["key"]: r["value"] for r in listed} == {
        "sync.batch_size": "100", "sync.retention_days": "7"}

    run([*rekam, "sync", "set", "sync.retention_days", "14"], env=as_(ADMIN))
    listed = json.loads(run([*rekam, "sync", "settings", "--json"], env=base).stdout)
    assert {r["key"]: r["value"] for r in listed}["sync.retention_days"] == "14"

    out_of_range = run([*rekam, "sync", "set", "sync.retention_days", "99999"], env=as_(ADMIN),
                       ok=False)
    assert "SYNC_SETTING_INVALID" in out_of_range.stderr and "0..3650" in out_of_range.stderr
    unknown = run([*rekam, "sync", "set", "sync.server_url", "http://x"], env=as_(ADMIN),
                  ok=False)
    assert unknown.returncode == 2 and "sync.retention_days" in unknown.stderr
    refused = run([*rekam, "sync", "set", "sync.batch_size", "50"], env=as_(SUPERVISOR),
                  ok=False)
    assert "NOT_PERMITTED" in refused.stderr and "Ask admin" in refused.stderr
    listed = json.loads(run([*rekam, "sync", "settings", "--json"], env=base).stdout)
    assert {r["key"]: r["value"] for r in listed} == {
        "sync.batch_size": "100", "sync.retention_days": "14"}
