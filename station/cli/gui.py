"""Launching the GUI: `rekam`, `rekam demo` and `rekam --smoke-test`.

This is the one place the core reaches up into `ui` (import-linter allows exactly this), because
the command line is where a person starts the desktop application.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from station.cli.common import EXIT_FAIL, settings_from
from station.config import load_settings
from station.logsetup import configure_logging


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="provision a demo station on first run (demo operators, simulated devices) and "
        "launch it; `rekam demo seed --count N` adds synthetic records instead",
    )
    p.set_defaults(handler=run_demo)
    actions = p.add_subparsers(dest="demo_action", metavar="ACTION")
    seed = actions.add_parser(
        "seed", help="save N synthetic applicants with simulated biometrics through the real path"
    )
    seed.add_argument("--count", type=int, default=10)
    seed.add_argument("--seed", type=int, default=1, help="random seed (same seed, same people)")
    seed.set_defaults(handler=_run_seed)


def _run_seed(args: argparse.Namespace) -> int:
    from station.cli.seed import run_seed  # the store's command, kept beside the store's CLI

    return run_seed(args)


def run_gui(args: argparse.Namespace) -> int:
    from station.app import open_station
    from station.services.sync import SyncService
    from ui.app import run_gui as ui_run

    settings = settings_from(args)
    configure_logging(settings.log_dir, settings.log_level)
    station = open_station(settings)
    return ui_run(station, sync=SyncService(station))


def run_demo(args: argparse.Namespace) -> int:
    from station.app import open_station, provision_demo
    from station.services.sync import SyncService
    from ui.app import run_gui as ui_run

    settings = settings_from(args).model_copy(update={"demo": True})
    configure_logging(settings.log_dir, settings.log_level)
    credentials = provision_demo(settings)
    print(
        "Mode demo. Masuk sebagai / sign in as: "
        + ", ".join(f"{c.username} / {c.password} ({c.role})" for c in credentials),
        flush=True,
    )
    station = open_station(settings)
    return ui_run(station, demo_credentials=credentials, sync=SyncService(station))


def run_smoke_test(args: argparse.Namespace) -> int:
    """GUI offscreen, demo station in a temporary data dir, sign in, open enrollment, exit."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the smoke test is headless by definition
    from station.app import open_station, provision_demo
    from station.services.sync import SyncService
    from ui.app import run_gui as ui_run

    with tempfile.TemporaryDirectory(prefix="rekam-smoke-") as tmp:
        settings = load_settings(data_dir=Path(tmp), demo=True)
        configure_logging(settings.log_dir, settings.log_level)
        credentials = provision_demo(settings)
        station = open_station(settings)
        try:
            code = ui_run(
                station, demo_credentials=credentials, smoke_test=True, sync=SyncService(station)
            )
        finally:
            station.close()
    if code != 0:
        print(f"rekam: smoke test failed (exit {code})", file=sys.stderr)
        return code or EXIT_FAIL
    print("smoke test OK: signed in and opened the enrollment page")
    return 0
