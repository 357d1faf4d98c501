"""`rekam audit verify` and `rekam audit log`."""

from __future__ import annotations

import argparse

from station.cli.common import EXIT_FAIL, EXIT_OK, add_operator_option, print_json
from station.cli.init import add_json, cli_errors, open_cli_station, signed_in


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="check or read the audit trail")
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    v = actions.add_parser("verify", help="check the hash chain and signed checkpoints; names "
                           "the first broken, missing or reordered entry (exit 1)")
    add_json(v)
    v.set_defaults(handler=run_verify)
    log = actions.add_parser("log", help="show the newest audit events (supervisor/admin)")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--record", help="only events of this record")
    add_operator_option(log)
    add_json(log)
    log.set_defaults(handler=run_log)


@cli_errors
def run_verify(args: argparse.Namespace) -> int:
    with open_cli_station(args) as station:
        result = station.audit.verify()
    first = result.first
    if args.json:
        print_json({
            "ok": result.ok, "events": result.events, "checkpoints": result.checkpoints,
            "last_signed_seq": result.last_signed_seq,
            "first_problem": None if first is None else {
                "seq": first.seq, "kind": first.kind, "message": first.message_id,
                "message_en": first.message_en},
        })
    elif first is None:
        unsigned = result.events - result.last_signed_seq
        print(f"OK: {result.events} entri / entries, {result.checkpoints} checkpoint; "
              f"{unsigned} entri terbaru belum ditandatangani / newest entries not yet signed.")
    else:
        print(f"RUSAK / BROKEN at #{first.seq} ({first.kind}): {first.message_id} / "
              f"{first.message_en}")
    return EXIT_OK if result.ok else EXIT_FAIL


@cli_errors
def run_log(args: argparse.Namespace) -> int:
    with signed_in(args) as station:
        events = station.audit.events(args.limit, args.record)
    if args.json:
        print_json([e.__dict__ for e in events])
    else:
        for e in events:
            detail = " ".join(f"{k}={v}" for k, v in e.details.items())
            print(f"#{e.seq:<6} {e.at} {e.actor:<12} {e.action:<16} {e.record_id or '':<36} "
                  f"{detail}")
    return EXIT_OK
