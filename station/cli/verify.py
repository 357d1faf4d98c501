"""`rekam verify-finger A B`: is B the same finger as A? (1:1 minutiae matching)

Both are fingerprint image files (PNG, JPEG, JPEG 2000, WSQ, BMP, TIFF) or ISO/IEC 19794-4
records (the first print of each). Exit 0 for a match, 1 for no match, 2 when a file cannot be
read or holds no usable print.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from station.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify-finger",
        help="compare two fingerprints 1:1 (minutiae): score, match, elapsed_ms",
        description="Exit 0 when the prints match, 1 when not, 2 for unreadable input.",
    )
    p.add_argument("enrolled", type=Path, metavar="A", help="the enrolled print")
    p.add_argument("probe", type=Path, metavar="B", help="the print placed now")
    p.add_argument("--ppi", type=int, help="resolution of both images (default: as stated, "
                   "else 500)")
    p.add_argument("--threshold", type=float, help="match threshold (default: the station's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="message language")
    p.set_defaults(handler=run)


def _load(path: Path, ppi: int | None) -> tuple[np.ndarray, int]:
    from station.biometrics.formats import FormatError, iso19794_4
    from station.biometrics.images import ImageDecodeError, decode_image, image_ppi
    from station.cli.quality import _read

    data = _read(path)
    if data[:4] == iso19794_4.MAGIC:
        try:
            rep = iso19794_4.read(data)[0]
        except FormatError as exc:
            raise ImageDecodeError(exc.problem.code, exc.problem.message_id,
                                   exc.problem.message_en) from exc
        return np.asarray(rep.image), ppi or rep.ppi
    img = decode_image(data, gray=True)
    stated = image_ppi(data)
    return img, ppi or (stated if stated and 100 <= stated <= 2000 else 500)


def run(args: argparse.Namespace) -> int:
    from station.biometrics import matcher
    from station.biometrics.images import ImageDecodeError

    start = time.perf_counter()
    threshold = matcher.THRESHOLD if args.threshold is None else args.threshold
    try:
        templates = []
        for path in (args.enrolled, args.probe):
            img, ppi = _load(path, args.ppi)
            try:
                templates.append(matcher.extract(img, ppi))
            except matcher.TemplateError as exc:
                raise ImageDecodeError(exc.problem.code, f"{path}: {exc.problem.message_id}",
                                       f"{path}: {exc.problem.message_en}") from exc
    except ImageDecodeError as err:
        msg = err.problem.message(args.lang)
        print(f"rekam: {msg}", file=sys.stderr)
        if args.json:
            print_json({"error": {"code": err.problem.code, "message": msg}})
        return EXIT_INPUT
    res = matcher.compare(templates[0], templates[1], threshold)
    elapsed = (time.perf_counter() - start) * 1000.0
    row = {"enrolled": str(args.enrolled), "probe": str(args.probe), "score": round(res.score, 1),
           "match": res.match, "threshold": threshold, "paired": res.paired,
           "minutiae": list(res.minutiae), "elapsed_ms": round(elapsed, 1)}
    if args.json:
        print_json(row)
    else:
        verdict = ("COCOK" if args.lang == "id" else "MATCH") if res.match else (
            "TIDAK COCOK" if args.lang == "id" else "NO MATCH")
        print(f"{verdict}  skor/score {res.score:.1f} (ambang/threshold {threshold:g}), "
              f"{res.paired} minusi berpasangan / paired minutiae, {elapsed:.0f} ms")
    return EXIT_OK if res.match else EXIT_FAIL
