"""`rekam enroll --from-dir DIR` and `rekam enroll --template DIR`.

A folder holds one applicant:
    applicant.json        the Applicant fields (see station.domain.Applicant), plus optional
                          "exceptions": [{"position": 10, "reason": "MISSING", "note": "..."}]
    photo.jpg | photo.png the face photo (checked like the GUI camera: one frontal face, centred,
                          sharp, exposed, the backdrop colour of the birth year)
    signature.json        ISO 19794-7-style channels (as stored), or the simple form
                          {"strokes": [[[x, y, t_ms, pressure], ...], ...], "width": W,
                          "height": H}; and/or
    signature.png         the rendered signature
    fingers/N.png         N = 1..10 (ISO finger positions); a missing finger needs an exception
Every part is checked with the GUI's rules and quality checks; any problem is reported (all of
them at once) and nothing is saved. A finger exception is confirmed by the signed-in operator if
a supervisor, otherwise by --confirm-by NAME (password from REKAM_CONFIRM_PASSWORD or a prompt).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date
from pathlib import Path

from station.cli.common import EXIT_INPUT, EXIT_OK, CliError
from station.cli.init import cli_errors, signed_in
from station.domain import (
    FINGER_QUALITY_THRESHOLD,
    Capture,
    Enrollment,
    FingerCapture,
    FingerException,
    FingerPosition,
    Permission,
    Problem,
    RuleViolation,
    can,
    parse_applicant,
)

DEVICE_ID = "file-import"
FINGER_PPI = 500


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enroll",
        help="save one applicant from a folder (applicant.json, photo, signature, fingers/N.png)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--from-dir", type=Path, metavar="DIR", help="enroll from this folder")
    group.add_argument("--template", type=Path, metavar="DIR",
                       help="write a complete, valid example folder to start from")
    p.add_argument("--confirm-by", metavar="NAME",
                   help="supervisor who confirms finger exceptions (REKAM_CONFIRM_PASSWORD)")
    p.add_argument("--ppi", type=int, default=FINGER_PPI,
                   help="finger image resolution when the PNG does not state it (default 500)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.template is not None:
        return write_template(args.template)
    return run_from_dir(args)


# --- reading a folder -------------------------------------------------------------------------

def _p(code: str, id_: str, en: str) -> Problem:
    return Problem(code, id_, en)


def _read(path: Path, problems: list[Problem], code: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(_p(code, f"{path.name}: tidak dapat dibaca ({exc.strerror}).",
                           f"{path.name}: cannot be read ({exc.strerror})."))
        return None
    return data


def load_folder(folder: Path, station_id: str, operator: str,
                ppi: int = FINGER_PPI) -> tuple[Enrollment, list[Problem]]:
    """Build an enrollment from a folder and every problem found in it (checks included)."""
    from station.biometrics import signature as signature_checks
    from station.biometrics.images import ImageDecodeError, decode_image, image_ppi
    from station.services import capture

    problems: list[Problem] = []
    if not folder.is_dir():
        raise CliError(f"Folder tidak ada / no such folder: {folder}", EXIT_INPUT)
    draft = Enrollment(station_id=station_id, operator=operator)
    update: dict[str, object] = {}

    # applicant.json
    applicant = None
    exceptions_raw: list = []
    raw = _read(folder / "applicant.json", problems, "APPLICANT_JSON_MISSING")
    if raw is not None:
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(_p("APPLICANT_JSON_INVALID",
                               f"applicant.json bukan JSON yang sah: {exc}",
                               f"applicant.json is not valid JSON: {exc}"))
        else:
            exceptions_raw = data.pop("exceptions", []) or []
            try:
                applicant = parse_applicant(data)
                update["applicant"] = applicant
            except RuleViolation as exc:
                problems.extend(exc.problems)
    birth_year = applicant.date_of_birth.year if applicant else None

    # exceptions
    excepted: dict[FingerPosition, FingerException] = {}
    if not isinstance(exceptions_raw, list):
        exceptions_raw = [exceptions_raw]
    for item in exceptions_raw:
        try:
            x = FingerException.model_validate(item)
        except ValueError as exc:
            problems.append(_p("EXCEPTION_INVALID",
                               f"Pengecualian jari tidak sah: {item!r} ({exc.__class__.__name__})",
                               f"Invalid finger exception: {item!r} ({exc.__class__.__name__})"))
            continue
        excepted[x.position] = x

    # photo
    photos = [folder / n for n in ("photo.jpg", "photo.jpeg", "photo.png") if (folder / n).exists()]
    if not photos:
        problems.append(_p("PHOTO_MISSING", "Foto wajah (photo.jpg/png) tidak ada.",
                           "The face photo (photo.jpg/png) is missing."))
    else:
        data = _read(photos[0], problems, "PHOTO_UNREADABLE")
        if data is not None:
            try:
                bgr = decode_image(data)
                if bgr.ndim == 2:
                    import cv2

                    bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
            except ImageDecodeError as exc:
                problems.append(_p(f"PHOTO_{exc.code}",
                                   f"{photos[0].name}: {exc.problem.message_id}",
                                   f"{photos[0].name}: {exc.problem.message_en}"))
            else:
                fmt = "png" if data[:4] == b"\x89PNG" else "jpeg"
                face = capture.face_capture(bgr, data, fmt, birth_year, DEVICE_ID)
                if not face.acceptable:
                    problems.extend(face.check.failures)
                else:
                    update["face"] = face.face
                    if face.portrait is not None:
                        update["portrait"] = face.portrait

    # signature
    sig_json, sig_png = folder / "signature.json", folder / "signature.png"
    if not sig_json.exists() and not sig_png.exists():
        problems.append(_p("SIGNATURE_MISSING", "Tanda tangan (signature.json/png) tidak ada.",
                           "The signature (signature.json/png) is missing."))
    if sig_json.exists():
        raw = _read(sig_json, problems, "SIGNATURE_UNREADABLE")
        if raw is not None:
            try:
                strokes = _parse_strokes(raw, signature_checks)
            except signature_checks.SignatureFormatError as exc:
                problems.append(_p(exc.problem.code, f"signature.json: {exc.problem.message_id}",
                                   f"signature.json: {exc.problem.message_en}"))
            else:
                signed = capture.signature_capture(strokes, DEVICE_ID)
                if not signed.acceptable:
                    problems.extend(signed.check.failures)
                else:
                    update["signature"] = signed.signature
                    if not sig_png.exists():
                        update["signature_image"] = signed.image
    if sig_png.exists():
        raw = _read(sig_png, problems, "SIGNATURE_UNREADABLE")
        if raw is not None:
            try:
                img = decode_image(raw, gray=True)
            except ImageDecodeError as exc:
                problems.append(_p(f"SIGNATURE_{exc.code}",
                                   f"signature.png: {exc.problem.message_id}",
                                   f"signature.png: {exc.problem.message_en}"))
            else:
                cap = Capture(data=raw, format="png", device_id=DEVICE_ID,
                              width=img.shape[1], height=img.shape[0])
                update["signature_image"] = cap
                update.setdefault("signature", cap)

    # fingers
    fingers: dict[FingerPosition, FingerCapture] = {}
    templates: dict[FingerPosition, object] = {}
    for pos in FingerPosition:
        path = folder / "fingers" / f"{int(pos)}.png"
        if not path.exists():
            continue  # completeness reports it unless there is an exception
        if pos in excepted:
            problems.append(_p(f"FINGER_AND_EXCEPTION_{int(pos)}",
                               f"Jari {int(pos)} ({pos.label_id}) ada gambarnya dan juga "
                               "pengecualian; pilih salah satu.",
                               f"Finger {int(pos)} ({pos.label_en}) has both an image and an "
                               "exception; keep one."))
            continue
        raw = _read(path, problems, f"FINGER_UNREADABLE_{int(pos)}")
        if raw is None:
            continue
        try:
            gray = decode_image(raw, gray=True)
        except ImageDecodeError as exc:
            problems.append(_p(f"FINGER_{exc.code}_{int(pos)}",
                               f"fingers/{path.name}: {exc.problem.message_id}",
                               f"fingers/{path.name}: {exc.problem.message_en}"))
            continue
        finger_ppi = image_ppi(raw) or ppi
        outcome = capture.finger_capture(gray, finger_ppi, pos, DEVICE_ID)
        quality = outcome.quality
        if not outcome.acceptable:
            problems.append(_p(
                f"FINGER_QUALITY_LOW_{int(pos)}",
                f"Kualitas sidik jari {pos.label_id} {quality.score:.0f} (minimal "
                f"{FINGER_QUALITY_THRESHOLD}): "
                + "; ".join(f.message_id for f in quality.flags),
                f"The {pos.label_en} print scores {quality.score:.0f} (needs "
                f"{FINGER_QUALITY_THRESHOLD}): " + "; ".join(f.message_en for f in quality.flags),
            ))
            continue
        templates[pos] = outcome.template
        fingers[pos] = outcome.capture
    # The same finger in two slots (a sequence error), as the GUI checks before saving.
    problems.extend(s.problem for s in capture.sequence_problems(templates))
    update["fingers"] = fingers
    update["finger_exceptions"] = excepted
    return draft.model_copy(update=update), problems


def _parse_strokes(raw: bytes, sig):  # noqa: ANN001, ANN202
    """signature.json: the stored ISO 19794-7-style channel JSON, or the simple form
    {"strokes": [[[x, y, t_ms, pressure], ...], ...], "width": W, "height": H}."""
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise sig.SignatureFormatError("bukan JSON yang valid", "not valid JSON") from exc
    if isinstance(doc, dict) and "channels" in doc:
        return sig.from_iso_channels(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("strokes"), list):
        raise sig.SignatureFormatError(
            'harus berisi "channels" (ISO 19794-7) atau "strokes"',
            'must hold "channels" (ISO 19794-7) or "strokes"')
    try:
        return sig.Strokes.from_lists(doc["strokes"], float(doc.get("width", 640)),
                                      float(doc.get("height", 240)))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, sig.SignatureFormatError):
            raise
        raise sig.SignatureFormatError(f"titik tidak sah ({exc})", f"bad point ({exc})") from exc


@cli_errors
def run_from_dir(args: argparse.Namespace) -> int:
    with signed_in(args, Permission.ENROLL) as station:
        session = station.auth.current
        enrollment, problems = load_folder(args.from_dir, station.station_id, session.username,
                                           args.ppi)
        if enrollment.finger_exceptions:
            confirmer = _confirmer(station, args)
            if confirmer is not None:
                enrollment = enrollment.model_copy(update={"finger_exceptions": {
                    p: x.model_copy(update={"confirmed_by": confirmer})
                    for p, x in enrollment.finger_exceptions.items()}})
        problems.extend(p for p in enrollment.completeness_problems()
                        if p.code not in {q.code for q in problems}
                        and not _already_reported(p, problems))
        if problems:
            raise RuleViolation(problems)
        record_id = station.records.save_captured(enrollment)
    print(record_id)
    return EXIT_OK


def _already_reported(p: Problem, problems: list[Problem]) -> bool:
    """A finger whose image failed its check is not also reported as missing."""
    if p.code.startswith("MISSING_FINGER_"):
        n = p.code.rsplit("_", 1)[1]
        return any(q.code.endswith(f"_{n}") and q.code.startswith("FINGER_") for q in problems)
    if p.code == "MISSING_DEMOGRAPHICS":
        return any(q.code.startswith(("FIELD_", "NIK_", "KK_", "APPLICANT_")) for q in problems)
    if p.code == "MISSING_FACE":
        return any(q.code.startswith(("PHOTO_", "FACE_")) for q in problems)
    if p.code == "MISSING_SIGNATURE":
        return any(q.code.startswith("SIGNATURE_") for q in problems)
    return False


def _confirmer(station, args: argparse.Namespace) -> str | None:  # noqa: ANN001
    session = station.auth.current
    if can(session.operator.role, Permission.APPROVE) and not args.confirm_by:
        return session.username
    if not args.confirm_by:
        return None  # completeness reports EXCEPTION_UNCONFIRMED_N
    password = os.environ.get("REKAM_CONFIRM_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise CliError("Kata sandi supervisor diperlukan: REKAM_CONFIRM_PASSWORD / the "
                           "supervisor's password is needed: REKAM_CONFIRM_PASSWORD", EXIT_INPUT)
        password = getpass.getpass(f"Kata sandi {args.confirm_by} / password: ")
    return station.auth.confirm_by(args.confirm_by, password).username


# --- the template -----------------------------------------------------------------------------

def write_template(folder: Path, seed: int = 17) -> int:
    """A complete, valid example: synthetic face, signature and ten fingerprints."""
    import cv2

    from devices.simulated import synth
    from station.biometrics import signature as sig
    from station.biometrics.images import encode_png
    from station.domain import Sex, make_nik, regions

    if folder.exists() and any(folder.iterdir()):
        raise CliError(f"Folder {folder} tidak kosong / is not empty", EXIT_INPUT)
    (folder / "fingers").mkdir(parents=True, exist_ok=True)
    born = date(1990, 4, 12)
    district = regions.children("35.05")[0]
    village = regions.children(district.code)[0]
    applicant = {
        "nik": make_nik(district.code, born, Sex.FEMALE, 42),
        "kk_number": make_nik(district.code, date(2015, 1, 1), Sex.MALE, 7),
        "full_name": "SITI CONTOH",
        "place_of_birth": "BLITAR",
        "date_of_birth": born.isoformat(),
        "sex": "P",
        "blood_type": "O",
        "address": {"street": "JL. MERDEKA 1", "rt": "001", "rw": "002",
                    "village_code": village.code, "postal_code": None},
        "religion": "ISLAM",
        "marital_status": "KAWIN",
        "occupation": "WIRASWASTA",
        "citizenship": "WNI",
        "exceptions": [],
    }
    (folder / "applicant.json").write_text(json.dumps(applicant, indent=2) + "\n")
    ok, jpg = cv2.imencode(".jpg", synth.face(seed, born.year), [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    (folder / "photo.jpg").write_bytes(jpg.tobytes())
    w, h = synth.SIGNATURE_PAD
    strokes = sig.Strokes.from_lists(synth.signature(seed), w, h)
    (folder / "signature.json").write_bytes(sig.to_json(strokes))
    (folder / "signature.png").write_bytes(sig.render_png(strokes))
    for pos in FingerPosition:
        gray = synth.fingerprint(int(pos), seed)
        (folder / "fingers" / f"{int(pos)}.png").write_bytes(encode_png(gray))
    print(f"Contoh ditulis ke / example written to {folder}")
    return EXIT_OK
