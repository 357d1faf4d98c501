"""The driver contract: manifests, one small abstract class per modality, results and errors.

A driver package provides two things:

* a `DriverManifest` in a module that imports nothing heavy (no vendor SDK), registered under the
  entry-point group ``rekam.devices``; the station lists drivers from their manifests alone and
  checks `requires` (importable module names) before it imports the driver itself;
* a `Driver` subclass named by ``manifest.factory`` (``"package.module:Class"``) that finds
  devices (`discover`) and opens them (`open`) as objects implementing `FaceCamera`,
  `FingerprintScanner`, `SignaturePad` or `IrisScanner`.

Every method of a device runs on that device's own worker thread (see `devices.manager`); a
driver may block, but it should check `CancelToken.cancelled` in long loops and raise a
`DeviceError` subclass for anything that goes wrong. Results and preview frames are plain Python
objects (numpy arrays, bytes, dataclasses) so that the UI can wrap them in Qt signals.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple

import numpy as np

from station.domain.enrollment import FingerPosition
from station.domain.problems import Problem

ENTRY_POINT_GROUP = "rekam.devices"


class Modality(StrEnum):
    FACE = "face"
    FINGER = "finger"
    SIGNATURE = "signature"
    IRIS = "iris"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class DeviceError(Exception):
    """A device problem with a stable code and a message in Bahasa Indonesia and English."""

    code = "device.error"
    message_id = "Perangkat bermasalah"
    message_en = "The device reported a problem"

    def __init__(self, detail: str = "", *, device_id: str | None = None) -> None:
        self.detail = detail
        self.device_id = device_id
        super().__init__(str(self.problem))

    @property
    def problem(self) -> Problem:
        suffix = f": {self.detail}" if self.detail else ""
        where = f" [{self.device_id}]" if self.device_id else ""
        return Problem(self.code, f"{self.message_id}{where}{suffix}",
                       f"{self.message_en}{where}{suffix}")

    def as_dict(self) -> dict[str, str]:
        return self.problem.as_dict()


class DeviceDisconnected(DeviceError):
    code = "device.disconnected"
    message_id = "Perangkat terputus; periksa kabel/sambungan lalu coba lagi"
    message_en = "The device is disconnected; check the cable or connection and try again"


class DeviceNotFound(DeviceError):
    code = "device.not_found"
    message_id = "Perangkat tidak ditemukan"
    message_en = "No such device"


class DeviceTimeout(DeviceError):
    code = "device.timeout"
    message_id = "Perangkat tidak menjawab dalam batas waktu"
    message_en = "The device did not answer in time"


class DeviceBusy(DeviceError):
    code = "device.busy"
    message_id = "Perangkat sedang sibuk; tunggu sebentar lalu coba lagi"
    message_en = "The device is busy; wait a moment and try again"


class GarbageData(DeviceError):
    code = "device.garbage"
    message_id = "Perangkat mengirim data rusak; ulangi perekaman"
    message_en = "The device sent unusable data; capture again"


class IntegrityError(DeviceError):
    code = "device.integrity"
    message_id = "Data perangkat gagal diverifikasi (tanda tangan/rantai hash); jangan dipakai"
    message_en = "The device data failed verification (signature or hash chain); do not use it"


class LibraryUnavailable(DeviceError):
    code = "device.library_unavailable"
    message_id = "Pustaka driver tidak terpasang"
    message_en = "The driver's library is not installed"


class DriverCrashed(DeviceError):
    code = "device.driver_crashed"
    message_id = "Driver perangkat gagal dan dikarantina; lihat log"
    message_en = "The device driver failed and was quarantined; see the log"


class CaptureCancelled(DeviceError):
    code = "device.cancelled"
    message_id = "Perekaman dibatalkan"
    message_en = "The capture was cancelled"


class Unsupported(DeviceError):
    code = "device.unsupported"
    message_id = "Perangkat tidak mendukung permintaan ini"
    message_en = "The device does not support this request"


class InvalidOption(DeviceError):
    code = "device.invalid_option"
    message_id = "Pengaturan perangkat tidak valid"
    message_en = "Invalid device setting"


# --------------------------------------------------------------------------------------------
# Manifests and descriptors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriverManifest:
    """What the station knows about a driver before importing it.

    id: short stable identifier ("sbi", "acme-scanner"); factory: "module:Class" of the `Driver`;
    requires: importable module names the driver needs (its SDK binding, e.g. "pyacme");
    options: documented driver options, name -> one-line help.
    """

    id: str
    name: str
    vendor: str
    modalities: tuple[Modality, ...]
    factory: str
    version: str = "0"
    requires: tuple[str, ...] = ()
    description: str = ""
    options: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "modalities", tuple(Modality(m) for m in self.modalities))
        object.__setattr__(self, "requires", tuple(self.requires))
        if not self.id or any(c.isspace() for c in self.id):
            raise ValueError(f"driver id must be a non-empty word, got {self.id!r}")
        if ":" not in self.factory:
            raise ValueError(f"factory must be 'module:attribute', got {self.factory!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DriverManifest:
        known = {"id", "name", "vendor", "modalities", "factory", "version", "requires",
                 "description", "options"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown manifest keys: {', '.join(sorted(unknown))}")
        return cls(**{k: (tuple(v) if k in ("modalities", "requires") else v)
                      for k, v in data.items()})

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["modalities"] = [m.value for m in self.modalities]
        d["requires"] = list(self.requires)
        d["options"] = dict(self.options)
        return d


@dataclass(frozen=True)
class DeviceDescriptor:
    """One device a driver found: enough to list it and to open it later."""

    driver_id: str
    device_id: str  # unique within the station, e.g. "sbi:4501:FP-123"
    name: str
    modalities: tuple[Modality, ...]
    status: str = "ready"  # ready | busy | not_ready | not_registered
    options: Mapping[str, Any] = field(default_factory=dict)  # passed back to Driver.open
    details: Mapping[str, Any] = field(default_factory=dict)  # shown to IT staff

    def to_dict(self) -> dict[str, Any]:
        return {
            "driver": self.driver_id, "device_id": self.device_id, "name": self.name,
            "modalities": [Modality(m).value for m in self.modalities], "status": self.status,
            "options": dict(self.options), "details": dict(self.details),
        }


@dataclass(frozen=True)
class DeviceInfo:
    """Identity of the device that produced a result (kept with the capture)."""

    driver_id: str
    device_id: str
    make: str = ""
    model: str = ""
    serial: str = ""
    firmware: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["extra"] = dict(self.extra)
        return d


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A preview frame: BGR (camera) or gray (scanner) image and when it was taken."""

    image: np.ndarray = field(repr=False)
    timestamp: float = field(default_factory=time.monotonic)  # time.monotonic()
    index: int = 0
    device_id: str = ""
    quality_hint: float | None = None  # a device's live quality estimate, if it reports one


@dataclass(frozen=True)
class CaptureResult:
    """A finished capture: the decoded image plus the bytes as the device delivered them."""

    modality: Modality
    image: np.ndarray | None = field(repr=False)  # gray uint8 for fingers, BGR for faces
    data: bytes = field(repr=False)  # encoded bytes: png, jpeg, wsq, jp2, iso19794-4 ...
    format: str = "png"
    device: DeviceInfo | None = None
    ppi: int | None = None
    position: FingerPosition | None = None
    device_quality: float | None = None  # 0-100 if the device reports one (SBI does)
    captured_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. SBI hash, transaction id

    def summary(self) -> dict[str, Any]:
        return {
            "modality": self.modality.value,
            "format": self.format,
            "bytes": len(self.data),
            "width": None if self.image is None else int(self.image.shape[1]),
            "height": None if self.image is None else int(self.image.shape[0]),
            "ppi": self.ppi,
            "position": None if self.position is None else int(self.position),
            "device_quality": self.device_quality,
            "device": None if self.device is None else self.device.to_dict(),
            "captured_at": self.captured_at.isoformat(),
            "extra": {k: v for k, v in self.extra.items() if isinstance(v, str | int | float)},
        }


class StrokePoint(NamedTuple):
    x: float
    y: float
    t_ms: int
    pressure: float = 1.0  # 0..1; 1.0 when the pad reports none
    tilt_x: float | None = None  # degrees, when a pen tablet reports them
    tilt_y: float | None = None


@dataclass(frozen=True)
class SignatureResult:
    strokes: tuple[tuple[StrokePoint, ...], ...]
    width: int  # pad coordinate range (x in 0..width, y in 0..height)
    height: int
    device: DeviceInfo | None = None
    captured_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    modality: Modality = Modality.SIGNATURE

    @property
    def point_count(self) -> int:
        return sum(len(s) for s in self.strokes)

    def summary(self) -> dict[str, Any]:
        return {
            "modality": "signature",
            "strokes": len(self.strokes),
            "points": self.point_count,
            "width": self.width,
            "height": self.height,
            "duration_ms": (self.strokes[-1][-1].t_ms - self.strokes[0][0].t_ms)
            if self.strokes and self.strokes[0] and self.strokes[-1] else 0,
            "device": None if self.device is None else self.device.to_dict(),
            "captured_at": self.captured_at.isoformat(),
        }

    def to_json_strokes(self) -> list[list[list[float | int | None]]]:
        return [[list(p) for p in s] for s in self.strokes]


# --------------------------------------------------------------------------------------------
# Cancellation
# --------------------------------------------------------------------------------------------


class CancelToken:
    """Set by the manager on cancel or timeout; drivers poll it or wait on it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "cancelled") -> None:
        self.reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if cancelled meanwhile (use instead of time.sleep)."""
        return self._event.wait(seconds)

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CaptureCancelled(self.reason)


# --------------------------------------------------------------------------------------------
# Devices: one small contract per modality
# --------------------------------------------------------------------------------------------


class Device:
    """Base of every opened device. All methods are called on the device's worker thread."""

    modalities: ClassVar[tuple[Modality, ...]] = ()
    # A device with its own capture timeout (a driver option) sets this; the manager uses it
    # when the caller gives none, instead of its default (40 s).
    capture_timeout_s: float | None = None

    def __init__(self, descriptor: DeviceDescriptor) -> None:
        self.descriptor = descriptor

    @property
    def device_id(self) -> str:
        return self.descriptor.device_id

    def info(self) -> DeviceInfo:
        return DeviceInfo(self.descriptor.driver_id, self.descriptor.device_id)

    def open(self) -> None:
        """Connect to the hardware; raise DeviceError if it is not there."""

    def close(self) -> None:
        """Release the hardware. Must not raise."""

    def preview_frame(self, cancel: CancelToken) -> Frame | None:
        """One live preview frame, or None if this device has no preview."""
        return None

    def end_preview(self) -> None:
        """The preview stopped: release what preview_frame holds open (a stream). No raise."""


class FaceCamera(Device):
    modalities = (Modality.FACE,)

    @abstractmethod
    def capture(self, cancel: CancelToken) -> CaptureResult:
        """Take the photo (BGR image in the result)."""


class FingerprintScanner(Device):
    modalities = (Modality.FINGER,)
    ppi: int = 500

    @abstractmethod
    def capture(self, position: FingerPosition, cancel: CancelToken, *,
                requested_score: float | None = None,
                timeout_s: float | None = None) -> CaptureResult:
        """Capture one finger (gray 500 ppi image in the result)."""

    def capture_many(self, positions: Sequence[FingerPosition], cancel: CancelToken, *,
                     exceptions: Sequence[FingerPosition] = (),
                     requested_score: float | None = None,
                     timeout_s: float | None = None) -> list[CaptureResult]:
        """Capture several fingers (a slap); default: one after the other."""
        skip = set(exceptions)
        return [self.capture(p, cancel, requested_score=requested_score, timeout_s=timeout_s)
                for p in positions if p not in skip]


class SignaturePad(Device):
    modalities = (Modality.SIGNATURE,)

    @abstractmethod
    def capture(self, cancel: CancelToken) -> SignatureResult:
        """Collect one signature (strokes with time and pressure)."""


class IrisScanner(Device):
    modalities = (Modality.IRIS,)

    @abstractmethod
    def capture(self, eye: str, cancel: CancelToken) -> CaptureResult:
        """Capture one eye ("left" or "right"): gray uint8 image, `extra["eye"]` set."""

    def capture_eyes(self, eyes: Sequence[str], cancel: CancelToken, *,
                     exceptions: Sequence[str] = ()) -> list[CaptureResult]:
        """Capture several eyes (a dual-eye camera does both at once); `exceptions` are eyes
        that cannot be captured (missing, blind, injured: confirmed by a supervisor) and are
        skipped. Default: one after the other."""
        skip = {str(e).lower() for e in exceptions}
        return [self.capture(e, cancel) for e in eyes if str(e).lower() not in skip]


EYES = ("right", "left")


def eye_name(eye: object) -> str:
    """"left" / "right" from any spelling devices use (Left, LEFT, l, 2 / 1 as ISO codes)."""
    text = str(getattr(eye, "value", eye)).strip().lower()
    name = {"l": "left", "r": "right", "2": "left", "1": "right"}.get(text, text)
    if name not in EYES:
        raise InvalidOption(f"eye must be left or right, got {eye!r}")
    return name


CONTRACTS: dict[Modality, type[Device]] = {
    Modality.FACE: FaceCamera,
    Modality.FINGER: FingerprintScanner,
    Modality.SIGNATURE: SignaturePad,
    Modality.IRIS: IrisScanner,
}


class Driver(ABC):
    """Finds and opens devices. Instantiated once per station; must be cheap to construct."""

    manifest: ClassVar[DriverManifest]

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options: dict[str, Any] = dict(options or {})

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        """Devices present now. Default: none (drivers that need options are opened directly)."""
        return []

    @abstractmethod
    def open(self, descriptor: DeviceDescriptor) -> Device:
        """Return a device object for the descriptor (not yet opened: the manager calls open())."""

    def descriptor(self, modality: Modality, **options: Any) -> DeviceDescriptor:
        """A descriptor for a device configured by options alone (no discovery needed)."""
        suffix = ",".join(f"{k}={v}" for k, v in sorted(options.items()))
        return DeviceDescriptor(
            driver_id=self.manifest.id,
            device_id=f"{self.manifest.id}:{modality.value}" + (f":{suffix}" if suffix else ""),
            name=f"{self.manifest.name} ({modality.value})",
            modalities=(modality,),
            options={"modality": modality.value, **options},
        )
