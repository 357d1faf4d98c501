"""Reading and verifying the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from station.domain import Permission
from station.services.context import StationContext
from storage import audit as chain
from storage.schema import audit_events


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    actor: str
    action: str
    record_id: str | None
    details: dict[str, object]


class AuditService:
    def __init__(self, ctx: StationContext):
        self._ctx = ctx

    def verify(self) -> chain.Verification:
        """Check the whole chain and its signed checkpoints (no key or sign-in needed)."""
        ctx = self._ctx
        with ctx.engine.connect() as conn:
            return chain.verify(conn, ctx.station_id, ctx.public_key_bytes())

    def events(self, limit: int = 100, record_id: str | None = None,
               offset: int = 0) -> list[AuditEvent]:
        """Newest first (supervisors and admins)."""
        self._ctx.require(Permission.APPROVE)
        q = select(audit_events).order_by(audit_events.c.seq.desc()).limit(limit).offset(offset)
        if record_id is not None:
            q = q.where(audit_events.c.record_id == record_id)
        with self._ctx.engine.connect() as conn:
            return [
                AuditEvent(r.seq, r.at, r.actor, r.action, r.record_id, json.loads(r.details))
                for r in conn.execute(q).all()
            ]

    def count(self, record_id: str | None = None) -> int:
        """How many events `events` pages through (all, or one record's)."""
        self._ctx.require(Permission.APPROVE)
        q = select(func.count()).select_from(audit_events)
        if record_id is not None:
            q = q.where(audit_events.c.record_id == record_id)
        with self._ctx.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def log(self, action: str, record_id: str | None = None, **details: object) -> int:
        """Append an event for something the services do not see themselves (a capture in the
        UI: finger position, quality, attempt). `action` is from storage.audit.ACTIONS;
        details must be ids, codes and numbers, never personal data. Returns the seq."""
        if action not in chain.ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        ctx = self._ctx
        with ctx.transaction() as conn:
            return ctx.audit(conn, action, record_id, **details)

    def checkpoint(self) -> int | None:
        """Sign the newest event now (needs the station unlocked)."""
        ctx = self._ctx
        ctx.require_keys()
        with ctx.transaction() as conn:
            return ctx.checkpoint(conn)
