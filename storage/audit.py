"""The audit trail: an append-only SHA-256 hash chain with Ed25519-signed checkpoints.

Each event's hash covers its sequence number, time, actor, action, record id, details and the
previous event's hash. Appending needs no key (events are written while the station is locked
too: failed sign-ins, sync progress); checkpoints are signed by the station identity key while an
operator has the station unlocked, so rewriting history up to a checkpoint is detectable without
trusting the database. Details must never contain personal data: record ids, codes, counts only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, func, insert, select

from storage import fastpath
from storage.schema import audit_checkpoints, audit_events

GENESIS_PREFIX = b"rekam/audit/genesis/v1\x00"
CHECKPOINT_PREFIX = b"rekam/audit/checkpoint/v1\x00"

# Actions (a closed vocabulary, so reports can be trusted and translated).
ACTIONS = frozenset(
    {
        "provision", "sign_in", "sign_in_failed", "sign_out", "lock", "unlock", "lockout",
        "capture", "save", "edit", "approve", "reject", "seal", "export", "sync", "sync_error",
        "receipt", "purge", "settings", "operator_add", "operator_lock", "operator_unlock",
        "operator_password", "recovery", "open",
    }
)


def genesis(station_id: str) -> bytes:
    return hashlib.sha256(GENESIS_PREFIX + station_id.encode()).digest()


def _body(seq: int, at: str, actor: str, action: str, record_id: str | None, details: str) -> bytes:
    return json.dumps(
        [seq, at, actor, action, record_id, details], ensure_ascii=True, separators=(",", ":")
    ).encode()


def event_hash(prev_hash: bytes, seq: int, at: str, actor: str, action: str,
               record_id: str | None, details: str) -> bytes:
    return hashlib.sha256(prev_hash + _body(seq, at, actor, action, record_id, details)).digest()


def checkpoint_message(station_id: str, seq: int, hash_: bytes) -> bytes:
    return CHECKPOINT_PREFIX + station_id.encode() + b"\x00" + str(seq).encode() + b"\x00" + hash_


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append(conn: Connection, station_id: str, actor: str, action: str,
           record_id: str | None = None, details: dict[str, Any] | None = None) -> int:
    """Append one event inside the caller's transaction; returns its sequence number."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    cur = fastpath.cursor(conn)
    last = fastpath.last_event(cur)
    seq, prev = (last[0] + 1, last[1]) if last else (1, genesis(station_id))
    at = now_text()
    text = json.dumps(details or {}, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    h = event_hash(prev, seq, at, actor, action, record_id, text)
    fastpath.insert_event(cur, (seq, at, actor, action, record_id, text, prev, h))
    return seq


def last_checkpoint_seq(conn: Connection) -> int:
    return conn.execute(select(func.coalesce(func.max(audit_checkpoints.c.seq), 0))).scalar_one()


def checkpoint(conn: Connection, station_id: str, sign: Callable[[bytes], bytes]) -> int | None:
    """Sign the newest event (if not yet signed). Returns the checkpointed seq or None."""
    last = conn.execute(
        select(audit_events.c.seq, audit_events.c.hash).order_by(audit_events.c.seq.desc()).limit(1)
    ).first()
    if last is None or last.seq <= last_checkpoint_seq(conn):
        return None
    conn.execute(
        insert(audit_checkpoints).values(
            seq=last.seq, hash=last.hash, at=now_text(),
            signature=sign(checkpoint_message(station_id, last.seq, last.hash)),
        )
    )
    return last.seq


@dataclass
class Finding:
    seq: int
    kind: str  # "modified", "missing", "reordered", "broken_link", "checkpoint", "truncated"
    message_id: str
    message_en: str

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}: {self.message_id} / {self.message_en}"


@dataclass
class Verification:
    events: int
    checkpoints: int
    last_signed_seq: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


def verify(conn: Connection, station_id: str, public_key: bytes | None) -> Verification:
    """Walk the chain in order and report the first broken, missing or reordered entry.

    Only the first problem in the chain is reported (everything after it is unverifiable); a
    checkpoint problem is reported too when it comes first.
    """
    rows = conn.execute(select(audit_events).order_by(audit_events.c.seq)).all()
    cps = conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.seq)).all()
    result = Verification(events=len(rows), checkpoints=len(cps), last_signed_seq=0)
    by_hash = {r.hash: r.seq for r in rows}
    key = Ed25519PublicKey.from_public_bytes(public_key) if public_key else None
    cp_by_seq = {c.seq: c for c in cps}

    def fail(seq: int, kind: str, id_: str, en: str) -> Verification:
        result.findings.append(Finding(seq, kind, id_, en))
        return result

    # Checkpoints first: a signature that does not verify means the checkpoints were forged.
    for c in cps:
        if key is None:
            return fail(c.seq, "checkpoint", "Kunci publik stasiun tidak ada; checkpoint tidak "
                        "dapat diperiksa.", "No station public key; checkpoints cannot be checked.")
        try:
            key.verify(c.signature, checkpoint_message(station_id, c.seq, c.hash))
        except InvalidSignature:
            return fail(c.seq, "checkpoint", f"Tanda tangan checkpoint #{c.seq} tidak sah.",
                        f"The signature of checkpoint #{c.seq} is invalid.")

    prev_hash = genesis(station_id)
    expected = 1
    for r in rows:
        if r.seq != expected:
            missing = f"#{expected}" if r.seq == expected + 1 else f"#{expected}-#{r.seq - 1}"
            return fail(expected, "missing", f"Entri audit {missing} hilang (sebelum #{r.seq}).",
                        f"Audit entry {missing} is missing (before #{r.seq}).")
        if r.prev_hash != prev_hash:
            other = by_hash.get(r.prev_hash)
            if other is not None:
                return fail(r.seq, "reordered",
                            f"Entri audit #{r.seq} tidak pada urutannya (seharusnya setelah "
                            f"#{other}).",
                            f"Audit entry #{r.seq} is out of order (it belongs after #{other}).")
            return fail(r.seq, "missing",
                        f"Entri audit sebelum #{r.seq} hilang atau diganti (rantai putus).",
                        f"An audit entry before #{r.seq} is missing or replaced (broken link).")
        recomputed = event_hash(r.prev_hash, r.seq, r.at, r.actor, r.action, r.record_id, r.details)
        if recomputed != r.hash:
            return fail(r.seq, "modified", f"Entri audit #{r.seq} ({r.action}) telah diubah.",
                        f"Audit entry #{r.seq} ({r.action}) was altered.")
        cp = cp_by_seq.get(r.seq)
        if cp is not None:
            if cp.hash != r.hash:
                return fail(r.seq, "checkpoint",
                            f"Riwayat audit sampai #{r.seq} ditulis ulang (tidak cocok dengan "
                            "checkpoint bertanda tangan).",
                            f"Audit history up to #{r.seq} was rewritten (does not match the "
                            "signed checkpoint).")
            result.last_signed_seq = r.seq
        prev_hash = r.hash
        expected += 1
    if cps and cps[-1].seq >= expected:
        return fail(expected, "truncated",
                    f"Entri audit #{expected}-#{cps[-1].seq} hilang (dipotong dari akhir).",
                    f"Audit entries #{expected}-#{cps[-1].seq} are missing (truncated).")
    return result
