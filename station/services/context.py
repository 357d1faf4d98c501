"""State the services share: the database, the unlocked keys, the signed-in session, auditing.

One `StationContext` per open station. Keys live here only while an operator has the station
unlocked; `lock()` drops them (and the decrypted identity key) from memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from station.config import Settings
from station.domain import OperatorInfo, Permission, can
from station.services.errors import (
    NotPermitted,
    NotProvisioned,
    NotSignedIn,
    StationLocked,
    StorageFull,
)
from storage import audit as chain
from storage import vault
from storage.db import is_disk_full
from storage.schema import config

log = logging.getLogger(__name__)

# Checkpoint the audit chain at every multiple of this many events while unlocked (and at
# sign-in, sign-out and lock).
CHECKPOINT_EVERY = 25

# Config keys the station owns (not settable through ConfigStore.set).
RESERVED_KEYS = frozenset(
    {"station_id", "region_code", "identity_public_key", "identity_private_sealed", "kdf",
     "provisioned_at"}
)


@dataclass
class Session:
    operator: OperatorInfo
    signed_in_at: datetime
    last_activity: datetime = field(default_factory=lambda: datetime.now(UTC))
    locked: bool = False  # idle-locked: keys dropped, the operator's work kept by the UI

    @property
    def username(self) -> str:
        return self.operator.username


class StationContext:
    def __init__(self, engine: Engine, settings: Settings):
        self.engine = engine
        self.settings = settings
        self.lock = threading.RLock()
        self.keys: vault.StationKeys | None = None
        self.session: Session | None = None
        self._identity: Ed25519PrivateKey | None = None
        self._config_cache: dict[str, str] = {}

    # --- configuration -------------------------------------------------------------------------
    def config_get(self, key: str, default: str | None = None,
                   conn: Connection | None = None) -> str | None:
        """A setting; pass `conn` to read inside an open transaction."""
        if key in self._config_cache:
            return self._config_cache[key]
        query = select(config.c.value).where(config.c.key == key)
        if conn is not None:
            value = conn.execute(query).scalar()
        else:
            with self.engine.connect() as own:
                value = own.execute(query).scalar()
            if value is not None and key in RESERVED_KEYS:  # immutable after provisioning
                self._config_cache[key] = value
        return default if value is None else value

    @staticmethod
    def config_put(conn: Connection, key: str, value: str) -> None:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(config).values(key=key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    @property
    def station_id(self) -> str:
        value = self.config_get("station_id")
        if value is None:
            raise NotProvisioned()
        return value

    def is_provisioned(self) -> bool:
        return self.config_get("station_id") is not None

    # --- session and permissions --------------------------------------------------------------
    def require(self, permission: Permission | None = None) -> Session:
        """The unlocked session, if its role has `permission`; else the precise refusal."""
        with self.lock:
            session = self.session
            if session is None:
                raise NotSignedIn()
            if session.locked or self.keys is None:
                raise StationLocked(session.username)
            if permission is not None and not can(session.operator.role, permission):
                raise NotPermitted(permission, session.username, session.operator.role.value)
            session.last_activity = datetime.now(UTC)
            return session

    def require_keys(self) -> vault.StationKeys:
        with self.lock:
            if self.session is None:
                raise NotSignedIn()
            if self.keys is None or self.session.locked:
                raise StationLocked(self.session.username)
            return self.keys

    @property
    def actor(self) -> str:
        session = self.session
        return session.username if session is not None else "system"

    def drop_keys(self) -> None:
        with self.lock:
            if self.keys is not None:
                self.keys.wipe()
            self.keys = None
            self._identity = None

    # --- identity -----------------------------------------------------------------------------
    def identity_key(self) -> Ed25519PrivateKey:
        with self.lock:
            keys = self.require_keys()
            if self._identity is None:
                sealed = vault.unb64(self.config_get("identity_private_sealed") or "")
                raw = vault.unseal(keys.identity_key, sealed, b"rekam/identity/v1")
                self._identity = Ed25519PrivateKey.from_private_bytes(raw)
            return self._identity

    def public_key_bytes(self) -> bytes:
        value = self.config_get("identity_public_key")
        if value is None:
            raise NotProvisioned()
        return vault.unb64(value)

    # --- transactions and audit ---------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT; a full disk becomes StorageFull with nothing written."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(immediate=True)
                with conn.begin():
                    yield conn
        except (DBAPIError, OSError) as exc:
            if is_disk_full(exc):
                log.error("write refused, storage full: %s", type(exc).__name__)
                raise StorageFull(str(exc)) from None
            raise

    def audit(self, conn: Connection, action: str, record_id: str | None = None,
              actor: str | None = None, **details: Any) -> int:
        station_id = self.config_get("station_id", conn=conn)
        if station_id is None:
            raise NotProvisioned()
        seq = chain.append(conn, station_id, actor or self.actor, action, record_id, details)
        if self.keys is not None and seq % CHECKPOINT_EVERY == 0:
            self.checkpoint(conn)
        return seq

    def checkpoint(self, conn: Connection) -> int | None:
        if self.keys is None:
            return None
        key = self.identity_key()
        return chain.checkpoint(conn, self.station_id, key.sign)


