"""Entry point of `rekam`.

rekam                    launch the station GUI
rekam demo               provision a demo station on first run, then launch it
rekam --smoke-test       start the GUI offscreen in demo mode, sign in, open enrollment, exit
rekam COMMAND ...        see `rekam --help`
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from station import __version__
from station.cli.common import EXIT_FAIL, EXIT_INPUT, CliError

log = logging.getLogger(__name__)

# Command groups, each a module with register(subparsers). Order is the order in --help:
# the GUI, then a record's journey (set up, enroll, review, deliver), then tools.
COMMAND_MODULES = [
    "station.cli.gui",
    "station.cli.init",
    "station.cli.operators",
    "station.cli.enroll",
    "station.cli.records",
    "station.cli.sync",
    "station.cli.audit",
    "station.cli.devices",
    "station.cli.quality",
    "station.cli.verify",
    "station.cli.nik",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rekam",
        description="Rekam - stasiun perekaman KTP-el / KTP-el recording station",
    )
    parser.add_argument("--version", action="version", version=f"rekam {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where the station keeps its data (default: REKAM_DATA_DIR or the user data dir)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start the GUI offscreen in demo mode on a temporary data dir, sign in, open "
        "the enrollment page and exit (0 = all well)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.smoke_test:
        from station.cli.gui import run_smoke_test

        handler = run_smoke_test
    elif args.command is None:
        from station.cli.gui import run_gui

        handler = run_gui
    else:
        handler = args.handler
    try:
        return handler(args)
    except CliError as exc:
        print(f"rekam: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("rekam: dibatalkan / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`rekam ... | head`): not an error of ours; stay quiet.
        sys.stdout = None  # type: ignore[assignment]  # no flush of the dead pipe at exit
        return 0
    except FileNotFoundError as exc:
        print(f"rekam: berkas tidak ditemukan / file not found: {exc.filename}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # the last line of defence: a clear line, the traceback in the log
        log.exception("command %s failed", args.command)
        print(
            f"rekam: kesalahan tak terduga / unexpected error: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
