"""`rekam init`: provision a station. Also the helpers the store's commands share (open the
station, sign the operator in, turn service refusals into one clear line)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from station.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    CliError,
    Handler,
    print_json,
    read_password,
    settings_from,
)
from station.cli.options import declare_json
from station.domain import Permission, RuleViolation
from station.services.errors import NotProvisioned, ServiceError

KDF_CHOICES = ("default", "fast")


def cli_errors(handler: Handler) -> Handler:
    """Service refusals and rule violations become one clear line and exit 1."""

    @functools.wraps(handler)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except ServiceError as exc:
            raise CliError(f"[{exc.code}] {exc}", EXIT_FAIL) from None
        except RuleViolation as exc:
            lines = "\n".join(f"  - [{p.code}] {p.message_id} / {p.message_en}"
                              for p in exc.problems)
            raise CliError(f"data tidak sah / invalid data:\n{lines}", EXIT_FAIL) from None

    return wrapper


@contextmanager
def open_cli_station(args: argparse.Namespace, *, must_be_provisioned: bool = True) -> Iterator:
    from station.app import open_station
    from station.logsetup import configure_logging

    settings = settings_from(args)
    configure_logging(settings.log_dir, settings.log_level)
    station = open_station(settings)
    try:
        if must_be_provisioned and not station.is_provisioned():
            raise NotProvisioned()
        yield station
    finally:
        station.close()


def operator_name(args: argparse.Namespace) -> str:
    name = getattr(args, "operator", None) or os.environ.get("REKAM_OPERATOR")
    if not name:
        raise CliError("Sebutkan operator: --operator NAMA atau REKAM_OPERATOR / "
                       "name the operator: --operator NAME or REKAM_OPERATOR", EXIT_INPUT)
    return name


@contextmanager
def signed_in(args: argparse.Namespace, permission: Permission | None = None) -> Iterator:
    """The open station with --operator signed in (password from REKAM_PASSWORD or a prompt)."""
    with open_cli_station(args) as station:
        name = operator_name(args)
        station.auth.sign_in(name, read_password(f"Kata sandi {name} / password for {name}: "))
        if permission is not None:
            station.auth.require(permission)
        yield station


def add_json(parser: argparse.ArgumentParser) -> None:
    """The older name of `station.cli.options.declare_json` (--json itself is global)."""
    declare_json(parser)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help="provision this station: station key, identity, first admin, recovery code",
        description="Creates the station's keys and its first admin. The recovery code is "
        "printed ONCE: write it down and keep it away from the laptop. The admin's password "
        "comes from REKAM_PASSWORD or a prompt.",
    )
    p.add_argument("--station-id", required=True, help="e.g. BLT-WONOTIRTO-01")
    p.add_argument("--region", required=True,
                   help="regency code the station records in, e.g. 35.05")
    p.add_argument("--admin", required=True, help="username of the first admin")
    p.add_argument("--admin-name", default="", help="the admin's display name")
    p.add_argument(
        "--kdf", choices=KDF_CHOICES, default="default",
        help="password hashing cost: 'fast' is ONLY for automated tests (weak against guessing)",
    )
    declare_json(p)
    p.set_defaults(handler=run_init)


@cli_errors
def run_init(args: argparse.Namespace) -> int:
    from storage.vault import KDF_PROFILES

    with open_cli_station(args, must_be_provisioned=False) as station:
        password = read_password(f"Kata sandi baru untuk {args.admin} / new password for "
                                 f"{args.admin}: ", confirm=True)
        if args.kdf == "fast":
            print("PERINGATAN / WARNING: --kdf fast is for automated tests only; passwords on "
                  "this station are weak against guessing.", file=sys.stderr)
        code = station.provision(args.station_id, args.region, args.admin, password,
                                 args.admin_name, kdf=KDF_PROFILES[args.kdf])
        public = station.identity.public_key_bytes().hex()
        if args.json:
            print_json({"station_id": station.station_id, "region": station.region_code,
                        "admin": args.admin, "recovery_code": code, "public_key": public})
        else:
            print(f"Stasiun {station.station_id} siap / station ready (wilayah / region "
                  f"{station.region_code}, admin {args.admin}).")
            print(f"Kunci publik stasiun / station public key: {public}")
            print()
            print("KODE PEMULIHAN / RECOVERY CODE (ditampilkan sekali / shown only once):")
            print(f"    {code}")
            print("Catat dan simpan terpisah dari laptop ini. / Write it down and keep it away "
                  "from this laptop.")
    return EXIT_OK

