"""`rekam-receiver`: the reference collection server.

    rekam-receiver init --data-dir D [--suite mlkem768-x25519|x25519]
    rekam-receiver server-key --data-dir D --export FILE
    rekam-receiver stations add --data-dir D --key FILE [--replace] [--db URL]
    rekam-receiver stations list --data-dir D [--db URL] [--json] [--limit N] [--offset N]
    rekam-receiver serve --data-dir D --host 127.0.0.1 --port P [--db URL]
                         [--tls-cert C --tls-key K]
    rekam-receiver import BATCH --receipt-out FILE --data-dir D [--db URL]
    rekam-receiver stats --data-dir D [--db URL] [--json]

--data-dir, --db and --json are global options: they go before or after the command.

The data directory defaults to REKAM_RECEIVER_DATA_DIR or ./receiver-data; the database to
SQLite in the data directory, or any SQLAlchemy URL (postgresql+psycopg://...) with --db or
REKAM_RECEIVER_DB.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from station.cli.options import (
    CommandParser,
    GlobalOption,
    Page,
    add_paging,
    declare_json,
    emit_page,
)
from sync.batch import write_atomic
from sync.errors import SyncError
from sync.keys import DEFAULT_SUITE, SUITE_NAMES, ServerKeyPair, StationPublicKey
from sync.receiver.service import KEYS_FILE, Receiver, load_keys

log = logging.getLogger("rekam.receiver")


class _Fail(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(
        args.data_dir or os.environ.get("REKAM_RECEIVER_DATA_DIR") or "receiver-data"
    ).resolve()


def _receiver(args: argparse.Namespace) -> Receiver:
    return Receiver.open(_data_dir(args), args.db or os.environ.get("REKAM_RECEIVER_DB"))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _Fail(f"berkas tidak ditemukan / file not found: {path}", 2) from None
    except OSError as exc:
        raise _Fail(f"tidak dapat membaca / cannot read {path}: {exc.strerror}", 2) from None


def cmd_init(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEYS_FILE
    if path.exists():
        raise _Fail(
            f"kunci server sudah ada di {path}; tidak ditimpa / server keys already exist at "
            f"{path}; not overwritten",
        )
    keys = ServerKeyPair.generate(args.suite)
    keys.save(path)
    print(f"server key {keys.public().key_id.hex()} ({keys.kem.name}) -> {path}")
    return 0


def cmd_server_key(args: argparse.Namespace) -> int:
    keys = load_keys(_data_dir(args))
    out = Path(args.export)
    write_atomic(out.resolve().parent, out.name, keys.public().to_json())
    print(f"server public key {keys.public().key_id.hex()} -> {out}")
    return 0


def cmd_stations_add(args: argparse.Namespace) -> int:
    key = StationPublicKey.from_json(_read(Path(args.key)))
    receiver = _receiver(args)
    try:
        changed = receiver.add_station(key, replace=args.replace)
    finally:
        receiver.close()
    state = "registered" if changed else "already registered"
    print(f"station {key.station_id} ({key.key_id}) {state}")
    return 0


def cmd_stations_list(args: argparse.Namespace) -> int:
    receiver = _receiver(args)
    try:
        rows = [{"station_id": s.station_id, "key_id": s.key_id} for s in receiver.stations()]
    finally:
        receiver.close()
    emit_page(Page.of(rows, args.offset, args.limit), as_json=args.json, key="stations",
              render_json=lambda r: r, render_line=lambda r: f"{r['station_id']}\t{r['key_id']}",
              empty="Belum ada stasiun terdaftar / no stations registered.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from sync.receiver.server import serve

    if bool(args.tls_cert) != bool(args.tls_key):
        raise _Fail(
            "--tls-cert dan --tls-key harus bersama / --tls-cert and --tls-key go together", 2
        )
    receiver = _receiver(args)
    try:
        serve(receiver, args.host, args.port, certfile=args.tls_cert, keyfile=args.tls_key)
    finally:
        receiver.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from sync.batch import check_file_size

    path = Path(args.batch)
    if path.is_file():
        check_file_size(path.stat().st_size)
    data = _read(path)
    receiver = _receiver(args)
    try:
        result = receiver.import_batch(data)
    finally:
        receiver.close()
    out = Path(args.receipt_out)
    write_atomic(out.resolve().parent, out.name, result.receipt_file)
    summary = {
        "batch_id": result.batch_id,
        "station_id": result.station_id,
        "packets": result.packets,
        "new": result.new,
        "already_imported": result.already_imported,
        "outcomes": result.outcomes,
        "receipt_file": str(out),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        again = " (sudah pernah diimpor / already imported)" if result.already_imported else ""
        print(
            f"batch {result.batch_id}: {result.packets} packets, {result.new} new{again}; "
            f"receipts -> {out}"
        )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    receiver = _receiver(args)
    try:
        stats = receiver.stats()
    finally:
        receiver.close()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        print(
            f"packets stored: {stats['packets']}  duplicates seen: {stats['duplicates_seen']}  "
            f"batches imported: {stats['batches_imported']}"
        )
        for station, st in sorted(stats["per_station"].items()):
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(st["outcomes"].items()))
            print(
                f"  {station}: {st['packets']} packets ({outcomes}), "
                f"{st['duplicates_seen']} duplicates seen"
            )
    return 0


GLOBAL_OPTIONS = [
    GlobalOption("--data-dir", help="receiver data directory (keys, SQLite database; default: "
                 "REKAM_RECEIVER_DATA_DIR or ./receiver-data)"),
    GlobalOption("--db", help="SQLAlchemy database URL (default: REKAM_RECEIVER_DB or SQLite in "
                 "the data dir)"),
    GlobalOption("--json", action="store_true", help="print JSON (commands a script reads)"),
]


def build_parser() -> CommandParser:
    """Global options go before or after the command (station/cli/options.py explains how a
    command registers: add_parser plus its own arguments, declare_json if it prints JSON)."""
    parser = CommandParser(
        prog="rekam-receiver", description="Rekam reference collection server",
        global_options=GLOBAL_OPTIONS,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the server keys")
    p.add_argument("--suite", choices=sorted(SUITE_NAMES), default=DEFAULT_SUITE)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("server-key", help="export the public key for stations")
    p.add_argument("--export", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_server_key)

    st = sub.add_parser("stations", help="registered stations").add_subparsers(
        dest="stations_command", required=True, metavar="ACTION"
    )
    p = st.add_parser("add", help="register a station public key file")
    p.add_argument("--key", required=True, metavar="FILE")
    p.add_argument("--replace", action="store_true", help="replace the key of a known station")
    p.set_defaults(handler=cmd_stations_add)
    p = st.add_parser("list", help="registered stations and their key ids")
    add_paging(p)
    p.set_defaults(handler=cmd_stations_list)

    p = sub.add_parser("serve", help="serve the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--tls-cert", type=Path)
    p.add_argument("--tls-key", type=Path)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("import", help="import a batch file from media")
    p.add_argument("batch", metavar="BATCH")
    p.add_argument("--receipt-out", required=True, metavar="FILE")
    declare_json(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("stats", help="packets stored, per station, duplicates")
    declare_json(p)
    p.set_defaults(handler=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return args.handler(args)
    except _Fail as exc:
        print(f"rekam-receiver: {exc}", file=sys.stderr)
        return exc.code
    except SyncError as exc:
        print(f"rekam-receiver: {exc.problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
