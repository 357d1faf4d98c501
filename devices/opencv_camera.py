"""The `opencv-camera` driver: a camera by index, a video file, or a stream URL."""

from __future__ import annotations

import glob
import sys
import time
from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np

from devices.api import (
    CancelToken,
    CaptureResult,
    Device,
    DeviceDescriptor,
    DeviceDisconnected,
    DeviceInfo,
    DeviceNotFound,
    Driver,
    FaceCamera,
    Frame,
    GarbageData,
    InvalidOption,
    Modality,
)
from devices.builtin import OPENCV_CAMERA

READ_RETRIES = 5


def parse_source(value: Any) -> int | str:
    """A camera index ("0", 1) stays an int; a path or URL stays a string."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        raise InvalidOption("source is empty: give a camera index, a video file or a URL")
    return int(text) if text.isdigit() else text


def _positive(options: Mapping[str, Any], key: str) -> float | None:
    raw = options.get(key)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidOption(f"{key} must be a number, got {raw!r}") from None
    if value <= 0:
        raise InvalidOption(f"{key} must be positive, got {raw!r}")
    return value


class OpenCvCamera(FaceCamera):
    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        o = descriptor.options
        self.source = parse_source(o.get("source", 0))
        self.width = _positive(o, "width")
        self.height = _positive(o, "height")
        self.fps = _positive(o, "fps")
        self.loop = str(o.get("loop", "true")).lower() not in ("0", "false", "no", "off")
        self._cap: cv2.VideoCapture | None = None
        self._is_file = isinstance(self.source, str) and "://" not in self.source

    def open(self) -> None:
        cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            raise DeviceNotFound(f"OpenCV cannot open {self.source!r}", device_id=self.device_id)
        if self.width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        if self.height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        self._cap = cap

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def info(self) -> DeviceInfo:
        extra: dict[str, Any] = {"source": str(self.source)}
        if self._cap is not None:
            extra.update(width=int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                         height=int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
                         fps=float(self._cap.get(cv2.CAP_PROP_FPS)),
                         backend=self._cap.getBackendName())
        return DeviceInfo(self.descriptor.driver_id, self.device_id, make="OpenCV",
                          model="video capture", extra=extra)

    def _read(self, cancel: CancelToken | None = None) -> np.ndarray:
        if self._cap is None:
            raise DeviceDisconnected("the camera is not open", device_id=self.device_id)
        for _attempt in range(READ_RETRIES):
            ok, frame = self._cap.read()
            if ok and frame is not None and frame.size:
                if frame.ndim == 2:
                    frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
                if self.width and self.height and frame.shape[:2] != (int(self.height),
                                                                      int(self.width)):
                    frame = cv2.resize(frame, (int(self.width), int(self.height)),
                                       interpolation=cv2.INTER_AREA)
                return frame
            if self._is_file and self.loop:
                self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            if cancel is not None and cancel.wait(0.05):
                cancel.raise_if_cancelled()
            else:
                time.sleep(0.05)
        if self._is_file:
            raise DeviceDisconnected(f"no more frames in {self.source}", device_id=self.device_id)
        raise DeviceDisconnected("the camera stopped delivering frames",
                                 device_id=self.device_id)

    def preview_frame(self, cancel: CancelToken) -> Frame | None:
        return Frame(self._read(cancel), device_id=self.device_id)

    def capture(self, cancel: CancelToken) -> CaptureResult:
        frame = self._read(cancel)
        ok, enc = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
        if not ok:
            raise GarbageData("the frame could not be encoded", device_id=self.device_id)
        return CaptureResult(Modality.FACE, frame, enc.tobytes(), "jpeg", self.info())


class OpenCvCameraDriver(Driver):
    manifest = OPENCV_CAMERA

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        """Cameras the OS lists (Linux: /dev/video*), without opening them; a configured
        ``source`` option is listed as well."""
        found = []
        if "source" in self.options:
            found.append(self.descriptor(Modality.FACE, source=str(self.options["source"])))
        if sys.platform.startswith("linux"):
            for node in sorted(glob.glob("/dev/video*")):
                suffix = node.removeprefix("/dev/video")
                if suffix.isdigit():
                    d = self.descriptor(Modality.FACE, source=suffix)
                    found.append(DeviceDescriptor(d.driver_id, d.device_id, f"Kamera {node}",
                                                  d.modalities, options=d.options,
                                                  details={"node": node}))
        return found

    def open(self, descriptor: DeviceDescriptor) -> Device:
        return OpenCvCamera(descriptor)
