"""What every command shares: settings from global options, JSON output, passwords, errors."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from station.config import Settings, load_settings

Handler = Callable[[argparse.Namespace], int]

EXIT_OK = 0
EXIT_FAIL = 1  # the command ran and the answer is "no" (invalid NIK, check failed ...)
EXIT_INPUT = 2  # unusable input (unreadable file, bad arguments)


class CliError(Exception):
    """A failure to report on stderr as one clear line, without a traceback."""

    def __init__(self, message: str, code: int = EXIT_FAIL):
        super().__init__(message)
        self.code = code


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(data_dir=getattr(args, "data_dir", None))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def read_password(prompt: str = "Kata sandi / password: ", *, confirm: bool = False) -> str:
    """REKAM_PASSWORD for scripts and tests, otherwise an interactive prompt (never echoed)."""
    env = os.environ.get("REKAM_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise CliError(
            "Kata sandi diperlukan: jalankan di terminal atau isi REKAM_PASSWORD / "
            "a password is needed: run in a terminal or set REKAM_PASSWORD",
            EXIT_INPUT,
        )
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("Ulangi / repeat: ") != password:
        raise CliError("Kata sandi tidak sama / the passwords differ", EXIT_INPUT)
    return password


def add_operator_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator",
        default=os.environ.get("REKAM_OPERATOR"),
        help="operator who signs in for this command (default: REKAM_OPERATOR)",
    )
