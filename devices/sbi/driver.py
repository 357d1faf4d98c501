"""The `sbi` driver: MOSIP SBI fingerprint scanners, face cameras and iris scanners."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from cryptography import x509

from devices.api import (
    CancelToken,
    CaptureResult,
    Device,
    DeviceDescriptor,
    DeviceError,
    DeviceInfo,
    DeviceNotFound,
    Driver,
    FaceCamera,
    FingerprintScanner,
    Frame,
    GarbageData,
    InvalidOption,
    IrisScanner,
    Modality,
    eye_name,
)
from devices.builtin import SBI
from devices.manager import decode_bytes
from devices.sbi import client as c
from devices.sbi import protocol as p
from station.domain.enrollment import FINGER_QUALITY_THRESHOLD, FingerPosition

MODALITY_OF = {"finger": Modality.FINGER, "face": Modality.FACE, "iris": Modality.IRIS}
TYPE_OF = {Modality.FINGER: "Finger", Modality.FACE: "Face", Modality.IRIS: "Iris"}


def _float(options: Mapping[str, Any], key: str, default: float) -> float:
    raw = options.get(key, default)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidOption(f"{key} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise InvalidOption(f"{key} must be positive, got {raw!r}")
    return value


def _bool(options: Mapping[str, Any], key: str, default: bool) -> bool:
    raw = options.get(key)
    if raw in (None, ""):
        return default
    return str(raw).lower() in ("1", "true", "yes", "on")


def client_settings(options: Mapping[str, Any]) -> dict[str, Any]:
    trust: list[x509.Certificate] | None = None
    if options.get("trust_store"):
        path = Path(str(options["trust_store"])).expanduser()
        try:
            trust = p.load_trust_store(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise InvalidOption(f"trust_store {path}: {exc}") from None
    return {
        "host": str(options.get("host", "127.0.0.1")),
        "discovery_timeout_s": _float(options, "discovery_timeout", c.DISCOVERY_TIMEOUT_S),
        "capture_timeout_s": _float(options, "capture_timeout", c.CAPTURE_TIMEOUT_S),
        "trust_store": trust,
        "require_signed": _bool(options, "require_signed", True),
        "env": str(options.get("env", "Staging")),
    }


class _SbiDevice(Device):
    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        o = descriptor.options
        settings = client_settings(o)
        try:
            port = int(o["port"])
        except (KeyError, TypeError, ValueError):
            raise InvalidOption("the sbi driver needs port=N (or run discovery)",
                                device_id=descriptor.device_id) from None
        self.client = c.SbiClient(
            port, settings["host"], discovery_timeout_s=settings["discovery_timeout_s"],
            capture_timeout_s=settings["capture_timeout_s"], trust_store=settings["trust_store"],
            require_signed=settings["require_signed"], env=settings["env"])
        self.capture_timeout_s = settings["capture_timeout_s"] if "capture_timeout" in o else None
        self.sbi_device_id = str(o.get("sbi_device_id", ""))
        self.device: c.SbiDevice | None = None
        self.previous_hash = p.EMPTY_HASH  # the chain across this device's captures
        self._stream: Iterator[bytes] | None = None

    def open(self) -> None:
        wanted = TYPE_OF[self.modalities[0]]
        devices = [d for d in self.client.info() if d.type.lower() == wanted.lower()]
        if self.sbi_device_id:
            devices = [d for d in devices if d.device_id == self.sbi_device_id]
        if not devices:
            raise DeviceNotFound(f"no SBI {wanted} device on port {self.client.port}",
                                 device_id=self.device_id)
        dev = devices[0]
        if dev.problem:
            raise c.SbiError("100", dev.problem, device_id=self.device_id)
        self.device = dev

    def close(self) -> None:
        self.end_preview()

    def end_preview(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()  # GeneratorExit closes the HTTP response and connection

    def reset_chain(self) -> None:
        """Start a new hash chain (a new applicant / transaction)."""
        self.previous_hash = p.EMPTY_HASH

    def info(self) -> DeviceInfo:
        d = self.device
        digital = d.digital_id if d else {}
        return DeviceInfo(
            self.descriptor.driver_id, self.device_id, make=str(digital.get("make", "")),
            model=str(digital.get("model", "")), serial=str(digital.get("serialNo", "")),
            firmware=d.firmware if d else "",
            extra={"port": self.client.port, "certification": d.certification if d else "",
                   "spec_version": d.spec_version if d else "",
                   "provider": str(digital.get("deviceProvider", "")),
                   "trusted": bool(d and d.trusted)},
        )

    def _ready(self) -> c.SbiDevice:
        if self.device is None:
            self.open()
        assert self.device is not None
        return self.device

    def _capture(self, bio_type: str, sub_id: int, cancel: CancelToken, *,
                 sub_types: Sequence[str] = (), exceptions: Sequence[str] = (), count: int = 1,
                 requested_score: float | None = None, timeout_s: float | None = None,
                 ) -> list[c.SbiBiometric]:
        dev = self._ready()
        self.end_preview()  # SBI: frames are not streamed while a capture runs
        try:
            blocks = self.client.rcapture(
                dev, bio_type=bio_type, sub_id=sub_id, sub_types=sub_types,
                exceptions=exceptions, count=count,
                requested_score=FINGER_QUALITY_THRESHOLD if requested_score is None
                else requested_score, timeout_s=timeout_s, previous_hash=self.previous_hash,
                cancel=cancel)
        except DeviceError as exc:
            exc.device_id = self.device_id
            raise
        self.previous_hash = blocks[-1].hash
        return blocks

    def _extra(self, b: c.SbiBiometric) -> dict[str, Any]:
        return {"sbi_hash": b.hash, "transaction_id": b.transaction_id,
                "spec_version": b.spec_version, "signed": b.signed, "trusted": b.trusted,
                "device_timestamp": b.timestamp, "iso_record": b.bio_value}

    def preview_frame(self, cancel: CancelToken) -> Frame | None:
        dev = self._ready()
        if self._stream is None:
            self._stream = self.client.stream(dev, self._stream_sub_id())
        try:
            jpeg = next(self._stream)
        except StopIteration:
            self._stream = None
            return None
        img = decode_bytes(jpeg, gray=self.modalities[0] is Modality.FINGER)
        if img is None:
            raise GarbageData("a preview frame is not a JPEG", device_id=self.device_id)
        return Frame(img, device_id=self.device_id)

    def _stream_sub_id(self) -> int:
        return self.device.sub_ids[0] if self.device and self.device.sub_ids else 0


class SbiFingerprintScanner(_SbiDevice, FingerprintScanner):
    def _sub_id(self, positions: Sequence[FingerPosition]) -> int:
        ids = {p.sub_id_for(pos) for pos in positions}
        assert self.device is not None
        if len(ids) == 1 and next(iter(ids)) in self.device.sub_ids:
            return ids.pop()
        return 0

    def _results(self, blocks: list[c.SbiBiometric], wanted: Sequence[FingerPosition]
                 ) -> list[CaptureResult]:
        from station.biometrics.formats import iso19794_4

        out = []
        for b in blocks:
            pos = p.position_of(b.bio_sub_type)
            if pos is None or pos not in wanted:
                raise GarbageData(f"the device returned {b.bio_sub_type!r}, not one of the "
                                  "requested fingers", device_id=self.device_id)
            try:
                reps = iso19794_4.read(b.bio_value)
            except ValueError as exc:
                raise GarbageData(f"{b.bio_sub_type}: not an ISO/IEC 19794-4 record ({exc})",
                                  device_id=self.device_id) from None
            if len(reps) != 1:
                raise GarbageData(f"{b.bio_sub_type}: {len(reps)} images in one record",
                                  device_id=self.device_id)
            rep = reps[0]
            img = np.asarray(rep.image)
            if img.ndim != 2 or img.dtype != np.uint8:
                raise GarbageData("finger image is not 8-bit gray", device_id=self.device_id)
            out.append(CaptureResult(
                Modality.FINGER, img, rep.encoded or b.bio_value, rep.compression, self.info(),
                ppi=rep.ppi, position=pos, device_quality=b.quality_score,
                extra=self._extra(b)))
        return out

    def capture(self, position: FingerPosition, cancel: CancelToken, *,
                requested_score: float | None = None,
                timeout_s: float | None = None) -> CaptureResult:
        pos = FingerPosition(position)
        self._ready()
        blocks = self._capture("Finger", self._sub_id([pos]), cancel,
                               sub_types=[p.BIO_SUBTYPE[pos]], count=1,
                               requested_score=requested_score, timeout_s=timeout_s)
        return self._results(blocks, [pos])[0]

    def capture_many(self, positions: Sequence[FingerPosition], cancel: CancelToken, *,
                     exceptions: Sequence[FingerPosition] = (),
                     requested_score: float | None = None,
                     timeout_s: float | None = None) -> list[CaptureResult]:
        """One RCAPTURE per slap (left four, right four, thumbs), exceptions passed on."""
        self._ready()
        wanted = [FingerPosition(x) for x in positions]
        skip = {FingerPosition(x) for x in exceptions}
        results: list[CaptureResult] = []
        groups: dict[int, list[FingerPosition]] = {}
        for pos in wanted:
            groups.setdefault(p.sub_id_for(pos), []).append(pos)
        for _sub, group in sorted(groups.items()):
            take = [x for x in group if x not in skip]
            if not take:
                continue
            blocks = self._capture(
                "Finger", self._sub_id(take), cancel,
                sub_types=[p.BIO_SUBTYPE[x] for x in take],
                exceptions=[p.BIO_SUBTYPE[x] for x in group if x in skip], count=len(take),
                requested_score=requested_score, timeout_s=timeout_s)
            results.extend(self._results(blocks, take))
        return results


class SbiCamera(_SbiDevice, FaceCamera):
    def capture(self, cancel: CancelToken) -> CaptureResult:
        from station.biometrics.formats import iso19794_5

        blocks = self._capture("Face", 0, cancel, count=1, requested_score=0)
        b = blocks[0]
        try:
            faces = iso19794_5.read(b.bio_value)
            img = faces[0].decode()
        except (ValueError, IndexError) as exc:
            raise GarbageData(f"not an ISO/IEC 19794-5 face record ({exc})",
                              device_id=self.device_id) from None
        if img.ndim == 2:
            img = np.stack([img] * 3, axis=2)
        return CaptureResult(Modality.FACE, img, faces[0].data,
                             "jp2" if faces[0].data[:4] == b"\x00\x00\x00\x0c" else "jpeg",
                             self.info(), device_quality=b.quality_score, extra=self._extra(b))


class SbiIris(_SbiDevice, IrisScanner):
    """A single or dual (SBI "Double") iris camera: bioSubType Left / Right, deviceSubId 1 left,
    2 right, 3 both at once; eyes that cannot be captured go in the request's exception list."""

    def _results(self, blocks: list[c.SbiBiometric], wanted: Sequence[str]
                 ) -> list[CaptureResult]:
        from station.biometrics.formats import FormatError, iso19794_6

        out = []
        for b in blocks:
            side = str(b.bio_sub_type).strip().lower()
            if side not in wanted:
                raise GarbageData(f"the device returned {b.bio_sub_type!r}, not one of the "
                                  f"requested eyes {list(wanted)}", device_id=self.device_id)
            try:
                reps = iso19794_6.read(b.bio_value)
            except FormatError as exc:
                raise GarbageData(f"{b.bio_sub_type}: not an ISO/IEC 19794-6 record "
                                  f"({exc.problem.message_en})", device_id=self.device_id) \
                    from None
            if len(reps) != 1:
                raise GarbageData(f"{b.bio_sub_type}: {len(reps)} images in one record",
                                  device_id=self.device_id)
            rep = reps[0]
            if rep.eye not in ("unknown", side):
                raise GarbageData(f"the record is labelled {rep.eye} but was sent as "
                                  f"{b.bio_sub_type}", device_id=self.device_id)
            img = decode_bytes(rep.data, gray=True) if rep.image_format not in (2, 4) \
                else rep.decode()
            if img is None or img.ndim != 2:
                raise GarbageData(f"{b.bio_sub_type}: the iris image cannot be decoded",
                                  device_id=self.device_id)
            out.append(CaptureResult(Modality.IRIS, img, b.bio_value, "iso19794-6", self.info(),
                                     device_quality=b.quality_score,
                                     extra={**self._extra(b), "eye": side}))
        return out

    def capture(self, eye: str, cancel: CancelToken) -> CaptureResult:
        side = eye_name(eye)
        blocks = self._capture("Iris", 1 if side == "left" else 2, cancel,
                               sub_types=[side.title()], count=1)
        return self._results(blocks, [side])[0]

    def capture_eyes(self, eyes: Sequence[str], cancel: CancelToken, *,
                     exceptions: Sequence[str] = ()) -> list[CaptureResult]:
        """Both eyes in one RCAPTURE on a dual camera (deviceSubId 3), one each otherwise."""
        wanted = [eye_name(e) for e in eyes]
        skip = {eye_name(e) for e in exceptions}
        take = [e for e in wanted if e not in skip]
        if not take:
            return []
        dev = self._ready()
        if len(take) == 1 or 3 not in dev.sub_ids:
            return [self.capture(e, cancel) for e in take]
        blocks = self._capture("Iris", 3, cancel, sub_types=[e.title() for e in take],
                               exceptions=[e.title() for e in wanted if e in skip],
                               count=len(take))
        return self._results(blocks, take)


class SbiDriver(Driver):
    manifest = SBI
    _classes: dict[Modality, type[_SbiDevice]] = {
        Modality.FINGER: SbiFingerprintScanner, Modality.FACE: SbiCamera,
        Modality.IRIS: SbiIris}

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        settings = client_settings(self.options)
        try:
            ports = c.parse_ports(self.options["port"]) if self.options.get("port") else \
                c.parse_ports(self.options.get("ports", "4501-4600"))
        except ValueError as exc:
            raise InvalidOption(str(exc)) from None
        devices, _problems = c.scan(
            settings["host"], ports,
            timeout_s=min(timeout_s, settings["discovery_timeout_s"]),
            trust_store=settings["trust_store"], require_signed=settings["require_signed"])
        found = []
        passthrough = {k: v for k, v in self.options.items() if k not in ("port", "ports")}
        for d in devices:
            modality = MODALITY_OF.get(d.type.lower())
            if modality is None:
                continue
            status = "not_registered" if d.problem else d.status.lower().replace(" ", "_")
            found.append(DeviceDescriptor(
                driver_id="sbi", device_id=f"sbi:{d.port}:{d.device_id}",
                name=f"{d.digital_id.get('make', '')} {d.digital_id.get('model', '')} "
                     f"({d.type}, port {d.port})".strip(),
                modalities=(modality,), status=status,
                options={**passthrough, "modality": modality.value, "port": d.port,
                         "sbi_device_id": d.device_id},
                details={"serial": d.digital_id.get("serialNo", ""),
                         "provider": d.digital_id.get("deviceProvider", ""),
                         "certification": d.certification, "purpose": d.purpose,
                         "spec_versions": d.spec_versions, "sub_ids": d.sub_ids,
                         "signed": d.signed, "trusted": d.trusted, "problem": d.problem},
            ))
        return found

    def open(self, descriptor: DeviceDescriptor) -> Device:
        modality = Modality(descriptor.options.get("modality", descriptor.modalities[0]))
        if modality not in self._classes:
            raise InvalidOption(f"SBI has no {modality.value} devices")
        merged = {**self.options, **descriptor.options}
        desc = DeviceDescriptor(descriptor.driver_id, descriptor.device_id, descriptor.name,
                                (modality,), descriptor.status, merged, descriptor.details)
        return self._classes[modality](desc)
