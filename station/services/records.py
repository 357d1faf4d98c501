"""Records: save, edit, approve, reject, list, open, seal into the outbox, deliver, purge.

Every personal field and biometric blob is sealed under the record's own data key before it
reaches SQLite; the clear columns (`storage.schema.records`) hold only what lists and filters
need. Each change is one transaction together with its audit event, so a crash at any point
leaves either the whole change or none of it.

The transactional outbox lives here too (`Station.outbox` is this same object): `seal()` turns
an approved record into a packet and deletes every readable copy in the same transaction;
`seal_many()` does so for many records in one transaction and `apply_receipts()` closes many
delivered records in one (each record still gets its own audit event). Packets are stored in
`outbox_packets`, apart from the outbox bookkeeping that changes at every delivery step.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, delete, func, select, update

from station.domain import (
    Applicant,
    Capture,
    Enrollment,
    FingerCapture,
    FingerException,
    FingerPosition,
    Permission,
    Problem,
    RecordStatus,
    RuleViolation,
    ServerOutcome,
    eligibility_problems,
    is_domicile_recording,
)
from station.domain.status import EDITABLE, NIK_BLOCKING, READABLE, TRANSITIONS
from station.services.context import StationContext
from station.services.errors import (
    DuplicateNik,
    IntegrityError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NotReadable,
    StorageFull,
)
from storage import fastpath, vault
from storage.schema import outbox, outbox_packets, record_fields, records

log = logging.getLogger(__name__)
S = RecordStatus

CAPTURE_FIELDS = ("face", "portrait", "signature", "signature_image")
_CAPTURE_MAGIC = b"RKC1"
MAX_REASON = 500


@dataclass(frozen=True)
class RecordSummary:
    """A record as lists show it: nothing personal, nothing decrypted."""

    record_id: str
    status: RecordStatus
    created_at: datetime
    updated_at: datetime
    operator: str
    supervisor: str | None
    district_code: str | None
    domicile: bool
    finger_count: int
    exception_count: int
    rejection_reason: str | None
    packet_id: str | None
    server_outcome: ServerOutcome | None
    server_reason: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "record_id": self.record_id, "status": self.status.value,
            "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
            "operator": self.operator, "supervisor": self.supervisor,
            "district_code": self.district_code, "domicile": self.domicile,
            "finger_count": self.finger_count, "exception_count": self.exception_count,
            "rejection_reason": self.rejection_reason, "packet_id": self.packet_id,
            "server_outcome": self.server_outcome.value if self.server_outcome else None,
            "server_reason": self.server_reason,
        }


@dataclass(frozen=True)
class OutboxItem:
    packet_id: str
    record_id: str
    status: RecordStatus
    bytes: bytes
    attempts: int
    last_error: str | None


@dataclass
class ReceiptsApplied:
    """What `apply_receipts_report` did with each packet id (in the order given)."""

    applied: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # applied before: nothing changed
    unknown: list[str] = field(default_factory=list)  # not a packet of this station
    outcomes: dict[str, int] = field(default_factory=dict)  # of the applied ones


class _Row:
    """A plain mapping (storage.fastpath) with the attribute access SQLAlchemy rows give."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, object]):
        self._mapping = mapping

    def __getattr__(self, name: str) -> object:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


_SUMMARY_COLUMNS = (
    records.c.record_id, records.c.status, records.c.created_at, records.c.updated_at,
    records.c.operator, records.c.supervisor, records.c.district_code, records.c.domicile,
    records.c.finger_count, records.c.exception_count, records.c.rejection_reason,
    records.c.packet_id, records.c.server_outcome, records.c.server_reason,
)


def _dt(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _summary(row: object) -> RecordSummary:
    """From a SQLAlchemy row or a plain mapping (storage.fastpath)."""
    r = getattr(row, "_mapping", row)
    return RecordSummary(
        record_id=r["record_id"], status=RecordStatus(r["status"]),
        created_at=_dt(r["created_at"]), updated_at=_dt(r["updated_at"]),
        operator=r["operator"], supervisor=r["supervisor"],
        district_code=r["district_code"], domicile=bool(r["domicile"]),
        finger_count=r["finger_count"], exception_count=r["exception_count"],
        rejection_reason=r["rejection_reason"], packet_id=r["packet_id"],
        server_outcome=ServerOutcome(r["server_outcome"]) if r["server_outcome"] else None,
        server_reason=r["server_reason"],
    )


# --- encoding an enrollment into sealed fields --------------------------------------------------

def pack_capture(capture: Capture) -> bytes:
    meta = capture.model_dump_json(exclude={"data"}).encode()
    return _CAPTURE_MAGIC + struct.pack(">I", len(meta)) + meta + capture.data


def unpack_capture(blob: bytes, finger: bool) -> Capture:
    if blob[:4] != _CAPTURE_MAGIC:
        raise ValueError("not a packed capture")
    (n,) = struct.unpack(">I", blob[4:8])
    meta = json.loads(blob[8 : 8 + n])
    meta["data"] = blob[8 + n :]
    return FingerCapture.model_validate(meta) if finger else Capture.model_validate(meta)


def encode_fields(e: Enrollment) -> dict[str, bytes]:
    assert e.applicant is not None
    fields = {"applicant": e.applicant.model_dump_json().encode()}
    for name in CAPTURE_FIELDS:
        cap = getattr(e, name)
        if cap is not None:
            fields[name] = pack_capture(cap)
    for pos, cap in e.fingers.items():
        fields[f"finger.{int(pos)}"] = pack_capture(cap)
    if e.finger_exceptions:
        fields["finger_exceptions"] = json.dumps(
            [x.model_dump(mode="json") for x in e.finger_exceptions.values()]
        ).encode()
    return fields


def decode_fields(row: object, fields: dict[str, bytes]) -> Enrollment:
    r = row._mapping  # type: ignore[attr-defined]
    data: dict[str, object] = {
        "record_id": r["record_id"], "station_id": r["station_id"], "operator": r["operator"],
        "created_at": r["created_at"], "status": RecordStatus(r["status"]),
        "domicile_recording": bool(r["domicile"]), "supervisor": r["supervisor"],
        "rejection_reason": r["rejection_reason"],
    }
    if "applicant" in fields:
        data["applicant"] = Applicant.model_validate_json(fields["applicant"])
    for name in CAPTURE_FIELDS:
        if name in fields:
            data[name] = unpack_capture(fields[name], finger=False)
    fingers = {}
    for key, blob in fields.items():
        if key.startswith("finger."):
            cap = unpack_capture(blob, finger=True)
            fingers[FingerPosition(int(key.split(".", 1)[1]))] = cap
    data["fingers"] = fingers
    if "finger_exceptions" in fields:
        items = [FingerException.model_validate(x) for x in json.loads(fields["finger_exceptions"])]
        data["finger_exceptions"] = {x.position: x for x in items}
    return Enrollment.model_validate(data)


def _list_filters(status, since, until, district_code, operator, server_outcome) -> list:  # noqa: ANN001
    """The WHERE clauses of `RecordService.list` and `count` (one definition for both)."""
    clauses = []
    statuses = _statuses(status)
    if statuses is not None:
        clauses.append(records.c.status.in_(statuses))
    if since is not None:
        clauses.append(records.c.created_at >= _as_datetime(since))
    if until is not None:
        clauses.append(records.c.created_at < _as_datetime(until))
    if district_code is not None:
        clauses.append(records.c.district_code == district_code)
    if operator is not None:
        clauses.append(records.c.operator == operator.strip().lower())
    if server_outcome is not None:
        clauses.append(records.c.server_outcome == ServerOutcome(server_outcome).value)
    return clauses


def _statuses(status: RecordStatus | str | Iterable[RecordStatus | str] | None) -> list[str] | None:
    if status is None:
        return None
    if isinstance(status, str):
        return [RecordStatus(status).value]
    return [RecordStatus(s).value for s in status]


class RecordService:
    def __init__(self, ctx: StationContext):
        self._ctx = ctx

    # --- drafts and saving --------------------------------------------------------------------
    def create_draft(self) -> Enrollment:
        """A new, empty record for the signed-in operator (kept in memory until saved)."""
        session = self._ctx.require(Permission.ENROLL)
        return Enrollment(station_id=self._ctx.station_id, operator=session.username)

    def _validate(self, e: Enrollment) -> Enrollment:
        problems: list[Problem] = list(e.completeness_problems())
        if e.applicant is not None:
            problems.extend(eligibility_problems(e.applicant, e.created_at.date()))
        if problems:
            raise RuleViolation(problems)
        assert e.applicant is not None
        region = self._ctx.config_get("region_code") or self._ctx.settings.region_code
        return e.model_copy(update={
            "station_id": self._ctx.station_id,
            "domicile_recording": is_domicile_recording(e.applicant, region),
        })

    def _duplicates(
        self, conn: Connection, nik_index: bytes, exclude: str | None
    ) -> list[RecordSummary]:
        cur = fastpath.cursor(conn)
        rows = [_summary(r) for r in fastpath.summaries_by_nik(cur, nik_index)]
        return [r for r in rows if r.status in NIK_BLOCKING and r.record_id != exclude]

    def _write_fields(self, conn: Connection, keys: vault.StationKeys, e: Enrollment,
                      status: RecordStatus, now: datetime, insert_row: bool) -> dict[str, object]:
        assert e.applicant is not None
        fields = encode_fields(e)
        data_key = vault.new_key()
        sealed = vault.seal_fields(data_key, e.record_id, fields)
        values = {
            "status": status.value, "updated_at": now, "supervisor": None,
            "district_code": e.applicant.address.district_code, "domicile": e.domicile_recording,
            "finger_count": len(e.fingers), "exception_count": len(e.finger_exceptions),
            "rejection_reason": None, "nik_index": keys.nik_index(e.applicant.nik),
            "wrapped_dk": keys.wrap_data_key(e.record_id, data_key),
            "payload_bytes": sum(len(v) for v in fields.values()),
        }
        cur = fastpath.cursor(conn)
        if insert_row:
            fastpath.insert_record(cur, {
                "record_id": e.record_id, "station_id": e.station_id,
                "created_at": e.created_at, "operator": e.operator, **values,
            })
        else:
            conn.execute(delete(record_fields).where(record_fields.c.record_id == e.record_id))
            conn.execute(update(records).where(records.c.record_id == e.record_id).values(**values))
        fastpath.insert_fields(cur, e.record_id, sealed.items())
        return {"fingers": len(e.fingers), "exceptions": len(e.finger_exceptions),
                "domicile": e.domicile_recording}

    def save_captured(self, enrollment: Enrollment) -> str:
        """Validate, seal and store a complete record as CAPTURED, atomically. Returns its id."""
        return self.save_captured_many([enrollment])[0]

    def save_captured_many(self, enrollments: Sequence[Enrollment]) -> list[str]:
        """The same path as save_captured for many records in one transaction (seeding, bulk
        import, benchmarks): all are saved, or none."""
        ctx = self._ctx
        ctx.require(Permission.ENROLL)
        keys = ctx.require_keys()
        checked = [self._validate(e) for e in enrollments]
        now = datetime.now(UTC)
        ids = []
        with ctx.transaction() as conn:
            for e in checked:
                assert e.applicant is not None
                exists = fastpath.record_status(fastpath.cursor(conn), e.record_id)
                if exists is not None:
                    raise InvalidInput(
                        "RECORD_EXISTS",
                        f"Rekaman {e.record_id} sudah tersimpan; gunakan ubah (update).",
                        f"Record {e.record_id} is already saved; use update.",
                    )
                dups = self._duplicates(conn, keys.nik_index(e.applicant.nik), None)
                if dups:
                    raise DuplicateNik(dups)
                details = self._write_fields(conn, keys, e, S.CAPTURED, now, insert_row=True)
                ctx.audit(conn, "save", e.record_id, **details)
                ids.append(e.record_id)
        return ids

    def _row(self, conn: Connection, record_id: str) -> object:
        row = conn.execute(select(records).where(records.c.record_id == record_id)).first()
        if row is None:
            raise NotFound(f"rekaman / record {record_id}")
        return row

    def update(self, enrollment: Enrollment) -> None:
        """Replace a CAPTURED or REJECTED record's content (before approval); status CAPTURED."""
        ctx = self._ctx
        ctx.require(Permission.ENROLL)
        keys = ctx.require_keys()
        with ctx.transaction() as conn:
            row = self._row(conn, enrollment.record_id)
            current = RecordStatus(row.status)  # type: ignore[attr-defined]
            if current not in EDITABLE or current is S.DRAFT:
                raise InvalidTransition(enrollment.record_id, current.value, S.CAPTURED.value)
            e = self._validate(enrollment.model_copy(update={
                "created_at": row.created_at, "operator": row.operator,  # type: ignore[attr-defined]
            }))
            assert e.applicant is not None
            dups = self._duplicates(conn, keys.nik_index(e.applicant.nik), e.record_id)
            if dups:
                raise DuplicateNik(dups)
            details = self._write_fields(conn, keys, e, S.CAPTURED, datetime.now(UTC),
                                         insert_row=False)
            ctx.audit(conn, "edit", e.record_id, previous=current.value, **details)

    # --- review -------------------------------------------------------------------------------
    def _transition(self, conn: Connection, record_id: str, target: RecordStatus) -> RecordStatus:
        row = self._row(conn, record_id)
        current = RecordStatus(row.status)  # type: ignore[attr-defined]
        if target not in TRANSITIONS[current]:
            raise InvalidTransition(record_id, current.value, target.value)
        return current

    def approve(self, record_ids: Sequence[str]) -> None:
        """Approve CAPTURED records (supervisor). All of them, or none when one cannot be."""
        ctx = self._ctx
        session = ctx.require(Permission.APPROVE)
        now = datetime.now(UTC)
        with ctx.transaction() as conn:
            for record_id in dict.fromkeys(record_ids):
                current = self._transition(conn, record_id, S.APPROVED)
                if current is not S.CAPTURED:
                    raise InvalidTransition(record_id, current.value, S.APPROVED.value)
                conn.execute(update(records).where(records.c.record_id == record_id).values(
                    status=S.APPROVED.value, supervisor=session.username, updated_at=now,
                ))
                ctx.audit(conn, "approve", record_id)

    def reject(self, record_id: str, reason: str) -> None:
        ctx = self._ctx
        session = ctx.require(Permission.APPROVE)
        reason = " ".join((reason or "").split())
        if not reason:
            raise InvalidInput("REASON_REQUIRED", "Alasan penolakan wajib diisi.",
                               "A reason for the rejection is required.")
        if len(reason) > MAX_REASON:
            raise InvalidInput("REASON_TOO_LONG", f"Alasan maksimal {MAX_REASON} karakter.",
                               f"The reason may have at most {MAX_REASON} characters.")
        with ctx.transaction() as conn:
            current = self._transition(conn, record_id, S.REJECTED)
            if current is not S.CAPTURED:
                raise InvalidTransition(record_id, current.value, S.REJECTED.value)
            conn.execute(update(records).where(records.c.record_id == record_id).values(
                status=S.REJECTED.value, supervisor=session.username, rejection_reason=reason,
                updated_at=datetime.now(UTC),
            ))
            ctx.audit(conn, "reject", record_id)

    # --- reading ------------------------------------------------------------------------------
    def list(
        self,
        status: RecordStatus | str | Iterable[RecordStatus | str] | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        district_code: str | None = None,
        operator: str | None = None,
        limit: int = 50,
        offset: int = 0,
        server_outcome: ServerOutcome | str | None = None,
    ) -> list[RecordSummary]:
        """Newest first; `since` inclusive, `until` exclusive (a date means its local midnight)."""
        self._ctx.require()
        q = select(*_SUMMARY_COLUMNS).where(*_list_filters(
            status, since, until, district_code, operator, server_outcome))
        q = q.order_by(records.c.created_at.desc(), records.c.record_id).limit(limit).offset(offset)
        with self._ctx.engine.connect() as conn:
            return [_summary(r) for r in conn.execute(q).all()]

    def count(
        self,
        status: RecordStatus | str | Iterable[RecordStatus | str] | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        district_code: str | None = None,
        operator: str | None = None,
        server_outcome: ServerOutcome | str | None = None,
    ) -> int:
        """How many records `list` with the same filters finds in all (for totals and paging)."""
        self._ctx.require()
        q = select(func.count()).select_from(records).where(*_list_filters(
            status, since, until, district_code, operator, server_outcome))
        with self._ctx.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def summary(self, record_id: str) -> RecordSummary:
        self._ctx.require()
        with self._ctx.engine.connect() as conn:
            row = conn.execute(
                select(*_SUMMARY_COLUMNS).where(records.c.record_id == record_id)
            ).first()
        if row is None:
            raise NotFound(f"rekaman / record {record_id}")
        return _summary(row)

    def counts_by_status(self) -> dict[RecordStatus, int]:
        self._ctx.require()
        with self._ctx.engine.connect() as conn:
            rows = conn.execute(
                select(records.c.status, func.count()).group_by(records.c.status)
            ).all()
        counts = dict.fromkeys(RecordStatus, 0)
        for status, n in rows:
            counts[RecordStatus(status)] = n
        return counts

    def find_by_nik(self, nik: str) -> list[RecordSummary]:
        """Every record of this NIK on this station (through the keyed blind index)."""
        self._ctx.require()
        keys = self._ctx.require_keys()
        with self._ctx.engine.connect() as conn:
            rows = conn.execute(
                select(*_SUMMARY_COLUMNS).where(records.c.nik_index == keys.nik_index(nik))
                .order_by(records.c.created_at)
            ).all()
        return [_summary(r) for r in rows]

    def _decrypt(self, conn: Connection, keys: vault.StationKeys, row: object) -> Enrollment:
        record_id = row.record_id  # type: ignore[attr-defined]
        status = RecordStatus(row.status)  # type: ignore[attr-defined]
        if status not in READABLE or row.wrapped_dk is None:  # type: ignore[attr-defined]
            raise NotReadable(record_id, status.value)
        sealed = fastpath.record_fields(fastpath.cursor(conn), record_id)
        return self._decrypt_fields(keys, row, sealed)

    def _decrypt_fields(self, keys: vault.StationKeys, row: object,
                        sealed: Iterable[tuple[str, bytes]]) -> Enrollment:
        record_id = row.record_id  # type: ignore[attr-defined]
        try:
            data_key = keys.unwrap_data_key(record_id, row.wrapped_dk)  # type: ignore[attr-defined]
        except vault.Invalid:
            raise IntegrityError(record_id, "data_key") from None
        plain: dict[str, bytes] = {}
        for field_name, ciphertext in sealed:
            try:
                plain[field_name] = vault.unseal(
                    data_key, ciphertext, vault.field_aad(record_id, field_name))
            except vault.Invalid:
                raise IntegrityError(record_id, field_name) from None
        try:
            return decode_fields(row, plain)
        except ValueError as exc:  # authenticated but undecodable: a bug, reported as damage
            log.error("record %s decodes badly: %s", record_id, type(exc).__name__)
            raise IntegrityError(record_id, "content") from None

    def open(self, record_id: str) -> Enrollment:
        """Decrypt a record (any role with VIEW_RECORDS; every opening is audited)."""
        ctx = self._ctx
        ctx.require(Permission.VIEW_RECORDS)
        keys = ctx.require_keys()
        with ctx.engine.connect() as conn:
            row = self._row(conn, record_id)
            enrollment = self._decrypt(conn, keys, row)
        try:
            with ctx.transaction() as conn:
                ctx.audit(conn, "open", record_id)
        except StorageFull:  # reading must still work on a full disk; the gap is logged
            log.warning("record %s opened; audit event not written (storage full)", record_id)
        return enrollment

    # --- the outbox ---------------------------------------------------------------------------
    def seal(self, record_id: str, build_packet: Callable[[Enrollment], tuple[str, bytes]]) -> str:
        """APPROVED -> SEALED in one transaction: build the packet from the decrypted record,
        store it in the outbox, delete every sealed field and the data key. Returns packet id."""
        return self.seal_many([record_id], build_packet)[0]

    def seal_many(self, record_ids: Sequence[str],
                  build_packet: Callable[[Enrollment], tuple[str, bytes]]) -> list[str]:
        """`seal` for many records in ONE transaction: every record is sealed (one audit event
        each), or none is (a missing or non-APPROVED record, a damaged one, a builder that
        raises or returns nonsense, a full disk: nothing changes). Returns the packet ids in the
        order of `record_ids` (repeated ids are sealed once)."""
        ctx = self._ctx
        ctx.require(Permission.SEAL)
        keys = ctx.require_keys()
        ids = list(dict.fromkeys(record_ids))
        if not ids:
            return []
        now = datetime.now(UTC)
        stamp = fastpath.ts(now)
        packet_ids: list[str] = []
        with ctx.transaction() as conn:
            cur = fastpath.cursor(conn)
            rows = {r["record_id"]: r for r in fastpath.seal_rows(cur, ids)}
            for record_id in ids:  # refuse before building anything
                row = rows.get(record_id)
                if row is None:
                    raise NotFound(f"rekaman / record {record_id}")
                current = RecordStatus(row["status"])
                if current is not S.APPROVED:
                    raise InvalidTransition(record_id, current.value, S.SEALED.value)
                if row["wrapped_dk"] is None:
                    raise NotReadable(record_id, current.value)
            for record_id in ids:
                row = _Row(rows[record_id])
                enrollment = self._decrypt_fields(keys, row,
                                                  fastpath.record_fields(cur, record_id))
                packet_id, packet = build_packet(enrollment)
                if not isinstance(packet_id, str) or not 0 < len(packet_id) <= 64:
                    raise ValueError("build_packet must return a packet id of 1-64 characters")
                if not isinstance(packet, bytes | bytearray) or not packet:
                    raise ValueError("build_packet must return the packet bytes")
                fastpath.seal_record(cur, record_id, packet_id, bytes(packet), stamp,
                                     S.SEALED.value)
                ctx.audit(conn, "seal", record_id, packet_id=packet_id, bytes=len(packet))
                packet_ids.append(packet_id)
        return packet_ids

    def outbox_pending(self, limit: int = 100,
                       statuses: Iterable[RecordStatus] = (S.SEALED, S.EXPORTED),
                       exclude: Collection[str] = (),
                       ) -> list[OutboxItem]:
        """Packets not yet uploaded (SEALED, or EXPORTED to media only), oldest sealed first,
        leaving out the packet ids in `exclude` (e.g. those on the wire right now)."""
        wanted = [RecordStatus(s).value for s in statuses]
        with self._ctx.engine.connect() as conn, conn.begin():  # one snapshot for both reads
            rows = fastpath.pending_packets(fastpath.cursor(conn), wanted, limit,
                                            frozenset(exclude))
        return [OutboxItem(r[0], r[1], RecordStatus(r[2]), r[3], r[4], r[5]) for r in rows]

    def _outbox_rows(self, conn: Connection, packet_ids: Iterable[str]) -> list[object]:
        ids = list(dict.fromkeys(packet_ids))
        rows = conn.execute(
            select(outbox.c.packet_id, outbox.c.record_id, records.c.status)
            .join(records, records.c.record_id == outbox.c.record_id)
            .where(outbox.c.packet_id.in_(ids))
        ).all()
        found = {r.packet_id for r in rows}
        missing = [p for p in ids if p not in found]
        if missing:
            raise NotFound(f"paket / packet {', '.join(missing)}")
        return rows

    def _deliver(self, packet_ids: Iterable[str], target: RecordStatus, action: str,
                 **values: object) -> int:
        ctx = self._ctx
        now = datetime.now(UTC)
        changed = 0
        with ctx.transaction() as conn:
            for r in self._outbox_rows(conn, packet_ids):
                current = RecordStatus(r.status)  # type: ignore[attr-defined]
                if current in (S.ACKNOWLEDGED, S.PURGED):
                    continue  # the receipt came first: nothing left to do
                if target not in TRANSITIONS[current]:
                    raise InvalidTransition(r.record_id, current.value, target.value)  # type: ignore[attr-defined]
                stamp = "synced_at" if target is S.SYNCED else "exported_at"
                conn.execute(update(outbox).where(outbox.c.packet_id == r.packet_id)  # type: ignore[attr-defined]
                             .values(**{stamp: now}, last_error=None, **values))
                conn.execute(update(records).where(records.c.record_id == r.record_id)  # type: ignore[attr-defined]
                             .values(status=target.value, updated_at=now))
                ctx.audit(conn, action, r.record_id, packet_id=r.packet_id, **{  # type: ignore[attr-defined]
                    k: v for k, v in values.items() if isinstance(v, str)})
                changed += 1
        return changed

    def mark_synced(self, packet_ids: Iterable[str]) -> int:
        """Uploaded (the server has it; the receipt is still to come). Returns how many changed."""
        return self._deliver(packet_ids, S.SYNCED, "sync")

    def mark_exported(self, packet_ids: Iterable[str], batch_id: str) -> int:
        return self._deliver(packet_ids, S.EXPORTED, "export", batch_id=batch_id)

    def record_delivery_error(self, packet_id: str, message: str) -> None:
        ctx = self._ctx
        message = message[:500]
        with ctx.transaction() as conn:
            self._outbox_rows(conn, [packet_id])
            conn.execute(update(outbox).where(outbox.c.packet_id == packet_id).values(
                attempts=outbox.c.attempts + 1, last_error=message,
                last_attempt_at=datetime.now(UTC),
            ))
            ctx.audit(conn, "sync_error", None, packet_id=packet_id, error=message[:200])

    def apply_receipt(self, packet_id: str, outcome: ServerOutcome, reason: str | None,
                      receipt_bytes: bytes) -> bool:
        """Close a delivered record with the server's (already verified) receipt.

        ACCEPTED and DUPLICATE acknowledge the record; REJECTED acknowledges it too and keeps the
        server's reason on the record for the operator (`list(server_outcome="REJECTED")`): the
        station no longer holds the data, so the applicant must be recorded again. Returns False
        when this receipt was already applied (importing it twice changes nothing).
        """
        return self.apply_receipts([(packet_id, outcome, reason, receipt_bytes)]) == 1

    def apply_receipts(
        self, receipts: Iterable[tuple[str, ServerOutcome | str, str | None, bytes]]
    ) -> int:
        """`apply_receipt` for many packets in ONE transaction (one audit event per record
        closed). All or nothing: an unknown packet id (NotFound, naming every one) or a record
        that cannot be acknowledged changes nothing. Receipts already applied, or repeated in
        the list, are skipped. Returns how many records were closed."""
        return len(self._apply_receipts(receipts, strict=True).applied)

    def apply_receipts_report(
        self, receipts: Iterable[tuple[str, ServerOutcome | str, str | None, bytes]]
    ) -> ReceiptsApplied:
        """Like `apply_receipts`, but receipts of packets this station does not hold are
        reported in `unknown` (and skipped) instead of refusing the whole list."""
        return self._apply_receipts(receipts, strict=False)

    def _apply_receipts(
        self, receipts: Iterable[tuple[str, ServerOutcome | str, str | None, bytes]],
        strict: bool,
    ) -> ReceiptsApplied:
        ctx = self._ctx
        items: dict[str, tuple[ServerOutcome, str | None, bytes]] = {}
        result = ReceiptsApplied()
        for packet_id, outcome, reason, raw in receipts:
            if packet_id in items:  # the same packet twice in one list: applied once
                result.already.append(packet_id)
                continue
            items[packet_id] = (ServerOutcome(outcome), reason or None, bytes(raw))
        if not items:
            return result
        now = datetime.now(UTC)
        stamp = fastpath.ts(now)
        with ctx.transaction() as conn:
            cur = fastpath.cursor(conn)
            found = {r[0]: r for r in fastpath.outbox_states(cur, list(items))}
            updates = []
            for packet_id, (outcome, reason, raw) in items.items():
                if packet_id not in found:
                    result.unknown.append(packet_id)
                    continue
                _, record_id, status = found[packet_id]
                current = RecordStatus(status)
                if current in (S.ACKNOWLEDGED, S.PURGED):
                    result.already.append(packet_id)
                    continue
                if S.ACKNOWLEDGED not in TRANSITIONS[current]:
                    raise InvalidTransition(record_id, current.value, S.ACKNOWLEDGED.value)
                updates.append((packet_id, record_id, outcome, reason, raw))
            if strict and result.unknown:  # before anything is written
                raise NotFound(f"paket / packet {', '.join(result.unknown)}")
            if not updates:
                return result
            fastpath.acknowledge(cur, [
                (packet_id, record_id, outcome.value, reason, raw)
                for packet_id, record_id, outcome, reason, raw in updates
            ], stamp, S.ACKNOWLEDGED.value)
            for packet_id, record_id, outcome, _, _ in updates:
                ctx.audit(conn, "receipt", record_id, packet_id=packet_id, outcome=outcome.value)
                result.applied.append(packet_id)
                result.outcomes[outcome.value] = result.outcomes.get(outcome.value, 0) + 1
        return result

    def _purge(self, older_than: timedelta, record_ids: Sequence[str] | None) -> int:
        ctx = self._ctx
        now = datetime.now(UTC)
        cutoff = now - older_than
        with ctx.transaction() as conn:
            q = (
                select(outbox.c.record_id)
                .join(records, records.c.record_id == outbox.c.record_id)
                .where(records.c.status == S.ACKNOWLEDGED.value)
                .where(outbox.c.acknowledged_at <= cutoff)
            )
            if record_ids is not None:
                q = q.where(outbox.c.record_id.in_(list(record_ids)))
            ids = [r.record_id for r in conn.execute(q).all()]
            for record_id in ids:
                conn.execute(delete(record_fields).where(record_fields.c.record_id == record_id))
                conn.execute(delete(outbox_packets).where(outbox_packets.c.packet_id.in_(
                    select(outbox.c.packet_id).where(outbox.c.record_id == record_id))))
                conn.execute(update(records).where(records.c.record_id == record_id).values(
                    status=S.PURGED.value, nik_index=None, wrapped_dk=None, updated_at=now,
                ))
            if ids:
                ctx.audit(conn, "purge", None, count=len(ids),
                          older_than_days=round(older_than.total_seconds() / 86400, 2))
        return len(ids)

    def purge(self, older_than: timedelta = timedelta(days=30),
              record_ids: Sequence[str] | None = None) -> int:
        """Remove the packet and blind index of ACKNOWLEDGED records acknowledged at least
        `older_than` ago (admin). Returns how many records became PURGED."""
        self._ctx.require(Permission.PURGE)
        return self._purge(older_than, record_ids)

    def purge_acknowledged(self, older_than: timedelta) -> int:
        """The same purge as a background job of the sync engine (no operator needed)."""
        return self._purge(older_than, None)


def _as_datetime(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.astimezone()
    return datetime(value.year, value.month, value.day).astimezone()
