"""The `files` driver: captures read from disk (import, testing, `rekam enroll --from-dir`).

``path`` is either one image file, or a folder holding

* ``face.jpg`` / ``photo.jpg`` / ``face.png`` (PNG, JPEG, JPEG 2000, BMP, TIFF),
* ``finger-01.png`` ... ``finger-10.wsq`` (ISO/IEC 19794-4 position numbers; ``01.png``,
  ``finger_1.png``, ``right_thumb.png`` and ``fingers/1.png`` are accepted too),
* ``signature.json``: ``[[[x, y, t_ms, pressure], ...], ...]`` (strokes of points) or
  ``{"strokes": [...], "width": W, "height": H}``,
* ``iris-left.png`` / ``iris-right.png`` (or ``iris_left``, ``left_iris``, ``iris/left``; any
  image format above, or an ISO/IEC 19794-6 record ``.iso`` / ``.iir``).

The folder layout of `rekam enroll --from-dir` (photo.jpg, fingers/N.png, signature.json) is one
of the accepted layouts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from devices.api import (
    CancelToken,
    CaptureResult,
    Device,
    DeviceDescriptor,
    DeviceInfo,
    DeviceNotFound,
    Driver,
    FaceCamera,
    FingerprintScanner,
    GarbageData,
    InvalidOption,
    IrisScanner,
    Modality,
    SignaturePad,
    SignatureResult,
    StrokePoint,
    eye_name,
)
from devices.builtin import FILES
from devices.manager import decode_bytes
from station.domain.enrollment import FingerPosition

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".jp2", ".wsq", ".pgm")
MAX_BYTES = 50 * 1024 * 1024

_FORMATS = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"\xff\xa0": "wsq",
            b"\x00\x00\x00\x0cjP": "jp2", b"BM": "bmp", b"II*\x00": "tiff", b"MM\x00*": "tiff"}


def sniff_format(data: bytes) -> str:
    for magic, name in _FORMATS.items():
        if data.startswith(magic):
            return name
    return "unknown"


class _FileDevice(Device):
    def __init__(self, descriptor: DeviceDescriptor) -> None:
        super().__init__(descriptor)
        raw = descriptor.options.get("path")
        if not raw:
            raise InvalidOption("the files driver needs path=FILE or path=FOLDER",
                                device_id=descriptor.device_id)
        self.path = Path(str(raw)).expanduser()

    def open(self) -> None:
        if not self.path.exists():
            raise DeviceNotFound(f"no such file or folder: {self.path}", device_id=self.device_id)

    def info(self) -> DeviceInfo:
        return DeviceInfo(self.descriptor.driver_id, self.device_id, make="file",
                          model="image import", extra={"path": str(self.path)})

    def _find(self, stems: list[str], suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> Path:
        if self.path.is_file():
            return self.path
        for stem in stems:
            for suffix in suffixes:
                for name in (f"{stem}{suffix}", f"{stem}{suffix.upper()}"):
                    if (self.path / name).is_file():
                        return self.path / name
        raise DeviceNotFound(f"none of {', '.join(s + '.*' for s in stems)} in {self.path}",
                             device_id=self.device_id)

    def _read(self, file: Path) -> bytes:
        size = file.stat().st_size
        if size == 0:
            raise GarbageData(f"{file.name} is empty", device_id=self.device_id)
        if size > MAX_BYTES:
            raise GarbageData(f"{file.name} is {size} bytes, more than an image should be",
                              device_id=self.device_id)
        return file.read_bytes()

    def _image(self, file: Path, gray: bool) -> tuple[np.ndarray, bytes, str]:
        data = self._read(file)
        img = decode_bytes(data, gray=gray)
        if img is None:
            raise GarbageData(f"{file.name} is not a readable image", device_id=self.device_id)
        return img, data, sniff_format(data)


class FileCamera(_FileDevice, FaceCamera):
    def capture(self, cancel: CancelToken) -> CaptureResult:
        file = self._find(["face", "photo", "portrait", "foto"])
        img, data, fmt = self._image(file, gray=False)
        return CaptureResult(Modality.FACE, img, data, fmt, self.info(),
                             extra={"file": file.name})


class FileScanner(_FileDevice, FingerprintScanner):
    def capture(self, position: FingerPosition, cancel: CancelToken, *,
                requested_score: float | None = None,
                timeout_s: float | None = None) -> CaptureResult:
        pos = FingerPosition(position)
        n = int(pos)
        file = self._find([f"finger-{n:02d}", f"finger_{n:02d}", f"finger-{n}", f"finger_{n}",
                           f"{n:02d}", str(n), pos.name.lower(), f"fingers/{n}",
                           f"fingers/{n:02d}"])
        img, data, fmt = self._image(file, gray=True)
        try:
            ppi = int(self.descriptor.options.get("ppi", 500))
        except (TypeError, ValueError):
            raise InvalidOption("ppi must be a whole number", device_id=self.device_id) from None
        return CaptureResult(Modality.FINGER, img, data, fmt, self.info(), ppi=ppi, position=pos,
                             extra={"file": file.name})


class FilePad(_FileDevice, SignaturePad):
    def capture(self, cancel: CancelToken) -> SignatureResult:
        file = self._find(["signature", "ttd"], (".json",))
        try:
            raw = json.loads(self._read(file).decode("utf-8"))
            size = None
            if isinstance(raw, dict):
                size = (int(raw["width"]), int(raw["height"])) if "width" in raw else None
                raw = raw["strokes"]
            strokes = tuple(
                tuple(StrokePoint(float(p[0]), float(p[1]), int(p[2]),
                                  float(p[3]) if len(p) > 3 and p[3] is not None else 1.0)
                      for p in stroke)
                for stroke in raw
            )
        except (UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError,
                IndexError, KeyError) as exc:
            raise GarbageData(f"{file.name}: not a list of strokes [[x, y, t_ms, pressure]...] "
                              f"({exc})", device_id=self.device_id) from None
        if not strokes or not all(strokes):
            raise GarbageData(f"{file.name}: no strokes", device_id=self.device_id)
        if size is None:
            size = (int(max(p.x for s in strokes for p in s)) + 1,
                    int(max(p.y for s in strokes for p in s)) + 1)
        return SignatureResult(strokes, size[0], size[1], self.info())


class FileIris(_FileDevice, IrisScanner):
    def capture(self, eye: str, cancel: CancelToken) -> CaptureResult:
        from station.biometrics.formats import FormatError, iso19794_6

        side = eye_name(eye)
        file = self._find([f"iris-{side}", f"iris_{side}", f"{side}_iris", f"{side}-iris",
                           f"iris/{side}"], (*IMAGE_SUFFIXES, ".iso", ".iir"))
        data = self._read(file)
        if data[:4] == iso19794_6.MAGIC:
            try:
                reps = iso19794_6.read(data)
                rep = next((r for r in reps if r.eye == side), reps[0])
                img = rep.decode()
            except (FormatError, IndexError) as exc:
                raise GarbageData(f"{file.name}: {exc}", device_id=self.device_id) from None
            if img.ndim == 3:
                img = decode_bytes(rep.data, gray=True)
            return CaptureResult(Modality.IRIS, img, data, "iso19794-6", self.info(),
                                 extra={"file": file.name, "eye": side})
        img, data, fmt = self._image(file, gray=True)
        return CaptureResult(Modality.IRIS, img, data, fmt, self.info(),
                             extra={"file": file.name, "eye": side})


class FilesDriver(Driver):
    manifest = FILES
    _classes = {Modality.FACE: FileCamera, Modality.FINGER: FileScanner,
                Modality.SIGNATURE: FilePad, Modality.IRIS: FileIris}

    def discover(self, timeout_s: float = 5.0) -> list[DeviceDescriptor]:
        path = self.options.get("path")
        if not path:
            return []
        return [self.descriptor(m, path=str(path)) for m in self._classes]

    def open(self, descriptor: DeviceDescriptor) -> Device:
        modality = Modality(descriptor.options.get("modality", descriptor.modalities[0]))
        return self._classes[modality](descriptor)
