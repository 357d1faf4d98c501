"""The composition root: open the station's database and wire the services together.

    station = open_station(settings)         # creates / migrates the database, nothing unlocked
    station.auth.sign_in("operator", "...")   # unlocks the station key for this operator
    station.records.save_captured(enrollment)
    station.close()

The UI and the CLI use only what `Station` exposes (services, never SQLAlchemy).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, insert, select

from station.config import Settings
from station.domain import OperatorInfo, Role, regions
from station.domain.identifiers import station_id_problem
from station.services.audit import AuditService
from station.services.auth import AuthService
from station.services.context import StationContext
from station.services.errors import (
    AlreadyProvisioned,
    InvalidInput,
    UnknownOperator,
)
from station.services.identity import ConfigStore, StationIdentity
from station.services.operators import (
    OperatorService,
    check_password_rules,
    insert_operator,
    new_password_slot,
)
from station.services.records import RecordService
from storage import migrate, vault
from storage.db import make_engine
from storage.schema import key_slots

log = logging.getLogger(__name__)

RECOVERY_SLOT = "recovery"


@dataclass(frozen=True)
class DemoCredential:
    username: str
    password: str
    role: str


DEMO_STATION_ID = "DEMO-BLITAR-01"
DEMO_REGION = "35.05"
DEMO_OPERATORS = (
    DemoCredential("admin", "rekam-admin", Role.ADMIN.value),
    DemoCredential("supervisor", "rekam-supervisor", Role.SUPERVISOR.value),
    DemoCredential("operator", "rekam-operator", Role.OPERATOR.value),
)
_DEMO_NAMES = {"admin": "Admin Demo", "supervisor": "Supervisor Demo", "operator": "Operator Demo"}


class Station:
    """One open station data directory and its services."""

    def __init__(self, settings: Settings, engine: Engine):
        self.settings = settings
        self.engine = engine
        self._ctx = StationContext(engine, settings)
        self.auth = AuthService(self._ctx)
        self.operators = OperatorService(self._ctx)
        self.records = RecordService(self._ctx)
        self.outbox = self.records  # the transactional outbox is part of the record service
        self.audit = AuditService(self._ctx)
        self.identity = StationIdentity(self._ctx)
        self.config_store = ConfigStore(self._ctx)

    # --- state --------------------------------------------------------------------------------
    def is_provisioned(self) -> bool:
        return self._ctx.is_provisioned()

    @property
    def station_id(self) -> str:
        return self._ctx.station_id

    @property
    def region_code(self) -> str:
        return self._ctx.config_get("region_code") or self.settings.region_code

    def close(self) -> None:
        """Sign out (dropping the keys from memory) and close the database."""
        try:
            if self._ctx.session is not None:
                self.auth.sign_out()
        finally:
            self._ctx.drop_keys()
            self.engine.dispose()

    def __enter__(self) -> Station:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- provisioning -------------------------------------------------------------------------
    def provision(
        self,
        station_id: str,
        region_code: str,
        admin_username: str,
        admin_password: str,
        admin_display_name: str = "",
        kdf: vault.KdfParams = vault.DEFAULT_KDF,
    ) -> str:
        """Create the station key, identity, first admin and recovery slot. Returns the recovery
        code, which exists nowhere else: show it once and have IT staff write it down."""
        ctx = self._ctx
        if self.is_provisioned():
            raise AlreadyProvisioned(self.station_id)
        station_id = station_id.strip()
        problem = station_id_problem(station_id)  # the id every packet of this station carries
        if problem is not None:
            raise InvalidInput(problem.code, problem.message_id, problem.message_en)
        try:
            region = regions.normalize_code(region_code)
            regions.get(region)
        except (KeyError, ValueError):
            raise InvalidInput(
                "REGION_UNKNOWN", f"Kode wilayah {region_code!r} tidak dikenal.",
                f"Unknown region code {region_code!r}.",
            ) from None
        try:
            admin = OperatorInfo(username=admin_username, display_name=admin_display_name or
                                 admin_username, role=Role.ADMIN)
        except ValueError as exc:
            raise InvalidInput("OPERATOR_INVALID", f"Nama admin tidak sah: {exc}",
                               f"Invalid admin name: {exc}") from None
        check_password_rules(admin_password)
        station_key = vault.new_key()
        keys = vault.StationKeys(station_key)
        identity = Ed25519PrivateKey.generate()
        raw_private = identity.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        public = identity.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        recovery_code = vault.new_recovery_code()
        salt = vault.new_salt()
        with ctx.transaction() as conn:
            existing = ctx.config_get("station_id", conn=conn)
            if existing is not None:  # another process provisioned it a moment ago
                raise AlreadyProvisioned(existing)
            settings = {
                "station_id": station_id,
                "region_code": region,
                "identity_public_key": vault.b64(public),
                "identity_private_sealed": vault.b64(
                    vault.seal(keys.identity_key, raw_private, b"rekam/identity/v1")),
                "kdf": kdf.to_json(),
                "provisioned_at": datetime.now(UTC).isoformat(),
            }
            for key, value in settings.items():
                ctx.config_put(conn, key, value)
            insert_operator(conn, admin.username, admin.display_name, Role.ADMIN)
            new_password_slot(conn, station_key, admin.username, admin_password, kdf)
            conn.execute(insert(key_slots).values(
                slot_id=RECOVERY_SLOT, kind="recovery", username=None, kdf=kdf.to_json(),
                salt=salt, created_at=datetime.now(UTC),
                wrapped_key=vault.wrap_in_slot(
                    station_key, vault.normalize_recovery_code(recovery_code), RECOVERY_SLOT,
                    salt, kdf),
            ))
            ctx.audit(conn, "provision", actor=admin.username, station_id=station_id,
                      region=region, kdf_memory_kib=kdf.memory_kib)
            # The first checkpoint, signed with the fresh identity (no sign-in exists yet).
            from storage import audit as chain

            chain.checkpoint(conn, station_id, identity.sign)
        keys.wipe()
        return recovery_code

    def recover(self, recovery_code: str, username: str, new_password: str) -> None:
        """IT staff: open the station key with the recovery code and set a new password for an
        operator (e.g. the only admin forgot theirs). Clears that operator's locks."""
        from sqlalchemy import delete, update

        from storage.schema import operators

        ctx = self._ctx
        check_password_rules(new_password)
        with ctx.engine.connect() as conn:
            slot = conn.execute(select(key_slots).where(key_slots.c.slot_id == RECOVERY_SLOT)).one()
            op = conn.execute(select(operators).where(
                operators.c.username == username.strip().lower())).first()
        if op is None:
            raise UnknownOperator(username)
        kdf = vault.KdfParams.from_json(slot.kdf)
        try:
            station_key = vault.open_slot(slot.wrapped_key, vault.normalize_recovery_code(
                recovery_code), RECOVERY_SLOT, slot.salt, kdf)
        except vault.Invalid:
            with ctx.transaction() as conn:
                ctx.audit(conn, "recovery", actor="recovery", target=op.username, ok=False)
            raise InvalidInput(
                "WRONG_RECOVERY_CODE", "Kode pemulihan salah.", "Wrong recovery code."
            ) from None
        operator_kdf = vault.KdfParams.from_json(ctx.config_get("kdf") or kdf.to_json())
        with ctx.transaction() as conn:
            conn.execute(delete(key_slots).where(key_slots.c.username == op.username))
            new_password_slot(conn, station_key, op.username, new_password, operator_kdf)
            conn.execute(update(operators).where(operators.c.username == op.username).values(
                locked=False, failed_attempts=0, lockout_until=None, lockout_level=0))
            ctx.audit(conn, "recovery", actor="recovery", target=op.username, ok=True)


def _secure_dir(path: os.PathLike[str] | str) -> None:
    os.makedirs(path, mode=0o700, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:  # not ours to change (e.g. a mounted volume): keep going
        log.warning("could not restrict permissions of the data directory")


def open_station(settings: Settings) -> Station:
    """Open (creating and migrating if needed) the station in settings.data_dir."""
    _secure_dir(settings.data_dir)
    engine = make_engine(settings.database_path)
    try:
        migrate.upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Station(settings, engine)


def provision_demo(
    settings: Settings, kdf: vault.KdfParams = vault.DEFAULT_KDF
) -> list[DemoCredential]:
    """Provision the demo station on first run (station DEMO-BLITAR-01, region 35.05, the three
    demo operators); later runs only return the credentials. Never for real stations."""
    station = open_station(settings)
    try:
        if not station.is_provisioned():
            admin = DEMO_OPERATORS[0]
            station.provision(DEMO_STATION_ID, DEMO_REGION, admin.username, admin.password,
                              _DEMO_NAMES[admin.username], kdf=kdf)
            log.info("demo station provisioned")
        with station.engine.connect() as conn:
            from storage.schema import operators

            present = set(conn.execute(select(operators.c.username)).scalars())
        missing = [c for c in DEMO_OPERATORS if c.username not in present]
        if missing:
            admin = DEMO_OPERATORS[0]
            station.auth.sign_in(admin.username, admin.password)
            for cred in missing:
                station.operators.add(cred.username, _DEMO_NAMES[cred.username], Role(cred.role),
                                      cred.password)
            station.auth.sign_out()
    finally:
        station.close()
    return [DEMO_OPERATORS[2], DEMO_OPERATORS[1], DEMO_OPERATORS[0]]
