"""The station database schema (SQLAlchemy Core), as of the newest Alembic revision.

Personal data lives only in `record_fields.ciphertext` (AES-256-GCM, see `storage.vault`); every
other column holds non-personal bookkeeping that the station may list without any key: ids,
statuses, times, operator usernames, the kecamatan code, counts, and the keyed NIK blind index.
Migrations in `storage/migrations/versions` must produce exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

metadata = MetaData()


class UtcDateTime(TypeDecorator):
    """An aware UTC datetime stored as fixed-width ISO 8601 text (sorts and compares as text)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC times only")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def process_result_value(self, value: str | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)  # "...Z" parses as aware UTC (Python >= 3.11)


# Non-secret station settings: station id, region, server URL / public keys, KDF parameters ...
config = Table(
    "config",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

operators = Table(
    "operators",
    metadata,
    Column("username", String(32), primary_key=True),
    Column("display_name", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("locked", Boolean, nullable=False, default=False),  # locked by an admin
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("lockout_until", UtcDateTime()),
    Column("lockout_level", Integer, nullable=False, default=0),  # 5 min x 2**level
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_sign_in", UtcDateTime()),
)

# The station key, wrapped once per operator password and once for the recovery code.
key_slots = Table(
    "key_slots",
    metadata,
    Column("slot_id", String(64), primary_key=True),  # "password:<username>" or "recovery"
    Column("kind", String(16), nullable=False),
    Column(
        "username",
        String(32),
        ForeignKey("operators.username", ondelete="CASCADE"),
        unique=True,
    ),
    Column("kdf", Text, nullable=False),  # JSON: algorithm and parameters
    Column("salt", LargeBinary, nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),  # nonce || AES-GCM(station key)
    Column("created_at", UtcDateTime(), nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("station_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("operator", String(32), nullable=False),
    Column("supervisor", String(32)),
    Column("district_code", String(13)),  # kecamatan of the address, e.g. "35.05.08"
    Column("domicile", Boolean, nullable=False, default=False),
    Column("finger_count", Integer, nullable=False, default=0),
    Column("exception_count", Integer, nullable=False, default=0),
    Column("rejection_reason", Text),
    Column("nik_index", LargeBinary),  # HMAC-SHA256(station NIK key, NIK)
    Column("wrapped_dk", LargeBinary),  # the record's data key; NULL once sealed
    Column("payload_bytes", Integer, nullable=False, default=0),
    Column("packet_id", String(64)),
    Column("server_outcome", String(16)),
    Column("server_reason", Text),
    Index("ix_records_status_created", "status", "created_at"),
    Index("ix_records_created", "created_at"),
    Index("ix_records_district_created", "district_code", "created_at"),
    Index("ix_records_operator_created", "operator", "created_at"),
    Index("ix_records_nik_index", "nik_index"),
    Index("uq_records_packet_id", "packet_id", unique=True),
)

record_fields = Table(
    "record_fields",
    metadata,
    Column(
        "record_id",
        String(36),
        ForeignKey("records.record_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("field", String(32), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),  # nonce || AES-GCM(plaintext)
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),  # ISO 8601 UTC, hashed as written
    Column("actor", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("record_id", String(64)),
    Column("details", Text, nullable=False),  # canonical JSON, never personal data
    Column("prev_hash", LargeBinary, nullable=False),
    Column("hash", LargeBinary, nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
    Column("at", String(40), nullable=False),
    Column("signature", LargeBinary, nullable=False),  # Ed25519 by the station identity key
)

# Sealed packets waiting for delivery (the transactional outbox; added in revision 0002).
outbox = Table(
    "outbox",
    metadata,
    Column("packet_id", String(64), primary_key=True),
    Column(
        "record_id",
        String(36),
        ForeignKey("records.record_id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("sealed_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("last_attempt_at", UtcDateTime()),
    Column("synced_at", UtcDateTime()),
    Column("exported_at", UtcDateTime()),
    Column("batch_id", String(64)),
    Column("acknowledged_at", UtcDateTime()),
    Column("receipt", LargeBinary),
)

# The packet itself, encrypted to the server: written once at sealing, deleted at purge (revision
# 0003; apart from `outbox`, whose bookkeeping changes at every delivery step).
outbox_packets = Table(
    "outbox_packets",
    metadata,
    Column(
        "packet_id",
        String(64),
        ForeignKey("outbox.packet_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("packet", LargeBinary, nullable=False),
)
