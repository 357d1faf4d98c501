"""Helpers for the devices tests: registries built from explicit entry points, broken drivers."""

from __future__ import annotations

import socket
import threading
from importlib.metadata import EntryPoint

from devices.api import (
    CancelToken,
    CaptureResult,
    Device,
    DeviceDescriptor,
    Driver,
    DriverManifest,
    FingerprintScanner,
    Modality,
)
from devices.registry import Registry
from station.domain.enrollment import FingerPosition

BUILTINS = {
    "opencv-camera": "devices.builtin:OPENCV_CAMERA",
    "sbi": "devices.builtin:SBI",
    "simulated": "devices.builtin:SIMULATED",
    "files": "devices.builtin:FILES",
}


def registry(**extra: str) -> Registry:
    """A registry over the built-in drivers plus `extra` (name -> "module:attr")."""
    eps = [EntryPoint(name, value, "rekam.devices")
           for name, value in {**BUILTINS, **extra}.items()]
    return Registry(source=lambda: eps)


# -- deliberately broken drivers --------------------------------------------------------------

CRASHING = DriverManifest(
    id="crashing", name="Crashing scanner", vendor="tests", modalities=(Modality.FINGER,),
    factory="devices_helpers:CrashingDriver",
)
NEEDS_SDK = DriverManifest(
    id="needs-sdk", name="Scanner with an SDK", vendor="tests", modalities=(Modality.FINGER,),
    factory="devices_helpers:CrashingDriver", requires=("acme_fingerprint_sdk_not_here",),
)
BAD_IMPORT = DriverManifest(
    id="bad-import", name="Driver with a syntax error", vendor="tests",
    modalities=(Modality.FINGER,), factory="rekam_test_broken_driver:Driver",
)
HANGING_OPEN = DriverManifest(
    id="hanging-open", name="Scanner that hangs on open", vendor="tests",
    modalities=(Modality.FINGER,), factory="devices_helpers:HangingOpenDriver",
)
NOT_A_MANIFEST = 42


def broken_manifest() -> DriverManifest:
    raise RuntimeError("vendor manifest exploded")


class CrashingScanner(FingerprintScanner):
    def capture(self, position: FingerPosition, cancel: CancelToken, *,
                requested_score: float | None = None,
                timeout_s: float | None = None) -> CaptureResult:
        raise ZeroDivisionError("vendor bug")


class CrashingDriver(Driver):
    manifest = CRASHING

    def open(self, descriptor: DeviceDescriptor) -> Device:
        return CrashingScanner(descriptor)


RELEASE = threading.Event()


class HangingScanner(CrashingScanner):
    def open(self) -> None:
        RELEASE.wait(30)


class HangingOpenDriver(Driver):
    manifest = HANGING_OPEN

    def open(self, descriptor: DeviceDescriptor) -> Device:
        return HangingScanner(descriptor)


def free_port(lo: int = 4501, hi: int = 4600) -> int:
    """A free loopback port in the SBI range (the range a real scan covers)."""
    for port in range(hi, lo - 1, -1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in the SBI range")
