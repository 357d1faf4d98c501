"""`rekam audit verify` and `rekam audit log`."""

from __future__ import annotations

import argparse

from station.cli.common import EXIT_FAIL, EXIT_OK, print_json
from station.cli.init import cli_errors, open_cli_station, signed_in
from station.cli.options import Page, add_paging, declare_json, emit_page


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="check or read the audit trail")
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    v = actions.add_parser("verify", help="check the hash chain and signed checkpoints; names "
                           "the first broken, missing or reordered entry (exit 1)")
    declare_json(v)
    v.set_defaults(handler=run_verify)
    log = actions.add_parser("log", help="show the newest audit events (supervisor/admin)")
    log.add_argument("--record", help="only events of this record")
    add_paging(log)
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
        events = station.audit.events(args.limit, args.record, offset=args.offset)
        total = station.audit.count(args.record)
    emit_page(Page(events, total, args.offset, args.limit), as_json=args.json, key="events",
              render_json=lambda e: e.__dict__, render_line=_event_line,
              empty="Tidak ada peristiwa / no events.")
    return EXIT_OK


def _event_line(e) -> str:  # noqa: ANN001 (an AuditEvent)
    detail = " ".join(f"{k}={v}" for k, v in e.details.items())
    return f"#{e.seq:<6} {e.at} {e.actor:<12} {e.action:<16} {e.record_id or '':<36} {detail}"
