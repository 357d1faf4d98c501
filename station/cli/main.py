"""Entry point of `rekam`.

rekam                    launch the station GUI
rekam demo               provision a demo station on first run, then launch it
rekam --smoke-test       start the GUI offscreen in demo mode, sign in, open enrollment, exit
rekam COMMAND ...        see `rekam --help`

Global options (`--data-dir`, `--json`, `--operator`) go before or after the command; see
station/cli/options.py. Starting the GUI (`rekam`, `rekam --smoke-test`) imports no command
module at all: the options are parsed by the top-level parser alone, so the sign-in window is
not kept waiting for the modules of commands nobody asked for.
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
from station.cli.options import CommandParser, GlobalOption

log = logging.getLogger(__name__)

GLOBAL_OPTIONS = [
    GlobalOption(
        "--data-dir", type=Path,
        help="where the station keeps its data (default: REKAM_DATA_DIR or the user data dir)",
    ),
    GlobalOption("--json", action="store_true",
                 help="print JSON (commands whose output a script reads)"),
    GlobalOption("--operator",
                 help="operator who signs in for this command (default: REKAM_OPERATOR)"),
]

# Command groups, each a module with register(subparsers). Order is the order in --help:
# the GUI, then a record's journey (set up, enroll, review, deliver), then tools.
# A new command: add `register(sub)` to its module (sub.add_parser(...) plus its own
# arguments; the global options come by themselves, `declare_json(p)` if it prints JSON) and
# list the module here. Keep the module's top-level imports light (the heavy ones inside the
# handler): `rekam --help` and every command import all of these.
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


def build_parser(*, with_commands: bool = True) -> CommandParser:
    parser = CommandParser(
        prog="rekam",
        description="Rekam - stasiun perekaman KTP-el / KTP-el recording station",
        global_options=GLOBAL_OPTIONS,
    )
    parser.add_argument("--version", action="version", version=f"rekam {__version__}")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start the GUI offscreen in demo mode on a temporary data dir, sign in, open "
        "the enrollment page and exit (0 = all well)",
    )
    if with_commands:
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(sub)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse `rekam` arguments; the command modules are imported only when a command is named."""
    if any(a in ("-h", "--help") for a in argv):
        return build_parser().parse_args(argv)  # the help lists every command
    top = build_parser(with_commands=False)
    _known, rest = top.parse_known_args(argv)
    parser = build_parser() if rest else top
    args = parser.parse_args(argv)
    args.__dict__.setdefault("command", None)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else list(argv))
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
