"""The uploader: drains the outbox to the receiver in batches, exactly once as the server sees it.

- Packets go in upload batches of `batch_size`; each packet is idempotent by its id, so a batch
  interrupted anywhere (lost request, lost answer, killed station) is simply sent again.
- Packets already delivered another way (EXPORTED) or whose answer was lost are first looked up
  with a receipt query.
- Failures are classified (sync.client.classify); retryable ones make `SyncRunner` back off
  exponentially with full jitter, probing by itself until the server is reachable again.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sync.client import ReceiverClient
from sync.errors import SyncError
from sync.receipt import Receipt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingPacket:
    packet_id: str
    data: bytes
    status: str = "SEALED"  # SEALED | SYNCED | EXPORTED


class Outbox(Protocol):
    """What the uploader needs from the station's store (station.services.sync adapts it)."""

    def pending(self, limit: int, exclude: frozenset[str]) -> list[OutgoingPacket]: ...

    def mark_synced(self, packet_ids: list[str]) -> None: ...

    def apply_receipts(self, receipts: list[Receipt]) -> None:
        """Apply verified receipts, all in one transaction."""
        ...

    def record_error(self, packet_id: str, error: SyncError) -> None: ...


@dataclass
class UploadReport:
    acknowledged: int = 0
    recovered: int = 0  # receipts found by query (delivered before, answer lost / exported)
    failed: dict[str, str] = field(default_factory=dict)  # packet id -> problem code
    error: SyncError | None = None  # a failure that stopped the run (transport, server)
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "acknowledged": self.acknowledged,
            "recovered": self.recovered,
            "failed": dict(self.failed),
            "outcomes": dict(self.outcomes),
            "error": None if self.error is None else self.error.problem.as_dict(),
        }


class Uploader:
    def __init__(self, outbox: Outbox, client: ReceiverClient, *, batch_size: int = 100):
        if not 1 <= batch_size <= 1000:
            raise ValueError("batch_size must be 1..1000")
        self.outbox, self.client, self.batch_size = outbox, client, batch_size

    def close(self) -> None:
        self.client.close()

    def _apply(self, receipts: list[Receipt], report: UploadReport) -> None:
        if not receipts:
            return
        self.outbox.apply_receipts(receipts)
        for receipt in receipts:
            value = receipt.outcome.value
            report.outcomes[value] = report.outcomes.get(value, 0) + 1

    def _settle(self, results: list, report: UploadReport, skip: set[str]) -> None:
        synced = []
        receipts = [r.receipt for r in results if r.receipt is not None]
        self._apply(receipts, report)
        report.acknowledged += len(receipts)
        for result in results:
            if result.receipt is None:
                assert result.error is not None
                skip.add(result.packet_id)
                report.failed[result.packet_id] = result.error.code
                self.outbox.record_error(result.packet_id, result.error)
                if result.error.code.startswith("RECEIPT_"):
                    synced.append(result.packet_id)  # delivered, receipt unusable
        if synced:
            self.outbox.mark_synced(synced)

    def run_once(self) -> UploadReport:
        """Deliver everything pending. Stops at the first transport/server failure (reported in
        `error`); per-packet refusals are recorded and skipped for the rest of this run.

        Pipelined: while the server works on one upload batch, the receipts of the previous one
        are applied to the store (two batches at most are in flight; each is idempotent)."""
        report = UploadReport()
        skip: set[str] = set()
        inflight: tuple[Future, list[str]] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rekam-upload") as pool:
            try:
                while True:
                    busy = frozenset(skip | set(inflight[1] if inflight else ()))
                    page = self.outbox.pending(self.batch_size, busy)
                    # Packets that may already be at the server: ask before sending again.
                    maybe_there = [(p.packet_id, p.data) for p in page if p.status != "SEALED"]
                    found = self.client.query(maybe_there) if maybe_there else {}
                    self._apply(list(found.values()), report)
                    report.recovered += len(found)
                    todo = [(p.packet_id, p.data) for p in page if p.packet_id not in found]
                    sent = (pool.submit(self.client.upload, todo), [pid for pid, _ in todo]) \
                        if todo else None
                    if inflight is not None:
                        self._settle(inflight[0].result(), report, skip)
                    inflight = sent
                    if inflight is None and not page:
                        return report
            except SyncError as exc:
                report.error = exc
                if inflight is not None:  # let the batch on the wire finish or fail cleanly
                    with contextlib.suppress(SyncError):
                        self._settle(inflight[0].result(), report, skip)
                return report


@dataclass
class Backoff:
    """Exponential backoff with full jitter: sleep uniform(0, min(cap, base * 2**attempt))."""

    base: float = 2.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    def next_delay(self) -> float:
        delay = self.rng.uniform(0, min(self.cap, self.base * (2 ** min(self.attempt, 30))))
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


@dataclass
class SyncState:
    """What the dashboard and `rekam sync status` show."""

    running: bool = False
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: SyncError | None = None
    next_attempt_in: float | None = None
    consecutive_failures: int = 0
    last_report: UploadReport | None = None

    def as_dict(self) -> dict:
        return {
            "running": self.running,
            "last_attempt": self.last_attempt.isoformat() if self.last_attempt else None,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": None if self.last_error is None else self.last_error.problem.as_dict(),
            "next_attempt_in_s": self.next_attempt_in,
            "consecutive_failures": self.consecutive_failures,
        }


class SyncRunner:
    """Runs the uploader in a background thread: never blocks the operator.

    After a failure it waits a full-jitter backoff and tries again by itself. While it waits it
    probes the server cheaply (`probe`, e.g. a TCP connect) every `probe_interval` seconds; once
    the server answers it goes after a short random pause (so forty stations coming back online
    together do not arrive in the same second). When the outbox is empty it waits
    `idle_interval` or a `wake()` (e.g. a record was just sealed).
    """

    def __init__(
        self,
        make_uploader: Callable[[], Uploader],
        *,
        idle_interval: float = 30.0,
        backoff: Backoff | None = None,
        on_change: Callable[[SyncState], None] | None = None,
        probe: Callable[[], bool] | None = None,
        probe_interval: float = 10.0,
    ):
        self._make_uploader = make_uploader
        self.idle_interval = idle_interval
        self.backoff = backoff or Backoff()
        self._probe, self.probe_interval = probe, probe_interval
        self.state = SyncState()
        self._on_change = on_change
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _notify(self) -> None:
        if self._on_change is not None:
            try:
                self._on_change(self.state)
            except Exception:  # a listener's failure must not stop delivery
                log.exception("sync state listener failed")

    def step(self) -> float:
        """One attempt; returns how long to wait before the next."""
        self.state.last_attempt = datetime.now(UTC)
        try:
            uploader = self._make_uploader()
            try:
                report = uploader.run_once()
            finally:
                uploader.close()
        except SyncError as exc:
            report = UploadReport(error=exc)
        except Exception as exc:  # keep the thread alive; the log has the traceback
            log.exception("sync attempt failed")
            report = UploadReport(
                error=SyncError(
                    "SYNC_INTERNAL_ERROR",
                    f"Kesalahan internal sinkronisasi: {exc}",
                    f"Internal sync error: {exc}",
                    retryable=True,
                )
            )
        self.state.last_report = report
        if report.error is None:
            self.state.last_success = self.state.last_attempt
            self.state.last_error = None
            self.state.consecutive_failures = 0
            self.backoff.reset()
            delay = self.idle_interval
        else:
            self.state.last_error = report.error
            self.state.consecutive_failures += 1
            delay = self.backoff.next_delay()
            log.warning("sync failed (%s); next attempt in %.1f s", report.error.code, delay)
        self.state.next_attempt_in = delay
        self._notify()
        return delay

    def _loop(self) -> None:
        self.state.running = True
        try:
            while not self._stop.is_set():
                delay = self.step()
                if self.state.last_error is not None and self._probe is not None:
                    self._wait_reachable(delay)
                else:
                    self._wake.wait(delay)
                self._wake.clear()
        finally:
            self.state.running = False
            self._notify()

    def _wait_reachable(self, delay: float) -> None:
        """Wait out the backoff, cut short when the probe finds the server answering."""
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self._wake.wait(min(self.probe_interval, remaining)):
                return
            try:
                reachable = self._probe()
            except Exception:  # a broken probe only means: wait the full backoff
                log.exception("sync probe failed")
                reachable = False
            if reachable:
                pause = self.backoff.rng.uniform(0, min(self.probe_interval, 5.0))
                self._wake.wait(pause)
                return

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="rekam-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
