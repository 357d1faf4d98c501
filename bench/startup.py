"""Start-up: from a cold process to the sign-in window, interactive.

Both figures are measured from just before the process is started (interpreter start-up
included) to the moment a window is exposed, the event loop has come round once and the focus
is in the user-name field; see bench/_startup_probe.py. Each run is a fresh process; the runs
of the program and of the floor alternate so that both see the same machine load.

Floor, measured in the same run: a bare PySide6 window (a label, a line edit, a button) shown
from a fresh interpreter, i.e. Python + Qt start-up and nothing of ours.

Target (issue 13): the sign-in window interactive within 500 ms and at most 3x the floor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import Result

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 500.0
TARGET_RATIO = 3.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def time_to_interactive(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from process start to interactive, and the name of the focused line edit."""
    start = time.clock_gettime(time.CLOCK_MONOTONIC)
    proc = subprocess.run(
        [sys.executable, "-m", "bench._startup_probe", *argv],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("ready ")), None)
    if line is None:
        raise RuntimeError(
            f"start-up probe {argv[0]} did not report (exit {proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    _ready, at, focus, _loaded = line.split()
    return float(at) - start, focus


def _demo_station(data_dir: Path) -> None:
    from station.app import provision_demo
    from station.config import load_settings
    from storage import vault

    provision_demo(load_settings(data_dir=data_dir, demo=True), kdf=vault.KDF_PROFILES["fast"])


def run(quick: bool) -> list[Result]:
    runs = 5 if quick else 9
    env = _env()
    with tempfile.TemporaryDirectory(prefix="rekam-bench-start-") as tmp:
        data_dir = Path(tmp) / "station"
        _demo_station(data_dir)
        rekam_argv = ["rekam", "--data-dir", str(data_dir)]
        # One untimed start of each warms the file cache, as on a laptop that ran it before.
        time_to_interactive(["bare"], env)
        time_to_interactive(rekam_argv, env)
        bare, app, focus = [], [], set()
        for _ in range(runs):
            bare.append(time_to_interactive(["bare"], env)[0])
            seconds, focused = time_to_interactive(rekam_argv, env)
            app.append(seconds)
            focus.add(focused)
    value = statistics.median(app) * 1000
    floor = statistics.median(bare) * 1000
    ok = value <= TARGET_MS and value / floor <= TARGET_RATIO and focus == {"username"}
    return [Result(
        name="startup.signin_interactive", unit="ms", value=value, floor=floor,
        target=f"<= {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x a bare PySide6 window",
        ok=ok,
        note=f"median of {runs} cold processes each; focus in {', '.join(sorted(focus))}; "
        f"range {min(app) * 1000:.0f}-{max(app) * 1000:.0f} ms",
    )]
