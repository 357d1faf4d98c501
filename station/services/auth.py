"""Sign-in, sign-out, idle lock and unlock. Signing in is what unlocks the station key.

Lockout: 5 wrong passwords in a row lock the account for 5 minutes; each further lockout without
a successful sign-in in between doubles the time (5, 10, 20 ... minutes, at most 24 hours).
The lockout check comes before the (deliberately slow) Argon2id derivation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from station.domain import OperatorInfo, Permission, Role
from station.services.context import Session, StationContext
from station.services.errors import (
    AccountLocked,
    NotSignedIn,
    UnknownOperator,
    WrongPassword,
)
from storage import vault
from storage.schema import key_slots, operators

MAX_FAILURES = 5
LOCKOUT_BASE = timedelta(minutes=5)
LOCKOUT_MAX = timedelta(hours=24)


def lockout_duration(level: int) -> timedelta:
    return min(LOCKOUT_BASE * (2**level), LOCKOUT_MAX)


def operator_info(row: object) -> OperatorInfo:
    return OperatorInfo(
        username=row.username,  # type: ignore[attr-defined]
        display_name=row.display_name,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        locked=bool(row.locked),  # type: ignore[attr-defined]
    )


class AuthService:
    def __init__(self, ctx: StationContext):
        self._ctx = ctx

    @property
    def current(self) -> Session | None:
        return self._ctx.session

    @property
    def is_locked(self) -> bool:
        session = self._ctx.session
        return session is not None and session.locked

    def require(self, permission: Permission | None = None) -> Session:
        return self._ctx.require(permission)

    def _check_password(self, username: str, password: str, now: datetime) -> bytes:
        """The station key from the operator's slot, applying and updating the lockout state."""
        ctx = self._ctx
        username = username.strip().lower()
        with ctx.engine.connect() as conn:
            op = conn.execute(select(operators).where(operators.c.username == username)).first()
            slot = conn.execute(select(key_slots).where(key_slots.c.username == username)).first()
        if op is None or slot is None:
            raise UnknownOperator(username)
        if op.locked:
            raise AccountLocked(username, None)
        if op.lockout_until is not None and op.lockout_until > now:
            raise AccountLocked(username, op.lockout_until)
        try:
            return vault.open_slot(
                slot.wrapped_key, password, slot.slot_id, slot.salt,
                vault.KdfParams.from_json(slot.kdf),
            )
        except vault.Invalid:
            pass
        # Wrong password: count it, maybe lock out, audit it; all in one transaction.
        with ctx.transaction() as conn:
            row = conn.execute(select(operators).where(operators.c.username == username)).one()
            failures = row.failed_attempts + 1
            if failures >= MAX_FAILURES:
                until = now + lockout_duration(row.lockout_level)
                conn.execute(
                    update(operators).where(operators.c.username == username).values(
                        failed_attempts=0, lockout_until=until, lockout_level=row.lockout_level + 1
                    )
                )
                ctx.audit(conn, "sign_in_failed", actor=username, failures=failures)
                ctx.audit(conn, "lockout", actor=username,
                          minutes=int(lockout_duration(row.lockout_level).total_seconds() // 60))
                locked_until: datetime | None = until
            else:
                conn.execute(
                    update(operators).where(operators.c.username == username)
                    .values(failed_attempts=failures)
                )
                ctx.audit(conn, "sign_in_failed", actor=username, failures=failures)
                locked_until = None
        if locked_until is not None:
            raise AccountLocked(username, locked_until)
        raise WrongPassword(MAX_FAILURES - failures)

    def sign_in(self, username: str, password: str) -> Session:
        ctx = self._ctx
        _ = ctx.station_id  # NotProvisioned before anything else
        now = datetime.now(UTC)
        station_key = self._check_password(username, password, now)
        username = username.strip().lower()
        with ctx.lock:
            if ctx.session is not None:
                self._end_session("sign_out")
            keys = vault.StationKeys(station_key)
            with ctx.engine.connect() as conn:
                row = conn.execute(select(operators).where(operators.c.username == username)).one()
            session = Session(operator=operator_info(row), signed_in_at=now)
            ctx.keys, ctx.session = keys, session
            with ctx.transaction() as conn:
                conn.execute(
                    update(operators).where(operators.c.username == username).values(
                        failed_attempts=0, lockout_until=None, lockout_level=0, last_sign_in=now
                    )
                )
                ctx.audit(conn, "sign_in")
                ctx.checkpoint(conn)
        return session

    def _end_session(self, action: str) -> None:
        ctx = self._ctx
        session = ctx.session
        if session is None:
            return
        with ctx.transaction() as conn:
            ctx.audit(conn, action)
            if ctx.keys is not None:
                ctx.checkpoint(conn)
        ctx.drop_keys()
        if action == "sign_out":
            ctx.session = None

    def sign_out(self) -> None:
        with self._ctx.lock:
            self._end_session("sign_out")

    def lock(self) -> None:
        """Idle lock: drop the keys, keep the session (the UI keeps the work in progress)."""
        with self._ctx.lock:
            session = self._ctx.session
            if session is None:
                raise NotSignedIn()
            if session.locked:
                return
            self._end_session("lock")
            session.locked = True

    def unlock(self, password: str) -> Session:
        """Unlock for the same operator (another operator signs in instead)."""
        ctx = self._ctx
        session = ctx.session
        if session is None:
            raise NotSignedIn()
        if not session.locked:
            return session
        now = datetime.now(UTC)
        station_key = self._check_password(session.username, password, now)
        with ctx.lock:
            ctx.keys = vault.StationKeys(station_key)
            session.locked = False
            session.last_activity = now
            with ctx.transaction() as conn:
                conn.execute(
                    update(operators).where(operators.c.username == session.username).values(
                        failed_attempts=0, lockout_until=None, lockout_level=0
                    )
                )
                ctx.audit(conn, "unlock")
        return session

    def confirm_by(self, username: str, password: str,
                   permission: Permission = Permission.APPROVE) -> OperatorInfo:
        """A second person's confirmation (a supervisor confirming a finger exception or a
        forced capture at the operator's desk) without changing who is signed in. Wrong
        passwords count towards that person's lockout like a sign-in."""
        from station.domain import can
        from station.services.errors import NotPermitted

        ctx = self._ctx
        self._check_password(username, password, datetime.now(UTC))
        with ctx.engine.connect() as conn:
            row = conn.execute(
                select(operators).where(operators.c.username == username.strip().lower())
            ).one()
        info = operator_info(row)
        if not can(info.role, permission):
            raise NotPermitted(permission, info.username, info.role.value)
        return info

    def touch(self) -> None:
        """Note operator activity (key press, capture) for the idle timer."""
        session = self._ctx.session
        if session is not None and not session.locked:
            session.last_activity = datetime.now(UTC)

    def idle_lock_if_due(self, now: datetime | None = None) -> bool:
        """Lock when idle for settings.idle_lock_seconds; True when it locked just now."""
        session = self._ctx.session
        if session is None or session.locked:
            return False
        now = now or datetime.now(UTC)
        idle = (now - session.last_activity).total_seconds()
        if idle >= self._ctx.settings.idle_lock_seconds:
            self.lock()
            return True
        return False
