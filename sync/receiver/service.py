"""The receiver's logic, shared by the HTTP API and the batch importer.

Per packet: parse -> registered station -> station signature -> idempotency on the packet id
(identical bytes: the stored receipt again; different bytes: conflict) -> decrypt and validate
the payload in memory -> outcome (ACCEPTED, DUPLICATE when the NIK was already accepted from
another packet, REJECTED with the reason) -> store the packet still encrypted with its signed
receipt, in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.domain import Problem, ServerOutcome, regions
from sync import batch as batch_fmt
from sync import packet as packet_fmt
from sync import receipt as receipt_fmt
from sync.errors import BatchRejected, FormatError, SignatureError, SyncError
from sync.keys import ServerKeyPair, StationPublicKey
from sync.receiver.db import BatchRow, PacketRow, StationRow, make_engine

KEYS_FILE = "server-keys.json"
DB_FILE = "receiver.sqlite"


@dataclass
class Submission:
    """The answer to one packet: an HTTP-like status, the receipt (200) or the problem."""

    packet_id: str | None
    status: int
    receipt: bytes | None = None
    problem: Problem | None = None
    new: bool = False


@dataclass
class ImportResult:
    batch_id: str
    station_id: str
    receipt_file: bytes
    packets: int
    new: int
    already_imported: bool
    outcomes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Opened:
    """A packet's payload as checked in memory: the NIK's keyed index, or the refusal."""

    nik_index: str | None
    reason: str


def _conflict(packet_id: str) -> Submission:
    return Submission(
        packet_id,
        409,
        problem=Problem(
            "PACKET_CONFLICT",
            f"Server sudah menyimpan paket lain dengan ID {packet_id}; paket ini tidak "
            "diterima.",
            f"The server already holds a different packet with id {packet_id}; this one was "
            "not accepted.",
        ),
    )


class ReceiverError(SyncError):
    pass


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DB_FILE).resolve()}"


def load_keys(data_dir: Path) -> ServerKeyPair:
    path = data_dir / KEYS_FILE
    if not path.exists():
        raise ReceiverError(
            "RECEIVER_NOT_INITIALISED",
            f"Kunci server tidak ada di {data_dir}; jalankan `rekam-receiver init` dahulu.",
            f"No server keys in {data_dir}; run `rekam-receiver init` first.",
        )
    return ServerKeyPair.from_json(path.read_bytes())


class Receiver:
    def __init__(self, keys: ServerKeyPair, db_url: str):
        self.keys = keys
        self.public = keys.public()
        self.engine = make_engine(db_url)
        self._lock = threading.Lock()
        self._nik_key = hashlib.sha256(b"rekam-nik-index-v1" + keys.signing_private).digest()
        # Load the region tables payload validation looks villages up in now, not while the
        # first upload waits.
        regions.exists("00.00.00.0000")

    @classmethod
    def open(cls, data_dir: Path, db_url: str | None = None) -> Receiver:
        return cls(load_keys(data_dir), db_url or default_db_url(data_dir))

    def close(self) -> None:
        self.engine.dispose()

    # --- stations ---------------------------------------------------------------------------

    def add_station(self, key: StationPublicKey, *, replace: bool = False) -> bool:
        """Register a station. Returns False when it was already registered with this key."""
        with self._lock, Session(self.engine) as s, s.begin():
            row = s.get(StationRow, key.station_id)
            if row is not None:
                if row.signing_key == key.signing_key:
                    return False
                if not replace:
                    raise ReceiverError(
                        "STATION_KEY_CHANGED",
                        f"Stasiun {key.station_id} sudah terdaftar dengan kunci lain; pakai "
                        "--replace bila kuncinya memang diganti.",
                        f"Station {key.station_id} is registered with another key; use --replace "
                        "if its key was really changed.",
                    )
                row.signing_key = key.signing_key
                return True
            s.add(
                StationRow(
                    station_id=key.station_id,
                    signing_key=key.signing_key,
                    added_at=datetime.now(UTC),
                )
            )
            return True

    def station(self, station_id: str) -> StationPublicKey | None:
        with Session(self.engine) as s:
            row = s.get(StationRow, station_id)
            return None if row is None else StationPublicKey(row.station_id, row.signing_key)

    def stations(self) -> list[StationPublicKey]:
        with Session(self.engine) as s:
            rows = s.scalars(select(StationRow).order_by(StationRow.station_id))
            return [StationPublicKey(r.station_id, r.signing_key) for r in rows]

    # --- packets ----------------------------------------------------------------------------

    def submit(self, raw: bytes) -> Submission:
        return self.submit_many([raw])[0]

    def submit_many(self, raws: list[bytes]) -> list[Submission]:
        """Process packets independently; everything accepted is committed in one transaction."""
        checked: list[packet_fmt.Packet | Submission] = []
        stations: dict[str, StationPublicKey | None] = {}
        for raw in raws:
            try:
                pkt = packet_fmt.parse(raw)
                if pkt.station_id not in stations:
                    stations[pkt.station_id] = self.station(pkt.station_id)
                station = stations[pkt.station_id]
                if station is None:
                    raise SignatureError(
                        "STATION_UNKNOWN",
                        f"Stasiun {pkt.station_id} tidak terdaftar di server ini; minta admin "
                        "server mendaftarkan kunci stasiun.",
                        f"Station {pkt.station_id} is not registered with this server; ask the "
                        "server admin to register the station key.",
                    )
                pkt.verify(station)
                checked.append(pkt)
            except SyncError as exc:
                status = (
                    403
                    if exc.code == "STATION_UNKNOWN"
                    else (
                        413
                        if exc.code == "PACKET_TOO_LARGE"
                        else (422 if isinstance(exc, SignatureError) else 400)
                    )
                )
                checked.append(Submission(None, status, problem=exc.problem))
        packets = [c for c in checked if isinstance(c, packet_fmt.Packet)]
        opened = self._open_all(packets)
        for attempt in range(3):
            try:
                with self._lock, Session(self.engine) as s, s.begin():
                    done = iter(
                        self._process_many(s, packets, opened, via="upload", batch_id=None)
                    )
                    return [c if isinstance(c, Submission) else next(done) for c in checked]
            except IntegrityError:
                # Another server process stored one of these ids at the same moment (several
                # workers on PostgreSQL): roll back and redo; the ids now exist and are answered
                # idempotently.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _open(self, pkt: packet_fmt.Packet) -> _Opened:
        """Decrypt and check the payload in memory: the NIK's keyed index, or why it is refused.
        (Needs no database: done before the write transaction.)"""
        try:
            enrollment = pkt.open(self.keys)
            if (
                enrollment.record_id != pkt.header.record_id
                or enrollment.station_id != pkt.station_id
            ):
                raise FormatError(
                    "PAYLOAD_HEADER_MISMATCH",
                    "Isi paket tidak cocok dengan kepalanya (ID rekaman/stasiun).",
                    "The payload does not match the header (record or station id).",
                )
            if enrollment.applicant is None:
                raise FormatError(
                    "PAYLOAD_NO_APPLICANT",
                    "Paket tanpa data pemohon.",
                    "The packet has no applicant.",
                )
        except SyncError as exc:
            return _Opened(None, str(exc.problem))
        nik = hmac.new(self._nik_key, enrollment.applicant.nik.encode(), "sha256").hexdigest()
        return _Opened(nik, "")

    def _open_all(self, packets: list[packet_fmt.Packet]) -> dict[str, _Opened]:
        """Open each packet id once (an id repeated in one upload is opened for its first
        occurrence: the others are answered idempotently or as a conflict)."""
        out: dict[str, _Opened] = {}
        for pkt in packets:
            if pkt.packet_id not in out:
                out[pkt.packet_id] = self._open(pkt)
        return out

    def _process_many(
        self,
        s: Session,
        packets: list[packet_fmt.Packet],
        opened: dict[str, _Opened] | None,
        *,
        via: str,
        batch_id: str | None,
    ) -> list[Submission]:
        """Store new packets with their signed receipts; answer known ones idempotently (same
        bytes: the stored receipt) or as a conflict (other bytes under the same id). In order:
        a NIK accepted earlier in the list makes a later packet of it a DUPLICATE."""
        ids = list(dict.fromkeys(p.packet_id for p in packets))
        known: dict[str, tuple[str, bytes]] = {}
        for i in range(0, len(ids), 500):
            for pid, sha, receipt in s.execute(
                select(PacketRow.packet_id, PacketRow.sha256, PacketRow.receipt).where(
                    PacketRow.packet_id.in_(ids[i : i + 500])
                )
            ):
                known[pid] = (sha, receipt)
        fresh = [p for p in packets if p.packet_id not in known]
        if opened is None or any(p.packet_id not in opened for p in fresh):
            opened = {**(opened or {}), **self._open_all(fresh)}
        niks = list({o.nik_index for p in fresh if (o := opened[p.packet_id]).nik_index})
        accepted: dict[str, str] = {}  # NIK index -> first packet that was accepted with it
        for i in range(0, len(niks), 500):
            for nik, pid in s.execute(
                select(PacketRow.nik_index, func.min(PacketRow.packet_id))
                .where(
                    PacketRow.nik_index.in_(niks[i : i + 500]),
                    PacketRow.outcome == ServerOutcome.ACCEPTED.value,
                )
                .group_by(PacketRow.nik_index)
            ):
                accepted[nik] = pid
        answers: list[Submission] = []
        rows: list[dict] = []
        seen_again: dict[str, int] = {}
        now = datetime.now(UTC)
        for pkt in packets:
            sha = pkt.sha256
            if pkt.packet_id in known:
                stored_sha, stored_receipt = known[pkt.packet_id]
                if stored_sha == sha:
                    seen_again[pkt.packet_id] = seen_again.get(pkt.packet_id, 0) + 1
                    answers.append(Submission(pkt.packet_id, 200, receipt=stored_receipt))
                else:
                    answers.append(_conflict(pkt.packet_id))
                continue
            o = opened[pkt.packet_id]
            outcome, reason = ServerOutcome.ACCEPTED, o.reason
            if o.nik_index is None:
                outcome = ServerOutcome.REJECTED
            elif o.nik_index in accepted:
                first = accepted[o.nik_index]
                outcome = ServerOutcome.DUPLICATE
                reason = (
                    f"NIK sudah diterima dalam paket {first} / "
                    f"NIK already accepted in packet {first}"
                )
            else:
                accepted[o.nik_index] = pkt.packet_id
            receipt = receipt_fmt.issue(
                self.keys,
                packet_id=pkt.packet_id,
                station_id=pkt.station_id,
                record_id=pkt.header.record_id,
                packet_sha256=sha,
                packet_size=len(pkt.raw),
                outcome=outcome,
                reason=reason,
                server_time=now,
            )
            rows.append(
                {
                    "packet_id": pkt.packet_id,
                    "station_id": pkt.station_id,
                    "record_id": pkt.header.record_id,
                    "sha256": sha,
                    "size": len(pkt.raw),
                    "data": pkt.raw,
                    "outcome": outcome.value,
                    "reason": reason,
                    "nik_index": o.nik_index if outcome is ServerOutcome.ACCEPTED else None,
                    "receipt": receipt,
                    "received_at": now,
                    "via": via,
                    "batch_id": batch_id,
                    "duplicates": 0,
                }
            )
            known[pkt.packet_id] = (sha, receipt)  # a repeat later in this list is idempotent
            answers.append(Submission(pkt.packet_id, 200, receipt=receipt, new=True))
        if rows:
            s.execute(insert(PacketRow), rows)
        for pid, n in seen_again.items():  # identical re-deliveries (also within this list)
            s.execute(
                update(PacketRow)
                .where(PacketRow.packet_id == pid)
                .values(duplicates=PacketRow.duplicates + n)
            )
        return answers

    def receipts(self, packet_ids: list[str]) -> dict[str, bytes]:
        with Session(self.engine) as s:
            rows = s.execute(
                select(PacketRow.packet_id, PacketRow.receipt).where(
                    PacketRow.packet_id.in_(packet_ids)
                )
            )
            return {pid: rec for pid, rec in rows}

    # --- batches from removable media --------------------------------------------------------

    def import_batch(self, data: bytes) -> ImportResult:
        """Validate the whole batch, then import it in one transaction (all or nothing)."""
        verified = batch_fmt.read_batch(data, self.station)
        with self._lock, Session(self.engine) as s:
            try:
                with s.begin():
                    known = s.get(BatchRow, verified.batch_id)
                    if known is not None:
                        if known.sha256 != verified.sha256:
                            raise BatchRejected(
                                "BATCH_CONFLICT",
                                f"Batch ditolak: batch {verified.batch_id} sudah diimpor dengan "
                                "isi lain.",
                                f"Batch rejected: batch {verified.batch_id} was already imported "
                                "with different content.",
                            )
                        return ImportResult(
                            verified.batch_id,
                            verified.station_id,
                            known.receipt_file,
                            known.packet_count,
                            0,
                            True,
                        )
                    receipts, outcomes, new = [], {}, 0
                    subs = self._process_many(
                        s, verified.packets, None, via="import", batch_id=verified.batch_id
                    )
                    for sub in subs:
                        if sub.receipt is None:
                            assert sub.problem is not None
                            raise BatchRejected(
                                "BATCH_PACKET_CONFLICT",
                                f"Batch ditolak: {sub.problem.message_id}",
                                f"Batch rejected: {sub.problem.message_en}",
                            )
                        new += sub.new
                        receipts.append(sub.receipt)
                        parsed = receipt_fmt.verify(sub.receipt, self.public)
                        outcomes[parsed.outcome.value] = outcomes.get(parsed.outcome.value, 0) + 1
                    receipt_file = receipt_fmt.write_file(receipts)
                    s.add(
                        BatchRow(
                            batch_id=verified.batch_id,
                            station_id=verified.station_id,
                            sha256=verified.sha256,
                            packet_count=len(verified.packets),
                            imported_at=datetime.now(UTC),
                            receipt_file=receipt_file,
                        )
                    )
            except IntegrityError:
                raise BatchRejected(
                    "BATCH_CONCURRENT_IMPORT",
                    "Batch ditolak: impor bersamaan dengan pengiriman lain; ulangi.",
                    "Batch rejected: imported concurrently with another delivery; try again.",
                    retryable=True,
                ) from None
        return ImportResult(
            verified.batch_id,
            verified.station_id,
            receipt_file,
            len(verified.packets),
            new,
            False,
            outcomes,
        )

    # --- statistics -------------------------------------------------------------------------

    def stats(self) -> dict:
        with Session(self.engine) as s:
            per_station = {}
            rows = s.execute(
                select(
                    PacketRow.station_id,
                    PacketRow.outcome,
                    func.count(),
                    func.coalesce(func.sum(PacketRow.duplicates), 0),
                ).group_by(PacketRow.station_id, PacketRow.outcome)
            )
            for station_id, outcome, count, dups in rows:
                st = per_station.setdefault(
                    station_id, {"packets": 0, "duplicates_seen": 0, "outcomes": {}}
                )
                st["packets"] += count
                st["duplicates_seen"] += int(dups)
                st["outcomes"][outcome] = count
            registered = [r.station_id for r in self.stations()]
            batches = s.scalar(select(func.count()).select_from(BatchRow)) or 0
        return {
            "packets": sum(v["packets"] for v in per_station.values()),
            "duplicates_seen": sum(v["duplicates_seen"] for v in per_station.values()),
            "batches_imported": batches,
            "stations_registered": registered,
            "per_station": per_station,
            "server_key_id": self.public.key_id.hex(),
        }
