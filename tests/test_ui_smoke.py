"""`rekam --smoke-test`: the real program, offscreen, signs in and opens the enrollment page."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from station.app import DemoCredential
from station.config import load_settings
from tests.ui_helpers import open_demo
from ui import app as ui_app


def _rekam() -> list[str]:
    script = Path(sys.executable).with_name("rekam")
    return [str(script)] if script.exists() else [sys.executable, "-m", "station"]


def test_rekam_smoke_test_exits_0_after_signing_in_and_opening_enrollment(tmp_path):
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the smoke test itself must choose offscreen
    env["HOME"] = str(tmp_path)  # nothing written to a real home directory
    done = subprocess.run(
        [*_rekam(), "--smoke-test"], capture_output=True, text=True, timeout=120, env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "smoke: installation complete: 5 drivers, region tables, Haar cascades, WSQ child "
        "process, NFIQ 2",
        "smoke: signed in as operator (operator); page 'enrollment' is open",
        "smoke test OK: signed in and opened the enrollment page",
    ]
    assert "Traceback" not in done.stderr
    # The demo station lived in a temporary directory: nothing in the user's data directory.
    assert not (tmp_path / ".local" / "share" / "Rekam").exists()


def test_smoke_test_fails_with_the_refusal_when_the_credential_is_wrong(tmp_path, qapp, capsys):
    station, _ = open_demo(tmp_path / "station")
    try:
        bad = [DemoCredential("operator", "not-the-password", "operator")]
        code = ui_app.run_gui(station, demo_credentials=bad, smoke_test=True)
    finally:
        station.close()
    err = capsys.readouterr().err
    assert code == 1
    assert "smoke test: sign-in refused: Nama pengguna atau kata sandi salah. Sisa percobaan: 4." \
        in err


def test_smoke_test_without_credentials_fails_at_once(tmp_path, qapp, capsys):
    station, _ = open_demo(tmp_path / "station")
    try:
        assert ui_app.run_gui(station, demo_credentials=[], smoke_test=True) == 1
    finally:
        station.close()
    assert "smoke test: no demo credential to sign in with" in capsys.readouterr().err


@dataclass
class _Hung:
    release: threading.Event

    def sign_in(self, username: str, password: str) -> object:
        self.release.wait(30)
        raise TimeoutError("released by the test")

    def sign_out(self) -> None:
        pass

    def lock(self) -> None:
        pass

    def unlock(self, password: str) -> object:
        raise AssertionError("not used")


class _HungStation:
    def __init__(self, tmp_path: Path) -> None:
        self.settings = load_settings(data_dir=tmp_path / "hung")
        self.auth = _Hung(threading.Event())
        self.station_id = "HUNG-01"
        self.region_code = "35.05"


def test_the_watchdog_ends_a_smoke_test_that_never_signs_in(
    tmp_path, qapp, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ui_app, "SMOKE_TIMEOUT_S", 1.0)
    station = _HungStation(tmp_path)
    releaser = threading.Timer(2.0, station.auth.release.set)  # so the worker thread ends
    releaser.start()
    try:
        code = ui_app.run_gui(
            station, demo_credentials=[DemoCredential("operator", "x", "operator")],
            smoke_test=True,
        )
    finally:
        releaser.cancel()
        station.auth.release.set()
    assert code == 1
    assert "smoke test: timed out after 1 s on page 'signin'" in capsys.readouterr().err


class _Broken(_Hung):
    def sign_in(self, username: str, password: str) -> object:
        return object()  # no .operator: the window's slot raises AttributeError


def test_an_exception_in_the_window_fails_the_smoke_test_with_its_reason(tmp_path, qapp, capsys):
    station = _HungStation(tmp_path)
    station.auth = _Broken(threading.Event())
    code = ui_app.run_gui(
        station, demo_credentials=[DemoCredential("operator", "x", "operator")], smoke_test=True
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "smoke test: unhandled AttributeError: 'object' object has no attribute 'operator'" \
        in err
