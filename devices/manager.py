"""The device manager: every opened device gets its own worker thread.

All device I/O (open, preview frames, captures, close) runs on that worker, never on the caller's
thread. Callers get `concurrent.futures.Future` objects and preview callbacks with plain Python
objects; the UI wraps them in Qt signals.

Timeouts and hung drivers: every job has a deadline. When it passes, the job's `CancelToken` is
set and the caller's future fails with `DeviceTimeout` at once - the caller never waits for the
driver. If the driver still has not returned after a short grace period, the worker is declared
wedged and abandoned (it is a daemon thread; Python cannot kill a thread), and the next request
starts a fresh worker that opens the device again. Whatever the abandoned worker produces later
is thrown away.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import cv2
import numpy as np

from devices.api import (
    CONTRACTS,
    CancelToken,
    CaptureCancelled,
    CaptureResult,
    Device,
    DeviceDescriptor,
    DeviceError,
    DeviceNotFound,
    DeviceTimeout,
    DriverCrashed,
    FaceCamera,
    FingerprintScanner,
    Frame,
    GarbageData,
    IrisScanner,
    Modality,
    SignaturePad,
    SignatureResult,
    Unsupported,
)
from devices.registry import AVAILABLE, DriverEntry, Registry
from station.domain.enrollment import FingerPosition

log = logging.getLogger(__name__)

CAPTURE_TIMEOUT_S = 40.0  # as MOSIP's registration client
OPEN_TIMEOUT_S = 5.0
DISCOVER_TIMEOUT_S = 5.0
WEDGE_GRACE_S = 1.0

FrameSink = Callable[[Frame], None] | queue.Queue
ErrorSink = Callable[[DeviceError], None]


def _settle(fut: concurrent.futures.Future, *, result: Any = None,
            error: BaseException | None = None) -> bool:
    """Complete a future unless it is already done (a timeout may have won the race)."""
    try:
        if error is not None:
            fut.set_exception(error)
        else:
            fut.set_result(result)
        return True
    except concurrent.futures.InvalidStateError:
        return False


def validate_result(result: Any, modality: Modality, device_id: str) -> Any:
    """Reject what no driver should return: wrong types, empty or undecodable images."""
    if modality is Modality.SIGNATURE:
        if not isinstance(result, SignatureResult):
            raise GarbageData(f"expected SignatureResult, got {type(result).__name__}",
                              device_id=device_id)
        return result
    if isinstance(result, list):
        return [validate_result(r, modality, device_id) for r in result]
    if not isinstance(result, CaptureResult):
        raise GarbageData(f"expected CaptureResult, got {type(result).__name__}",
                          device_id=device_id)
    img = result.image
    if not isinstance(img, np.ndarray) or img.size == 0 or img.dtype != np.uint8:
        raise GarbageData("no usable image in the result", device_id=device_id)
    if modality is Modality.FACE and (img.ndim != 3 or img.shape[2] != 3):
        raise GarbageData(f"a face image must be colour (BGR), got shape {img.shape}",
                          device_id=device_id)
    if modality is Modality.FINGER and img.ndim != 2:
        raise GarbageData(f"a fingerprint image must be gray, got shape {img.shape}",
                          device_id=device_id)
    if modality is Modality.IRIS:
        if img.ndim != 2:
            raise GarbageData(f"an iris image must be gray (near infrared), got shape "
                              f"{img.shape}", device_id=device_id)
        if result.extra.get("eye") not in ("left", "right"):
            raise GarbageData("the iris result does not say which eye it is",
                              device_id=device_id)
    if min(img.shape[:2]) < 32:
        raise GarbageData(f"image too small ({img.shape[1]}x{img.shape[0]})",
                          device_id=device_id)
    if not result.data:
        raise GarbageData("the result carries no encoded bytes", device_id=device_id)
    return result


class _Job:
    __slots__ = ("fn", "future", "token", "started", "name")

    def __init__(self, fn: Callable[[Device, CancelToken], Any], name: str) -> None:
        self.fn = fn
        self.name = name
        self.future: concurrent.futures.Future = concurrent.futures.Future()
        self.token = CancelToken()
        self.started: float | None = None


class DeviceHandle:
    """An opened device and its worker. Create through `DeviceManager.open`."""

    def __init__(self, manager: DeviceManager, descriptor: DeviceDescriptor,
                 modality: Modality) -> None:
        self.manager = manager
        self.descriptor = descriptor
        self.modality = modality
        self._lock = threading.RLock()
        self._generation = 0
        self._worker: threading.Thread | None = None
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._current: _Job | None = None
        self._device: Device | None = None
        self._preview: tuple[FrameSink, ErrorSink | None, float] | None = None
        self._preview_token = CancelToken()
        self._closed = False
        self.wedged_workers = 0

    # -- public API ------------------------------------------------------------------------

    @property
    def device_id(self) -> str:
        return self.descriptor.device_id

    @property
    def busy(self) -> bool:
        return self._current is not None

    def capture(self, *, position: FingerPosition | int | None = None,
                positions: Sequence[FingerPosition | int] | None = None,
                exceptions: Sequence[FingerPosition | int] = (),
                requested_score: float | None = None, eye: str = "left",
                eyes: Sequence[str] | None = None, eye_exceptions: Sequence[str] = (),
                timeout_s: float | None = None) -> concurrent.futures.Future:
        """Start a capture; the future resolves to a CaptureResult / SignatureResult (or a
        list of CaptureResult for `positions` or `eyes`) or fails with a DeviceError."""
        if timeout_s is not None:
            timeout = float(timeout_s)
        else:
            device = self._device
            timeout = (getattr(device, "capture_timeout_s", None)
                       or self.manager.capture_timeout_s)
        modality = self.modality

        def run(device: Device, token: CancelToken) -> Any:
            if modality is Modality.FINGER:
                assert isinstance(device, FingerprintScanner)
                if positions is not None:
                    res: Any = device.capture_many(
                        [FingerPosition(p) for p in positions], token,
                        exceptions=[FingerPosition(p) for p in exceptions],
                        requested_score=requested_score, timeout_s=timeout)
                else:
                    if position is None:
                        raise Unsupported("a finger position (1-10) is required",
                                          device_id=self.device_id)
                    res = device.capture(FingerPosition(position), token,
                                         requested_score=requested_score, timeout_s=timeout)
            elif modality is Modality.IRIS:
                assert isinstance(device, IrisScanner)
                res = (device.capture_eyes(list(eyes), token, exceptions=list(eye_exceptions))
                       if eyes is not None else device.capture(eye, token))
            else:
                assert isinstance(device, FaceCamera | SignaturePad)
                res = device.capture(token)
            return validate_result(res, modality, self.device_id)

        # `timeout` is what the device may use; allow a little more for transfer and decoding
        return self._submit(run, timeout + min(2.0, 0.5 + 0.25 * timeout), "capture")

    def submit(self, fn: Callable[[Device, CancelToken], Any], *, timeout_s: float = 5.0,
               name: str = "call") -> concurrent.futures.Future:
        """Run a driver-specific call on the device's worker, with a deadline, e.g.
        ``handle.submit(lambda dev, cancel: dev.reset_chain())`` for an SBI device (a new
        applicant starts a new hash chain) or ``dev.inject("disconnect")`` on a simulated one
        (training)."""
        return self._submit(fn, float(timeout_s), name)

    def start_preview(self, sink: FrameSink, *, on_error: ErrorSink | None = None,
                      max_fps: float = 30.0) -> None:
        """Deliver live frames to `sink` (a callable, called on the worker thread, or a
        queue.Queue that is kept short by dropping the oldest frame) until stop_preview()."""
        with self._lock:
            self._ensure_worker()
            self._preview_token = CancelToken()
            self._preview = (sink, on_error, max(1.0, float(max_fps)))
            self._queue.put(_Job(lambda d, t: None, "wake"))  # wake an idle worker

    def stop_preview(self) -> None:
        with self._lock:
            was_running = self._preview is not None
            self._preview = None
            self._preview_token.cancel("preview stopped")
            if was_running and self._worker is not None and self._worker.is_alive():
                self._queue.put(_Job(lambda d, t: d.end_preview(), "end_preview"))

    def cancel(self) -> None:
        """Cancel the running capture (its future fails with CaptureCancelled)."""
        job = self._current
        if job is not None:
            job.token.cancel("cancelled by the operator")

    def close(self, timeout_s: float = 2.0) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self.stop_preview()
            if self._current is not None:
                self._current.token.cancel("device closed")
            worker, q = self._worker, self._queue
            self._worker = None
        if worker is not None:
            q.put(None)
            worker.join(timeout_s)
        self.manager._forget(self)

    def __enter__(self) -> DeviceHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- worker management -----------------------------------------------------------------

    def _open_wait(self) -> None:
        """Start the worker and wait (bounded) until the device is open."""
        with self._lock:
            self._ensure_worker()
            fut = self._open_future
        try:
            fut.result(self.manager.open_timeout_s + WEDGE_GRACE_S)
        except concurrent.futures.TimeoutError:
            self._abandon_worker("open")
            raise DeviceTimeout("opening the device took too long",
                                device_id=self.device_id) from None

    def _ensure_worker(self) -> None:
        if self._closed:
            raise DeviceError("the device was closed", device_id=self.device_id)
        if self._worker is not None and self._worker.is_alive():
            return
        self._generation += 1
        self._queue = queue.Queue()
        self._current = None
        self._open_future: concurrent.futures.Future = concurrent.futures.Future()
        self._worker = threading.Thread(
            target=self._run, args=(self._generation, self._queue, self._open_future),
            name=f"device-{self.device_id}-{self._generation}", daemon=True)
        self._worker.start()

    def _abandon_worker(self, why: str) -> None:
        with self._lock:
            if self._worker is None:
                return
            log.error("device %s: worker wedged in %s; abandoning it and starting afresh",
                      self.device_id, why)
            self.wedged_workers += 1
            old_q = self._queue
            self._worker = None
            self._device = None
            self._current = None
            self._generation += 1  # anything the old worker produces is now ignored
            old_q.put(None)

    def _submit(self, fn: Callable[[Device, CancelToken], Any], timeout_s: float,
                name: str) -> concurrent.futures.Future:
        job = _Job(fn, name)
        with self._lock:
            self._ensure_worker()
            generation = self._generation
            self._queue.put(job)

        def on_deadline() -> None:
            if job.future.done():
                return
            job.token.cancel("timeout")
            _settle(job.future, error=DeviceTimeout(
                f"no result after {timeout_s:g} s", device_id=self.device_id))
            # give the driver a moment to notice the cancel; then abandon a wedged worker
            time.sleep(WEDGE_GRACE_S)
            with self._lock:
                if self._current is job and self._generation == generation:
                    self._abandon_worker(name)

        timer = threading.Timer(timeout_s, on_deadline)
        timer.daemon = True
        timer.start()
        job.future.add_done_callback(lambda _f: timer.cancel())
        return job.future

    def _alive(self, generation: int) -> bool:
        return generation == self._generation and not self._closed

    def _run(self, generation: int, q: queue.Queue, open_future: concurrent.futures.Future
             ) -> None:
        device: Device | None = None
        try:
            driver = self.manager.registry.driver(self.descriptor.driver_id)
            device = driver.open(self.descriptor)
            contract = CONTRACTS[self.modality]
            if not isinstance(device, contract):
                raise Unsupported(f"{type(device).__name__} is not a {contract.__name__}",
                                  device_id=self.device_id)
            device.open()
        except Exception as exc:
            if isinstance(exc, DeviceError):
                exc.device_id = exc.device_id or self.device_id
                err: DeviceError = exc
            else:
                self.manager.registry.record_crash(self.descriptor.driver_id, exc)
                err = DriverCrashed(f"{type(exc).__name__}: {exc}", device_id=self.device_id)
            _settle(open_future, error=err)
            with self._lock:
                if self._generation == generation:
                    self._worker = None  # the next request tries to open again
            while True:  # fail what was queued behind the open
                try:
                    queued = q.get_nowait()
                except queue.Empty:
                    break
                if queued is not None:
                    _settle(queued.future, error=err)
            self._finish(device, generation)
            return
        with self._lock:
            if self._alive(generation):
                self._device = device
        _settle(open_future, result=True)

        frame_index = itertools.count()
        last_frame = 0.0
        while self._alive(generation):
            preview = self._preview
            try:
                if preview is None:
                    job = q.get(timeout=1.0)
                else:
                    wait = last_frame + 1.0 / preview[2] - time.monotonic()
                    job = q.get(timeout=wait) if wait > 0 else q.get_nowait()
            except queue.Empty:
                if preview is not None and time.monotonic() >= last_frame + 1.0 / preview[2]:
                    last_frame = time.monotonic()
                    self._one_frame(device, preview[0], preview[1], next(frame_index),
                                    generation)
                continue
            if job is None:
                break
            if job.future.done():  # timed out while queued
                continue
            job.started = time.monotonic()
            self._current = job
            try:
                job.token.raise_if_cancelled()
                result = job.fn(device, job.token)
            except DeviceError as exc:
                exc.device_id = exc.device_id or self.device_id
                _settle(job.future, error=exc)
            except Exception as exc:  # the driver itself broke
                quarantined = self.manager.registry.record_crash(self.descriptor.driver_id, exc)
                detail = f"{type(exc).__name__}: {exc}"
                if quarantined:
                    detail += " (driver quarantined)"
                _settle(job.future, error=DriverCrashed(detail, device_id=self.device_id))
            else:
                if self._alive(generation):
                    _settle(job.future, result=result)
            finally:
                if self._current is job:
                    self._current = None
        while True:  # closed (or abandoned): whatever is still queued will never run
            try:
                left = q.get_nowait()
            except queue.Empty:
                break
            if left is not None:
                _settle(left.future, error=CaptureCancelled("device closed",
                                                            device_id=self.device_id))
        self._finish(device, generation)

    def _one_frame(self, device: Device, sink: FrameSink, on_error: ErrorSink | None,
                   index: int, generation: int) -> None:
        try:
            frame = device.preview_frame(self._preview_token)
        except Exception as exc:
            err = exc if isinstance(exc, DeviceError) else DriverCrashed(
                f"{type(exc).__name__}: {exc}", device_id=self.device_id)
            if not isinstance(exc, DeviceError):
                self.manager.registry.record_crash(self.descriptor.driver_id, exc)
            log.warning("device %s: preview stopped: %s", self.device_id, err)
            with self._lock:
                if self._alive(generation):
                    self._preview = None
            self._end_preview(device)
            if on_error is not None:
                on_error(err)
            return
        if frame is None:
            with self._lock:
                self._preview = None
            self._end_preview(device)
            if on_error is not None:
                on_error(Unsupported("this device has no live preview",
                                     device_id=self.device_id))
            return
        if not self._alive(generation):
            return
        frame = Frame(frame.image, frame.timestamp, index, self.device_id, frame.quality_hint)
        try:
            if isinstance(sink, queue.Queue):
                while True:
                    try:
                        sink.put_nowait(frame)
                        break
                    except queue.Full:
                        with contextlib.suppress(queue.Empty):
                            sink.get_nowait()
            else:
                sink(frame)
        except Exception:
            log.exception("device %s: the preview consumer failed", self.device_id)

    def _end_preview(self, device: Device) -> None:
        try:
            device.end_preview()
        except Exception:
            log.exception("device %s: end_preview failed", self.device_id)

    def _finish(self, device: Device | None, generation: int) -> None:
        if device is not None:
            try:
                device.close()
            except Exception:
                log.exception("device %s: close failed", self.device_id)


class DeviceManager:
    """Drivers, discovered devices and opened handles of one station."""

    def __init__(self, registry: Registry | None = None, *,
                 capture_timeout_s: float = CAPTURE_TIMEOUT_S,
                 open_timeout_s: float = OPEN_TIMEOUT_S,
                 discover_timeout_s: float = DISCOVER_TIMEOUT_S,
                 driver_options: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.registry = registry or Registry()
        self.capture_timeout_s = capture_timeout_s
        self.open_timeout_s = open_timeout_s
        self.discover_timeout_s = discover_timeout_s
        self.driver_options = {k: dict(v) for k, v in (driver_options or {}).items()}
        self._lock = threading.Lock()
        self._devices: dict[str, DeviceDescriptor] = {}
        self._handles: list[DeviceHandle] = []
        self.discovery_problems: dict[str, DeviceError] = {}

    def drivers(self, rescan: bool = False) -> list[DriverEntry]:
        return self.registry.scan() if rescan else self.registry.entries()

    def rescan(self, timeout_s: float | None = None) -> list[DeviceDescriptor]:
        """Re-read the drivers and ask each available one for its devices, concurrently.

        A driver whose discovery fails or outlives the timeout is reported in
        `discovery_problems` and simply contributes no devices.
        """
        timeout = self.discover_timeout_s if timeout_s is None else timeout_s
        entries = [e for e in self.registry.scan() if e.status == AVAILABLE]
        results: dict[str, list[DeviceDescriptor]] = {}
        problems: dict[str, DeviceError] = {}
        threads = []

        def discover(entry: DriverEntry) -> None:
            try:
                driver = self.registry.driver(entry.id, self.driver_options.get(entry.id))
                results[entry.id] = list(driver.discover(timeout))
            except DeviceError as exc:
                problems[entry.id] = exc
            except Exception as exc:
                self.registry.record_crash(entry.id, exc)
                problems[entry.id] = DriverCrashed(f"discovery: {type(exc).__name__}: {exc}",
                                                   device_id=entry.id)

        for entry in entries:
            t = threading.Thread(target=discover, args=(entry,), daemon=True,
                                 name=f"discover-{entry.id}")
            t.start()
            threads.append((entry, t))
        deadline = time.monotonic() + timeout + 0.5
        for entry, t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
            if t.is_alive():
                problems[entry.id] = DeviceTimeout(f"discovery took longer than {timeout:g} s",
                                                   device_id=entry.id)
        found = [d for e, _t in threads for d in results.get(e.id, [])]
        with self._lock:
            self._devices = {d.device_id: d for d in found}
            self.discovery_problems = problems
        return found

    def devices(self, modality: Modality | str | None = None) -> list[DeviceDescriptor]:
        with self._lock:
            found = list(self._devices.values())
        if modality is not None:
            found = [d for d in found if Modality(modality) in d.modalities]
        return found

    def configured(self, driver_id: str, modality: Modality | str, **options: Any
                   ) -> DeviceDescriptor:
        """A descriptor for a device given by options (a video file, a folder, a seed...)."""
        driver = self.registry.driver(driver_id, self.driver_options.get(driver_id))
        return driver.descriptor(Modality(modality), **options)

    def open(self, device: DeviceDescriptor | str, modality: Modality | str | None = None
             ) -> DeviceHandle:
        """Open a device on its own worker; raises DeviceError (never hangs past the
        open timeout)."""
        if isinstance(device, str):
            with self._lock:
                descriptor = self._devices.get(device)
            if descriptor is None:
                raise DeviceNotFound(f"{device!r} (run a rescan first?)")
        else:
            descriptor = device
        if modality is None:
            if len(descriptor.modalities) != 1:
                raise Unsupported("say which modality to use", device_id=descriptor.device_id)
            mod = descriptor.modalities[0]
        else:
            mod = Modality(modality)
            if mod not in descriptor.modalities:
                raise Unsupported(f"no {mod.value} capture", device_id=descriptor.device_id)
        handle = DeviceHandle(self, descriptor, mod)
        handle._open_wait()
        with self._lock:
            self._handles.append(handle)
        return handle

    def _forget(self, handle: DeviceHandle) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._handles.remove(handle)

    def close(self) -> None:
        with self._lock:
            handles = list(self._handles)
        for h in handles:
            h.close()

    def __enter__(self) -> DeviceManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def decode_bytes(data: bytes, *, gray: bool) -> np.ndarray | None:
    """Decode PNG/JPEG/JPEG 2000/BMP/TIFF/WSQ bytes (station.biometrics.images); None if the
    bytes are not a readable image. Colour is BGR; `gray` gives a 2-D image."""
    from station.biometrics.images import decode_image

    if not data:
        return None
    try:
        img = decode_image(bytes(data), gray=gray)
    except (ValueError, TypeError, OSError):  # ImageDecodeError is a ValueError
        return None
    if not gray and img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return img
