"""Delivery commands: `rekam seal`, `rekam sync run|status`, `rekam export`, `rekam receipts
import`, `rekam station-key --export`, `rekam provision`.

Signing in (--operator / REKAM_OPERATOR, password from REKAM_PASSWORD or a prompt) is needed to
seal (supervisor), export and import receipts (admin) and provision (admin); uploading and the
status need no sign-in because they read nothing personal.
"""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
from pathlib import Path

from station.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    CliError,
    Handler,
    print_json,
)
from station.cli.init import open_cli_station, signed_in
from station.cli.options import declare_json
from station.domain import Permission, RuleViolation


def sync_errors(handler: Handler) -> Handler:
    """Sync failures and service refusals (anything carrying a coded Problem) become one clear
    line and exit 1."""

    @functools.wraps(handler)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except RuleViolation as exc:
            lines = "; ".join(str(p) for p in exc.problems)
            raise CliError(lines, EXIT_FAIL) from None
        except Exception as exc:
            problem = getattr(exc, "problem", None)
            if problem is None:
                raise
            raise CliError(f"[{problem.code}] {problem.message_id} / {problem.message_en}",
                           EXIT_FAIL) from None

    return wrapper


def _read_file(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CliError(f"{what} tidak ditemukan / {what} not found: {path}", EXIT_INPUT) from None
    except OSError as exc:
        raise CliError(f"tidak dapat membaca / cannot read {path}: {exc.strerror}",
                       EXIT_INPUT) from None


def _service(station):  # noqa: ANN001, ANN202
    from station.services.sync import SyncService

    return SyncService(station)


@sync_errors
def run_seal(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.SEAL) as station:
        report = _service(station).seal()
    if args.json:
        print_json(report.as_dict())
    else:
        print(f"disegel / sealed: {len(report.sealed)}")
        for record_id, problem in report.failed.items():
            print(f"  gagal / failed {record_id}: {problem}")
    return EXIT_OK if not report.failed else EXIT_FAIL


def _print_report(state, as_json: bool) -> None:  # noqa: ANN001
    report = state.last_report
    if as_json:
        doc = state.as_dict()
        doc["last_report"] = report.as_dict() if report else None
        print_json(doc)
        return
    if report is not None:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "-"
        print(f"diterima server / acknowledged: {report.acknowledged + report.recovered} "
              f"({outcomes}); ditolak per paket / refused packets: {len(report.failed)}")
        for pid, code in report.failed.items():
            print(f"  {pid}: {code}")
    if state.last_error is not None:
        p = state.last_error.problem
        print(f"gagal / failed [{p.code}]: {p.message_id} / {p.message_en}", file=sys.stderr)


@sync_errors
def run_sync_run(args: argparse.Namespace) -> int:
    from sync.uploader import Backoff

    with open_cli_station(args) as station:
        service = _service(station)
        service.endpoint()  # not provisioned -> a clear error now, not in the loop
        if args.once:
            state = service.run_once()
            _print_report(state, args.json)
            failed = state.last_error is not None or bool(state.last_report.failed)
            return EXIT_FAIL if failed else EXIT_OK
        stop = threading.Event()

        def _stop(_sig: int, _frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)

        def on_change(state) -> None:  # noqa: ANN001
            _print_report(state, args.json)
            sys.stdout.flush()

        service.start_background(idle_interval=args.interval,
                                 backoff=Backoff(base=args.backoff_base), on_change=on_change)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        service.stop_background()
    return EXIT_OK


@sync_errors
def run_sync_status(args: argparse.Namespace) -> int:
    with open_cli_station(args) as station:
        status = _service(station).status()
    if args.json:
        print_json(status)
        return EXIT_OK
    server = status["server"]
    print(f"stasiun / station: {status['station_id']}")
    if server is None:
        print("server: belum diprovisi / not provisioned (rekam provision ...)")
    else:
        print(f"server: {server['url']}  kunci / key {server['server_key_id']}"
              f"{'  TLS pinned' if server['tls_pinned'] else ''}")
    print("rekaman / records: " + ", ".join(f"{k} {v}" for k, v in status["records"].items() if v))
    print(f"belum terkirim / undelivered: {status['undelivered']}")
    last = status["last_run"]
    if last:
        print(f"percobaan terakhir / last attempt: {last.get('last_attempt')}  "
              f"berhasil terakhir / last success: {last.get('last_success')}")
        if last.get("last_error"):
            e = last["last_error"]
            print(f"galat terakhir / last error [{e['code']}]: {e['message']} / {e['message_en']}")
    for err in status["delivery_errors"]:
        print(f"  paket / packet {err['packet_id']} ({err['attempts']}x): {err['error']}")
    return EXIT_OK


@sync_errors
def run_export(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.EXPORT) as station:
        result = _service(station).export(Path(args.to), include_exported=args.all)
    if args.json:
        print_json(result.as_dict())
    elif not result.files:
        print("tidak ada paket untuk diekspor / nothing to export")
    else:
        print(f"{result.packets} paket / packets:")
        for _, path in result.files:
            print(f"  -> {path}")
    return EXIT_OK


@sync_errors
def run_receipts_import(args: argparse.Namespace) -> int:
    data = _read_file(args.file, "berkas tanda terima / receipt file")
    with signed_in(args, Permission.EXPORT) as station:
        result = _service(station).import_receipts(data)
    if args.json:
        print_json(result.as_dict())
    else:
        print(f"diterapkan / applied: {result.applied}; sudah sebelumnya / already applied: "
              f"{result.already}; paket tak dikenal / unknown packets: {len(result.unknown)}")
    return EXIT_OK


@sync_errors
def run_station_key(args: argparse.Namespace) -> int:
    from sync.batch import write_atomic

    with open_cli_station(args) as station:
        key = _service(station).station_public_key()
    out = Path(args.export)
    write_atomic(out.resolve().parent, out.name, key.to_json())
    print(f"kunci publik stasiun / station public key {key.station_id} ({key.key_id}) -> {out}")
    return EXIT_OK


@sync_errors
def run_provision(args: argparse.Namespace) -> int:
    server_key = _read_file(args.server_key, "kunci server / server key")
    cert = _read_file(args.tls_cert, "sertifikat TLS / TLS certificate") if args.tls_cert else None
    with signed_in(args, Permission.SETTINGS) as station:
        key = _service(station).provision(args.server_url, server_key, cert)
    print(f"server {args.server_url} kunci / key {key.key_id.hex()} ({key.kem.name})"
          f"{' TLS pinned' if cert else ''}")
    return EXIT_OK


@sync_errors
def run_sync_settings(args: argparse.Namespace) -> int:
    from station.services.sync import TUNABLE, check_tunable

    with open_cli_station(args) as station:
        rows = []
        for key, (default, low, high, meaning) in TUNABLE.items():
            raw = station.config_store.get(key)
            rows.append({"key": key, "value": raw if raw else str(default), "default": default,
                         "min": low, "max": high, "meaning": meaning,
                         "valid": _valid(check_tunable, key, raw)})
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            flag = "" if row["valid"] else "  << TIDAK SAH / INVALID"
            print(f"{row['key']:<22} {row['value']:>6}  ({row['min']}..{row['max']}, "
                  f"default {row['default']})  {row['meaning']}{flag}")
    return EXIT_OK


def _valid(check, key: str, raw: str | None) -> bool:  # noqa: ANN001
    try:
        check(key, raw)
    except Exception:  # the coded SyncError: reported as invalid in the listing
        return False
    return True


@sync_errors
def run_sync_set(args: argparse.Namespace) -> int:
    from station.services.sync import TUNABLE, check_tunable

    if args.key not in TUNABLE:
        raise CliError(f"pengaturan tidak dikenal / unknown setting {args.key!r}; "
                       f"pilih / choose: {', '.join(TUNABLE)}", EXIT_INPUT)
    value = check_tunable(args.key, args.value)  # refuses out-of-range values before writing
    with signed_in(args, Permission.SETTINGS) as station:
        station.config_store.set(args.key, f"{value:g}")
    print(f"{args.key} = {value:g}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("seal", help="seal every APPROVED record into a signed, encrypted packet")
    declare_json(p)
    p.set_defaults(handler=run_seal)

    sync = sub.add_parser("sync", help="deliver sealed packets to the receiver")
    ssub = sync.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    p = ssub.add_parser("run", help="upload in the background until stopped (--once: one pass)")
    p.add_argument("--once", action="store_true", help="one delivery pass, then exit")
    p.add_argument("--interval", type=float, default=30.0,
                   help="seconds between passes when the outbox is empty (default 30)")
    p.add_argument("--backoff-base", type=float, default=2.0,
                   help="first backoff ceiling in seconds after a failure (default 2, cap 300)")
    declare_json(p)
    p.set_defaults(handler=run_sync_run)
    p = ssub.add_parser("status", help="queue by status, delivery errors, last attempt")
    declare_json(p)
    p.set_defaults(handler=run_sync_status)
    p = ssub.add_parser("settings", help="delivery settings an admin may tune, with their ranges")
    declare_json(p)
    p.set_defaults(handler=run_sync_settings)
    p = ssub.add_parser("set", help="change a delivery setting (admin): KEY VALUE")
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=run_sync_set)

    p = sub.add_parser("export", help="write sealed packets to removable media as a batch file")
    p.add_argument("--to", required=True, metavar="DIR")
    p.add_argument("--all", action="store_true",
                   help="also packets already exported or uploaded but not yet acknowledged")
    declare_json(p)
    p.set_defaults(handler=run_export)

    rec = sub.add_parser("receipts", help="receipts carried back from the receiver")
    rsub = rec.add_subparsers(dest="receipts_command", required=True, metavar="ACTION")
    p = rsub.add_parser("import", help="verify and apply a receipt file")
    p.add_argument("file", metavar="FILE")
    declare_json(p)
    p.set_defaults(handler=run_receipts_import)

    p = sub.add_parser("station-key", help="export the station's public key for registration")
    p.add_argument("--export", required=True, metavar="FILE")
    p.set_defaults(handler=run_station_key)

    p = sub.add_parser("provision", help="point this station at a receiver (admin)")
    p.add_argument("--server-url", required=True)
    p.add_argument("--server-key", required=True, metavar="FILE",
                   help="the receiver's public key file (rekam-receiver server-key --export)")
    p.add_argument("--tls-cert", metavar="FILE",
                   help="PEM certificate the server's TLS certificate must match (or its CA)")
    p.set_defaults(handler=run_provision)
