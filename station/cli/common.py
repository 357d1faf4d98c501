"""What every command shares: settings from global options, JSON output, passwords, errors."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from station.cli.options import print_json  # noqa: F401 (the commands' one JSON printer)

if TYPE_CHECKING:
    from station.config import Settings

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
    from station.config import load_settings  # pydantic-settings: not on the GUI's start-up path

    return load_settings(data_dir=getattr(args, "data_dir", None))


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
    """Nothing to add: --operator is a global option of every command (station/cli/main.py).
    Kept so that commands written before that still import; new code need not call it."""
