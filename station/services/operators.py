"""Operators and their password slots (admin only, except changing one's own password)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from station.domain import OperatorInfo, Permission, Role
from station.services.auth import operator_info
from station.services.context import StationContext
from station.services.errors import InvalidInput, NotPermitted, UnknownOperator, WrongPassword
from storage import vault
from storage.schema import key_slots, operators

MIN_PASSWORD = 8


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            "PASSWORD_TOO_SHORT",
            f"Kata sandi minimal {MIN_PASSWORD} karakter.",
            f"A password needs at least {MIN_PASSWORD} characters.",
        )


def password_slot_id(username: str) -> str:
    return f"password:{username}"


def new_password_slot(conn, station_key: bytes, username: str, password: str,
                      kdf: vault.KdfParams) -> None:
    slot_id = password_slot_id(username)
    salt = vault.new_salt()
    conn.execute(
        insert(key_slots).values(
            slot_id=slot_id, kind="password", username=username, kdf=kdf.to_json(), salt=salt,
            wrapped_key=vault.wrap_in_slot(station_key, password, slot_id, salt, kdf),
            created_at=datetime.now(UTC),
        )
    )


def insert_operator(conn, username: str, display_name: str, role: Role) -> OperatorInfo:
    info = OperatorInfo(username=username, display_name=display_name.strip() or username, role=role)
    conn.execute(
        insert(operators).values(
            username=info.username, display_name=info.display_name, role=info.role.value,
            locked=False, failed_attempts=0, lockout_level=0, created_at=datetime.now(UTC),
        )
    )
    return info


class OperatorService:
    def __init__(self, ctx: StationContext):
        self._ctx = ctx

    def _kdf(self) -> vault.KdfParams:
        text = self._ctx.config_get("kdf")
        return vault.KdfParams.from_json(text) if text else vault.DEFAULT_KDF

    def list(self) -> list[OperatorInfo]:
        self._ctx.require()
        with self._ctx.engine.connect() as conn:
            rows = conn.execute(select(operators).order_by(operators.c.username)).all()
        return [operator_info(r) for r in rows]

    def get(self, username: str) -> OperatorInfo:
        with self._ctx.engine.connect() as conn:
            row = conn.execute(
                select(operators).where(operators.c.username == username.strip().lower())
            ).first()
        if row is None:
            raise UnknownOperator(username)
        return operator_info(row)

    def add(
        self, username: str, display_name: str, role: Role | str, password: str
    ) -> OperatorInfo:
        ctx = self._ctx
        ctx.require(Permission.MANAGE_OPERATORS)
        keys = ctx.require_keys()
        try:
            info = OperatorInfo(username=username, display_name=display_name or username,
                                role=Role(role))
        except ValueError as exc:
            raise InvalidInput("OPERATOR_INVALID", f"Data operator tidak sah: {exc}",
                               f"Invalid operator: {exc}") from None
        check_password_rules(password)
        kdf = self._kdf()
        try:
            with ctx.transaction() as conn:
                insert_operator(conn, info.username, info.display_name, info.role)
                new_password_slot(conn, keys.station_key, info.username, password, kdf)
                ctx.audit(conn, "operator_add", target=info.username, role=info.role.value)
        except SqlIntegrityError:
            raise InvalidInput(
                "OPERATOR_EXISTS", f"Operator {info.username} sudah ada.",
                f"Operator {info.username} already exists.",
            ) from None
        return info

    def _set_locked(self, username: str, locked: bool) -> OperatorInfo:
        ctx = self._ctx
        session = ctx.require(Permission.MANAGE_OPERATORS)
        info = self.get(username)
        if locked and info.username == session.username:
            raise InvalidInput("OPERATOR_SELF_LOCK", "Admin tidak dapat mengunci akunnya sendiri.",
                               "An admin cannot lock their own account.")
        with ctx.transaction() as conn:
            values: dict[str, object] = {"locked": locked}
            if not locked:  # unlocking also clears a temporary lockout
                values.update(failed_attempts=0, lockout_until=None, lockout_level=0)
            conn.execute(update(operators).where(operators.c.username == info.username)
                         .values(**values))
            ctx.audit(conn, "operator_lock" if locked else "operator_unlock", target=info.username)
        return self.get(info.username)

    def lock(self, username: str) -> OperatorInfo:
        return self._set_locked(username, True)

    def unlock(self, username: str) -> OperatorInfo:
        return self._set_locked(username, False)

    def change_password(self, username: str, new_password: str,
                        old_password: str | None = None) -> None:
        """Rewrap one slot. Operators change their own (old password needed); admins anyone's."""
        ctx = self._ctx
        session = ctx.require()
        keys = ctx.require_keys()
        info = self.get(username)
        own = info.username == session.username
        if not own:
            ctx.require(Permission.MANAGE_OPERATORS)
        elif session.operator.role is not Role.ADMIN:
            if old_password is None:
                raise NotPermitted(Permission.MANAGE_OPERATORS, session.username,
                                   session.operator.role.value)
            with ctx.engine.connect() as conn:
                slot = conn.execute(
                    select(key_slots).where(key_slots.c.username == info.username)
                ).one()
            try:
                vault.open_slot(slot.wrapped_key, old_password, slot.slot_id, slot.salt,
                                vault.KdfParams.from_json(slot.kdf))
            except vault.Invalid:
                raise WrongPassword() from None
        check_password_rules(new_password)
        kdf = self._kdf()
        with ctx.transaction() as conn:
            conn.execute(delete(key_slots).where(key_slots.c.username == info.username))
            new_password_slot(conn, keys.station_key, info.username, new_password, kdf)
            ctx.audit(conn, "operator_password", target=info.username)
