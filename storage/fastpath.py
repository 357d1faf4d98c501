"""The save path's statements on the raw sqlite3 cursor of the current SQLAlchemy transaction.

SQLAlchemy Core costs 0.2-0.4 ms per statement here, as much as the durable commit itself; a
save runs six statements. These run on the same connection and inside the same transaction as
the caller's `Connection`, with the exact SQL the schema (`storage.schema`) defines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

SUMMARY_COLUMNS = (
    "record_id", "status", "created_at", "updated_at", "operator", "supervisor", "district_code",
    "domicile", "finger_count", "exception_count", "rejection_reason", "packet_id",
    "server_outcome", "server_reason",
)
RECORD_COLUMNS = (
    "record_id", "station_id", "status", "created_at", "updated_at", "operator", "supervisor",
    "district_code", "domicile", "finger_count", "exception_count", "rejection_reason",
    "nik_index", "wrapped_dk", "payload_bytes",
)
# Built from the constant column tuples above, never from input.
_BY_NIK = (f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM records WHERE nik_index = ? "  # noqa: S608
           "ORDER BY created_at")
_INSERT_RECORD = (f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) "  # noqa: S608
                  f"VALUES ({', '.join('?' * len(RECORD_COLUMNS))})")


def cursor(conn: Connection) -> sqlite3.Cursor:
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def ts(value: datetime) -> str:
    """storage.schema.UtcDateTime's text form."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: the store keeps aware UTC times only")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_status(cur: sqlite3.Cursor, record_id: str) -> str | None:
    row = cur.execute("SELECT status FROM records WHERE record_id = ?", (record_id,)).fetchone()
    return None if row is None else row[0]


def summaries_by_nik(cur: sqlite3.Cursor, nik_index: bytes) -> list[dict[str, object]]:
    rows = cur.execute(_BY_NIK, (nik_index,)).fetchall()
    return [dict(zip(SUMMARY_COLUMNS, r, strict=True)) for r in rows]


def insert_record(cur: sqlite3.Cursor, values: dict[str, object]) -> None:
    row = []
    for name in RECORD_COLUMNS:
        v = values.get(name)
        if isinstance(v, datetime):
            v = ts(v)
        elif isinstance(v, bool):
            v = int(v)
        row.append(v)
    cur.execute(_INSERT_RECORD, row)


def insert_fields(cur: sqlite3.Cursor, record_id: str, fields: Iterable[tuple[str, bytes]]) -> None:
    cur.executemany(
        "INSERT INTO record_fields (record_id, field, ciphertext) VALUES (?, ?, ?)",
        [(record_id, name, blob) for name, blob in fields],
    )


def last_event(cur: sqlite3.Cursor) -> tuple[int, bytes] | None:
    return cur.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()


def insert_event(cur: sqlite3.Cursor, row: Sequence[object]) -> None:
    cur.execute(
        "INSERT INTO audit_events (seq, at, actor, action, record_id, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        row,
    )


# --- the outbox (sealing and receipts, many records per transaction) ---------------------------

SEAL_COLUMNS = (
    "record_id", "station_id", "status", "created_at", "operator", "supervisor",
    "rejection_reason", "domicile", "wrapped_dk",
)
_CHUNK = 500  # bound parameters per IN (...) list, well under SQLite's limit


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def seal_rows(cur: sqlite3.Cursor, record_ids: Sequence[str]) -> list[dict[str, object]]:
    """The clear columns sealing needs, for each of these records that exists."""
    out = []
    for chunk in _chunks(record_ids):
        rows = cur.execute(
            f"SELECT {', '.join(SEAL_COLUMNS)} FROM records "  # noqa: S608 - constant columns
            f"WHERE record_id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        ).fetchall()
        for r in rows:
            row = dict(zip(SEAL_COLUMNS, r, strict=True))
            row["created_at"] = datetime.fromisoformat(row["created_at"])  # type: ignore[arg-type]
            out.append(row)
    return out


def record_fields(cur: sqlite3.Cursor, record_id: str) -> list[tuple[str, bytes]]:
    return cur.execute(
        "SELECT field, ciphertext FROM record_fields WHERE record_id = ?", (record_id,)
    ).fetchall()


def seal_record(cur: sqlite3.Cursor, record_id: str, packet_id: str, packet: bytes, stamp: str,
                status: str) -> None:
    """Store the packet, delete every sealed field and the data key, set the status."""
    cur.execute(
        "INSERT INTO outbox (packet_id, record_id, sealed_at, attempts) VALUES (?, ?, ?, 0)",
        (packet_id, record_id, stamp),
    )
    cur.execute("INSERT INTO outbox_packets (packet_id, packet) VALUES (?, ?)", (packet_id, packet))
    cur.execute("DELETE FROM record_fields WHERE record_id = ?", (record_id,))
    cur.execute(
        "UPDATE records SET status = ?, wrapped_dk = NULL, packet_id = ?, updated_at = ? "
        "WHERE record_id = ?",
        (status, packet_id, stamp, record_id),
    )


def outbox_states(cur: sqlite3.Cursor, packet_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(packet id, record id, record status) of each of these packets that exists."""
    out: list[tuple[str, str, str]] = []
    for chunk in _chunks(packet_ids):
        out += cur.execute(
            "SELECT o.packet_id, o.record_id, r.status FROM outbox o "  # noqa: S608
            "JOIN records r ON r.record_id = o.record_id "
            f"WHERE o.packet_id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        ).fetchall()
    return out


def acknowledge(cur: sqlite3.Cursor, rows: Sequence[tuple[str, str, str, str | None, bytes]],
                stamp: str, status: str) -> None:
    """rows: (packet id, record id, server outcome, server reason, receipt bytes)."""
    cur.executemany(
        "UPDATE outbox SET acknowledged_at = ?, receipt = ?, last_error = NULL "
        "WHERE packet_id = ?",
        [(stamp, receipt, packet_id) for packet_id, _, _, _, receipt in rows],
    )
    cur.executemany(
        "UPDATE records SET status = ?, server_outcome = ?, server_reason = ?, updated_at = ? "
        "WHERE record_id = ?",
        [(status, outcome, reason, stamp, record_id) for _, record_id, outcome, reason, _ in rows],
    )


def pending_packets(cur: sqlite3.Cursor, statuses: Sequence[str], limit: int,
                    exclude: frozenset[str]) -> list[tuple]:
    """(packet id, record id, status, packet, attempts, last error) of up to `limit` packets whose
    record is in one of `statuses`, in sealing order (the outbox rowid), skipping `exclude` and
    purged ones. Two steps, so that only the packets returned are read."""
    if limit <= 0 or not statuses:
        return []
    marks = ", ".join("?" * len(statuses))
    keys = cur.execute(
        "SELECT o.rowid, o.packet_id FROM records r "  # noqa: S608 - placeholders only
        f"JOIN outbox o ON o.record_id = r.record_id WHERE r.status IN ({marks})",
        tuple(statuses),
    ).fetchall()
    keys.sort()
    chosen = [rowid for rowid, packet_id in keys if packet_id not in exclude][:limit]
    if not chosen:
        return []
    rows = cur.execute(
        "SELECT o.rowid, o.packet_id, o.record_id, r.status, p.packet, o.attempts, "  # noqa: S608
        "o.last_error FROM outbox o JOIN records r ON r.record_id = o.record_id "
        "JOIN outbox_packets p ON p.packet_id = o.packet_id "
        f"WHERE o.rowid IN ({', '.join('?' * len(chosen))})",
        tuple(chosen),
    ).fetchall()
    rows.sort()
    return [tuple(r[1:]) for r in rows]
