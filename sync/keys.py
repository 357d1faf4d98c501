"""Key material of the sync protocol and the files that carry public keys between machines.

- The **server** holds an HPKE key pair (RFC 9180; default KEM ML-KEM-768+X25519, X25519 as the
  classical alternative) that packets are encrypted to, and an Ed25519 key that signs receipts.
- A **station** holds an Ed25519 key that signs packets and batch manifests (kept by the store;
  here only its public half, as exported for registration).

Public key files are canonical JSON (see docs/packet-format.md, "Key files").
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519

from station.domain.identifiers import station_id_problem
from sync import canonical
from sync.errors import FormatError, SignatureError


class KemId(IntEnum):
    """HPKE KEM identifiers written in packet headers (IANA HPKE registry values)."""

    X25519 = 0x0020  # DHKEM(X25519, HKDF-SHA256), RFC 9180
    MLKEM768_X25519 = 0x647A  # ML-KEM-768 + X25519 hybrid (X-Wing style), draft-ietf-hpke-pq


class KdfId(IntEnum):
    HKDF_SHA256 = 0x0001


class AeadId(IntEnum):
    AES_256_GCM = 0x0002


SUITE_NAMES = {"mlkem768-x25519": KemId.MLKEM768_X25519, "x25519": KemId.X25519}
DEFAULT_SUITE = "mlkem768-x25519"

_KEM = {KemId.X25519: hpke.KEM.X25519, KemId.MLKEM768_X25519: hpke.KEM.MLKEM768_X25519}
_PUB_LEN = {KemId.X25519: 32, KemId.MLKEM768_X25519: 1184 + 32}
_PRIV_LEN = {KemId.X25519: 32, KemId.MLKEM768_X25519: 64 + 32}


def suite_for(kem: KemId) -> hpke.Suite:
    return hpke.Suite(_KEM[kem], hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise FormatError("KEY_FILE_INVALID", f"{what} tidak ada", f"{what} is missing")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise FormatError(
            "KEY_FILE_INVALID", f"{what} bukan base64 yang sah", f"{what} is not valid base64"
        ) from None


def key_id_of(kem: KemId, public_bytes: bytes) -> bytes:
    """16-byte id of a server encryption key: SHA-256(kem id as u16 BE || public key)[:16]."""
    return hashlib.sha256(int(kem).to_bytes(2, "big") + public_bytes).digest()[:16]


def _hpke_public(kem: KemId, raw: bytes):  # noqa: ANN202 - two unrelated key classes
    if len(raw) != _PUB_LEN[kem]:
        raise FormatError(
            "KEY_FILE_INVALID",
            f"panjang kunci publik {len(raw)} salah untuk {kem.name}",
            f"public key length {len(raw)} is wrong for {kem.name}",
        )
    try:
        if kem is KemId.X25519:
            return x25519.X25519PublicKey.from_public_bytes(raw)
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(raw[:1184]),
            x25519.X25519PublicKey.from_public_bytes(raw[1184:]),
        )
    except ValueError as exc:
        raise FormatError(
            "KEY_FILE_INVALID", f"kunci publik rusak: {exc}", f"damaged public key: {exc}"
        ) from None


@dataclass(frozen=True)
class ServerPublicKey:
    """What a station is provisioned with: where to encrypt, whose receipts to trust."""

    kem: KemId
    encryption_key: bytes  # raw public bytes (ML-KEM-768 encapsulation key || X25519, or X25519)
    signing_key: bytes  # raw Ed25519 public key (32 bytes)

    @cached_property
    def key_id(self) -> bytes:
        return key_id_of(self.kem, self.encryption_key)

    @cached_property
    def _hpke_public(self):  # noqa: ANN202
        return _hpke_public(self.kem, self.encryption_key)

    @cached_property
    def _verifier(self) -> ed25519.Ed25519PublicKey:
        return ed25519.Ed25519PublicKey.from_public_bytes(self.signing_key)

    def hpke_public_key(self):  # noqa: ANN201
        return self._hpke_public

    def verify(self, signature: bytes, message: bytes) -> None:
        try:
            self._verifier.verify(signature, message)
        except InvalidSignature:
            raise SignatureError(
                "RECEIPT_SIGNATURE_INVALID",
                "Tanda tangan server pada tanda terima tidak sah (dipalsukan atau kunci "
                "server lain).",
                "The server's signature on the receipt does not verify (forged, or another "
                "server's key).",
            ) from None

    def to_json(self) -> bytes:
        return canonical.dumps(
            {
                "format": "rekam-server-key",
                "version": 1,
                "kem": self.kem.name,
                "kdf": KdfId.HKDF_SHA256.name,
                "aead": AeadId.AES_256_GCM.name,
                "encryption_public_key": b64(self.encryption_key),
                "signing_public_key": b64(self.signing_key),
                "key_id": self.key_id.hex(),
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> ServerPublicKey:
        doc = _load_doc(data, "rekam-server-key", "kunci server", "server key")
        try:
            kem = KemId[str(doc.get("kem"))]
        except KeyError:
            raise FormatError(
                "KEY_FILE_INVALID",
                f"suite KEM tidak dikenal: {doc.get('kem')!r}",
                f"unknown KEM suite: {doc.get('kem')!r}",
            ) from None
        if doc.get("kdf") != "HKDF_SHA256" or doc.get("aead") != "AES_256_GCM":
            raise FormatError("KEY_FILE_INVALID", "KDF/AEAD tidak didukung", "unsupported KDF/AEAD")
        enc = unb64(doc.get("encryption_public_key"), "encryption_public_key")
        sig = unb64(doc.get("signing_public_key"), "signing_public_key")
        _hpke_public(kem, enc)
        _ed_public(sig)
        key = cls(kem, enc, sig)
        if doc.get("key_id") != key.key_id.hex():
            raise FormatError(
                "KEY_FILE_INVALID",
                "key_id tidak cocok dengan kunci (berkas diubah?)",
                "key_id does not match the key (file altered?)",
            )
        return key


def _ed_public(raw: bytes) -> ed25519.Ed25519PublicKey:
    try:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise FormatError(
            "KEY_FILE_INVALID",
            "kunci tanda tangan Ed25519 harus 32 bita",
            "an Ed25519 signing key must be 32 bytes",
        ) from None


def _load_doc(data: bytes, fmt: str, what_id: str, what_en: str) -> dict:
    try:
        doc = canonical.loads(data)
    except (UnicodeDecodeError, ValueError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != fmt or doc.get("version") != 1:
        raise FormatError(
            "KEY_FILE_INVALID",
            f"Berkas bukan {what_id} Rekam versi 1.",
            f"The file is not a Rekam {what_en} file, version 1.",
        )
    return doc


@dataclass(frozen=True)
class ServerKeyPair:
    """The receiver's private keys. Stored by the receiver only (file mode 0600)."""

    kem: KemId
    encryption_private: bytes  # ML-KEM seed (64) || X25519 private (32), or X25519 private (32)
    signing_private: bytes  # Ed25519 private seed (32)

    @classmethod
    def generate(cls, suite: str = DEFAULT_SUITE) -> ServerKeyPair:
        kem = SUITE_NAMES[suite]
        xk = x25519.X25519PrivateKey.generate().private_bytes_raw()
        if kem is KemId.MLKEM768_X25519:
            priv = mlkem.MLKEM768PrivateKey.generate().private_bytes_raw() + xk
        else:
            priv = xk
        return cls(kem, priv, ed25519.Ed25519PrivateKey.generate().private_bytes_raw())

    def hpke_private_key(self):  # noqa: ANN201
        return self._hpke_private

    @cached_property
    def _hpke_private(self):  # noqa: ANN202
        if self.kem is KemId.X25519:
            return x25519.X25519PrivateKey.from_private_bytes(self.encryption_private)
        return hpke.MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(self.encryption_private[:64]),
            x25519.X25519PrivateKey.from_private_bytes(self.encryption_private[64:]),
        )

    def public(self) -> ServerPublicKey:
        return self._public

    @cached_property
    def _public(self) -> ServerPublicKey:
        if self.kem is KemId.X25519:
            enc = (
                x25519.X25519PrivateKey.from_private_bytes(self.encryption_private)
                .public_key()
                .public_bytes_raw()
            )
        else:
            enc = (
                mlkem.MLKEM768PrivateKey.from_seed_bytes(self.encryption_private[:64])
                .public_key()
                .public_bytes_raw()
                + x25519.X25519PrivateKey.from_private_bytes(self.encryption_private[64:])
                .public_key()
                .public_bytes_raw()
            )
        signing = ed25519.Ed25519PrivateKey.from_private_bytes(self.signing_private)
        return ServerPublicKey(self.kem, enc, signing.public_key().public_bytes_raw())

    @cached_property
    def _signer(self) -> ed25519.Ed25519PrivateKey:
        return ed25519.Ed25519PrivateKey.from_private_bytes(self.signing_private)

    def sign(self, message: bytes) -> bytes:
        return self._signer.sign(message)

    def to_json(self) -> bytes:
        return canonical.dumps(
            {
                "format": "rekam-server-private-key",
                "version": 1,
                "kem": self.kem.name,
                "encryption_private_key": b64(self.encryption_private),
                "signing_private_key": b64(self.signing_private),
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> ServerKeyPair:
        doc = _load_doc(
            data, "rekam-server-private-key", "kunci privat server", "server private key"
        )
        try:
            kem = KemId[str(doc.get("kem"))]
        except KeyError:
            raise FormatError("KEY_FILE_INVALID", "KEM tidak dikenal", "unknown KEM") from None
        enc = unb64(doc.get("encryption_private_key"), "encryption_private_key")
        sig = unb64(doc.get("signing_private_key"), "signing_private_key")
        if len(enc) != _PRIV_LEN[kem] or len(sig) != 32:
            raise FormatError("KEY_FILE_INVALID", "panjang kunci salah", "wrong key length")
        return cls(kem, enc, sig)

    def save(self, path: Path) -> None:
        write_private_file(path, self.to_json())


def write_private_file(path: Path, data: bytes) -> None:
    """Create a file only the owner can read, atomically (tmp -> fsync -> replace)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


@dataclass(frozen=True)
class StationPublicKey:
    """A station's identity as registered at the receiver."""

    station_id: str
    signing_key: bytes  # raw Ed25519 public key

    def __post_init__(self) -> None:
        check_station_id(self.station_id)
        _ed_public(self.signing_key)

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.signing_key).hexdigest()[:32]

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.signing_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_json(self) -> bytes:
        return canonical.dumps(
            {
                "format": "rekam-station-key",
                "version": 1,
                "station_id": self.station_id,
                "signing_public_key": b64(self.signing_key),
                "key_id": self.key_id,
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> StationPublicKey:
        doc = _load_doc(data, "rekam-station-key", "kunci stasiun", "station key")
        station_id = doc.get("station_id")
        if not isinstance(station_id, str):
            raise FormatError("KEY_FILE_INVALID", "station_id tidak ada", "station_id is missing")
        key = cls(station_id, unb64(doc.get("signing_public_key"), "signing_public_key"))
        if doc.get("key_id") != key.key_id:
            raise FormatError(
                "KEY_FILE_INVALID",
                "key_id tidak cocok dengan kunci (berkas diubah?)",
                "key_id does not match the key (file altered?)",
            )
        return key


def check_station_id(station_id: str) -> str:
    """The station id rule of the domain (station.domain.identifiers), as a FormatError."""
    problem = station_id_problem(station_id)
    if problem is not None:
        raise FormatError(problem.code, problem.message_id, problem.message_en)
    return station_id
