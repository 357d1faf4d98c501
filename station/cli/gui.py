"""Launching the GUI: `rekam`, `rekam demo` and `rekam --smoke-test`.

This is the one place the core reaches up into `ui` (import-linter allows exactly this), because
the command line is where a person starts the desktop application.

The sign-in window comes first and the station after it: `ui.app.launch` shows the window, then
runs `StationOpener.open` on its worker thread (settings, logging, the database and its
migrations, the demo provisioning, the sync service). So nothing heavy is imported here at the
top, and `launch` gets the language from the environment the same way `Settings` will
(`early_locale`), without loading pydantic-settings first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from station.cli.common import EXIT_FAIL, settings_from
from station.logsetup import hold_until_configured


def early_locale(environ: dict[str, str] | None = None) -> str:
    """`Settings().locale` as the environment sets it (REKAM_LOCALE, any case; default "id"),
    read without pydantic-settings. tests/test_startup.py checks that the two agree."""
    env = os.environ if environ is None else environ
    found = [v for k, v in env.items() if k.upper() == "REKAM_LOCALE"]
    return found[-1] if found else "id"


class StationOpener:
    """Opens the station for the GUI on its worker thread: `open()` -> (station, sync service,
    demo credentials)."""

    def __init__(self, args: argparse.Namespace, *, demo: bool = False,
                 data_dir: Path | None = None, announce: bool = False):
        self.args = args
        self.demo = demo
        self.data_dir = data_dir
        self.announce = announce  # `rekam demo` prints the demo accounts on the terminal

    def open(self) -> tuple[object, object, list[object]]:
        from station.app import open_station, provision_demo
        from station.config import load_settings
        from station.logsetup import configure_logging
        from station.services.sync import SyncService

        if self.data_dir is not None:
            settings = load_settings(data_dir=self.data_dir, demo=self.demo)
        else:
            settings = settings_from(self.args)
            if self.demo:
                settings = settings.model_copy(update={"demo": True})
        configure_logging(settings.log_dir, settings.log_level)
        credentials: list[object] = []
        if self.demo:
            credentials = list(provision_demo(settings))
            if self.announce:
                print("Mode demo. Masuk sebagai / sign in as: " + ", ".join(
                    f"{c.username} / {c.password} ({c.role})" for c in credentials), flush=True)
        station = open_station(settings)
        return station, SyncService(station), credentials


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
    from ui.app import launch

    hold_until_configured()
    return launch(StationOpener(args).open, early_locale())


def run_demo(args: argparse.Namespace) -> int:
    from ui.app import launch

    hold_until_configured()
    return launch(StationOpener(args, demo=True, announce=True).open, early_locale())


def run_smoke_test(args: argparse.Namespace) -> int:
    """Check the installation is complete (station.selfcheck), then: GUI offscreen, demo station
    in a temporary data dir, sign in, open enrollment, exit."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the smoke test is headless by definition
    from station import selfcheck
    from ui.app import launch

    hold_until_configured()
    try:
        print(f"smoke: installation complete: {selfcheck.run()}", flush=True)
    except selfcheck.SelfCheckFailed as exc:
        print(f"smoke test: {exc}", file=sys.stderr)
        return EXIT_FAIL
    with tempfile.TemporaryDirectory(prefix="rekam-smoke-") as tmp:
        opener = StationOpener(args, demo=True, data_dir=Path(tmp))
        code = launch(opener.open, early_locale(), smoke_test=True)
    if code != 0:
        print(f"rekam: smoke test failed (exit {code})", file=sys.stderr)
        return code or EXIT_FAIL
    print("smoke test OK: signed in and opened the enrollment page")
    return 0
