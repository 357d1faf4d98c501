"""The station's identity (Ed25519) and its non-secret settings store."""

from __future__ import annotations

from sqlalchemy import select

from station.domain import Permission
from station.services.context import RESERVED_KEYS, StationContext
from station.services.errors import InvalidInput
from storage.schema import config


class StationIdentity:
    """Signs packets, batches and audit checkpoints; the private key opens only while unlocked."""

    def __init__(self, ctx: StationContext):
        self._ctx = ctx

    @property
    def station_id(self) -> str:
        return self._ctx.station_id

    def public_key_bytes(self) -> bytes:
        """Raw 32-byte Ed25519 public key (register it with the collection server)."""
        return self._ctx.public_key_bytes()

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature; raises NotSignedIn / StationLocked while no operator has unlocked."""
        return self._ctx.identity_key().sign(data)


class ConfigStore:
    """Non-secret station settings (server URL, server public keys, TLS certificate ...).

    Values are text; store bytes as base64. Reading needs nothing; writing needs the SETTINGS
    permission (admin) and is audited with the key name (never the value).
    """

    def __init__(self, ctx: StationContext):
        self._ctx = ctx

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._ctx.config_get(key, default)

    def set(self, key: str, value: str) -> None:
        ctx = self._ctx
        ctx.require(Permission.SETTINGS)
        if key in RESERVED_KEYS:
            raise InvalidInput(
                "SETTING_RESERVED", f"Pengaturan {key} ditetapkan saat penyiapan stasiun.",
                f"The setting {key} is fixed at provisioning.",
            )
        if not key or len(key) > 64:
            raise InvalidInput("SETTING_KEY", "Nama pengaturan 1-64 karakter.",
                               "A setting name has 1-64 characters.")
        with ctx.transaction() as conn:
            ctx.config_put(conn, key, value)
            ctx.audit(conn, "settings", key=key)

    def keys(self) -> list[str]:
        with self._ctx.engine.connect() as conn:
            return list(conn.execute(select(config.c.key).order_by(config.c.key)).scalars())
