"""Simulated camera, fingerprint scanner, signature pad and iris camera, with fault injection.

For demos, operator training and tests. Faults (option ``fault``, or `inject()` at run time):

* ``disconnect`` - the cable is pulled half-way through the capture: DeviceDisconnected, and the
  device stays disconnected until it is opened again;
* ``timeout`` - the device never answers (the capture waits until cancelled);
* ``garbage`` - the device sends bytes that are not an image (the driver reports GarbageData);
* ``hang`` - a *driver bug*: blocks for ``hang_s`` seconds ignoring cancellation (for testing
  that a hung driver cannot hang the station).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np

from devices.api import (
    CancelToken,
    CaptureCancelled,
    CaptureResult,
    Device,
    DeviceDescriptor,
    DeviceDisconnected,
    DeviceInfo,
    Driver,
    FaceCamera,
    FingerprintScanner,
    Frame,
    GarbageData,
    InvalidOption,
    IrisScanner,
    Modality,
    SignaturePad,
    SignatureResult,
    StrokePoint,
    eye_name,
)
from devices.builtin import SIMULATED
from devices.simulated import synth
from station.domain.enrollment import FingerPosition

FAULTS = ("none", "disconnect", "timeout", "garbage", "hang")


def _int(options: Mapping[str, Any], key: str, default: int) -> int:
    try:
        return int(options.get(key, default))
    except (TypeError, ValueError):
        raise InvalidOption(f"{key} must be a whole number, got {options.get(key)!r}") from None


def _float(options: Mapping[str, Any], key: str, default: float) -> float:
    try:
        return float(options.get(key, default))
    except (TypeError, ValueError):
        raise InvalidOption(f"{key} must be a number, got {options.get(key)!r}") from None


class _Simulated(Device):
    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        o = descriptor.options
        self.seed = _int(o, "seed", 1)
        self.latency = _float(o, "latency", 0.2)
        self.hang_s = _float(o, "hang_s", 30.0)
        fault = str(o.get("fault", "none"))
        if fault not in FAULTS:
            raise InvalidOption(f"fault must be one of {', '.join(FAULTS)}, got {fault!r}")
        self._fault = fault
        self._fault_after = _int(o, "fault_after", 0)
        self._fault_count: int | None = None  # None = for ever
        self._captures = 0
        self._connected = False
        self._lock = threading.Lock()
        self.release_hang = threading.Event()  # tests set it to let a "hung" driver finish

    def info(self) -> DeviceInfo:
        return DeviceInfo(self.descriptor.driver_id, self.device_id, make="Rekam",
                          model=f"Simulated {'/'.join(m.value for m in self.modalities)}",
                          serial=f"SIM-{self.seed:06d}", firmware="1.0")

    def inject(self, fault: str, count: int | None = 1) -> None:
        """Make the next `count` captures fail with `fault` (None = every capture)."""
        if fault not in FAULTS:
            raise InvalidOption(f"fault must be one of {', '.join(FAULTS)}, got {fault!r}")
        with self._lock:
            self._fault, self._fault_after, self._fault_count = fault, self._captures, count

    def open(self) -> None:
        self._connected = True

    def close(self) -> None:
        self._connected = False
        self.release_hang.set()

    def _check_connected(self) -> None:
        if not self._connected:
            raise DeviceDisconnected("simulated cable pulled", device_id=self.device_id)

    def _pending_fault(self) -> str:
        with self._lock:
            if self._fault == "none" or self._captures < self._fault_after:
                return "none"
            if self._fault_count is not None:
                if self._fault_count <= 0:
                    return "none"
                self._fault_count -= 1
            return self._fault

    def _acquire(self, cancel: CancelToken) -> str:
        """Wait out the capture latency, applying any fault; returns the fault ("none" ...)."""
        self._check_connected()
        fault = self._pending_fault()
        if fault == "disconnect":
            cancel.wait(self.latency / 2)
            self._connected = False
            raise DeviceDisconnected("cable pulled during the capture", device_id=self.device_id)
        if fault == "timeout":
            while not cancel.wait(0.05):
                pass
            raise CaptureCancelled(cancel.reason, device_id=self.device_id)
        if fault == "hang":
            self.release_hang.wait(self.hang_s)  # deliberately ignores `cancel`
        if cancel.wait(self.latency):
            raise CaptureCancelled(cancel.reason, device_id=self.device_id)
        return fault

    def _decode(self, data: bytes, gray: bool) -> np.ndarray:
        img = cv2.imdecode(np.frombuffer(data, np.uint8),
                           cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
        if img is None:
            raise GarbageData(f"{len(data)} bytes that are no image", device_id=self.device_id)
        return img

    def _wire(self, fault: str, encoded: bytes) -> bytes:
        """What arrives from the 'hardware': the encoded image, or noise for a garbage fault."""
        if fault == "garbage":
            rng = np.random.default_rng(self._captures + 99)
            return b"\x00\x17" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
        return encoded


class SimulatedCamera(_Simulated, FaceCamera):
    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        by = descriptor.options.get("birth_year")
        self.birth_year = None if by in (None, "") else _int(descriptor.options, "birth_year", 0)
        self._base = synth.face(self.seed, self.birth_year)
        self._t0 = time.monotonic()

    def _live(self) -> np.ndarray:
        t = time.monotonic() - self._t0
        dx, dy = 6 * np.sin(t * 1.3), 4 * np.sin(t * 0.9)  # the applicant sways a little
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        img = cv2.warpAffine(self._base, m, (self._base.shape[1], self._base.shape[0]),
                             borderMode=cv2.BORDER_REPLICATE)
        noise = np.random.default_rng(int(t * 1000)).normal(0, 2, img.shape)
        return np.clip(img + noise, 0, 255).astype(np.uint8)

    def preview_frame(self, cancel: CancelToken) -> Frame | None:
        self._check_connected()
        return Frame(self._live(), device_id=self.device_id)

    def capture(self, cancel: CancelToken) -> CaptureResult:
        fault = self._acquire(cancel)
        ok, enc = cv2.imencode(".jpg", self._live(), [cv2.IMWRITE_JPEG_QUALITY, 95])
        data = self._wire(fault, enc.tobytes())
        img = self._decode(data, gray=False)
        self._captures += 1
        return CaptureResult(Modality.FACE, img, data, "jpeg", self.info(),
                             extra={"seed": self.seed})


class SimulatedScanner(_Simulated, FingerprintScanner):
    ppi = synth.FINGER_PPI

    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        self.quality = str(descriptor.options.get("quality", "good"))
        if self.quality not in synth.QUALITIES:
            raise InvalidOption(f"quality must be one of {', '.join(synth.QUALITIES)}, "
                                f"got {self.quality!r}")
        self._position = FingerPosition.RIGHT_THUMB
        self._impressions: dict[int, int] = {}
        self._phase = 0

    def set_quality(self, quality: str) -> None:
        if quality not in synth.QUALITIES:
            raise InvalidOption(f"quality must be one of {', '.join(synth.QUALITIES)}")
        self.quality = quality

    def preview_frame(self, cancel: CancelToken) -> Frame | None:
        """The finger settling on the platen: contrast rises over about a second."""
        self._check_connected()
        img = synth.fingerprint(self._position, self.seed, self.quality)
        self._phase = (self._phase + 1) % 30
        k = min(1.0, 0.15 + self._phase / 20)
        live = (255 - (255 - img.astype(np.float32)) * k).astype(np.uint8)
        return Frame(live, device_id=self.device_id)

    def capture(self, position: FingerPosition, cancel: CancelToken, *,
                requested_score: float | None = None,
                timeout_s: float | None = None) -> CaptureResult:
        self._position = FingerPosition(position)
        fault = self._acquire(cancel)
        n = self._impressions.get(int(position), 0)
        self._impressions[int(position)] = n + 1
        img = synth.fingerprint(position, self.seed, self.quality, impression=n)
        ok, enc = cv2.imencode(".png", img)
        data = self._wire(fault, enc.tobytes())
        decoded = self._decode(data, gray=True)
        self._captures += 1
        nominal = {"good": 80.0, "dry": 35.0, "smudged": 30.0, "partial": 25.0, "blank": 0.0}
        return CaptureResult(
            Modality.FINGER, decoded, data, "png", self.info(), ppi=self.ppi,
            position=FingerPosition(position), device_quality=nominal[self.quality],
            extra={"seed": self.seed, "impression": n, "quality_variant": self.quality},
        )


class SimulatedPad(_Simulated, SignaturePad):
    def capture(self, cancel: CancelToken) -> SignatureResult:
        fault = self._acquire(cancel)
        if fault == "garbage":
            raise GarbageData("pen packets out of order", device_id=self.device_id)
        strokes = synth.signature(self.seed + self._captures * 7919)
        self._captures += 1
        w, h = synth.SIGNATURE_PAD
        return SignatureResult(
            tuple(tuple(StrokePoint(x, y, t, p) for x, y, t, p in s) for s in strokes),
            w, h, self.info())


def _iris_defects(raw: object) -> tuple[str, ...]:
    names = tuple(d.strip() for d in str(raw or "").split(",") if d.strip() and d != "none")
    unknown = set(names) - set(synth.IRIS_DEFECTS)
    if unknown:
        raise InvalidOption(f"iris_defects must be among {', '.join(synth.IRIS_DEFECTS)}, "
                            f"got {', '.join(sorted(unknown))}")
    return names


class SimulatedIris(_Simulated, IrisScanner):
    """A dual-eye iris camera. Option ``iris_defects`` (comma-separated, see
    synth.IRIS_DEFECTS) makes every capture show those defects; `set_defects` changes them."""

    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        self.defects = _iris_defects(descriptor.options.get("iris_defects"))
        self._eye = "right"
        self._t0 = time.monotonic()

    def set_defects(self, defects: str | tuple[str, ...]) -> None:
        self.defects = _iris_defects(",".join(defects) if isinstance(defects, tuple)
                                     else defects)

    def preview_frame(self, cancel: CancelToken) -> Frame | None:
        self._check_connected()
        img = synth.iris(self.seed, self._eye, defects=self.defects)
        dx = int(round(3 * np.sin((time.monotonic() - self._t0) * 2.0)))  # a little movement
        return Frame(np.roll(img, dx, axis=1), device_id=self.device_id)

    def capture(self, eye: str, cancel: CancelToken) -> CaptureResult:
        side = eye_name(eye)
        self._eye = side
        fault = self._acquire(cancel)
        img = synth.iris(self.seed, side, defects=self.defects)
        ok, enc = cv2.imencode(".png", img)
        data = self._wire(fault, enc.tobytes())
        decoded = self._decode(data, gray=True)
        self._captures += 1
        return CaptureResult(Modality.IRIS, decoded, data, "png", self.info(),
                             extra={"eye": side, "seed": self.seed,
                                    "iris_defects": ",".join(self.defects)})


class SimulatedDriver(Driver):
    manifest = SIMULATED
    _classes = {Modality.FACE: SimulatedCamera, Modality.FINGER: SimulatedScanner,
                Modality.SIGNATURE: SimulatedPad, Modality.IRIS: SimulatedIris}

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        """The simulated set is listed only when asked for (REKAM_SIMULATED_DEVICES=1 or the
        driver option ``enabled``), so that a real station does not offer fake devices."""
        enabled = self.options.get("enabled", os.environ.get("REKAM_SIMULATED_DEVICES", ""))
        if str(enabled).lower() not in ("1", "true", "yes", "on"):
            return []
        base = {k: v for k, v in self.options.items() if k != "enabled"}
        return [self.descriptor(m, **base) for m in self._classes]

    def open(self, descriptor: DeviceDescriptor) -> Device:
        modality = Modality(descriptor.options.get("modality", descriptor.modalities[0]))
        return self._classes[modality](descriptor)
