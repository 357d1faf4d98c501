"""`rekam quality finger|face|iris FILE...`: the station's quality checks on image files and ISO
records.

`finger` reports the live score (`score`, the one the capture step shows, on the NFIQ 2 scale)
and NFIQ 2.3 proper (`nfiq2`, about 250 ms a print).

Exit status: 0 when every image is acceptable, 1 when at least one is not, 2 when at least one
file could not be read (each such file is reported with its reason; the others are still
checked and reported).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from station.biometrics import face, finger, nfiq2
from station.biometrics.formats import FormatError, iso19794_4, iso19794_6
from station.biometrics.images import ImageDecodeError, decode_image, image_ppi
from station.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, print_json
from station.domain import FINGER_QUALITY_THRESHOLD
from station.domain.problems import Problem


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "quality",
        help="check fingerprint or face images with the station's quality checks",
        description="Exit 0 when all images are acceptable, 1 otherwise, 2 for unreadable input.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)

    f = kinds.add_parser(
        "finger",
        help="fingerprint quality: the live score and NFIQ 2.3 (images or ISO 19794-4 records)",
    )
    f.add_argument("images", nargs="+", type=Path, metavar="IMG")
    f.add_argument("--no-nfiq2", dest="nfiq2", action="store_false",
                   help="skip NFIQ 2 proper (about 250 ms a print); report the live score only")
    f.add_argument(
        "--ppi",
        type=int,
        help="resolution of the images (default: as the file states, else 500)",
    )
    f.add_argument("--threshold", type=float, help="acceptance threshold (default: 40)")
    _common(f)
    f.set_defaults(handler=run_finger)

    c = kinds.add_parser(
        "face", help="face photo checks (ISO/IEC 19794-5 geometry, KTP-el backdrop colour)"
    )
    c.add_argument("images", nargs="+", type=Path, metavar="IMG")
    c.add_argument(
        "--birth-year",
        type=int,
        metavar="YYYY",
        help="check the backdrop colour rule (red for odd years, blue for even)",
    )
    c.add_argument(
        "--portrait-dir",
        type=Path,
        metavar="DIR",
        help="write each cropped 3:4 portrait here as <name>-portrait.jpg",
    )
    _common(c)
    c.set_defaults(handler=run_face)

    i = kinds.add_parser(
        "iris", help="iris checks in the spirit of ISO/IEC 29794-6 (images or ISO 19794-6 "
        "records)")
    i.add_argument("images", nargs="+", type=Path, metavar="FILE")
    _common(i)
    i.set_defaults(handler=run_iris)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per image")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="message language")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ImageDecodeError(
            "FILE_NOT_FOUND", f"Berkas {path} tidak ditemukan.", f"File {path} not found."
        ) from exc
    except IsADirectoryError as exc:
        raise ImageDecodeError(
            "FILE_IS_DIRECTORY",
            f"{path} adalah folder, bukan gambar.",
            f"{path} is a directory, not an image.",
        ) from exc
    except PermissionError as exc:
        raise ImageDecodeError(
            "FILE_NOT_READABLE",
            f"Berkas {path} tidak boleh dibaca (izin).",
            f"File {path} cannot be read (permission denied).",
        ) from exc
    except OSError as exc:
        raise ImageDecodeError(
            "FILE_NOT_READABLE",
            f"Berkas {path} tidak dapat dibaca: {exc.strerror}.",
            f"File {path} cannot be read: {exc.strerror}.",
        ) from exc


def _problem(p: Problem, lang: str) -> dict[str, str]:
    return {"code": p.code, "message": p.message(lang)}


def _finish(rows: list[dict], args: argparse.Namespace, unreadable: int, bad: int) -> int:
    if args.json:
        print_json(rows)
    if unreadable:
        return EXIT_INPUT
    return EXIT_FAIL if bad else EXIT_OK


def _error_line(path: Path, err: ImageDecodeError, lang: str) -> dict:
    msg = err.problem.message(lang)
    print(f"rekam: {path}: {msg}", file=sys.stderr)
    return {"file": str(path), "error": _problem(err.problem, lang)}


def _finger_images(data: bytes, args: argparse.Namespace
                   ) -> list[tuple[str, np.ndarray, int, str]]:
    """(label, image, ppi, where the ppi came from) for an image file or each print of an
    ISO/IEC 19794-4 record."""
    if data[:4] == iso19794_4.MAGIC:
        try:
            reps = iso19794_4.read(data)
        except FormatError as exc:
            raise ImageDecodeError(exc.problem.code, exc.problem.message_id,
                                   exc.problem.message_en) from exc
        return [(f"#{i + 1} finger {rep.position}", np.asarray(rep.image),
                 args.ppi or rep.ppi, "option" if args.ppi else "record")
                for i, rep in enumerate(reps)]
    img = decode_image(data, gray=True)
    stated = image_ppi(data)
    if args.ppi:
        return [("", img, args.ppi, "option")]
    if stated is not None and 100 <= stated <= 2000:
        return [("", img, stated, "file")]
    return [("", img, 500, "assumed")]


def run_finger(args: argparse.Namespace) -> int:
    rows: list[dict] = []
    unreadable = bad = 0
    threshold = args.threshold if args.threshold is not None else FINGER_QUALITY_THRESHOLD
    for path in args.images:
        try:
            prints = _finger_images(_read(path), args)
        except ImageDecodeError as err:
            unreadable += 1
            rows.append(_error_line(path, err, args.lang))
            continue
        for label, img, ppi, source in prints:
            where = f"{path} {label}".strip()
            try:
                q = finger.assess(img, ppi=ppi, threshold=threshold)
            except ValueError as exc:
                unreadable += 1
                err = ImageDecodeError(
                    "IMAGE_UNSUITABLE",
                    f"Gambar tidak dapat dinilai: {exc}.",
                    f"The image cannot be assessed: {exc}.",
                )
                rows.append(_error_line(Path(where), err, args.lang))
                continue
            row: dict = {
                "file": str(path),
                "score": round(q.score, 1),
                "nfiq2": None,
                "acceptable": q.acceptable,
                "flags": [_problem(p, args.lang) for p in q.flags],
                "elapsed_ms": round(q.elapsed_ms, 2),
                "ppi": ppi,
                "ppi_source": source,
            }
            if label:
                row["print"] = label
            if args.nfiq2:
                try:
                    n = nfiq2.compute(img, ppi)
                    row["nfiq2"] = n.score
                    row["nfiq2_ms"] = round(n.elapsed_ms, 1)
                    if not n.nist_size:
                        row["nfiq2_note"] = (
                            "di luar ukuran yang diterima alat NIST (197-799 x 197-999 px)"
                            if args.lang == "id" else
                            "outside the sizes NIST's tool accepts (197-799 x 197-999 px)")
                except nfiq2.Nfiq2Error as exc:
                    row["nfiq2_error"] = _problem(exc.problem, args.lang)
            bad += not q.acceptable
            rows.append(row)
            if not args.json:
                verdict = "OK   " if q.acceptable else "BURUK" if args.lang == "id" else "POOR "
                n_text = f"  NFIQ 2 {row['nfiq2']:3d}" if row["nfiq2"] is not None else ""
                print(f"{verdict} {q.score:5.1f}{n_text}  {where}  ({ppi} ppi, "
                      f"{q.elapsed_ms:.0f} ms)")
                for p in q.flags:
                    print(f"        - [{p.code}] {p.message(args.lang)}")
                if "nfiq2_error" in row:
                    print(f"        - [{row['nfiq2_error']['code']}] "
                          f"{row['nfiq2_error']['message']}")
    return _finish(rows, args, unreadable, bad)


def run_face(args: argparse.Namespace) -> int:
    rows: list[dict] = []
    unreadable = bad = 0
    if args.birth_year is not None and not 1850 <= args.birth_year <= 2200:
        print(
            f"rekam: tahun lahir tidak masuk akal / implausible birth year {args.birth_year}",
            file=sys.stderr,
        )
        return EXIT_INPUT
    if args.portrait_dir:
        args.portrait_dir.mkdir(parents=True, exist_ok=True)
    for path in args.images:
        try:
            img = decode_image(_read(path))
        except ImageDecodeError as err:
            unreadable += 1
            rows.append(_error_line(path, err, args.lang))
            continue
        res = face.check(img, birth_year=args.birth_year)
        bad += not res.acceptable
        row = {
            "file": str(path),
            "acceptable": res.acceptable,
            "failures": [_problem(p, args.lang) for p in res.failures],
            "metrics": res.metrics,
            "elapsed_ms": round(res.elapsed_ms, 2),
        }
        if args.portrait_dir and res.portrait is not None:
            from station.biometrics.images import encode_jpeg

            out = args.portrait_dir / f"{path.stem}-portrait.jpg"
            out.write_bytes(encode_jpeg(res.portrait))
            row["portrait"] = str(out)
        rows.append(row)
        if not args.json:
            verdict = "OK   " if res.acceptable else "GAGAL" if args.lang == "id" else "FAIL "
            print(f"{verdict} {path}  ({res.elapsed_ms:.0f} ms)")
            for p in res.failures:
                print(f"        - [{p.code}] {p.message(args.lang)}")
    return _finish(rows, args, unreadable, bad)


def _iris_images(data: bytes) -> list[tuple[str | None, np.ndarray]]:
    """(eye, grey image) for an image file or each representation of an ISO/IEC 19794-6
    record."""
    if data[:4] == iso19794_6.MAGIC:
        try:
            reps = iso19794_6.read(data)
            out = []
            for rep in reps:
                img = rep.decode()
                if img.ndim == 3:
                    img = decode_image(rep.data, gray=True) if rep.image_format not in (2, 4) \
                        else img.mean(axis=2).astype(np.uint8)
                out.append((rep.eye, img))
            return out
        except FormatError as exc:
            raise ImageDecodeError(exc.problem.code, exc.problem.message_id,
                                   exc.problem.message_en) from exc
    return [(None, decode_image(data, gray=True))]


def run_iris(args: argparse.Namespace) -> int:
    from station.biometrics import iris

    rows: list[dict] = []
    unreadable = bad = 0
    for path in args.images:
        try:
            images = _iris_images(_read(path))
        except ImageDecodeError as err:
            unreadable += 1
            rows.append(_error_line(path, err, args.lang))
            continue
        for eye, img in images:
            q = iris.check(img)
            bad += not q.acceptable
            row: dict = {
                "file": str(path),
                "score": round(q.score, 1),
                "acceptable": q.acceptable,
                "failures": [_problem(p, args.lang) for p in q.failures],
                "metrics": {k: round(v, 2) for k, v in q.metrics.items()},
                "pupil": None if q.pupil is None else q.pupil.as_list(),
                "iris": None if q.iris is None else q.iris.as_list(),
                "elapsed_ms": round(q.elapsed_ms, 2),
            }
            if eye is not None:
                row["eye"] = eye
            rows.append(row)
            if not args.json:
                verdict = "OK   " if q.acceptable else "GAGAL" if args.lang == "id" else "FAIL "
                where = f"{path} ({eye})" if eye else str(path)
                print(f"{verdict} {q.score:5.1f}  {where}  ({q.elapsed_ms:.0f} ms)")
                for p in q.failures:
                    print(f"        - [{p.code}] {p.message(args.lang)}")
    return _finish(rows, args, unreadable, bad)
