"""The example pad driver: a Driver that makes SignaturePad devices talking a line protocol."""

from __future__ import annotations

import socket

from devices.api import (
    CancelToken,
    CaptureCancelled,
    DeviceDescriptor,
    DeviceDisconnected,
    DeviceInfo,
    DeviceNotFound,
    DeviceTimeout,
    Driver,
    GarbageData,
    InvalidOption,
    SignaturePad,
    SignatureResult,
    StrokePoint,
)
from rekam_example_driver.manifest import PAD

PAD_WIDTH, PAD_HEIGHT = 640, 240
MAX_POINTS = 100_000


class NetworkPad(SignaturePad):
    """Runs on its own worker thread (the station's DeviceManager makes it); may block, but
    checks `cancel` at least every 0.2 s and raises only devices.api errors."""

    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        o = descriptor.options
        try:
            self.host = str(o.get("host", "127.0.0.1"))
            self.port = int(o["port"])
            self.timeout = float(o.get("timeout", 40))
        except (KeyError, TypeError, ValueError):
            raise InvalidOption("example-pad needs port=N (and optional host, timeout)",
                                device_id=descriptor.device_id) from None
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=3)
        except OSError as exc:
            raise DeviceNotFound(f"no pad at {self.host}:{self.port} ({exc})",
                                 device_id=self.device_id) from None
        self._sock.settimeout(0.2)  # short reads, so that cancel is noticed quickly

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def info(self) -> DeviceInfo:
        return DeviceInfo(self.descriptor.driver_id, self.device_id, make="Example Vendor",
                          model="Network pad", extra={"address": f"{self.host}:{self.port}"})

    def _lines(self, cancel: CancelToken):
        assert self._sock is not None
        buf = b""
        waited = 0.0
        while True:
            if cancel.cancelled:
                raise CaptureCancelled(cancel.reason, device_id=self.device_id)
            try:
                chunk = self._sock.recv(4096)
            except TimeoutError:
                waited += 0.2
                if waited > self.timeout:
                    raise DeviceTimeout("nobody signed", device_id=self.device_id) from None
                continue
            except OSError as exc:
                raise DeviceDisconnected(str(exc), device_id=self.device_id) from None
            if not chunk:
                raise DeviceDisconnected("the pad closed the connection",
                                         device_id=self.device_id)
            buf += chunk
            *lines, buf = buf.split(b"\n")
            yield from lines

    def capture(self, cancel: CancelToken) -> SignatureResult:
        strokes: list[tuple[StrokePoint, ...]] = []
        current: list[StrokePoint] = []
        count = 0
        for raw in self._lines(cancel):
            parts = raw.decode("ascii", "replace").split()
            if not parts:
                continue
            kind = parts[0]
            if kind == "D":
                try:
                    x, y, p = float(parts[1]), float(parts[2]), float(parts[4])
                    t = int(parts[3])
                except (IndexError, ValueError):
                    raise GarbageData(f"bad pen event {raw[:40]!r}",
                                      device_id=self.device_id) from None
                if not (0 <= x <= PAD_WIDTH and 0 <= y <= PAD_HEIGHT and 0 <= p <= 1):
                    raise GarbageData(f"pen event out of range {raw[:40]!r}",
                                      device_id=self.device_id)
                current.append(StrokePoint(x, y, t, p))
                count += 1
                if count > MAX_POINTS:
                    raise GarbageData("too many pen events", device_id=self.device_id)
            elif kind == "U":
                if current:
                    strokes.append(tuple(current))
                    current = []
            elif kind == "E":
                if current:
                    strokes.append(tuple(current))
                if not strokes:
                    raise GarbageData("the pad sent an empty signature",
                                      device_id=self.device_id)
                return SignatureResult(tuple(strokes), PAD_WIDTH, PAD_HEIGHT, self.info())
            else:
                raise GarbageData(f"unknown pad message {kind!r}", device_id=self.device_id)
        raise DeviceDisconnected("stream ended", device_id=self.device_id)  # pragma: no cover


class PadDriver(Driver):
    manifest = PAD

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        # Network pads cannot be found by scanning; a configured one is listed.
        if "port" in self.options:
            from devices.api import Modality

            return [self.descriptor(Modality.SIGNATURE, **self.options)]
        return []

    def open(self, descriptor: DeviceDescriptor) -> NetworkPad:
        return NetworkPad(descriptor)
