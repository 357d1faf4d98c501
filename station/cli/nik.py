"""`rekam validate-nik`: check a NIK from the command line."""

from __future__ import annotations

import argparse
from datetime import date

from station.cli.common import EXIT_FAIL, EXIT_OK, print_json
from station.domain import Sex, validate_nik


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate-nik",
        help="check a NIK (and optionally the stated birth date and sex)",
        description="Exit 0 when the NIK is valid, 1 when it is not.",
    )
    p.add_argument("nik")
    p.add_argument("--birth-date", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--sex", choices=["L", "P"], help="L = laki-laki (male), P = perempuan (female)")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="message language")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    verdict = validate_nik(
        args.nik, birth_date=args.birth_date, sex=Sex(args.sex) if args.sex else None
    )
    if args.json:
        print_json(verdict.as_dict(args.lang))
    elif verdict.valid:
        region = verdict.region
        where = (
            ", ".join(n for n in (region.district, region.regency, region.province) if n)
            if region
            else ""
        )
        print(f"VALID  {verdict.nik}  lahir {verdict.birth_date}  {verdict.sex}  {where}")
    else:
        print(f"TIDAK VALID / INVALID  {verdict.nik}")
        for problem in verdict.problems:
            print(f"  - [{problem.code}] {problem.message(args.lang)}")
    return EXIT_OK if verdict.valid else EXIT_FAIL
