"""`rekam records list|show`, `rekam approve ID...`, `rekam reject ID --reason TEXT`."""

from __future__ import annotations

import argparse
from datetime import date

from station.cli.common import EXIT_OK, print_json
from station.cli.init import cli_errors, signed_in
from station.cli.options import Page, add_paging, declare_json, emit_page
from station.domain import Enrollment, Permission, RecordStatus


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("records", help="list and show records")
    actions = p.add_subparsers(dest="records_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="list records, newest first (nothing decrypted)")
    ls.add_argument("--status", choices=[s.value for s in RecordStatus], action="append",
                    help="only this status (repeatable)")
    ls.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    ls.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD",
                    help="up to (not including) this day")
    ls.add_argument("--district", help="kecamatan code, e.g. 35.05.08")
    ls.add_argument("--by", dest="by_operator", help="recorded by this operator")
    add_paging(ls)
    ls.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="decrypt and show one record")
    show.add_argument("record_id")
    declare_json(show)
    show.set_defaults(handler=run_show)

    ap = sub.add_parser("approve", help="approve captured records (supervisor)")
    ap.add_argument("record_ids", nargs="+", metavar="ID")
    ap.set_defaults(handler=run_approve)

    rj = sub.add_parser("reject", help="reject a captured record with a reason (supervisor)")
    rj.add_argument("record_id", metavar="ID")
    rj.add_argument("--reason", required=True)
    rj.set_defaults(handler=run_reject)


@cli_errors
def run_list(args: argparse.Namespace) -> int:
    filters = {"status": args.status, "since": args.since, "until": args.until,
               "district_code": args.district, "operator": args.by_operator}
    with signed_in(args) as station:
        rows = station.records.list(**filters, limit=args.limit, offset=args.offset)
        total = station.records.count(**filters)
    emit_page(Page(rows, total, args.offset, args.limit), as_json=args.json, key="records",
              render_json=lambda r: r.as_dict(), render_line=_record_line,
              empty="Tidak ada rekaman / no records.")
    return EXIT_OK


def _record_line(r) -> str:  # noqa: ANN001 (a RecordSummary)
    flags = " DOMISILI" if r.domicile else ""
    extra = f" alasan/reason: {r.rejection_reason}" if r.rejection_reason else ""
    if r.server_outcome:
        extra += f" server: {r.server_outcome.value}"
    return (f"{r.record_id}  {r.status.value:<12} {r.created_at.astimezone():%Y-%m-%d %H:%M}  "
            f"{r.operator:<12} {r.district_code or '-':<9} jari/fingers {r.finger_count:>2}"
            f"{flags}{extra}")


def describe(e: Enrollment) -> dict[str, object]:
    """What `records show` prints: demographics and what was captured (not the image bytes)."""

    def cap(c):  # noqa: ANN001, ANN202
        if c is None:
            return None
        out = {"format": c.format, "bytes": len(c.data), "quality": c.quality,
               "device": c.device_id, "captured_at": c.captured_at.isoformat()}
        if getattr(c, "nfiq2", None) is not None:
            out["nfiq2"] = c.nfiq2
        return out

    a = e.applicant
    return {
        "record_id": e.record_id, "status": e.status.value, "station_id": e.station_id,
        "operator": e.operator, "supervisor": e.supervisor, "created_at": e.created_at.isoformat(),
        "domicile_recording": e.domicile_recording, "rejection_reason": e.rejection_reason,
        "applicant": None if a is None else {
            **a.model_dump(mode="json"),
            "address_names": {"village": a.address.village, "district": a.address.district,
                              "regency": a.address.regency, "province": a.address.province},
        },
        "face": cap(e.face), "portrait": cap(e.portrait), "signature": cap(e.signature),
        "signature_image": cap(e.signature_image),
        "fingers": {int(p): cap(c) for p, c in sorted(e.fingers.items())},
        "finger_exceptions": {int(p): x.model_dump(mode="json")
                              for p, x in sorted(e.finger_exceptions.items())},
    }


@cli_errors
def run_show(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.VIEW_RECORDS) as station:
        info = describe(station.records.open(args.record_id))
    if args.json:
        print_json(info)
        return EXIT_OK
    a = info["applicant"] or {}
    print(f"Rekaman / record {info['record_id']}  status {info['status']}  "
          f"oleh / by {info['operator']}  {info['created_at']}")
    if a:
        addr = a["address"]
        names = a["address_names"]
        print(f"  NIK {a['nik']}  KK {a['kk_number']}")
        print(f"  {a['full_name']}  {a['sex']}  {a['place_of_birth']}, {a['date_of_birth']}")
        print(f"  {addr['street']} RT {addr['rt']}/RW {addr['rw']}, {names['village']}, "
              f"{names['district']}, {names['regency']}, {names['province']}")
        print(f"  {a['religion']} | {a['marital_status']} | {a['occupation']} | "
              f"{a['citizenship']} | gol. darah {a['blood_type']}")
    for key in ("face", "portrait", "signature", "signature_image"):
        c = info[key]
        if c:
            print(f"  {key:<16} {c['format']:<16} {c['bytes']:>7} B  quality {c['quality']}")
    fingers = info["fingers"]
    excepted = ", ".join(f"{p}:{x['reason']}" for p, x in info["finger_exceptions"].items())
    print(f"  jari / fingers: {len(fingers)} direkam / captured; pengecualian / exceptions: "
          f"{excepted or '-'}")
    if info["rejection_reason"]:
        print(f"  ditolak / rejected: {info['rejection_reason']}")
    return EXIT_OK


@cli_errors
def run_approve(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.APPROVE) as station:
        station.records.approve(args.record_ids)
    print(f"Disetujui / approved: {len(set(args.record_ids))}")
    return EXIT_OK


@cli_errors
def run_reject(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.APPROVE) as station:
        station.records.reject(args.record_id, args.reason)
    print(f"Ditolak / rejected: {args.record_id}")
    return EXIT_OK
