"""`rekam devices`: list drivers, discover devices (including the SBI port scan), capture once.

    rekam devices list [--json]
    rekam devices discover [--json] [--timeout S] [--ports 4501-4600] [--simulated]
    rekam devices capture --driver ID --modality face|finger|signature|iris [--position N]
                          [--eye left|right] [--device DEVICE_ID] [--opt KEY=VALUE ...]
                          --out FILE [--json]

An iris goes to .png / .jpg / .jp2, or to .iso / .iir as an ISO/IEC 19794-6:2011 record (the
device's own record when it sends one, as SBI devices do).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from station.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, CliError, print_json

MODALITIES = ("face", "finger", "signature", "iris")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("devices", help="device drivers: list, discover, capture")
    actions = p.add_subparsers(dest="devices_action", metavar="ACTION", required=True)

    ls = actions.add_parser("list", help="installed drivers and their status")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)

    disc = actions.add_parser("discover", help="find connected devices (SBI port scan too)")
    disc.add_argument("--json", action="store_true")
    disc.add_argument("--timeout", type=float, default=5.0, help="seconds per driver (5)")
    disc.add_argument("--ports", default="4501-4600", help="SBI ports to scan (4501-4600)")
    disc.add_argument("--simulated", action="store_true",
                      help="also list the simulated devices (demo/training)")
    disc.set_defaults(handler=run_discover)

    cap = actions.add_parser("capture", help="capture once and write the result to a file")
    cap.add_argument("--driver", required=True, help="driver id (see `rekam devices list`)")
    cap.add_argument("--modality", required=True, choices=MODALITIES)
    cap.add_argument("--position", type=int, help="finger position 1-10 (ISO/IEC 19794-4)")
    cap.add_argument("--eye", choices=("left", "right"), help="which eye (iris)")
    cap.add_argument("--device", help="device id from `rekam devices discover`")
    cap.add_argument("--opt", action="append", default=[], metavar="KEY=VALUE",
                     help="driver option, e.g. source=0, path=DIR, port=4501, quality=dry")
    cap.add_argument("--timeout", type=float, help="capture timeout in seconds (default 40)")
    cap.add_argument("--out", required=True, type=Path,
                     help="output file: .png/.jpg/.wsq for images (or the device's own "
                     "format), .json or .png for signatures, .iso for an ISO 19794-6 iris record")
    cap.add_argument("--json", action="store_true")
    cap.set_defaults(handler=run_capture)


def _manager(**kwargs: Any):
    from devices.manager import DeviceManager

    return DeviceManager(**kwargs)


def run_list(args: argparse.Namespace) -> int:
    from devices.registry import Registry

    entries = [e.to_dict() for e in Registry().scan()]
    if args.json:
        print_json({"drivers": entries})
        return EXIT_OK
    if not entries:
        print("Tidak ada driver terpasang / no drivers installed")
        return EXIT_OK
    for e in entries:
        m = e["manifest"] or {}
        mods = ",".join(m.get("modalities", []))
        print(f"{e['id']:<16} {e['status_text']:<40} {mods:<24} {m.get('name', '')}")
        if e["reason"]:
            print(f"{'':16} {e['reason']}")
    return EXIT_OK


def run_discover(args: argparse.Namespace) -> int:
    from devices.sbi.client import parse_ports

    try:
        parse_ports(args.ports)
    except ValueError as exc:
        raise CliError(f"--ports: {exc}", EXIT_INPUT) from None
    if args.timeout <= 0:
        raise CliError("--timeout harus positif / must be positive", EXIT_INPUT)
    options: dict[str, dict[str, Any]] = {
        "sbi": {"ports": args.ports, "discovery_timeout": args.timeout}}
    if args.simulated:
        options["simulated"] = {"enabled": "1"}
    with _manager(discover_timeout_s=args.timeout, driver_options=options) as manager:
        devices = manager.rescan()
        problems = {k: v.problem.as_dict() for k, v in manager.discovery_problems.items()}
    if args.json:
        print_json({"devices": [d.to_dict() for d in devices], "problems": problems})
        return EXIT_OK
    if not devices:
        print("Tidak ada perangkat ditemukan / no devices found")
    for d in devices:
        mods = ",".join(m.value for m in d.modalities)
        print(f"{d.device_id:<40} {mods:<10} {d.status:<15} {d.name}")
    for driver, problem in problems.items():
        print(f"! {driver}: {problem['message']} / {problem['message_en']}", file=sys.stderr)
    return EXIT_OK


def _options(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--opt {pair!r}: tulis KUNCI=NILAI / write KEY=VALUE", EXIT_INPUT)
        out[key.strip()] = value.strip()
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    path = path.expanduser()
    if not path.parent.exists():
        raise CliError(f"folder tidak ada / folder does not exist: {path.parent}", EXIT_INPUT)
    fd, tmp = tempfile.mkstemp(prefix=".rekam-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _image_bytes(result: Any, suffix: str) -> bytes:
    import cv2

    fmt = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".wsq": "wsq", ".jp2": "jp2"}.get(
        suffix)
    if fmt is None:
        raise CliError(f"akhiran {suffix or '(kosong)'} tidak didukung; pakai .png, .jpg atau "
                       f".wsq / unsupported suffix {suffix or '(none)'}; use .png, .jpg or .wsq",
                       EXIT_INPUT)
    if fmt == result.format:
        return result.data
    if fmt == "wsq":
        from station.biometrics.formats import wsq

        gray = result.image if result.image.ndim == 2 else cv2.cvtColor(result.image,
                                                                         cv2.COLOR_BGR2GRAY)
        return wsq.encode(gray, ppi=result.ppi or 500)
    ext = {"jpeg": ".jpg", "png": ".png", "jp2": ".jp2"}[fmt]
    ok, enc = cv2.imencode(ext, result.image)
    if not ok:
        raise CliError(f"gagal menyandikan {ext} / could not encode {ext}", EXIT_FAIL)
    return enc.tobytes()


def _iris_record(result: Any) -> bytes:
    """The device's ISO/IEC 19794-6 record as it came, or one made of the image (quality: the
    station's iris check, with the iris circle it found)."""
    if result.format == "iso19794-6":
        return result.data
    from station.biometrics import iris
    from station.biometrics.formats import iso19794_6

    q = iris.check(result.image)
    circle = None if q.iris is None else (q.iris.x, q.iris.y, q.iris.r)
    rep = iso19794_6.from_gray(result.image, result.extra["eye"], quality=int(round(q.score)),
                               iris_circle=circle, captured_at=result.captured_at)
    return iso19794_6.write([rep])


def _signature_bytes(result: Any, suffix: str) -> bytes:
    if suffix == ".json":
        return json.dumps({"width": result.width, "height": result.height,
                           "strokes": result.to_json_strokes()}).encode()
    if suffix == ".png":
        import cv2

        from devices.simulated.synth import render_signature

        img = render_signature([[(pt.x, pt.y, pt.t_ms, pt.pressure) for pt in s]
                                for s in result.strokes], (result.width, result.height))
        return cv2.imencode(".png", img)[1].tobytes()
    raise CliError("tanda tangan: pakai .json atau .png / signatures: use .json or .png",
                   EXIT_INPUT)


def run_capture(args: argparse.Namespace) -> int:
    from devices.api import (
        DeviceError,
        DeviceNotFound,
        InvalidOption,
        LibraryUnavailable,
        Modality,
    )

    options = _options(args.opt)
    modality = Modality(args.modality)
    if modality is Modality.FINGER and args.position is None:
        raise CliError("--position 1-10 wajib untuk jari / is required for a finger", EXIT_INPUT)
    if args.position is not None and not 1 <= args.position <= 10:
        raise CliError(f"--position harus 1-10 / must be 1-10, got {args.position}", EXIT_INPUT)
    if modality is Modality.IRIS and args.eye is None:
        raise CliError("--eye left|right wajib untuk iris / is required for an iris", EXIT_INPUT)
    if args.eye is not None and modality is not Modality.IRIS:
        raise CliError("--eye hanya untuk iris / is for an iris only", EXIT_INPUT)
    if args.timeout is not None and args.timeout <= 0:
        raise CliError("--timeout harus positif / must be positive", EXIT_INPUT)
    suffix = args.out.suffix.lower()
    if modality is Modality.SIGNATURE and suffix not in (".json", ".png"):
        raise CliError("tanda tangan: pakai .json atau .png / signatures: use .json or .png",
                       EXIT_INPUT)
    if modality is Modality.IRIS and suffix not in (".png", ".jpg", ".jpeg", ".jp2", ".iso",
                                                     ".iir"):
        raise CliError("iris: pakai .png, .jpg, .jp2 atau .iso (ISO 19794-6) / iris: use .png, "
                       ".jpg, .jp2 or .iso (ISO 19794-6)", EXIT_INPUT)
    if modality not in (Modality.SIGNATURE, Modality.IRIS) and suffix not in (
            ".png", ".jpg", ".jpeg", ".wsq", ".jp2"):
        raise CliError("gambar: pakai .png, .jpg, .jp2 atau .wsq / images: use .png, .jpg, "
                       ".jp2 or .wsq", EXIT_INPUT)
    try:
        with _manager(driver_options={args.driver: options}) as manager:
            if args.device or args.driver == "sbi":
                found = [d for d in manager.rescan() if d.driver_id == args.driver
                         and modality in d.modalities
                         and (args.device is None or d.device_id == args.device)]
                if not found:
                    problem = manager.discovery_problems.get(args.driver)
                    raise DeviceNotFound(problem.problem.message_en if problem else
                                         f"no {modality.value} device from {args.driver}")
                descriptor = found[0]
            else:
                descriptor = manager.configured(args.driver, modality, **options)
            with manager.open(descriptor, modality) as handle:
                fut = handle.capture(position=args.position, eye=args.eye or "left",
                                     timeout_s=args.timeout)
                result = fut.result()
    except (InvalidOption, LibraryUnavailable) as exc:
        raise CliError(str(exc.problem), EXIT_INPUT) from None
    except DeviceNotFound as exc:
        raise CliError(str(exc.problem), EXIT_INPUT if "driver" in exc.detail else EXIT_FAIL) \
            from None
    except DeviceError as exc:
        raise CliError(str(exc.problem), EXIT_FAIL) from None
    if modality is Modality.SIGNATURE:
        data = _signature_bytes(result, suffix)
    elif modality is Modality.IRIS and suffix in (".iso", ".iir"):
        data = _iris_record(result)
    else:
        data = _image_bytes(result, suffix)
    _write_atomic(args.out, data)
    summary = result.summary()
    summary.update(out=str(args.out), out_bytes=len(data), device_id=descriptor.device_id)
    if args.eye:
        summary["eye"] = args.eye
    if args.json:
        print_json(summary)
    else:
        what = summary.get("position") or (f"iris {args.eye}" if args.eye else modality.value)
        print(f"OK {what} -> {args.out} ({len(data)} byte) dari / from {descriptor.device_id}")
    return EXIT_OK
