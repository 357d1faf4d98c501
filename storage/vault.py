"""Keys and authenticated encryption (AES-256-GCM, Argon2id, HKDF, HMAC) from `cryptography`.

Key hierarchy:
- the *station key* (32 random bytes) exists on disk only wrapped in key slots: one per operator
  password and one for the recovery code, each under a key derived with Argon2id;
- from the station key, HKDF derives the *wrap key* (wraps per-record data keys), the *NIK index
  key* (HMAC blind index) and the *identity seal key* (seals the Ed25519 identity private key);
- each record has its own *data key*; every personal field is sealed under it with associated
  data binding the record id and the field name, so ciphertexts cannot be swapped or moved.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE = 12
KEY = 32
OVERHEAD = NONCE + 16  # nonce + GCM tag, per sealed field


class Invalid(Exception):
    """Authentication failed: wrong key / password, or the ciphertext was altered."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored with each slot so it opens with the cost it was made with."""

    memory_kib: int = 65536
    iterations: int = 2
    lanes: int = 2
    name: str = "argon2id"

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return Argon2id(
            salt=salt,
            length=KEY,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        ).derive(secret)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        data = json.loads(text)
        if data.get("name") != "argon2id":
            raise ValueError(f"unknown KDF {data.get('name')!r}")
        return cls(**data)


# About 0.13 s per sign-in on two idle cores (0.35 s when busy; see docs/storage-and-keys.md);
# 64 MiB per guess makes GPU and ASIC guessing costly. Above the OWASP minimum (19 MiB, t=2).
DEFAULT_KDF = KdfParams()
# Only for automated tests, chosen explicitly (`rekam init --kdf fast`, `kdf=FAST_KDF_FOR_TESTS`).
FAST_KDF_FOR_TESTS = KdfParams(memory_kib=1024, iterations=1, lanes=1)
KDF_PROFILES = {"default": DEFAULT_KDF, "fast": FAST_KDF_FOR_TESTS}


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def seal_fields(key: bytes, record_id: str, fields: dict[str, bytes]) -> dict[str, bytes]:
    """Seal every field of one record under its data key (one cipher object for all)."""
    aead = AESGCM(key)
    out = {}
    for name, plaintext in fields.items():
        nonce = os.urandom(NONCE)
        out[name] = nonce + aead.encrypt(nonce, plaintext, field_aad(record_id, name))
    return out


def unseal(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < OVERHEAD:
        raise Invalid("ciphertext too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], aad)
    except InvalidTag:
        raise Invalid("authentication failed") from None


def field_aad(record_id: str, field: str) -> bytes:
    return b"rekam/field/v1\x00" + record_id.encode() + b"\x00" + field.encode()


def data_key_aad(record_id: str) -> bytes:
    return b"rekam/data-key/v1\x00" + record_id.encode()


def slot_aad(slot_id: str) -> bytes:
    return b"rekam/slot/v1\x00" + slot_id.encode()


def new_key() -> bytes:
    return os.urandom(KEY)


def new_salt() -> bytes:
    return os.urandom(16)


def wrap_in_slot(
    station_key: bytes, secret: str, slot_id: str, salt: bytes, kdf: KdfParams
) -> bytes:
    kek = kdf.derive(secret.encode("utf-8"), salt)
    return seal(kek, station_key, slot_aad(slot_id))


def open_slot(wrapped: bytes, secret: str, slot_id: str, salt: bytes, kdf: KdfParams) -> bytes:
    kek = kdf.derive(secret.encode("utf-8"), salt)
    return unseal(kek, wrapped, slot_aad(slot_id))


class StationKeys:
    """The station key and what HKDF derives from it. Lives only in memory while unlocked."""

    def __init__(self, station_key: bytes):
        if len(station_key) != KEY:
            raise ValueError("station key must be 32 bytes")
        self._station_key = bytearray(station_key)
        self.wrap_key = self._derive(b"rekam data-key wrap v1")
        self.nik_key = self._derive(b"rekam nik blind index v1")
        self.identity_key = self._derive(b"rekam identity seal v1")

    def _derive(self, info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=KEY, salt=None, info=info).derive(
            bytes(self._station_key)
        )

    @property
    def station_key(self) -> bytes:
        return bytes(self._station_key)

    def nik_index(self, nik: str) -> bytes:
        return hmac.new(self.nik_key, nik.strip().encode("ascii"), hashlib.sha256).digest()

    def wrap_data_key(self, record_id: str, data_key: bytes) -> bytes:
        return seal(self.wrap_key, data_key, data_key_aad(record_id))

    def unwrap_data_key(self, record_id: str, wrapped: bytes) -> bytes:
        return unseal(self.wrap_key, wrapped, data_key_aad(record_id))

    def wipe(self) -> None:
        """Best effort: overwrite the mutable copy; derived keys are dropped with the object."""
        for i in range(len(self._station_key)):
            self._station_key[i] = 0
        self.wrap_key = self.nik_key = self.identity_key = b""


_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_recovery_code() -> str:
    """25 characters (125 bits) in five groups, e.g. K7QX2-..., easy to read aloud and type."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(25))
    return "-".join(chars[i : i + 5] for i in range(0, 25, 5))


def normalize_recovery_code(code: str) -> str:
    chars = "".join(c for c in code.upper() if c.isalnum())
    return "-".join(chars[i : i + 5] for i in range(0, len(chars), 5))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
