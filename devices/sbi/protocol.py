"""MOSIP SBI (Secure Biometric Interface, formerly MDS) 0.9.5 / 1.0: the wire facts both the
client and the simulator share.

From the public specification ("MOSIP Device Service Specification", SBI 1.0, and the 0.9.5
draft the MOSIP registration client also speaks):

* devices listen on 127.0.0.1, ports 4501-4600; verbs MOSIPDISC /device, MOSIPDINFO /info,
  CAPTURE and RCAPTURE /capture, STREAM /stream (MJPEG, >= 3 frames/s);
* device info, digital ID and every capture ``data`` block are compact JWS
  (``base64url(header).base64url(payload).base64url(signature)``), header ``alg`` RS256 with the
  signing certificate in ``x5c``; an unregistered L0 device sends its digital ID unsigned
  (``base64url(payload)``);
* ``hash`` chains captures on raw digests, as MOSIP computes and checks it:
  ``hash = HEX(SHA-256(previousHashBytes || SHA-256(bioValueBytes)))`` in upper case, where
  ``bioValueBytes`` is the decoded ISO record (before any encryption) and ``previousHashBytes`` is
  SHA-256 of the empty string for the first capture of a session (or when ``previousHash`` is
  empty) and otherwise the bytes that the previous ``hash`` hex string decodes to. The
  specification's prose ("previous hash + sha256 hash of the current biometric") leaves the
  encoding open; MOSIP's own code settles it: the mock SBI (mosip/mosip-mock-services,
  ``MockMDS/.../SBIServiceResponse.java``, ``getBiometricData``) builds the hash so and the
  compliance toolkit (mosip/mosip-compliance-toolkit, ``util/HashUtil.java`` ``generateHash``,
  used by ``validators/BioHashValidator.java``) checks it so. docs/driver-guide.md has worked
  vectors;
* deviceSubId 1 = left slap / left iris, 2 = right slap / right iris, 3 = two thumbs / both
  irises, 0 = unknown;
* error codes 0 and 100-109 are standard, 5xx are vendor specific.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from station.domain.enrollment import FingerPosition

PORT_RANGE = range(4501, 4601)
SPEC_VERSIONS = ("1.0", "0.9.5")  # newest first: the client picks the newest both speak

BIO_SUBTYPE = {
    FingerPosition.RIGHT_THUMB: "Right Thumb",
    FingerPosition.RIGHT_INDEX: "Right IndexFinger",
    FingerPosition.RIGHT_MIDDLE: "Right MiddleFinger",
    FingerPosition.RIGHT_RING: "Right RingFinger",
    FingerPosition.RIGHT_LITTLE: "Right LittleFinger",
    FingerPosition.LEFT_THUMB: "Left Thumb",
    FingerPosition.LEFT_INDEX: "Left IndexFinger",
    FingerPosition.LEFT_MIDDLE: "Left MiddleFinger",
    FingerPosition.LEFT_RING: "Left RingFinger",
    FingerPosition.LEFT_LITTLE: "Left LittleFinger",
}
POSITION_OF = {v.lower(): k for k, v in BIO_SUBTYPE.items()}

SUB_ID_LEFT_SLAP, SUB_ID_RIGHT_SLAP, SUB_ID_THUMBS = 1, 2, 3


def sub_id_for(position: FingerPosition) -> int:
    if position in (FingerPosition.RIGHT_THUMB, FingerPosition.LEFT_THUMB):
        return SUB_ID_THUMBS
    return SUB_ID_RIGHT_SLAP if position.is_right else SUB_ID_LEFT_SLAP


def position_of(bio_sub_type: str) -> FingerPosition | None:
    return POSITION_OF.get(str(bio_sub_type).strip().lower())


# Standard SBI error codes with what the operator should do (Bahasa Indonesia, English).
ERRORS: dict[str, tuple[str, str]] = {
    "100": ("Perangkat belum terdaftar di MOSIP; hubungi TI",
            "Device not registered with MOSIP; call IT staff"),
    "101": ("Tidak ada jari/wajah terdeteksi; letakkan dengan benar lalu ulangi",
            "No biometric detected; place the finger or face properly and try again"),
    "102": ("Kesalahan teknis saat ekstraksi; ulangi perekaman",
            "Technical error during extraction; capture again"),
    "103": ("Perangkat terdeteksi dibongkar (tamper); jangan dipakai, hubungi TI",
            "Device tamper detected; stop using it and call IT staff"),
    "104": ("Tidak dapat terhubung ke server manajemen perangkat",
            "Unable to connect to the device management server"),
    "105": ("Orientasi gambar salah; posisikan ulang lalu ulangi",
            "Image orientation error; reposition and try again"),
    "106": ("Perangkat tidak ditemukan; periksa kabel USB",
            "Device not found; check the USB cable"),
    "107": ("Kunci publik perangkat kedaluwarsa; hubungi TI",
            "Device public key expired; call IT staff"),
    "108": ("Kunci publik domain tidak ada; hubungi TI",
            "Domain public key missing; call IT staff"),
    "109": ("Jumlah biometrik yang diminta tidak didukung perangkat",
            "Requested number of biometrics not supported by the device"),
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest().upper()


EMPTY_HASH = sha256_hex(b"")  # the previousHash of a session's first capture


class HashFormatError(ValueError):
    """A hash or previousHash that is not 64 hex digits (a SHA-256 digest)."""


def hash_bytes(hex_hash: str | None) -> bytes:
    """The digest a previousHash / hash hex string stands for (either case). An empty or absent
    previousHash means the start of a chain: SHA-256 of the empty string, as MOSIP treats it."""
    text = (hex_hash or "").strip()
    if not text:
        return hashlib.sha256(b"").digest()
    if len(text) != 64:
        raise HashFormatError(f"a SHA-256 hash has 64 hex digits, this has {len(text)}")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise HashFormatError("the hash is not hexadecimal") from None


def chain_hash(previous_hash: str | None, biometric: bytes) -> str:
    """MOSIP's capture hash: HEX(SHA-256(previousHashBytes || SHA-256(biometric))), upper case.

    `previous_hash` is the previous capture's ``hash`` (hex, either case), or empty / EMPTY_HASH
    for the first capture of a session; `biometric` is the decoded bioValue (the ISO record as
    the device produced it, before any encryption)."""
    digest = hashlib.sha256(hash_bytes(previous_hash) + hashlib.sha256(biometric).digest())
    return digest.hexdigest().upper()


def chain_matches(previous_hash: str | None, biometric: bytes, claimed: str) -> bool:
    """Whether `claimed` is the MOSIP chain hash of `biometric` after `previous_hash`. Hex case
    does not matter (the specification says upper case; hex decoding is case-blind)."""
    text = str(claimed or "").strip()
    if len(text) != 64:
        return False
    try:
        return bytes.fromhex(text) == bytes.fromhex(chain_hash(previous_hash, biometric))
    except ValueError:
        return False


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# --------------------------------------------------------------------------------------------
# JWS (RS256 with x5c)
# --------------------------------------------------------------------------------------------


class JwsError(ValueError):
    """A data block that is not a well-formed, correctly signed JWS."""


@dataclass(frozen=True)
class Jws:
    header: dict[str, Any]
    payload: bytes
    signed: bool
    certificate: x509.Certificate | None

    def json(self) -> Any:
        try:
            return json.loads(self.payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise JwsError(f"payload is not JSON: {exc}") from None


def sign_jws(payload: bytes, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> str:
    header = {"alg": "RS256", "typ": "JWT",
              "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(payload)}"
    sig = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(sig)}"


def parse_jws(token: str, *, now: datetime | None = None) -> Jws:
    """Parse and verify a compact JWS against the certificate in its own x5c header.

    A single base64url part is an *unsigned* payload (allowed by SBI for unregistered L0
    devices); the caller decides whether unsigned is acceptable. This proves the block is intact
    and was signed by the holder of the x5c certificate's key - whether that certificate is one
    to trust is `verify_chain`'s job.
    """
    if not isinstance(token, str) or not token:
        raise JwsError("empty data block")
    parts = token.split(".")
    try:
        if len(parts) == 1:
            return Jws({}, b64url_decode(parts[0]), False, None)
        if len(parts) != 3:
            raise JwsError(f"a JWS has 3 parts, this has {len(parts)}")
        header = json.loads(b64url_decode(parts[0]))
        payload = b64url_decode(parts[1])
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise JwsError(f"not base64url/JSON: {exc}") from None
    if not isinstance(header, dict):
        raise JwsError("JWS header is not an object")
    if header.get("alg") != "RS256":
        raise JwsError(f"unsupported JWS algorithm {header.get('alg')!r} (expected RS256)")
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c:
        raise JwsError("JWS header has no x5c certificate")
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(x5c[0]))
    except ValueError as exc:
        raise JwsError(f"x5c certificate unreadable: {exc}") from None
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise JwsError("x5c certificate does not hold an RSA key")
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"), padding.PKCS1v15(),
                   hashes.SHA256())
    except InvalidSignature:
        raise JwsError("signature does not match the data") from None
    moment = now or datetime.now(UTC)
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        raise JwsError("device certificate not valid now (valid "
                       f"{cert.not_valid_before_utc:%Y-%m-%d} to "
                       f"{cert.not_valid_after_utc:%Y-%m-%d})")
    return Jws(header, payload, True, cert)


def load_trust_store(pem: bytes) -> list[x509.Certificate]:
    certs = x509.load_pem_x509_certificates(pem)
    if not certs:
        raise ValueError("no certificates in the trust store")
    return certs


def verify_chain(cert: x509.Certificate, trusted: list[x509.Certificate]) -> bool:
    """Whether `cert` is one of, or directly issued by one of, the trusted certificates."""
    for anchor in trusted:
        if cert == anchor:
            return True
        if cert.issuer != anchor.subject:
            continue
        try:
            cert.verify_directly_issued_by(anchor)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return False


# --------------------------------------------------------------------------------------------
# Authentication capture (CAPTURE): the biometric encrypted to the MOSIP server's key
# --------------------------------------------------------------------------------------------


def _auth_nonce(timestamp: str) -> bytes:
    # SBI: "The IV for the encryption is set to last 16 digits of the timestamp."
    return timestamp.encode("ascii")[-16:]


def seal_biometric(record: bytes, timestamp: str, server_cert: x509.Certificate
                   ) -> dict[str, str]:
    """What an L1 device does for CAPTURE: AES-256-GCM under a random session key (IV from the
    timestamp), the key wrapped with RSA-OAEP to the server certificate, and the certificate's
    SHA-256 thumbprint (upper-case hex) so the server knows which key to use."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = AESGCM.generate_key(256)
    sealed = AESGCM(key).encrypt(_auth_nonce(timestamp), record, None)
    public = server_cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    wrapped = public.encrypt(key, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                               algorithm=hashes.SHA256(), label=None))
    return {"bioValue": b64url(sealed), "sessionKey": b64url(wrapped),
            "thumbprint": server_cert.fingerprint(hashes.SHA256()).hex().upper()}


def open_biometric(bio_value: str, session_key: str, timestamp: str,
                   server_key: rsa.RSAPrivateKey) -> bytes:
    """The server side of `seal_biometric` (the station never holds this key; tests do)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = server_key.decrypt(b64url_decode(session_key),
                             padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                          algorithm=hashes.SHA256(), label=None))
    return AESGCM(key).decrypt(_auth_nonce(timestamp), b64url_decode(bio_value), None)


# --------------------------------------------------------------------------------------------
# Test certificates (the simulator's; never for production)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestPki:
    ca_key: rsa.RSAPrivateKey
    ca_cert: x509.Certificate
    device_key: rsa.RSAPrivateKey
    device_cert: x509.Certificate

    @property
    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)


def make_test_pki(serial: str = "SIM0000000001", days: int = 365) -> TestPki:
    """A throw-away 'device provider' CA and a device certificate it issued."""
    now = datetime.now(UTC) - timedelta(minutes=5)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Rekam SBI simulator"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = name("Rekam simulated device provider CA (TEST ONLY)")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    dev_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    dev_cert = (
        x509.CertificateBuilder().subject_name(name(f"Simulated device {serial}"))
        .issuer_name(ca_name).public_key(dev_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=min(days, 30)))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return TestPki(ca_key, ca_cert, dev_key, dev_cert)


# --------------------------------------------------------------------------------------------
# MJPEG (multipart/x-mixed-replace) parsing
# --------------------------------------------------------------------------------------------


class MjpegParser:
    """Feed bytes in any chunking; collect complete JPEG frames (found by SOI/EOI markers, so
    vendors' differing part headers and boundaries do not matter)."""

    MAX_BUFFER = 8 * 1024 * 1024

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buf += chunk
        frames = []
        while True:
            start = self._buf.find(b"\xff\xd8\xff")
            if start < 0:
                # keep a possible partial marker only
                del self._buf[:-2]
                break
            end = self._buf.find(b"\xff\xd9", start + 3)
            if end < 0:
                if start:
                    del self._buf[:start]
                if len(self._buf) > self.MAX_BUFFER:
                    raise ValueError("MJPEG frame larger than 8 MB")
                break
            frames.append(bytes(self._buf[start:end + 2]))
            del self._buf[:end + 2]
        return frames
