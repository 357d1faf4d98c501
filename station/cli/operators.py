"""`rekam operators add|list|lock|unlock|passwd` (admin; passwd also for one's own password)."""

from __future__ import annotations

import argparse
import os

from station.cli.common import EXIT_OK, read_password
from station.cli.init import cli_errors, signed_in
from station.cli.options import Page, add_paging, emit_page
from station.domain import Permission, Role


def _new_password(username: str) -> str:
    """REKAM_NEW_PASSWORD for scripts, else a confirmed prompt."""
    env = os.environ.get("REKAM_NEW_PASSWORD")
    if env:
        return env
    saved = os.environ.pop("REKAM_PASSWORD", None)  # never reuse the signing-in password
    try:
        return read_password(f"Kata sandi baru untuk {username} / new password for {username}: ",
                             confirm=True)
    finally:
        if saved is not None:
            os.environ["REKAM_PASSWORD"] = saved


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("operators", help="manage operators (admin)")
    actions = p.add_subparsers(dest="operators_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an operator (new password: REKAM_NEW_PASSWORD "
                             "or a prompt)")
    add.add_argument("username")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OPERATOR.value)
    add.add_argument("--name", default="", help="display name")
    add.set_defaults(handler=run_add)

    ls = actions.add_parser("list", help="list operators")
    add_paging(ls)
    ls.set_defaults(handler=run_list)

    rec = actions.add_parser(
        "recover", help="IT staff: set a new password with the station's recovery code "
        "(REKAM_RECOVERY_CODE or a prompt; new password: REKAM_NEW_PASSWORD or a prompt)")
    rec.add_argument("username")
    rec.set_defaults(handler=run_recover)

    for name, handler, text in (("lock", run_lock, "lock an operator's account"),
                                ("unlock", run_unlock, "unlock an account (also ends a lockout)"),
                                ("passwd", run_passwd, "set a new password (rewraps one slot)")):
        a = actions.add_parser(name, help=text)
        a.add_argument("username")
        a.set_defaults(handler=handler)


@cli_errors
def run_add(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.MANAGE_OPERATORS) as station:
        info = station.operators.add(args.username, args.name, Role(args.role),
                                     _new_password(args.username))
        print(f"Operator {info.username} ({info.role.value}) ditambahkan / added.")
    return EXIT_OK


@cli_errors
def run_list(args: argparse.Namespace) -> int:
    with signed_in(args) as station:
        ops = station.operators.list()
    emit_page(Page.of(ops, args.offset, args.limit), as_json=args.json, key="operators",
              render_json=lambda o: o.model_dump(mode="json"), render_line=_operator_line,
              empty="Tidak ada operator / no operators.")
    return EXIT_OK


def _operator_line(o) -> str:  # noqa: ANN001 (an OperatorInfo)
    state = "TERKUNCI/LOCKED" if o.locked else "aktif/active"
    return f"{o.username:<20} {o.role.value:<11} {state:<15} {o.display_name}"


@cli_errors
def run_recover(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from station.cli.common import EXIT_INPUT, CliError
    from station.cli.init import open_cli_station

    code = os.environ.get("REKAM_RECOVERY_CODE")
    if not code:
        if not sys.stdin.isatty():
            raise CliError("Kode pemulihan diperlukan: REKAM_RECOVERY_CODE / the recovery code "
                           "is needed: REKAM_RECOVERY_CODE", EXIT_INPUT)
        code = getpass.getpass("Kode pemulihan / recovery code: ")
    with open_cli_station(args) as station:
        station.recover(code, args.username, _new_password(args.username))
    print(f"Kata sandi {args.username} diganti dengan kode pemulihan / password reset with the "
          "recovery code.")
    return EXIT_OK


@cli_errors
def run_lock(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.MANAGE_OPERATORS) as station:
        station.operators.lock(args.username)
    print(f"Akun {args.username} dikunci / locked.")
    return EXIT_OK


@cli_errors
def run_unlock(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.MANAGE_OPERATORS) as station:
        station.operators.unlock(args.username)
    print(f"Akun {args.username} dibuka / unlocked.")
    return EXIT_OK


@cli_errors
def run_passwd(args: argparse.Namespace) -> int:
    with signed_in(args) as station:
        own = station.auth.current.username == args.username.strip().lower()
        old = os.environ.get("REKAM_PASSWORD") if own else None
        station.operators.change_password(args.username, _new_password(args.username), old)
    print(f"Kata sandi {args.username} diganti / password changed.")
    return EXIT_OK
