"""Station side of delivery: sealing, upload, removable-media export, receipts, purge.

Wires the formats and the uploader of `sync` to the store's transactional outbox
(`station.records.seal_many / seal / outbox_pending / mark_synced / mark_exported /
apply_receipts / record_delivery_error / purge_acknowledged`) and to the station identity and
config store. Sealing goes SEAL_CHUNK records per transaction and the receipts of an upload batch
are applied in one transaction: a durable commit costs more than sealing a record.

Configuration (non-secret, in the station's config store, set by `rekam provision`):
    sync.server_url     https://collector.example:8443 (http:// only for loopback tests)
    sync.server_key     the receiver's public key file (JSON, `rekam-receiver server-key`)
    sync.tls_cert       PEM certificate (or CA) the server's TLS certificate must chain to
    sync.batch_size     packets per upload batch (default 100)
    sync.retention_days days an acknowledged record is kept before purging (default 7)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from station.domain import Enrollment, Permission, RecordStatus
from station.services.errors import (
    NotPermitted,
    NotSignedIn,
    ServiceError,
    StationLocked,
    StorageFull,
)
from sync import batch as batch_fmt
from sync import packet as packet_fmt
from sync import receipt as receipt_fmt
from sync.client import Endpoint, ReceiverClient
from sync.errors import SyncError
from sync.keys import ServerPublicKey, StationPublicKey
from sync.receipt import Receipt
from sync.uploader import Backoff, OutgoingPacket, SyncRunner, SyncState, Uploader

if TYPE_CHECKING:
    from station.app import Station

log = logging.getLogger(__name__)

KEY_URL = "sync.server_url"
KEY_SERVER_KEY = "sync.server_key"
KEY_TLS_CERT = "sync.tls_cert"
KEY_BATCH_SIZE = "sync.batch_size"
KEY_RETENTION = "sync.retention_days"
DEFAULT_BATCH_SIZE = 100
DEFAULT_RETENTION_DAYS = 7
# Settings an admin may tune (`rekam settings`): key -> (default, lowest, highest, meaning).
TUNABLE = {
    KEY_BATCH_SIZE: (DEFAULT_BATCH_SIZE, 1, 1000, "packets per upload request"),
    KEY_RETENTION: (DEFAULT_RETENTION_DAYS, 0, 3650,
                    "days an acknowledged record is kept before its data is purged"),
}
EXPORT_PACKETS_PER_FILE = 500  # about 80 MB of real records per batch file
STATE_FILE = "sync-state.json"
S = RecordStatus
UNDELIVERED = (S.SEALED, S.SYNCED, S.EXPORTED)
SEAL_CHUNK = 50  # records sealed per transaction (the write lock is held that long)
# Refusals that concern every record alike: sealing stops and says so once.
_STOP = (NotSignedIn, StationLocked, NotPermitted, StorageFull)


def _problem(code: str, id_: str, en: str, *, retryable: bool = False) -> SyncError:
    return SyncError(code, id_, en, retryable=retryable)


def check_tunable(key: str, raw: str | None) -> float:
    """The value of a TUNABLE setting (its default when unset); SYNC_SETTING_INVALID if bad."""
    default, low, high, _meaning = TUNABLE[key]
    try:
        value = float(raw) if raw else float(default)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise _problem(
            "SYNC_SETTING_INVALID",
            f"Pengaturan {key}={raw!r} tidak sah (harus {low:g}..{high:g}).",
            f"The setting {key}={raw!r} is invalid (must be {low:g}..{high:g}).",
        )
    return value


@dataclass
class SealReport:
    sealed: list[str] = field(default_factory=list)  # packet ids
    failed: dict[str, str] = field(default_factory=dict)  # record id -> problem

    def as_dict(self) -> dict:
        return {"sealed": len(self.sealed), "packet_ids": self.sealed, "failed": self.failed}


@dataclass
class ExportResult:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (batch id, batch file)
    packets: int = 0

    @property
    def paths(self) -> list[Path]:
        return [p for _, p in self.files]

    def as_dict(self) -> dict:
        return {"packets": self.packets,
                "files": [{"batch_id": b, "path": str(p)} for b, p in self.files]}


@dataclass
class ReceiptImport:
    applied: int = 0
    already: int = 0  # applied before (importing twice changes nothing)
    unknown: list[str] = field(default_factory=list)  # packet ids this station does not hold
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"applied": self.applied, "already_applied": self.already,
                "unknown_packets": self.unknown, "outcomes": self.outcomes}


class _Signer:
    """The station identity as the packet/batch formats want it."""

    def __init__(self, station: Station):
        self._identity = station.identity
        self.station_id = station.identity.station_id

    def sign(self, message: bytes) -> bytes:
        return self._identity.sign(message)


class StoreOutbox:
    """The store's outbox as the uploader sees it (sync.uploader.Outbox)."""

    def __init__(self, station: Station):
        self._records = station.records

    def pending(self, limit: int, exclude: frozenset[str]) -> list[OutgoingPacket]:
        items = self._records.outbox_pending(limit, statuses=UNDELIVERED, exclude=exclude)
        return [OutgoingPacket(i.packet_id, i.bytes, RecordStatus(i.status).value) for i in items]

    def mark_synced(self, packet_ids: list[str]) -> None:
        self._records.mark_synced(packet_ids)

    def apply_receipts(self, receipts: list[Receipt]) -> None:
        self._records.apply_receipts(
            [(r.packet_id, r.outcome, r.reason or None, r.raw) for r in receipts])

    def record_error(self, packet_id: str, error: SyncError) -> None:
        self._records.record_delivery_error(packet_id, str(error.problem))


class SyncService:
    def __init__(self, station: Station):
        self.station = station
        self._runner: SyncRunner | None = None

    # --- configuration ------------------------------------------------------------------------
    def _config(self, key: str) -> str | None:
        return self.station.config_store.get(key)

    def provision(self, server_url: str, server_key_json: bytes,
                  tls_cert_pem: bytes | None = None) -> ServerPublicKey:
        """Point the station at a receiver (admin). Validates everything before storing."""
        self.station.auth.require(Permission.SETTINGS)
        url = server_url.strip().rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise _problem("SERVER_URL_INVALID",
                           f"Alamat server {server_url!r} harus diawali https://",
                           f"The server address {server_url!r} must start with https://")
        key = ServerPublicKey.from_json(server_key_json)
        if tls_cert_pem is not None:
            import ssl

            try:
                ssl.create_default_context(cadata=tls_cert_pem.decode("ascii"))
            except (ssl.SSLError, UnicodeDecodeError, ValueError):
                raise _problem("TLS_CERT_INVALID",
                               "Berkas sertifikat TLS bukan sertifikat PEM yang sah.",
                               "The TLS certificate file is not a valid PEM certificate.") from None
        store = self.station.config_store
        store.set(KEY_URL, url)
        store.set(KEY_SERVER_KEY, key.to_json().decode("utf-8"))
        store.set(KEY_TLS_CERT, tls_cert_pem.decode("ascii") if tls_cert_pem else "")
        return key

    def server_key(self) -> ServerPublicKey:
        raw = self._config(KEY_SERVER_KEY)
        if not raw:
            raise _problem(
                "SYNC_NOT_PROVISIONED",
                "Stasiun belum diarahkan ke server penerima: jalankan `rekam provision "
                "--server-url URL --server-key BERKAS`.",
                "The station is not pointed at a receiver yet: run `rekam provision "
                "--server-url URL --server-key FILE`.",
            )
        return ServerPublicKey.from_json(raw.encode("utf-8"))

    def endpoint(self) -> Endpoint:
        key = self.server_key()
        url = self._config(KEY_URL)
        if not url:
            raise _problem("SYNC_NOT_PROVISIONED", "Alamat server belum diisi.",
                           "The server address is not set.")
        cert = self._config(KEY_TLS_CERT) or ""
        return Endpoint(url, key, cert.encode("ascii") if cert else None)

    def _tunable(self, key: str) -> float:
        return check_tunable(key, self._config(key))

    @property
    def batch_size(self) -> int:
        return int(self._tunable(KEY_BATCH_SIZE))

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self._tunable(KEY_RETENTION))

    def station_public_key(self) -> StationPublicKey:
        return StationPublicKey(self.station.identity.station_id,
                                self.station.identity.public_key_bytes())

    # --- sealing ------------------------------------------------------------------------------
    def seal(self, record_ids: Iterable[str] | None = None) -> SealReport:
        """Seal APPROVED records (all of them by default), SEAL_CHUNK records per transaction
        (`RecordService.seal_many`). When a chunk holds a record that cannot be sealed, that
        chunk is sealed record by record instead: the bad one is reported, the others go on."""
        self.station.auth.require(Permission.SEAL)
        server_key = self.server_key()
        signer = _Signer(self.station)
        report = SealReport()
        size = max(1, min(SEAL_CHUNK, self.batch_size))

        def build(e: Enrollment) -> tuple[str, bytes]:
            return packet_fmt.seal(e, server_key, signer)

        pages = [list(record_ids)] if record_ids is not None else self._approved(report)
        for page in pages:
            for i in range(0, len(page), size):
                chunk = page[i : i + size]
                try:
                    report.sealed += self.station.records.seal_many(chunk, build)
                except _STOP:
                    raise  # nothing more can be sealed now: say so once, not per record
                except (SyncError, ServiceError):
                    self._seal_each(chunk, build, report)
                if self._runner is not None:
                    self._runner.wake()  # deliver while sealing goes on
        return report

    def _seal_each(self, record_ids: list[str], build: Callable[[Enrollment], tuple[str, bytes]],
                   report: SealReport) -> None:
        for record_id in record_ids:
            try:
                report.sealed.append(self.station.records.seal(record_id, build))
            except _STOP:
                raise
            except (SyncError, ServiceError) as exc:  # this record only (wrong status, damaged..)
                report.failed[record_id] = str(exc.problem)

    def _approved(self, report: SealReport) -> Iterable[list[str]]:
        """Pages of APPROVED record ids; each page is listed after the previous one is done."""
        while True:
            listed = self.station.records.list(status=S.APPROVED, limit=500 + len(report.failed))
            page = [r.record_id for r in listed if r.record_id not in report.failed]
            if not page:
                return
            yield page

    # --- upload -------------------------------------------------------------------------------
    def uploader(self, client: ReceiverClient | None = None) -> Uploader:
        return Uploader(StoreOutbox(self.station), client or ReceiverClient(self.endpoint()),
                        batch_size=self.batch_size)

    def run_once(self) -> SyncState:
        """One full delivery pass (upload, receipts, purge), recorded for `sync status`."""
        runner = SyncRunner(self._make_uploader, on_change=self._save_state)
        runner.step()
        return runner.state

    def _make_uploader(self) -> Uploader:
        client = ReceiverClient(self.endpoint())
        self.purge_expired()
        return self.uploader(client)

    def probe(self, timeout: float = 2.0) -> bool:
        """True when the server's port accepts a TCP connection (cheap reachability check)."""
        import socket
        from urllib.parse import urlsplit

        try:
            url = urlsplit(self.endpoint().url)
            port = url.port or (443 if url.scheme == "https" else 80)
            with socket.create_connection((url.hostname or "", port), timeout=timeout):
                return True
        except (OSError, SyncError, ValueError):
            return False

    def start_background(self, *, idle_interval: float = 30.0, backoff: Backoff | None = None,
                         on_change: Callable[[SyncState], None] | None = None,
                         probe_interval: float = 10.0) -> SyncRunner:
        """Deliver in a background thread (the GUI and `sync run` use this). `on_change` is
        called from that thread after every attempt (a GUI must hop to its own thread)."""

        def changed(state: SyncState) -> None:
            self._save_state(state)
            if on_change is not None:
                on_change(state)

        if self._runner is None:
            self._runner = SyncRunner(self._make_uploader, idle_interval=idle_interval,
                                      backoff=backoff, on_change=changed, probe=self.probe,
                                      probe_interval=probe_interval)
        self._runner.start()
        return self._runner

    def stop_background(self) -> None:
        if self._runner is not None:
            self._runner.stop()

    def purge_expired(self) -> int:
        return self.station.records.purge_acknowledged(self.retention)

    # --- removable media ----------------------------------------------------------------------
    def export(self, directory: Path, *, include_exported: bool = False,
               per_file: int = EXPORT_PACKETS_PER_FILE) -> ExportResult:
        """Write every SEALED packet (and, with include_exported, EXPORTED / SYNCED ones not yet
        acknowledged) to batch files in `directory`, at most `per_file` packets each; the
        records become EXPORTED and stay retransmittable until a receipt arrives."""
        self.station.auth.require(Permission.EXPORT)
        statuses = UNDELIVERED if include_exported else (S.SEALED,)
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise _problem("EXPORT_TARGET_INVALID", f"{directory} bukan direktori.",
                           f"{directory} is not a directory.")
        result, done = ExportResult(), set()
        signer = _Signer(self.station)
        while True:
            items = self.station.records.outbox_pending(per_file, statuses=statuses,
                                                        exclude=done)
            if not items:
                return result
            try:
                batch_id, path = batch_fmt.write(
                    directory, signer, [(i.packet_id, i.bytes) for i in items])
            except OSError as exc:
                raise _problem(
                    "EXPORT_WRITE_FAILED",
                    f"Tidak dapat menulis batch ke {directory}: {exc.strerror or exc}. Periksa "
                    f"media (penuh, terkunci, atau dicabut?). {result.packets} paket sudah "
                    "tertulis lengkap; sisanya tidak berubah.",
                    f"Cannot write the batch to {directory}: {exc.strerror or exc}. Check the "
                    f"media (full, write-protected or removed?). {result.packets} packets were "
                    "written completely before; the others did not change.",
                    retryable=True,
                ) from None
            ids = [i.packet_id for i in items]
            self.station.records.mark_exported(ids, batch_id)
            done.update(ids)
            result.files.append((batch_id, path))
            result.packets += len(items)

    def import_receipts(self, data: bytes) -> ReceiptImport:
        """Apply a receipt file carried back from the receiver. Every receipt is verified first;
        a forged or damaged one stops the import before anything changes."""
        self.station.auth.require(Permission.EXPORT)
        key = self.server_key()
        verified = [receipt_fmt.verify(raw, key) for raw in receipt_fmt.read_file(data)]
        own = self.station.identity.station_id
        result = ReceiptImport()
        mine = []
        for rec in verified:
            if rec.station_id != own:
                result.unknown.append(rec.packet_id)
            else:
                mine.append((rec.packet_id, rec.outcome, rec.reason or None, rec.raw))
        done = self.station.records.apply_receipts_report(mine)
        result.unknown += done.unknown
        result.applied = len(done.applied)
        result.already = len(done.already)
        result.outcomes = dict(done.outcomes)
        return result

    # --- status -------------------------------------------------------------------------------
    def _state_path(self) -> Path:
        return self.station.settings.data_dir / STATE_FILE

    def _save_state(self, state: SyncState) -> None:
        doc = state.as_dict()
        if state.last_report is not None:
            doc["last_report"] = state.last_report.as_dict()
        path = self._state_path()
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)

    def status(self) -> dict:
        """Queue by status, delivery errors and the last attempt (no sign-in needed: nothing
        personal is shown)."""
        from storage.schema import outbox, records

        with self.station.engine.connect() as conn:
            counts = dict(conn.execute(
                select(records.c.status, func.count()).group_by(records.c.status)).all())
            errors = conn.execute(
                select(outbox.c.packet_id, outbox.c.attempts, outbox.c.last_error)
                .join(records, records.c.record_id == outbox.c.record_id)
                .where(records.c.status.in_([s.value for s in UNDELIVERED]))
                .where(outbox.c.last_error.is_not(None))
                .order_by(outbox.c.last_attempt_at.desc()).limit(20)
            ).all()
        try:
            last = json.loads(self._state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = None
        try:
            endpoint: dict | None = {"url": self._config(KEY_URL),
                                     "server_key_id": self.server_key().key_id.hex(),
                                     "tls_pinned": bool(self._config(KEY_TLS_CERT))}
        except SyncError:
            endpoint = None
        by_status = {s.value: int(counts.get(s.value, 0)) for s in RecordStatus}
        return {
            "station_id": self.station.identity.station_id,
            "provisioned": endpoint is not None,
            "server": endpoint,
            "records": by_status,
            "undelivered": sum(by_status[s.value] for s in UNDELIVERED),
            "delivery_errors": [
                {"packet_id": p, "attempts": a, "error": e} for p, a, e in errors
            ],
            "last_run": last,
            "checked_at": datetime.now(UTC).isoformat(),
        }
