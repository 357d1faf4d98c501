"""Driver discovery through the ``rekam.devices`` entry-point group, with quarantine.

Loading goes in two steps, like Electrum's plugins: the entry point names a *manifest* (a
`DriverManifest`, a mapping, or a zero-argument callable returning one) in a module that imports
nothing heavy; only when the driver is used does the registry import ``manifest.factory``.

* a manifest that cannot be loaded, or is malformed -> the entry is *quarantined* with the reason;
* a module in ``manifest.requires`` that is not importable -> *library unavailable*;
* the factory raising on import or construction -> quarantined (logged with the traceback);
* a driver that keeps crashing at run time -> quarantined after `CRASH_LIMIT` crashes.

Nothing here ever raises out of `scan()`: a broken third-party driver must not stop the station.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from devices.api import (
    ENTRY_POINT_GROUP,
    DeviceNotFound,
    Driver,
    DriverCrashed,
    DriverManifest,
    LibraryUnavailable,
)

log = logging.getLogger(__name__)

CRASH_LIMIT = 3

AVAILABLE = "available"
LIBRARY_UNAVAILABLE = "library_unavailable"
QUARANTINED = "quarantined"

STATUS_TEXT = {
    AVAILABLE: ("siap", "available"),
    LIBRARY_UNAVAILABLE: ("pustaka tidak terpasang", "library unavailable"),
    QUARANTINED: ("dikarantina", "quarantined"),
}


@dataclass
class DriverEntry:
    name: str  # entry-point name
    value: str  # entry-point value ("module:attr")
    distribution: str  # the installed package that registered it
    manifest: DriverManifest | None = None
    status: str = AVAILABLE
    reason: str = ""
    missing: tuple[str, ...] = ()
    crashes: int = 0
    driver: Driver | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.manifest.id if self.manifest else self.name

    def to_dict(self) -> dict[str, Any]:
        status_id, status_en = STATUS_TEXT[self.status]
        return {
            "id": self.id,
            "entry_point": f"{self.name} = {self.value}",
            "distribution": self.distribution,
            "status": self.status,
            "status_text": f"{status_id} / {status_en}",
            "reason": self.reason,
            "missing": list(self.missing),
            "manifest": self.manifest.to_dict() if self.manifest else None,
        }


def _coerce_manifest(obj: Any) -> DriverManifest:
    if isinstance(obj, DriverManifest):
        return obj
    if isinstance(obj, Mapping):
        return DriverManifest.from_mapping(obj)
    if callable(obj):
        return _coerce_manifest(obj())
    raise TypeError(f"entry point must name a DriverManifest, got {type(obj).__name__}")


def missing_modules(names: Iterable[str]) -> tuple[str, ...]:
    """Modules among `names` that cannot be imported (found without importing them)."""
    missing = []
    for name in names:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return tuple(missing)


class Registry:
    """The station's drivers. Thread-safe; `scan()` may be called again to rescan."""

    def __init__(self, group: str = ENTRY_POINT_GROUP,
                 source: Callable[[], Iterable[EntryPoint]] | None = None) -> None:
        self.group = group
        self._source = source or (lambda: entry_points(group=self.group))
        self._lock = threading.RLock()
        self._entries: dict[str, DriverEntry] = {}

    # -- discovery -------------------------------------------------------------------------

    def scan(self) -> list[DriverEntry]:
        entries: dict[str, DriverEntry] = {}
        try:
            eps = list(self._source())
        except Exception as exc:  # broken metadata of some installed package
            log.exception("reading entry points of %s failed", self.group)
            eps = []
            entries["<metadata>"] = DriverEntry("<metadata>", "", "", status=QUARANTINED,
                                                reason=f"entry points unreadable: {exc}")
        for ep in eps:
            dist = getattr(getattr(ep, "dist", None), "name", "") or ""
            entry = DriverEntry(ep.name, ep.value, dist)
            try:
                entry.manifest = _coerce_manifest(ep.load())
            except Exception as exc:
                entry.status = QUARANTINED
                entry.reason = f"manifest failed to load: {type(exc).__name__}: {exc}"
                log.warning("driver %s (%s) quarantined: %s", ep.name, dist, entry.reason,
                            exc_info=True)
            else:
                entry.missing = missing_modules(entry.manifest.requires)
                if entry.missing:
                    entry.status = LIBRARY_UNAVAILABLE
                    entry.reason = "missing: " + ", ".join(entry.missing)
                    log.info("driver %s: library unavailable (%s)", entry.id, entry.reason)
            key = entry.id
            if key in entries:
                entry.status = QUARANTINED
                entry.reason = (f"duplicate driver id {key!r} (also registered by "
                                f"{entries[key].distribution or entries[key].value})")
                log.warning("driver %s quarantined: %s", ep.value, entry.reason)
                key = f"{key}@{ep.value}"
            entries[key] = entry
        with self._lock:
            # keep run-time quarantines and loaded drivers across rescans
            for key, old in self._entries.items():
                new = entries.get(key)
                if new is None or new.value != old.value:
                    continue
                if old.status == QUARANTINED and new.status == AVAILABLE:
                    new.status, new.reason, new.crashes = old.status, old.reason, old.crashes
                new.driver = old.driver if new.status == AVAILABLE else None
            self._entries = entries
            return list(entries.values())

    def entries(self) -> list[DriverEntry]:
        with self._lock:
            if not self._entries:
                self.scan()
            return list(self._entries.values())

    def entry(self, driver_id: str) -> DriverEntry:
        with self._lock:
            if not self._entries:
                self.scan()
            try:
                return self._entries[driver_id]
            except KeyError:
                known = ", ".join(sorted(self._entries)) or "-"
                raise DeviceNotFound(f"driver {driver_id!r} is not installed (known: {known})")\
                    from None

    # -- loading ---------------------------------------------------------------------------

    def driver(self, driver_id: str, options: Mapping[str, Any] | None = None) -> Driver:
        """The driver object (imported on first use). Raises LibraryUnavailable/DriverCrashed."""
        entry = self.entry(driver_id)
        with self._lock:
            if entry.status == LIBRARY_UNAVAILABLE:
                raise LibraryUnavailable(entry.reason, device_id=driver_id)
            if entry.status == QUARANTINED:
                raise DriverCrashed(entry.reason, device_id=driver_id)
            if entry.driver is not None and not options:
                return entry.driver
            assert entry.manifest is not None
            module_name, _, attr = entry.manifest.factory.partition(":")
            try:
                module = importlib.import_module(module_name)
                factory = getattr(module, attr)
                driver = factory(options or {})
                if not isinstance(driver, Driver):
                    raise TypeError(f"{entry.manifest.factory} made a {type(driver).__name__}, "
                                    "not a devices.api.Driver")
                if getattr(driver, "manifest", None) is None:
                    type(driver).manifest = entry.manifest  # type: ignore[misc]
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.split(".")[0] != module_name.split(".")[0]:
                    # the driver imported an SDK its manifest did not declare
                    entry.status = LIBRARY_UNAVAILABLE
                    entry.missing = (exc.name,)
                    entry.reason = f"missing: {exc.name}"
                    log.warning("driver %s: undeclared library %s missing", driver_id, exc.name)
                    raise LibraryUnavailable(entry.reason, device_id=driver_id) from exc
                self._quarantine(entry, exc)
                raise DriverCrashed(entry.reason, device_id=driver_id) from exc
            except Exception as exc:
                self._quarantine(entry, exc)
                raise DriverCrashed(entry.reason, device_id=driver_id) from exc
            if not options:
                entry.driver = driver
            return driver

    def _quarantine(self, entry: DriverEntry, exc: BaseException) -> None:
        entry.status = QUARANTINED
        entry.reason = f"{type(exc).__name__}: {exc}"
        entry.driver = None
        log.error("driver %s quarantined: %s", entry.id, entry.reason, exc_info=exc)

    def record_crash(self, driver_id: str, exc: BaseException) -> bool:
        """Count a run-time crash; returns True if the driver is now quarantined."""
        with self._lock:
            entry = self._entries.get(driver_id)
            if entry is None:
                return False
            entry.crashes += 1
            log.error("driver %s crashed (%d/%d): %s", driver_id, entry.crashes, CRASH_LIMIT,
                      exc, exc_info=exc)
            if entry.crashes >= CRASH_LIMIT:
                self._quarantine(entry, exc)
                entry.reason = f"crashed {entry.crashes} times; last: {entry.reason}"
                return True
            return False

    def release(self, driver_id: str) -> None:
        """Lift a quarantine (IT staff, after fixing the driver)."""
        with self._lock:
            entry = self._entries.get(driver_id)
            if entry and entry.status == QUARANTINED:
                entry.status, entry.reason, entry.crashes = AVAILABLE, "", 0
